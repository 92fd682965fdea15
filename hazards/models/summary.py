"""The hazards counted per area, industry, supervising department and month: what the dashboards read.

At 1,000,000 hazards the dashboards' GROUP BY over the hazards themselves costs seconds per page; this
table holds the same counts, a few thousand rows, kept up to date in the transaction that changes a
hazard (`hazards.services.summary`, connected in `hazards.receivers`) and rebuilt from the hazards by a
nightly task (idempotent: the rebuild replaces every row with counts taken from the hazards).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from safety_platform.choices import Role
from safety_platform.models.fields import industry_link, jurisdiction_link
from safety_platform.scoping import enterprise_scope_q


class HazardMonthSummaryQuerySet(models.QuerySet["HazardMonthSummary"]):
    def visible_to(self, user: Any) -> HazardMonthSummaryQuerySet:
        """The rows of the enterprises the user may see (the hazards' own rule, `enterprise_scope_q`): a
        row is one area, one industry and one supervising department, so each role's rule selects whole
        rows. Enterprise users and enterprise API keys see single enterprises, which rows cannot tell: none."""
        q = enterprise_scope_q(user, prefix="")
        if q is None:
            return self
        if getattr(user, "api_key", None) is None and user.is_active and not user.is_superuser:
            if user.role in (Role.INSPECTOR, Role.COUNTY_OFFICE) and user.jurisdiction_paths:
                return self.filter(q)  # jurisdiction__path__startswith, as on the summary's own area
            if user.role == Role.DEPARTMENT and user.department_id:
                return self.filter(department_ref=user.department_id)
        return self.none()


class HazardMonthSummary(models.Model):
    """隐患月度汇总 — hazards counted (voided ones never) per enterprise area, industry, supervising
    department and calendar month (local time).

    found / closed: found / closed in the month. open, major_open, major_listed: open now (the major ones,
    the listed major ones), counted in the month they were found. due: in a rectification state now,
    counted in the month of their deadline (overdue = due before this month + the days of this month before
    today, read from the hazards). Keyed by the enterprise's area, industry and department as they are now:
    moving an enterprise moves its hazards' counts.
    """

    jurisdiction = jurisdiction_link(on_delete=models.CASCADE)
    industry = industry_link(on_delete=models.CASCADE)
    # The supervising department's id, 0 for none: a NULL would never match the unique key, so two rows
    # of one area, industry and month could appear.
    department_ref = models.PositiveIntegerField(_("supervising department"), default=0)
    month = models.DateField(_("month"))
    found = models.IntegerField(_("found"), default=0)
    closed = models.IntegerField(_("closed"), default=0)
    open = models.IntegerField(_("open"), default=0)
    major_open = models.IntegerField(_("Major, open"), default=0)
    major_listed = models.IntegerField(_("major, under listed supervision"), default=0)
    due = models.IntegerField(_("due for rectification"), default=0)

    objects = HazardMonthSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard summary")
        verbose_name_plural = _("hazard summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "industry", "department_ref", "month"], name="hazard_summary_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.industry_id}/{self.department_ref} {self.month:%Y-%m}"
