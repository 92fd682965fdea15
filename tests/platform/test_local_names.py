"""A record's name (the admin's title and breadcrumb, change histories) gives its moment in Longyan's time: the
admin named a deadline due at 01:25 on 17 December "… (2026-12-16 17:25)", the stored UTC time."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.models import CreditRatingHistory
from emergency.models import ResponseLogEntry
from safety_platform.models import Fact, StatutoryDeadline

UTC = dt.UTC
LATE_EVENING_UTC = dt.datetime(2026, 12, 16, 17, 25, tzinfo=UTC)  # 01:25 on the 17th in Shanghai


@pytest.mark.parametrize(
    ("record", "shown"),
    [
        (StatutoryDeadline(title="确认信用记录", due_at=LATE_EVENING_UTC), "确认信用记录 (2026-12-17 01:25)"),
        (ResponseLogEntry(at=LATE_EVENING_UTC, actor_name="陈安委"), "2026-12-17 01:25 陈安委"),
        (Fact(kind="hazard_found", occurred_at=LATE_EVENING_UTC), "@ 2026-12-17"),
        (CreditRatingHistory(enterprise_id=7, grade=1, computed_at=LATE_EVENING_UTC), "@ 2026-12-17 01:25"),
    ],
)
def test_a_records_name_shows_its_moment_in_local_time(record: object, shown: str) -> None:
    assert shown in str(record)
    assert "2026-12-16" not in str(record)
