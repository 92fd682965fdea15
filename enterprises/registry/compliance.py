"""Which enterprises are behind on what they must do themselves: file the quarterly hazard statistics on
time, self-check in a period, acknowledge the warnings they were sent.

Each is a condition on the enterprise row (`Enterprise.objects.filter(condition)`), written as a NOT EXISTS
subquery correlated on the enterprise's id, so the database answers it from the other table's enterprise
index one enterprise at a time and never in a Python loop. The enterprise list's filters and the
dashboards' figures use the same conditions, which is what keeps a figure equal to the list it opens.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(\d{2}))?$")


def period_bounds(key: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of `2026Q3`, `2026-07` or `2026`; None when the key is none of these."""
    match = PERIOD.match((key or "").strip().upper())
    if match is None:
        return None
    year = int(match[1])
    if year < 2000 or year > 2100:
        return None
    if match[2]:
        first_month, last_month = 3 * int(match[2]) - 2, 3 * int(match[2])
    elif match[3]:
        first_month = last_month = int(match[3])
        if not 1 <= first_month <= 12:
            return None
    else:
        first_month, last_month = 1, 12
    end = (dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)) - dt.timedelta(days=1)
    return dt.date(year, first_month, 1), end


def _moments(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of the first day, start of the day after the last) in local time."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def stat_report_missing_q(year: int, quarter: int) -> Q:
    """No quarterly hazard statistics for (year, quarter) submitted by their due date (the 15th of the month
    after the quarter, local time): never filed, still a draft, or filed late (SAWS Order 16 art. 14)."""
    from hazards.choices import StatPeriodKind, StatReportStatus
    from hazards.models import HazardStatReport

    on_time = HazardStatReport.objects.filter(
        enterprise=OuterRef("pk"),
        kind=StatPeriodKind.QUARTER,
        year=year,
        quarter=quarter,
        status=StatReportStatus.SUBMITTED,
        submitted_at__date__lte=F("due_on"),
    )
    return ~Q(Exists(on_time))


def self_check_missing_q(start: dt.date, end: dt.date) -> Q:
    """No self-check (自查) performed from `start` to `end` (days, local time)."""
    from hazards.models import SelfCheck

    since, until = _moments(start, end)
    checks = SelfCheck.objects.filter(enterprise=OuterRef("pk"), performed_at__gte=since, performed_at__lt=until)
    return ~Q(Exists(checks))


def warning_unacknowledged_q(start: dt.date, end: dt.date) -> Q:
    """Sent a warning issued from `start` to `end` (days, local time) that it has not acknowledged (签收)."""
    from emergency.models import WarningRecipient

    since, until = _moments(start, end)
    pending = WarningRecipient.objects.filter(
        enterprise=OuterRef("pk"),
        acknowledged_at__isnull=True,
        warning__issued_at__gte=since,
        warning__issued_at__lt=until,
    )
    return Q(Exists(pending))
