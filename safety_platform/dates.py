"""Calendar and clock arithmetic the apps share, written once."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

# A time someone gives (from a phone, or typed by a clerk) may run a little ahead of the server's clock.
CLOCK_SKEW = dt.timedelta(minutes=5)


def is_future(at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Whether `at` is in the future: later than `now` (default: the server's clock) beyond the skew allowed."""
    return at > (timezone.now() if now is None else now) + CLOCK_SKEW


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` calendar months (negative: back), clamped to the month's last day: 31 March − 1 month
    is 28 or 29 February."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_span(year: int, first_month: int, months: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of `months` calendar months starting with `first_month` of `year`."""
    start = dt.date(year, first_month, 1)
    return start, add_months(start, months) - dt.timedelta(days=1)


def quarter_bounds(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    """The first and the last day of quarter 1–4 of `year`; without a quarter, of the whole year."""
    return month_span(year, 3 * quarter - 2, 3) if quarter else month_span(year, 1, 12)


def day_asked(query: Mapping[str, str], name: str = "on") -> dt.date:
    """The day the query parameter `name` gives as YYYY-MM-DD ("as of" a report's date), today when it is absent or
    empty; ValueError when it names no day. Each caller refuses in its own way: a page says so in a message and
    shows today, an API answers 400 naming the parameter."""
    raw = query.get(name, "")
    return dt.date.fromisoformat(raw) if raw else timezone.localdate()


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of `day` in the current (the platform's) time zone. A filter on a moment column by local
    days is a range between two of these on the column itself, which its index serves: `field__date` converts
    every row's moment to a local date first."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def local_text(at: dt.datetime, with_time: bool = True) -> str:
    """A moment as a clerk reads it: the platform's local date (and time), never the stored UTC one (a record's
    name in the admin and in change histories: "2026-12-17 01:25", not "2026-12-16 17:25")."""
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}" if with_time else f"{timezone.localtime(at):%Y-%m-%d}"
