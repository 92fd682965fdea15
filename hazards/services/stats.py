"""Quarterly and annual hazard statistics: generated from the records in SQL, filed on a statutory clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import FactKind, Role
from safety_platform.locking import lock_found
from safety_platform.services import DomainError, deadline_met, deadline_open, fact_record

from ..choices import (
    DEADLINE_STATISTICS,
    SELF_REPORTED_SOURCES,
    HazardGrade,
    StatPeriodKind,
    StatReportStatus,
)
from ..models import STAT_FIELDS, Hazard, HazardStatReport
from .loop import actor_role

STATISTICS_BASIS = "《安全生产事故隐患排查治理暂行规定》第十四条"


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return begin, stop


def stat_figures(*, enterprise_id: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """The report's figures for [start, end] in one aggregate query over the hazard records.

    found_*: found in the period; closed_*: closed out in the period; *_at_end: still open when the
    period ended; overdue_at_end: open at the end, the deadline passed and no evidence submitted by then.
    """
    begin, stop = _bounds(start, end)
    found = Q(found_at__gte=begin, found_at__lt=stop)
    closed = Q(closed_at__gte=begin, closed_at__lt=stop)
    open_at_end = Q(found_at__lt=stop) & (Q(closed_at__isnull=True) | Q(closed_at__gte=stop))
    not_submitted = Q(submitted_at__isnull=True) | Q(submitted_at__gte=stop)
    major = Q(grade=HazardGrade.MAJOR)
    figures = (
        Hazard.objects.counted()
        .filter(enterprise_id=enterprise_id)
        .aggregate(
            found_total=Count("pk", filter=found),
            found_general=Count("pk", filter=found & Q(grade=HazardGrade.GENERAL)),
            found_major=Count("pk", filter=found & major),
            found_self=Count("pk", filter=found & Q(source__in=SELF_REPORTED_SOURCES)),
            closed_total=Count("pk", filter=closed),
            closed_major=Count("pk", filter=closed & major),
            open_at_end=Count("pk", filter=open_at_end),
            major_open_at_end=Count("pk", filter=open_at_end & major),
            overdue_at_end=Count("pk", filter=open_at_end & not_submitted & Q(deadline__lte=end)),
        )
    )
    return {name: int(figures[name] or 0) for name in STAT_FIELDS}


def period_of(day: dt.date, kind: str) -> tuple[int, int]:
    """(year, quarter) of the period containing `day` (quarter 0 for a year)."""
    return (day.year, 0) if kind == StatPeriodKind.YEAR else (day.year, (day.month - 1) // 3 + 1)


def previous_period(day: dt.date, kind: str) -> tuple[int, int]:
    """The last period that ended before `day`."""
    if kind == StatPeriodKind.YEAR:
        return day.year - 1, 0
    year, quarter = period_of(day, kind)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def stat_report_get_or_create(*, enterprise: Any, kind: str, year: int, quarter: int = 0) -> HazardStatReport:
    if kind not in StatPeriodKind.values:
        raise DomainError(_("Choose quarterly or annual."), field="kind", code="invalid")
    if kind == StatPeriodKind.QUARTER and quarter not in (1, 2, 3, 4):
        raise DomainError(_("Choose a quarter from 1 to 4."), field="quarter", code="invalid")
    if kind == StatPeriodKind.YEAR:
        quarter = 0
    start, end, due, rule_version = HazardStatReport.period_rule(kind, year, quarter)
    report, created = HazardStatReport.objects.get_or_create(
        enterprise=enterprise,
        kind=kind,
        year=year,
        quarter=quarter,
        defaults={"period_start": start, "period_end": end, "due_on": due, "rule_version": rule_version},
    )
    if created:
        _open_clock(report)
    return report


def _open_clock(report: HazardStatReport) -> None:
    tz = timezone.get_current_timezone()
    deadline_open(
        source=report,
        kind=DEADLINE_STATISTICS,
        title=_("File hazard statistics %(period)s: %(enterprise)s")
        % {"period": report.period_label, "enterprise": report.enterprise.name},
        due_at=dt.datetime.combine(report.due_on, dt.time(23, 59, 59), tzinfo=tz),
        enterprise=report.enterprise,
        url=report.get_absolute_url(),
        legal_basis=STATISTICS_BASIS,
    )


def stat_report_submit(
    *, report_id: int, actor: Any, note: str = "", at: dt.datetime | None = None
) -> HazardStatReport:
    """File a report: the figures are recomputed and frozen, the clock stops, the fact is recorded.

    `at` is when it was filed (default now); only the demo data passes an earlier time.
    """
    if actor_role(actor) != Role.ENTERPRISE:
        raise DomainError(_("The enterprise files its own statistics."), code="forbidden")
    with transaction.atomic():
        report = lock_found(
            HazardStatReport.objects.visible_to(actor).select_related("enterprise"),
            report_id,
            message=_("Report not found."),
        )
        if report.is_submitted:
            raise DomainError(_("This report has already been submitted."), code="stat_report_already_submitted")
        if timezone.localdate(at) <= report.period_end:
            raise DomainError(_("The period has not ended yet."), code="period_not_ended")
        figures = stat_figures(enterprise_id=report.enterprise_id, start=report.period_start, end=report.period_end)
        for name, value in figures.items():
            setattr(report, name, value)
        now = at or timezone.now()
        report.status = StatReportStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = actor
        report.note = (note or "").strip()
        report.save()
        deadline_met(source=report, kind=DEADLINE_STATISTICS, at=now)
        _record_fact(report, late=report.was_late, occurred_at=now)
    return report


def stat_report_fact_key(report: HazardStatReport) -> str:
    """The one credit outcome of an enterprise's period: filed on time or late, never both."""
    return f"hazstats:{report.enterprise_id}:{report.period_key}"


def _record_fact(report: HazardStatReport, *, late: bool, occurred_at: dt.datetime) -> None:
    # One fact per enterprise and period under one key, whichever path comes first: filed on time, or
    # late (a report filed after its clock flagged it late stays late, which is what happened). A
    # second filing of the same period is refused above, so it can never add a second outcome.
    fact_record(
        kind=FactKind.SELF_REPORT_LATE if late else FactKind.SELF_REPORT_FILED,
        dedup_key=stat_report_fact_key(report),
        occurred_at=occurred_at,
        enterprise=report.enterprise,
        source=report,
        payload={
            "report_id": report.pk,
            "period": report.period_key,
            "due_on": report.due_on.isoformat(),
            "submitted": report.is_submitted,
            **({name: getattr(report, name) for name in STAT_FIELDS} if report.is_submitted else {}),
        },
    )


def stat_report_record_late(*, report_id: int) -> bool:
    """Called when a statistics deadline passes unfiled (escalation). Idempotent through the fact's key."""
    report = HazardStatReport.objects.select_related("enterprise").filter(pk=report_id).first()
    if report is None or report.is_submitted:
        return False
    _record_fact(report, late=True, occurred_at=timezone.now())
    return True


def stat_reports_open_due(*, today: dt.date | None = None) -> int:
    """Create the draft reports (and clocks) of the last ended quarter — and in January of the last year —
    for every operating enterprise. Safe to run daily: existing reports are left alone."""
    from enterprises.models import Enterprise

    today = today or timezone.localdate()
    periods = [(StatPeriodKind.QUARTER, *previous_period(today, StatPeriodKind.QUARTER))]
    if today.month == 1:
        periods.append((StatPeriodKind.YEAR, *previous_period(today, StatPeriodKind.YEAR)))
    created = 0
    for kind, year, quarter in periods:
        have = HazardStatReport.objects.filter(kind=kind, year=year, quarter=quarter).values("enterprise_id")
        missing = Enterprise.objects.operating().exclude(pk__in=have).select_related("jurisdiction")
        for enterprise in missing.iterator(chunk_size=500):
            with transaction.atomic():
                stat_report_get_or_create(enterprise=enterprise, kind=kind, year=year, quarter=quarter)
            created += 1
    return created
