"""One clock-skew rule: a time someone gives may run up to five minutes ahead of the server before it is "in the future"
(safety_platform.dates.is_future; emergency's accident times and a hazard's found_at follow it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hazards.services import hazard_register
from safety_platform.dates import CLOCK_SKEW, is_future
from safety_platform.services import DomainError
from tests.clock import shanghai

pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))


def test_is_future_allows_five_minutes_of_skew() -> None:
    now = shanghai(2026, 12, 4, 10)
    assert dt.timedelta(minutes=5) == CLOCK_SKEW
    assert not is_future(now, now)
    assert not is_future(now + dt.timedelta(minutes=5), now)
    assert is_future(now + dt.timedelta(minutes=5, seconds=1), now)


def test_is_future_reads_the_server_clock_by_default() -> None:
    assert not is_future(timezone.now() + dt.timedelta(minutes=4))
    assert is_future(timezone.now() + dt.timedelta(minutes=6))


@pytest.mark.django_db
def test_a_hazard_found_a_little_ahead_is_taken_a_later_one_refused(xinluo_chem: Any) -> None:
    ahead = timezone.now() + dt.timedelta(minutes=4)
    hazard, created = hazard_register(
        enterprise=xinluo_chem, title="配电箱未接地", description="", source="inspection", found_at=ahead
    )
    assert created and hazard.found_at == ahead
    with pytest.raises(DomainError) as refused:
        hazard_register(
            enterprise=xinluo_chem,
            title="配电箱未接地",
            description="",
            source="inspection",
            found_at=timezone.now() + dt.timedelta(minutes=6),
        )
    assert refused.value.code == "invalid" and refused.value.field == "found_at"
