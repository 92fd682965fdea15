"""Which enterprises are behind on what they must do themselves: file the quarterly hazard statistics on
time, self-check in a period, acknowledge the warnings they were sent.

Each is a condition on the enterprise row (`Enterprise.objects.filter(condition)`), written as a NOT EXISTS
subquery correlated on the enterprise's id, so the database answers it from the other table's enterprise
index one enterprise at a time and never in a Python loop. The records are the domain apps' (hazards,
emergency), so each registers its conditions here (`register_enterprise_condition`) beside its share of
the dashboards' figures (`enterprises.figures.sources`): the list's filters and the figures count the same
records, which is what keeps a figure equal to the list it opens.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.db.models import Q
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


def day_moments(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of the first day, start of the day after the last) in local time."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


# A condition on the enterprise row for the days from `start` to `end` (a period's bounds).
Condition = Callable[[dt.date, dt.date], Q]

_CONDITIONS: dict[str, Condition] = {}


def register_enterprise_condition(name: str, condition: Condition) -> None:
    """Offer a condition to the enterprise list's filter of this name (the domain app whose records it reads
    registers it from its `AppConfig.ready()`: the registry imports no domain app)."""
    _CONDITIONS[name] = condition


def enterprise_condition_q(name: str, start: dt.date, end: dt.date) -> Q:
    """The registered condition `name` for the period from `start` to `end`."""
    return _CONDITIONS[name](start, end)
