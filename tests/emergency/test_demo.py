"""The demo seeder: everything through the services, safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest

from emergency.demo import seed_emergency_demo
from emergency.models import (
    Accident,
    DispatchOrder,
    EmergencyPlan,
    EmergencyWarning,
    RescueTeam,
    StockMovement,
    Warehouse,
    WarningRecipient,
)
from emergency.selectors import stock_ledger_mismatches
from safety_platform.models import Fact

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Warehouse, StockMovement, RescueTeam, EmergencyWarning, Accident, EmergencyPlan, DispatchOrder)
    }


def test_demo_data_is_complete_consistent_and_idempotent(users: dict[str, Any], xinluo_chem: Any) -> None:
    seed_emergency_demo()
    first = counts()
    assert first["Warehouse"] == 4 and first["RescueTeam"] == 3 and first["Accident"] == 1
    assert first["EmergencyWarning"] == 1 and first["EmergencyPlan"] == 4 and first["DispatchOrder"] == 1
    assert WarningRecipient.objects.filter(enterprise=xinluo_chem, acknowledged_at__isnull=False).exists()
    assert EmergencyPlan.objects.drill_overdue().filter(enterprise=xinluo_chem).exists()
    assert Fact.objects.filter(kind="accident").count() == 2  # first report and the supplemented loss
    assert not stock_ledger_mismatches().exists()
    seed_emergency_demo()
    assert counts() == first
