"""A frozen clock for tests whose outcome depends on the date (a quarter, a year, "today", a deadline).

The platform's day is Shanghai's: 00:30 on 1 January in Shanghai is still 31 December in UTC, so the
boundary moments below are where a test that read the real clock (or `date.today()`, the machine's
UTC date) used to mean something else than it says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """An aware moment in Shanghai time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[dt.datetime]:
    """The clock stands still at `moment` (Python's clock only: PostgreSQL's NOW() keeps running)."""
    with time_machine.travel(moment, tick=False):
        yield moment
