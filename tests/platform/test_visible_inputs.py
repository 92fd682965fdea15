"""Related-object inputs of the API only accept ids the caller can see (`VisibleRelatedField`).

An id outside the caller's scope gets the same answer as an id that does not exist: a 403 for one and a 400 for
the other would tell an outsider which ids exist.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from emergency.models import EmergencyPlan
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 11, 18, 10))]

MISSING = 987654321


def _answer(response: Any, the_id: int) -> tuple[int, Any]:
    """The status and the body, with the id the caller sent written as <id> (DRF names it in the message)."""
    return response.status_code, json.loads(
        json.dumps(response.json(), ensure_ascii=False).replace(str(the_id), "<id>")
    )


def test_a_drill_of_another_enterprises_plan_is_answered_like_a_plan_that_does_not_exist(
    api_client: Any, users: dict[str, Any], shanghang_site: Any
) -> None:
    other = EmergencyPlan.objects.create(
        title="上杭工地综合预案", kind="comprehensive", enterprise=shanghang_site, created_by=users["committee"]
    )
    api_client.force_authenticate(users["enterprise"])  # 东城化工's user

    def post(plan_id: int) -> Any:
        payload = {"plan": plan_id, "held_on": timezone.localdate().isoformat(), "scenario": "泄漏"}
        return api_client.post("/api/v1/emergency/drills/", payload, format="json")

    hidden, missing = _answer(post(other.pk), other.pk), _answer(post(MISSING), MISSING)
    assert hidden == missing
    assert hidden[0] == 400 and "plan" in hidden[1]["errors"]
    assert other.drills.count() == 0


def test_a_warehouse_of_an_enterprise_outside_the_county_is_answered_like_an_unknown_enterprise(
    api_client: Any, users: dict[str, Any], org: Any, shanghang_site: Any
) -> None:
    api_client.force_authenticate(users["inspector"])  # 新罗区

    def post(enterprise_id: int) -> Any:
        payload = {
            "name": "企业储备库",
            "level": "enterprise",
            "jurisdiction": org.jurisdiction("新罗区").pk,
            "enterprise": enterprise_id,
        }
        return api_client.post("/api/v1/emergency/warehouses/", payload, format="json")

    hidden, missing = _answer(post(shanghang_site.pk), shanghang_site.pk), _answer(post(MISSING), MISSING)
    assert hidden == missing
    assert hidden[0] == 400 and "enterprise" in hidden[1]["errors"]


def test_an_enterprise_the_caller_sees_is_still_accepted(
    api_client: Any, users: dict[str, Any], org: Any, xinluo_chem: Any
) -> None:
    api_client.force_authenticate(users["inspector"])
    payload = {
        "name": "东城化工储备库",
        "level": "enterprise",
        "jurisdiction": org.jurisdiction("新罗区").pk,
        "enterprise": xinluo_chem.pk,
    }
    response = api_client.post("/api/v1/emergency/warehouses/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["enterprise"] == xinluo_chem.pk


def test_dispatch_source_warehouses_outside_the_scope_are_unknown_ids(
    api_client: Any, users: dict[str, Any], org: Any
) -> None:
    """A list input (many=True) too: a hidden warehouse among the ids is answered like a missing one."""
    from tests.emergency.factories import WarehouseFactory

    api_client.force_authenticate(users["inspector"])
    order = api_client.post(
        "/api/v1/emergency/dispatch-orders/",
        {
            "title": "内涝安置",
            "requesting_jurisdiction": org.jurisdiction("新罗区").pk,
            "destination": "安置点",
            "lines": [{"item": "tent", "quantity": 10}],
        },
        format="json",
    )
    assert order.status_code == 201, order.json()
    shanghang = WarehouseFactory(jurisdiction=org.jurisdiction("上杭县"))

    def approve(warehouse_id: int) -> Any:
        url = f"/api/v1/emergency/dispatch-orders/{order.json()['id']}/approve/"
        return api_client.post(url, {"source_warehouses": [warehouse_id]}, format="json")

    hidden, missing = _answer(approve(shanghang.pk), shanghang.pk), _answer(approve(MISSING), MISSING)
    assert hidden == missing
    assert hidden[0] == 400 and "source_warehouses" in hidden[1]["errors"]
    # A warehouse of the inspector's own county is a valid input: the refusal is then the role's (403).
    own = WarehouseFactory(jurisdiction=org.jurisdiction("新罗区"))
    assert approve(own.pk).status_code == 403
