"""Indicators over hazards (隐患) and the enterprises' hazard statistics and self-checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.choices import REGULATOR_SOURCES, SELF_REPORTED_SOURCES, HazardGrade, StatPeriodKind, StatReportStatus
from hazards.models import Hazard, HazardStatReport, SelfCheck

from .registry import Figure, Window, ids, indicator
from .scope import of_supervised, supervised_enterprises, under

HAZARD = "hazards.hazard"
ENTERPRISE = "enterprises.enterprise"


def _found_in(jurisdiction: Any, window: Window) -> Any:
    return Hazard.objects.counted().filter(
        under(jurisdiction), found_at__gte=window.start_at, found_at__lt=window.end_at
    )


def _per_enterprises(jurisdiction: Any, hazards: Any) -> Figure:
    found = ids(hazards)
    return Figure.share(found, out_of=supervised_enterprises(jurisdiction).count(), record_model=HAZARD)


@indicator("hazards_found", _("Hazards found (per 100 supervised enterprises)"))
def hazards_found(jurisdiction: Any, window: Window) -> Figure:
    """Hazards found in the period, by anyone; the base is the supervised enterprises."""
    return _per_enterprises(jurisdiction, _found_in(jurisdiction, window))


@indicator("hazards_found_by_regulator", _("Hazards found by inspectors (per 100 supervised enterprises)"))
def hazards_found_by_regulator(jurisdiction: Any, window: Window) -> Figure:
    return _per_enterprises(jurisdiction, _found_in(jurisdiction, window).filter(source__in=REGULATOR_SOURCES))


@indicator("hazards_self_reported", _("Hazards self-reported by enterprises (per 100 supervised enterprises)"))
def hazards_self_reported(jurisdiction: Any, window: Window) -> Figure:
    return _per_enterprises(jurisdiction, _found_in(jurisdiction, window).filter(source__in=SELF_REPORTED_SOURCES))


@indicator("hazard_closure_rate", _("Hazards found in the period and closed out by its end (share)"))
def hazard_closure_rate(jurisdiction: Any, window: Window) -> Figure:
    found = _found_in(jurisdiction, window)
    closed = ids(found.filter(closed_at__lt=window.end_at))
    return Figure.share(closed, out_of=found.count(), record_model=HAZARD)


@indicator("hazard_on_time_closure_rate", _("Hazards closed out on time (share of those due in the period)"))
def hazard_on_time_closure_rate(jurisdiction: Any, window: Window) -> Figure:
    """Hazards whose rectification deadline fell in the period (up to today), closed out by the deadline day.

    The deadline is a day: a hazard closed at any time on that day (local time) is on time.
    """
    due = Hazard.objects.counted().filter(under(jurisdiction), deadline__gte=window.start, deadline__lte=window.as_of)
    # One pass over the hazards due (the count and the ids together): at 1,000,000 hazards a second pass
    # for the count cost about a second per county (bench/assessment_dashboard.py).
    closed_in_time = Q(closed_at__isnull=False, closed_at__date__lte=F("deadline"))
    rows = list(
        due.annotate(on_time=Case(When(closed_in_time, then=Value(True)), default=Value(False)))
        .order_by("pk")
        .values_list("pk", "on_time")
    )
    on_time = [pk for pk, in_time in rows if in_time]
    return Figure.share(on_time, out_of=len(rows), record_model=HAZARD)


@indicator("major_hazards_overdue_or_listed", _("Major hazards overdue or under listed supervision"))
def major_hazards_overdue_or_listed(jurisdiction: Any, window: Window) -> Figure:
    """Major hazards still open at the end of the period (as of today for a running one) that were past
    their deadline then, or are under listed supervision (挂牌督办). The base is the supervised enterprises."""
    moment = min(window.end_at, timezone.now())
    open_then = (
        Hazard.objects.counted()
        .filter(under(jurisdiction), grade=HazardGrade.MAJOR, found_at__lt=moment)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
    )
    flagged = open_then.filter(
        Q(is_listed=True) | Q(deadline__lt=window.as_of) & (Q(submitted_at__isnull=True) | Q(submitted_at__gte=moment))
    )
    return _per_enterprises(jurisdiction, flagged)


@indicator("stats_filed_on_time", _("Quarterly hazard statistics filed on time (share of enterprises)"))
def stats_filed_on_time(jurisdiction: Any, window: Window) -> Figure:
    """Reports whose due date (the 15th after each quarter) fell in the period, up to today: filed by then.

    The base is one report per supervised enterprise per report due; a period with no report due is
    not scored.
    """
    due: list[tuple[int, int]] = []
    for year in range(window.start.year - 1, window.end.year + 1):
        for quarter in (1, 2, 3, 4):
            due_on = HazardStatReport.period_bounds(StatPeriodKind.QUARTER, year, quarter)[2]
            if window.start <= due_on <= window.as_of:
                due.append((year, quarter))
    enterprises = supervised_enterprises(jurisdiction)
    if not due:
        return Figure(numerator=Decimal(0), denominator=Decimal(0), record_model="hazards.hazardstatreport")
    which = Q(pk__in=[])
    for year, quarter in due:
        which |= Q(year=year, quarter=quarter)
    filed = ids(
        HazardStatReport.objects.filter(which, of_supervised(jurisdiction), kind=StatPeriodKind.QUARTER).filter(
            status=StatReportStatus.SUBMITTED, submitted_at__date__lte=F("due_on")
        )
    )
    return Figure.share(filed, out_of=enterprises.count() * len(due), record_model="hazards.hazardstatreport")


@indicator("self_check_coverage", _("Enterprises with a self-check in the period (share)"))
def self_check_coverage(jurisdiction: Any, window: Window) -> Figure:
    checks = SelfCheck.objects.filter(
        enterprise=OuterRef("pk"), performed_at__gte=window.start_at, performed_at__lt=window.end_at
    )
    enterprises = supervised_enterprises(jurisdiction)
    covered = ids(enterprises.filter(Exists(checks)))
    return Figure.share(covered, out_of=enterprises.count(), record_model=ENTERPRISE)
