"""The hazards counted per area, industry, supervising department and month: what the dashboards read.

At 1,000,000 hazards the dashboards' GROUP BY over the hazards themselves costs seconds per page; this
table holds the same counts, a few thousand rows, kept up to date in the transaction that changes a
hazard (`hazards.services.summary`, connected in `hazards.receivers`) and rebuilt from the hazards by a
nightly task (idempotent: the rebuild replaces every row with counts taken from the hazards).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safety_platform.models.summary import AreaCount, AreaCountQuerySet


class HazardMonthSummary(AreaCount):
    """隐患月度汇总 — hazards counted (voided ones never) per enterprise area, industry, supervising
    department and calendar month (local time).

    found / closed: found / closed in the month. open, major_open, major_listed, listed_open: open now (the
    major ones, the listed major ones, the listed ones), registered / remediated: waiting for assessment / for
    verification now, all counted in the month they were found. due: in a rectification state now, counted in
    the month of their deadline (overdue = due before this month + the days of this month before today, read
    from the hazards). Keyed by the enterprise's area, industry and department as they are now:
    moving an enterprise moves its hazards' counts.
    """

    month = models.DateField(_("month"))
    found = models.IntegerField(_("found"), default=0)
    closed = models.IntegerField(_("closed"), default=0)
    open = models.IntegerField(_("open hazards"), default=0)
    major_open = models.IntegerField(_("Major, open"), default=0)
    major_listed = models.IntegerField(_("major, under listed supervision"), default=0)
    due = models.IntegerField(_("due for rectification"), default=0)
    listed_open = models.IntegerField(_("open, under listed supervision"), default=0)
    registered = models.IntegerField(_("awaiting assessment"), default=0)
    remediated = models.IntegerField(_("awaiting verification"), default=0)

    objects = AreaCountQuerySet.as_manager()

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
