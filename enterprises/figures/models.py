"""The enterprise figures of the dashboards counted per area, industry and supervising department.

Operating enterprises, risk points by colour, credit grades and blacklisting, and — per period — operating
enterprises that filed the quarter's hazard statistics on time, self-checked, or left a warning
unacknowledged. Counting them over 100,000 enterprises and their records costs seconds per page; these rows
hold the same counts, kept up to date in the transaction of each change (`enterprises.figures.services`)
and rebuilt nightly.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safety_platform.models.summary import AreaCount, AreaCountQuerySet


class EnterpriseFigureSummary(AreaCount):
    """企业指标汇总 — how many enterprises (or risk points) of one area, industry and supervising department
    have a fact, per period where the fact has one.

    Facts: `enterprises` (operating), `risk_<colour>` (risk points), `grade_<n>`, `blacklisted`; for
    operating enterprises only: `stats_on_time` (period `2026Q3`), `self_checked` and `unacknowledged`
    (periods `2026-07`, `2026Q3` and `2026`: an enterprise counts once per period however many records).
    """

    fact = models.CharField(_("fact"), max_length=20)
    period = models.CharField(_("period"), max_length=8, blank=True)
    n = models.IntegerField(_("count"), default=0)

    objects = AreaCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise figure summary")
        verbose_name_plural = _("enterprise figure summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "industry", "department_ref", "fact", "period"],
                name="enterprise_figure_summary_key",
            )
        ]
        # A page reads the timeless facts (period "") and those of one or two periods.
        indexes = [models.Index(fields=["period", "fact"], name="enterprise_figure_period_idx")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.industry_id}/{self.department_ref} {self.fact} {self.period}: {self.n}"


class EnterpriseFigures(models.Model):
    """What one enterprise last added to `EnterpriseFigureSummary` (its place and its facts), so a change
    of the enterprise or of one of its records replaces exactly its own share."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    jurisdiction_ref = models.PositiveIntegerField(_("jurisdiction number counted under"), default=0)
    industry_ref = models.PositiveIntegerField(_("industry number counted under"), default=0)
    department_ref = models.PositiveIntegerField(_("supervising department number counted under"), default=0)
    facts = models.JSONField(_("facts counted"), default=dict)  # {"fact|period": count}

    class Meta:
        verbose_name = _("enterprise figures")
        verbose_name_plural = _("enterprise figures")

    def __str__(self) -> str:
        return f"{self.enterprise_id}"
