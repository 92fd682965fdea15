"""The web UI end to end, as people use it on a phone: forms save, mistakes come back as messages or field
errors (never a 500), and nothing typed into a valid form is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.choices import AccidentStatus, DispatchStatus
from emergency.models import (
    Accident,
    DispatchOrder,
    EmergencyPlan,
    RescueTeam,
    StockBatch,
    StockMovement,
    SupplyItem,
    Warehouse,
)
from emergency.services import stock_receive
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def local(hours_ago: float) -> str:
    return timezone.localtime(timezone.now() - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_enterprise_reports_an_accident_and_sees_its_grade(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["enterprise"])
    form = client.get(reverse("emergency:accident_create")).content.decode()
    assert 'name="enterprise"' not in form  # an enterprise reports for itself
    response = client.post(
        reverse("emergency:accident_create"),
        {
            "title": "有限空间中毒",
            "category": "industrial",
            "is_production_safety": "on",
            "occurred_at": local(0.3),
            "location": "污水池",
            "deaths": 3,
            "serious_injuries": 0,
            "minor_injuries": 0,
            "missing": 0,
            "direct_loss_yuan": "0",
        },
        follow=True,
    )
    accident = Accident.objects.get()
    assert response.redirect_chain[-1][0] == accident.get_absolute_url()
    assert accident.enterprise == xinluo_chem and accident.grade == "larger"
    assert 'data-testid="grade"' in response.content.decode()


def test_a_bad_accident_form_comes_back_with_field_errors(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    response = client.post(
        reverse("emergency:accident_create"),
        {
            "title": "路口事故",
            "category": "road_traffic",
            "occurred_at": local(-3),
            "location": "319国道",
            "deaths": "x",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-field="deaths"' in body and 'data-field="jurisdiction"' in body
    assert "路口事故" in body  # what was typed is still there
    assert not Accident.objects.exists()


def test_the_accident_page_carries_the_whole_follow_up(
    client: Any, users: dict[str, Any], org: Any, xinluo_chem: Any
) -> None:
    from emergency.services import accident_report
    from tests.emergency.factories import RescueTeamFactory

    accident = accident_report(
        actor=users["enterprise"],
        title="泄漏",
        category="hazardous_chemicals",
        occurred_at=timezone.now(),
        location="罐区",
    )
    team = RescueTeamFactory(jurisdiction=org.jurisdiction("新罗区"))
    client.force_login(users["inspector"])
    url = accident.get_absolute_url()
    steps = [
        (
            "emergency:accident_supplement",
            {
                "sup-deaths": 0,
                "sup-serious_injuries": 12,
                "sup-minor_injuries": 0,
                "sup-missing": 0,
                "sup-direct_loss_yuan": "0",
            },
        ),
        ("emergency:accident_forward", {"fwd-level": "city"}),
        ("emergency:accident_log", {"log-kind": "rescue", "log-action": "堵漏", "log-teams": [team.pk]}),
        ("emergency:accident_end_response", {"note-note": ""}),
        ("emergency:accident_investigation", {"inv-summary": "阀门失效"}),
        ("emergency:accident_evaluation", {"eva-causes": "阀门老化"}),
        (
            "emergency:finding_add",
            {
                "fin-party_kind": "person",
                "fin-party_name": "设备主管",
                "fin-responsibility": "direct",
                "fin-finding": "未巡检",
            },
        ),
        (
            "emergency:measure_add",
            {
                "mea-description": "更换阀门",
                "mea-responsible": "设备部",
                "mea-due_on": timezone.localdate().isoformat(),
            },
        ),
        ("emergency:evaluation_conclude", {}),
    ]
    for name, data in steps:
        response = client.post(reverse(name, args=[accident.pk]), data, follow=True)
        assert response.status_code == 200, name
        assert not any("alert-danger" in m for m in messages_of(response)), (name, messages_of(response))
    accident.refresh_from_db()
    assert accident.grade == "larger" and accident.status == AccidentStatus.INVESTIGATING
    assert RescueTeam.objects.get(pk=team.pk).readiness == "deployed"
    measure = accident.evaluation.measures.get()
    for status in ("done", "verified"):
        client.post(
            reverse("emergency:measure_progress", args=[measure.pk]),
            {f"pro{measure.pk}-to_status": status, f"pro{measure.pk}-note": "ok"},
        )
    response = client.post(reverse("emergency:accident_close", args=[accident.pk]), follow=True)
    accident.refresh_from_db()
    assert accident.status == AccidentStatus.CLOSED, messages_of(response)
    page = client.get(url).content.decode()
    assert "阀门老化" in page and "设备主管" in page and "更换阀门" in page


def test_stock_forms_on_the_warehouse_page(
    client: Any, users: dict[str, Any], xinluo_store: Any, city_store: Any, tent: Any
) -> None:
    client.force_login(users["inspector"])
    url = reverse("emergency:stock_receive", args=[xinluo_store.pk])
    client.post(
        url, {"receive-item": tent.pk, "receive-quantity": 10, "receive-batch_no": "A", "receive-expires_on": ""}
    )
    assert StockBatch.objects.get(warehouse=xinluo_store).quantity == 10
    response = client.post(
        reverse("emergency:stock_issue", args=[xinluo_store.pk]),
        {"issue-item": tent.pk, "issue-quantity": 11, "issue-kind": "consume"},
        follow=True,
    )
    assert response.status_code == 200 and any("10" in m for m in messages_of(response))
    assert StockBatch.objects.get(warehouse=xinluo_store).quantity == 10
    # The inspector of 新罗区 does not see the city reserve: it is not offered, and posting it is refused.
    page = client.get(xinluo_store.get_absolute_url()).content.decode()
    assert city_store.name not in page
    client.post(
        reverse("emergency:stock_transfer", args=[xinluo_store.pk]),
        {"transfer-item": tent.pk, "transfer-quantity": 1, "transfer-destination": city_store.pk},
    )
    assert StockMovement.objects.filter(kind="transfer_out").count() == 0
    # And the city reserve's page is not found for them.
    assert client.get(city_store.get_absolute_url()).status_code == 404
    assert client.post(reverse("emergency:stock_receive", args=[city_store.pk]), {}).status_code == 404


def test_enterprise_keeps_its_own_store_team_and_plan(
    client: Any, users: dict[str, Any], xinluo_chem: Any, tent: Any
) -> None:
    client.force_login(users["enterprise"])
    client.post(reverse("emergency:warehouse_create"), {"name": "企业仓库", "address": "厂区", "is_active": "on"})
    store = Warehouse.objects.get(name="企业仓库")
    assert store.enterprise == xinluo_chem and store.level == "enterprise"
    client.post(reverse("emergency:team_create"), {"name": "企业救援队", "is_active": "on"})
    assert RescueTeam.objects.get(name="企业救援队").enterprise == xinluo_chem
    client.post(
        reverse("emergency:plan_create"), {"title": "企业综合预案", "kind": "comprehensive", "status": "active"}
    )
    assert EmergencyPlan.objects.get(title="企业综合预案").enterprise == xinluo_chem
    client.post(reverse("emergency:stock_receive", args=[store.pk]), {"receive-item": tent.pk, "receive-quantity": 3})
    assert StockBatch.objects.get(warehouse=store).quantity == 3
    # No dispatch pages for enterprises.
    assert client.get(reverse("emergency:dispatch_create")).status_code == 403
    assert client.get(reverse("emergency:warning_create")).status_code == 403


def test_dispatch_through_the_pages(
    client: Any, users: dict[str, Any], org: Any, shanghang_store: Any, tent: Any
) -> None:
    stock_receive(actor=users["committee"], warehouse=shanghang_store, item=tent, quantity=20)
    client.force_login(users["inspector"])
    client.post(
        reverse("emergency:dispatch_create"),
        {
            "title": "山洪安置",
            "requesting_jurisdiction": org.jurisdiction("新罗区").pk,
            "destination": "雁石中学",
            "item_0": tent.pk,
            "quantity_0": 15,
        },
    )
    order = DispatchOrder.objects.get()
    assert client.post(reverse("emergency:dispatch_approve", args=[order.pk]), {}).status_code == 403
    client.force_login(users["committee"])
    line = order.lines.get()
    client.post(
        reverse("emergency:dispatch_approve", args=[order.pk]),
        {"approve-source_warehouses": [shanghang_store.pk], f"approve-line_{line.pk}": 12},
    )
    page = client.get(order.get_absolute_url()).content.decode()
    assert reverse("emergency:dispatch_ship", args=[order.pk]) in page  # the keeper is offered the dispatch form
    client.post(
        reverse("emergency:dispatch_ship", args=[order.pk]),
        {"ship-warehouse": shanghang_store.pk, f"ship-line_{line.pk}": 12},
    )
    client.force_login(users["inspector"])
    client.post(reverse("emergency:dispatch_deliver", args=[order.pk]), {"note-note": "已签收"})
    order.refresh_from_db()
    assert order.status == DispatchStatus.DELIVERED and order.is_partial  # 12 of 15
    allocation = order.lines.get().allocations.get()
    client.post(
        reverse("emergency:dispatch_settle", args=[order.pk]),
        {"settle-allocation": allocation.pk, "settle-returned": 12, "settle-consumed": 0},
    )
    order.refresh_from_db()
    assert order.status == DispatchStatus.CLOSED
    assert StockBatch.objects.get(warehouse=shanghang_store).quantity == 20
    steps = client.get(order.get_absolute_url()).content.decode()
    assert steps.count("list-group-item") >= 6


def test_item_catalog_comes_from_the_migration(db: Any) -> None:
    assert SupplyItem.objects.filter(code__in=["tent", "sandbag", "breathing-apparatus"]).count() == 3


def test_partial_fulfilment_from_two_counties_through_the_pages(
    client: Any, users: dict[str, Any], org: Any, xinluo_store: Any, shanghang_store: Any, tent: Any
) -> None:
    """新罗区 asks for 12 tents; its own store holds 5 and 上杭县 lends 4: each keeper dispatches from their own
    warehouse on the order's page, the requester confirms 9 of 12 (the page says partially fulfilled), and the
    returns and consumption put the ledger straight."""
    from tests.factories import UserFactory

    keeper = UserFactory(username="inspector_shanghang", role="inspector")
    keeper.jurisdictions.add(org.jurisdiction("上杭县"))
    stock_receive(actor=users["committee"], warehouse=xinluo_store, item=tent, quantity=5)
    stock_receive(actor=users["committee"], warehouse=shanghang_store, item=tent, quantity=8)
    client.force_login(users["inspector"])
    client.post(
        reverse("emergency:dispatch_create"),
        {
            "title": "暴雨安置",
            "requesting_jurisdiction": org.jurisdiction("新罗区").pk,
            "destination": "西陂小学",
            "item_0": tent.pk,
            "quantity_0": 12,
        },
    )
    order = DispatchOrder.objects.get()
    line = order.lines.get()
    client.force_login(users["committee"])
    client.post(
        reverse("emergency:dispatch_approve", args=[order.pk]),
        {"approve-source_warehouses": [xinluo_store.pk, shanghang_store.pk], f"approve-line_{line.pk}": 12},
    )
    # 新罗区's keeper: asking for more than the store holds takes nothing and says so; then 5.
    client.force_login(users["inspector"])
    page = client.get(order.get_absolute_url())
    assert list(page.context["ship_form"].fields["warehouse"].queryset) == [xinluo_store]
    short = client.post(
        reverse("emergency:dispatch_ship", args=[order.pk]),
        {"ship-warehouse": xinluo_store.pk, f"ship-line_{line.pk}": 6},
        follow=True,
    )
    assert short.status_code == 200 and messages_of(short)
    assert StockBatch.objects.get(warehouse=xinluo_store).quantity == 5
    client.post(
        reverse("emergency:dispatch_ship", args=[order.pk]),
        {"ship-warehouse": xinluo_store.pk, f"ship-line_{line.pk}": 5},
    )
    # 上杭县's keeper sees the order (their store is a source) and sends 4.
    client.force_login(keeper)
    page = client.get(order.get_absolute_url())
    assert page.status_code == 200
    assert list(page.context["ship_form"].fields["warehouse"].queryset) == [shanghang_store]
    client.post(
        reverse("emergency:dispatch_ship", args=[order.pk]),
        {"ship-warehouse": shanghang_store.pk, f"ship-line_{line.pk}": 4},
    )
    client.force_login(users["inspector"])
    client.post(reverse("emergency:dispatch_deliver", args=[order.pk]), {"note-note": "收到9顶"})
    page = client.get(order.get_absolute_url())
    html = page.content.decode()
    assert page.context["order"].status == DispatchStatus.DELIVERED
    assert "bg-warning" in html.split("<h1")[1].split("</h1>")[0]  # the "partially fulfilled" badge
    assert [(row.requested_quantity, row.dispatched) for row in page.context["lines"]] == [(12, 9)]
    allocations = {a.warehouse_id: a for a in page.context["allocations"]}
    assert {pk: a.quantity for pk, a in allocations.items()} == {xinluo_store.pk: 5, shanghang_store.pk: 4}
    # Returning more than was sent is refused with a message; then 上杭县's tents come back, 新罗区 used two.
    refused = client.post(
        reverse("emergency:dispatch_settle", args=[order.pk]),
        {"settle-allocation": allocations[shanghang_store.pk].pk, "settle-returned": 5, "settle-consumed": 0},
        follow=True,
    )
    assert refused.status_code == 200 and messages_of(refused)
    for warehouse, returned, consumed in ((shanghang_store, 4, 0), (xinluo_store, 3, 2)):
        client.post(
            reverse("emergency:dispatch_settle", args=[order.pk]),
            {
                "settle-allocation": allocations[warehouse.pk].pk,
                "settle-returned": returned,
                "settle-consumed": consumed,
            },
        )
    order.refresh_from_db()
    assert order.status == DispatchStatus.CLOSED
    assert StockBatch.objects.get(warehouse=shanghang_store).quantity == 8
    assert StockBatch.objects.get(warehouse=xinluo_store).quantity == 3
    kinds = sorted(StockMovement.objects.filter(allocation__line__order=order).values_list("kind", flat=True))
    assert kinds == ["dispatch", "dispatch", "return", "return"]  # what was used up never comes back
    assert [(r.returned, r.consumed) for r in client.get(order.get_absolute_url()).context["lines"]] == [(7, 2)]
