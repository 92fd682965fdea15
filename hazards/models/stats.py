"""Quarterly and annual hazard statistics that enterprises file (隐患排查治理情况统计)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safety_platform.dates import month_span
from safety_platform.models.fields import enterprise_link, person_link, rule_version_field
from safety_platform.scoping import ScopedQuerySet

from ..choices import StatPeriodKind, StatReportStatus

# The figures of a report, in the order they are shown; each is one filtered COUNT in SQL.
STAT_FIELDS = (
    "found_total",
    "found_general",
    "found_major",
    "found_self",
    "closed_total",
    "closed_major",
    "open_at_end",
    "major_open_at_end",
    "overdue_at_end",
)


class HazardStatReport(models.Model):
    """隐患统计报表 — an enterprise's hazard statistics for a quarter or a year, generated and filed.

    Due the 15th of the month after a quarter and 31 January for a year (SAWS Order 16 art. 14).
    The figures are computed from the hazard records; they are frozen when the report is submitted.
    """

    enterprise = enterprise_link(related_name="hazard_stats")
    kind = models.CharField(_("period"), max_length=10, choices=StatPeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0 for an annual report"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    due_on = models.DateField(_("due on"))
    # The rule-book version whose filing period (hazards.statistics.*_filing_days) set `due_on`.
    rule_version = rule_version_field()
    status = models.CharField(
        _("status"), max_length=10, choices=StatReportStatus.choices, default=StatReportStatus.DRAFT
    )
    found_total = models.PositiveIntegerField(_("hazards found"), default=0)
    found_general = models.PositiveIntegerField(_("general hazards found"), default=0)
    found_major = models.PositiveIntegerField(_("major hazards found"), default=0)
    found_self = models.PositiveIntegerField(_("found by the enterprise itself"), default=0)
    closed_total = models.PositiveIntegerField(_("hazards closed out"), default=0)
    closed_major = models.PositiveIntegerField(_("major hazards closed out"), default=0)
    open_at_end = models.PositiveIntegerField(_("open at the end of the period"), default=0)
    major_open_at_end = models.PositiveIntegerField(_("major hazards open at the end"), default=0)
    overdue_at_end = models.PositiveIntegerField(_("overdue at the end of the period"), default=0)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = person_link(_("submitted by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard statistics report")
        verbose_name_plural = _("hazard statistics reports")
        ordering = ["-period_end", "enterprise"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "year", "quarter"], name="hazard_stats_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(kind=StatPeriodKind.YEAR, quarter=0)
                | Q(kind=StatPeriodKind.QUARTER, quarter__gte=1, quarter__lte=4),
                name="hazard_stats_quarter_matches_kind",
            ),
        ]
        # "Who has not filed 2026Q3 on time" (the enterprise list's filter, the dashboards) reads one period's
        # reports for every enterprise: without this it scanned every report of every period.
        indexes = [models.Index(fields=["year", "quarter", "kind"], name="hazard_stats_period_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:stats_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.kind == StatPeriodKind.QUARTER else f"{self.year}"

    @property
    def period_key(self) -> str:
        return self.period_label

    @property
    def is_submitted(self) -> bool:
        return self.status == StatReportStatus.SUBMITTED

    @property
    def was_late(self) -> bool:
        if self.submitted_at is None:
            return False
        from django.utils import timezone

        return timezone.localtime(self.submitted_at).date() > self.due_on

    @staticmethod
    def period_bounds(kind: str, year: int, quarter: int = 0) -> tuple[dt.date, dt.date, dt.date]:
        """(first day, last day, due date) of a period: filed within the rule book's days after its end
        (SAWS Order 16: quarterly by the 15th of the next month, annual by 31 January)."""
        start, end, due, _version = HazardStatReport.period_rule(kind, year, quarter)
        return start, end, due

    @staticmethod
    def period_rule(kind: str, year: int, quarter: int = 0) -> tuple[dt.date, dt.date, dt.date, str]:
        """`period_bounds` and the version of the rule book that set the due date."""
        from safety_platform.rules import rule_number

        from ..legal_numbers import STATISTICS_QUARTER_DAYS, STATISTICS_YEAR_DAYS

        is_year = kind == StatPeriodKind.YEAR
        start, end = month_span(year, 1, 12) if is_year else month_span(year, 3 * quarter - 2, 3)
        days = rule_number(STATISTICS_YEAR_DAYS if is_year else STATISTICS_QUARTER_DAYS, on=end)
        return start, end, end + dt.timedelta(days=days.days), days.version
