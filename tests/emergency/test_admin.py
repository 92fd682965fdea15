"""Admin: a rule-set version that graded an accident is frozen; ledger records are read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from emergency.models import GradingRuleSet, StockMovement
from emergency.services import accident_report, stock_receive
from tests.clock import shanghai
from tests.emergency.factories import hours_ago

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_used_rule_set_is_frozen_and_ledger_is_read_only(
    client: Any, users: dict[str, Any], xinluo_chem: Any, xinluo_store: Any, tent: Any
) -> None:
    rules = GradingRuleSet.objects.get()
    client.force_login(users["admin"])
    change = reverse("admin:emergency_gradingruleset_change", args=[rules.pk])
    assert 'name="larger_deaths"' in client.get(change).content.decode()
    accident_report(actor=users["enterprise"], title="x", category="industrial", occurred_at=hours_ago(1), location="x")
    assert 'name="larger_deaths"' not in client.get(change).content.decode()
    client.post(change, {"larger_deaths": 1})
    rules.refresh_from_db()
    assert rules.larger_deaths == 3
    stock_receive(actor=users["committee"], warehouse=xinluo_store, item=tent, quantity=1)
    movement = StockMovement.objects.get()
    assert client.get(reverse("admin:emergency_stockmovement_changelist")).status_code == 200
    assert (
        client.post(reverse("admin:emergency_stockmovement_delete", args=[movement.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert StockMovement.objects.filter(pk=movement.pk).exists()
