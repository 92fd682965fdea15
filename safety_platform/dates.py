"""Calendar arithmetic the apps share, written once."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` calendar months (negative: back), clamped to the month's last day: 31 March − 1 month
    is 28 or 29 February."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
