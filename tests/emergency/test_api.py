"""The emergency API end to end: accidents, supplies and dispatch; errors are 400 (naming the field),
403 (no right), 404 (out of scope) or 409 (illegal step)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from emergency.models import Accident, StockBatch
from safety_platform.models import Fact
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def iso(hours_ago: float) -> str:
    return (timezone.now() - dt.timedelta(hours=hours_ago)).isoformat()


def test_enterprise_reports_then_staff_supplement_regrades_and_records_a_new_fact(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/emergency/accidents/",
        {
            "title": "储罐区火灾",
            "category": "fire",
            "occurred_at": iso(0.5),
            "location": "储罐区",
            "deaths": 2,
            "serious_injuries": 9,
            "direct_loss_yuan": "9999999.99",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["grade"], body["enterprise"], body["revision"], body["rule_set"]) == (
        "general",
        xinluo_chem.pk,
        1,
        "decree-493-2007",
    )
    assert [s["level"] for s in body["report_steps"]] == ["county"]
    accident_id = body["id"]

    api_client.force_authenticate(users["inspector"])
    response = api_client.post(
        f"/api/v1/emergency/accidents/{accident_id}/supplement/", {"deaths": 3, "note": "一人抢救无效"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["grade"], response.json()["revision"]) == ("larger", 2)
    assert [r["grade"] for r in response.json()["revisions"]] == ["general", "larger"]
    payloads = list(
        Fact.objects.filter(kind="accident", source_id=accident_id).order_by("id").values_list("payload", flat=True)
    )
    assert [p["grade"] for p in payloads] == ["general", "larger"]

    # The same figures again: nothing to supplement → 409.
    again = api_client.post(f"/api/v1/emergency/accidents/{accident_id}/supplement/", {"deaths": 3}, format="json")
    assert again.status_code == 409
    # Forwarding skips no level → 409; a bad level → 400 naming it.
    assert (
        api_client.post(
            f"/api/v1/emergency/accidents/{accident_id}/forward/", {"level": "province"}, format="json"
        ).status_code
        == 409
    )
    bad = api_client.post(f"/api/v1/emergency/accidents/{accident_id}/forward/", {"level": "county"}, format="json")
    assert bad.status_code == 400 and "level" in bad.json()["errors"]
    ok = api_client.post(f"/api/v1/emergency/accidents/{accident_id}/forward/", {"level": "city"}, format="json")
    assert [s["level"] for s in ok.json()["report_steps"]] == ["county", "city"]


def test_enterprise_may_not_run_the_investigation(api_client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    from emergency.services import accident_report

    accident = accident_report(
        actor=users["enterprise"], title="x", category="industrial", occurred_at=timezone.now(), location="x"
    )
    api_client.force_authenticate(users["enterprise"])
    for action, payload in (
        ("forward", {"level": "city"}),
        ("extend-investigation", {"days": 10, "reason": "x"}),
        ("concealed", {"note": "x"}),
        ("close", {}),
    ):
        response = api_client.post(f"/api/v1/emergency/accidents/{accident.pk}/{action}/", payload, format="json")
        assert response.status_code == 403, (action, response.json())


def test_bad_report_is_400_naming_each_field(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(
        "/api/v1/emergency/accidents/",
        {"title": "", "category": "meteor", "occurred_at": "yesterday", "location": "x", "deaths": -1},
        format="json",
    )
    assert response.status_code == 400
    assert {"title", "category", "occurred_at", "deaths"} <= set(response.json()["errors"])
    # Neither enterprise nor jurisdiction: the service names the field.
    response = api_client.post(
        "/api/v1/emergency/accidents/",
        {"title": "x", "category": "other", "occurred_at": iso(1), "location": "x"},
        format="json",
    )
    assert response.status_code == 400 and "jurisdiction" in response.json()["errors"]
    assert not Accident.objects.exists()


def test_supplies_and_dispatch_through_the_api(
    api_client: Any, users: dict[str, Any], org: Any, xinluo_store: Any, shanghang_store: Any, tent: Any
) -> None:
    api_client.force_authenticate(users["committee"])
    base = "/api/v1/emergency"
    received = api_client.post(
        f"{base}/warehouses/{shanghang_store.pk}/receive/",
        {
            "item": "tent",
            "quantity": 8,
            "batch_no": "S1",
            "expires_on": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
        },
        format="json",
    )
    assert received.status_code == 201 and received.json()["balance_after"] == 8
    short = api_client.post(
        f"{base}/warehouses/{shanghang_store.pk}/issue/",
        {"item": "tent", "quantity": 9, "kind": "consume"},
        format="json",
    )
    assert short.status_code == 409 and "quantity" in short.json()["errors"]
    assert (
        api_client.post(
            f"{base}/warehouses/{shanghang_store.pk}/issue/",
            {"item": "tent", "quantity": 0, "kind": "consume"},
            format="json",
        ).status_code
        == 400
    )
    stock = api_client.get(f"{base}/warehouses/{shanghang_store.pk}/stock/").json()
    assert stock[0]["usable"] == 8

    api_client.force_authenticate(users["inspector"])
    order = api_client.post(
        f"{base}/dispatch-orders/",
        {
            "title": "内涝安置",
            "requesting_jurisdiction": org.jurisdiction("新罗区").pk,
            "destination": "安置点",
            "lines": [{"item": "tent", "quantity": 10}],
        },
        format="json",
    )
    assert order.status_code == 201, order.json()
    order_id, line_id = order.json()["id"], order.json()["lines"][0]["id"]
    # An inspector cannot approve; the 上杭 warehouse cannot ship before approval.
    assert (
        api_client.post(
            f"{base}/dispatch-orders/{order_id}/approve/", {"source_warehouses": [xinluo_store.pk]}, format="json"
        ).status_code
        == 403
    )
    api_client.force_authenticate(users["committee"])
    assert (
        api_client.post(
            f"{base}/dispatch-orders/{order_id}/ship/",
            {"warehouse": shanghang_store.pk, "quantities": {str(line_id): 1}},
            format="json",
        ).status_code
        == 409
    )
    approved = api_client.post(
        f"{base}/dispatch-orders/{order_id}/approve/",
        {"source_warehouses": [shanghang_store.pk], "approved": {str(line_id): 10}},
        format="json",
    )
    assert approved.json()["status"] == "approved"
    shipped = api_client.post(
        f"{base}/dispatch-orders/{order_id}/ship/",
        {"warehouse": shanghang_store.pk, "quantities": {str(line_id): 8}},
        format="json",
    )
    assert shipped.status_code == 200 and shipped.json()["dispatched_units"] == 8
    api_client.force_authenticate(users["inspector"])
    delivered = api_client.post(f"{base}/dispatch-orders/{order_id}/deliver/", {"note": "收到"}, format="json").json()
    assert (delivered["status"], delivered["is_partial"]) == ("delivered", True)
    allocation = delivered["lines"][0]["allocations"][0]["id"]
    closed = api_client.post(
        f"{base}/dispatch-orders/{order_id}/settle/",
        {"allocation": allocation, "returned": 6, "consumed": 2},
        format="json",
    ).json()
    assert closed["status"] == "closed"
    assert [s["action"] for s in closed["steps"]] == ["request", "approve", "ship", "deliver", "settle", "close"]
    assert StockBatch.objects.get(warehouse=shanghang_store).quantity == 6
    # The inspector of 新罗区 does not see 上杭's ledger: to them that warehouse is not a valid choice at all.
    hidden = api_client.get(f"{base}/ledger/", {"warehouse": shanghang_store.pk})
    assert hidden.status_code == 400 and "warehouse" in hidden.json()["errors"]
    assert api_client.get(f"{base}/ledger/", {"warehouse": 999999}).status_code == 400
    api_client.force_authenticate(users["committee"])
    kinds = [m["kind"] for m in api_client.get(f"{base}/ledger/", {"warehouse": shanghang_store.pk}).json()["results"]]
    assert sorted(kinds) == ["dispatch", "receive", "return"]


def test_plans_and_drills_through_the_api(api_client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    api_client.force_authenticate(users["enterprise"])
    plan = api_client.post(
        "/api/v1/emergency/plans/",
        {"title": "现场处置方案", "kind": "on_site", "filed_on": "2020-01-01"},
        format="json",
    )
    assert plan.status_code == 201, plan.json()
    assert plan.json()["drill_overdue"] is True and plan.json()["enterprise"] == xinluo_chem.pk
    drill = api_client.post(
        "/api/v1/emergency/drills/",
        {"plan": plan.json()["id"], "held_on": timezone.localdate().isoformat(), "scenario": "泄漏"},
        format="json",
    )
    assert drill.status_code == 201, drill.json()
    assert api_client.get(f"/api/v1/emergency/plans/{plan.json()['id']}/").json()["drill_overdue"] is False
    api_client.force_authenticate(users["committee"])
    overdue = api_client.get("/api/v1/emergency/plans/overdue-enterprises/").json()
    assert overdue["count"] == 0


def test_a_drill_of_a_plan_the_caller_cannot_see_is_refused_like_an_unknown_plan(
    api_client: Any, users: dict[str, Any], shanghang_site: Any
) -> None:
    from emergency.models import Drill
    from tests.emergency.factories import PlanFactory

    other: Any = PlanFactory(enterprise=shanghang_site, status="active", created_by=users["committee"])
    api_client.force_authenticate(users["enterprise"])
    drill = {"held_on": timezone.localdate().isoformat(), "scenario": "泄漏"}
    hidden = api_client.post("/api/v1/emergency/drills/", {"plan": other.pk, **drill}, format="json")
    unknown = api_client.post("/api/v1/emergency/drills/", {"plan": 999999, **drill}, format="json")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json()["errors"]["plan"] == [
        m.replace("999999", str(other.pk)) for m in unknown.json()["errors"]["plan"]
    ]
    assert not Drill.objects.exists()
