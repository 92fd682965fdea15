"""hazard_register: the cross-app contract (readable codes, idempotency per source and external key)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hazards.models import Hazard, HazardTransition
from hazards.services import hazard_register
from safety_platform.services import DomainError
from tests.clock import shanghai

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("moment", "year"),
    [(shanghai(2026, 6, 15), 2026), (shanghai(2027, 1, 1, 0, 30), 2027)],  # 00:30 on 1 Jan: still 2026 in UTC
    ids=["mid-year", "new-year-0030"],
)
def test_register_gives_a_readable_code_per_county_and_year(
    moment: dt.datetime, year: int, xinluo_chem: Any, shanghang_site: Any, time_machine: Any
) -> None:
    time_machine.move_to(moment, tick=False)
    first, created = hazard_register(enterprise=xinluo_chem, title="A", description="", source="inspection")
    second, _ = hazard_register(enterprise=xinluo_chem, title="B", description="", source="self_check")
    other, _ = hazard_register(enterprise=shanghang_site, title="C", description="", source="inspection")
    assert created
    assert first.code == f"YH-350802-{year}-000001"
    assert second.code == f"YH-350802-{year}-000002"
    assert other.code == f"YH-350823-{year}-000001"
    assert first.state == "registered"


def test_register_records_the_first_transition(xinluo_chem: Any, users: dict[str, Any]) -> None:
    hazard, _ = hazard_register(
        enterprise=xinluo_chem, title="A", description="d", source="inspection", reported_by=users["inspector"]
    )
    step = HazardTransition.objects.get(hazard=hazard)
    assert (step.action, step.from_state, step.to_state, step.actor) == (
        "register",
        "",
        "registered",
        users["inspector"],
    )
    assert hazard.inspector == users["inspector"]


def test_register_is_idempotent_per_source_and_external_key(xinluo_chem: Any) -> None:
    kwargs = {"enterprise": xinluo_chem, "title": "淘汰设备", "description": "", "source": "equipment_match"}
    first, created = hazard_register(**kwargs, external_key="equip:7")
    again, created_again = hazard_register(**kwargs, external_key="equip:7")
    other_source, created_other = hazard_register(**{**kwargs, "source": "joint_inspection"}, external_key="equip:7")
    assert created and not created_again and created_other
    assert again.pk == first.pk
    assert other_source.pk != first.pk
    assert Hazard.objects.count() == 2
    assert HazardTransition.objects.count() == 2


def test_register_refuses_unknown_source_and_empty_title(xinluo_chem: Any) -> None:
    with pytest.raises(DomainError) as exc:
        hazard_register(enterprise=xinluo_chem, title="x", description="", source="rumour")
    assert exc.value.code == "invalid"
    assert exc.value.field == "source"
    with pytest.raises(DomainError) as exc:
        hazard_register(enterprise=xinluo_chem, title="  ", description="", source="inspection")
    assert exc.value.code == "invalid"
    assert exc.value.field == "title"
