"""Filters by local day on a moment column ("found from / until", "closed from / until", accidents "from / to") are
ranges on the column itself, which its index serves (issue 16: `found_at__date` converted every hazard's moment to a
Shanghai date first, 0.35 s for a county's quarter at 1,000,000 hazards); the days' edges are Shanghai's."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from emergency.filtersets import AccidentFilterSet
from emergency.models import Accident
from hazards.filtersets import HazardFilterSet
from hazards.models import Hazard
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def test_found_and_closed_days_are_shanghai_days_edge_to_edge(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    moments = {
        "before": at(9, 23, 59),  # 15:59 UTC on the 9th
        "first": at(10, 0, 0),  # 16:00 UTC on the 9th: already the 10th in Shanghai
        "last": at(20, 23, 59),  # 15:59 UTC on the 20th
        "after": at(21, 0, 0),
    }
    made = {name: make_hazard(xinluo_chem, inspector=users["inspector"], found_at=m) for name, m in moments.items()}
    for name, moment in moments.items():  # closed at the same moments
        Hazard.objects.filter(pk=made[name].pk).update(
            state="closed", grade="general", closed_at=moment + dt.timedelta(days=1)
        )
    api_client.force_authenticate(users["committee"])

    def codes(**query: str) -> set[str]:
        response = api_client.get("/api/v1/hazards/", query)
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["results"]}

    inside = {made["first"].code, made["last"].code}
    assert codes(found_after="2026-11-10", found_before="2026-11-20") == inside
    assert codes(closed_after="2026-11-11", closed_before="2026-11-21") == inside
    assert codes(found_after="2026-11-21") == {made["after"].code}
    assert codes(found_before="2026-11-09") == {made["before"].code}


@pytest.mark.parametrize(
    ("filterset", "model", "query"),
    [
        (HazardFilterSet, Hazard, {"found_after": "2026-10-01", "found_before": "2026-12-31"}),
        (HazardFilterSet, Hazard, {"closed_after": "2026-10-01", "closed_before": "2026-12-31"}),
        (AccidentFilterSet, Accident, {"occurred_from": "2026-10-01", "occurred_to": "2026-12-31"}),
    ],
)
def test_the_day_filters_compare_the_column_itself(
    users: dict[str, Any], filterset: Any, model: Any, query: dict[str, str]
) -> None:
    filtered = filterset(query, queryset=model.objects.all(), request=None)
    assert filtered.is_valid(), filtered.errors
    sql = str(filtered.qs.query).upper()
    assert "AT TIME ZONE" not in sql and "::DATE" not in sql, sql
    assert "2026-10-01 00:00:00+08:00" in str(filtered.qs.query) or "2026-09-30 16:00:00" in str(filtered.qs.query)
