"""The hazards demo data: hazards in several states, a campaign, risk sources; safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest

from hazards.demo import seed_demo
from hazards.models import Campaign, Checklist, Hazard, HazardTransition, RiskSource
from tests.clock import shanghai
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_demo_seeder_adds_a_varied_loop_and_is_idempotent(org: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    EnterpriseFactory(
        name="新罗区西陂建筑工程有限公司",
        jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"),
        industry=org.industry("E4710"),
    )
    EnterpriseFactory(
        name="龙岩市新罗区雁石煤矿有限公司",
        jurisdiction=org.jurisdiction("新罗区/雁石镇/雁石第一网格"),
        industry=org.industry("B0610"),
    )
    seed_demo()
    counts = (Hazard.objects.count(), HazardTransition.objects.count(), RiskSource.objects.count())
    states = set(Hazard.objects.values_list("state", flat=True))
    assert {"registered", "assessed", "rectifying", "remediated", "closed"} <= states
    assert Hazard.objects.filter(grade="major", is_listed=True).exists()
    assert Hazard.objects.overdue().exists()
    assert Campaign.objects.get().hazards.exists()
    assert RiskSource.objects.filter(level="red").exists() and Checklist.objects.count() >= 3
    seed_demo()
    assert (Hazard.objects.count(), HazardTransition.objects.count(), RiskSource.objects.count()) == counts
    assert Campaign.objects.count() == 1
