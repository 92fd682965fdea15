"""Dispatch orders across counties: request → approval → dispatch from several warehouses → delivery →
return or consumption; partial fulfilment; every step recorded."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from emergency.choices import DispatchStatus
from emergency.models import DispatchOrder, DispatchStep, StockBatch, StockMovement, SupplyItem
from emergency.selectors import dispatch_lines, stock_ledger_mismatches
from emergency.services import (
    dispatch_approve,
    dispatch_cancel,
    dispatch_confirm_delivery,
    dispatch_reject,
    dispatch_request,
    dispatch_settle,
    dispatch_ship,
    stock_receive,
)
from safety_platform.services import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(users: dict[str, Any], xinluo_store: Any, shanghang_store: Any, city_store: Any, tent: Any) -> Any:
    quilt = SupplyItem.objects.get(code="quilt")
    stock_receive(actor=users["committee"], warehouse=city_store, item=tent, quantity=6, batch_no="C1")
    stock_receive(actor=users["committee"], warehouse=shanghang_store, item=tent, quantity=10, batch_no="S1")
    stock_receive(actor=users["committee"], warehouse=shanghang_store, item=quilt, quantity=50, batch_no="Q1")
    return {"tent": tent, "quilt": quilt}


@pytest.fixture
def order(users: dict[str, Any], org: Any, stocked: Any) -> DispatchOrder:
    return dispatch_request(
        actor=users["inspector"],
        title="东城街道内涝安置",
        requesting_jurisdiction=org.jurisdiction("新罗区/东城街道"),
        destination="东城中学安置点",
        lines=[(stocked["tent"], 12), (stocked["quilt"], 40)],
        reason="暴雨内涝，转移群众120人",
    )


def test_full_cycle_across_counties_with_partial_fulfilment(
    users: dict[str, Any], order: DispatchOrder, stocked: Any, city_store: Any, shanghang_store: Any
) -> None:
    tent_line = order.lines.get(item=stocked["tent"])
    quilt_line = order.lines.get(item=stocked["quilt"])
    dispatch_approve(
        actor=users["committee"],
        order=order,
        source_warehouses=[city_store, shanghang_store],
        approved={tent_line.pk: 12, quilt_line.pk: 30},
    )
    with pytest.raises(DomainError) as exc:  # the city holds only 6 tents: nothing leaves
        dispatch_ship(actor=users["committee"], order=order, warehouse=city_store, quantities={tent_line.pk: 8})
    assert exc.value.code == "stock_short"
    # 上杭 (another county) sends 10 tents and the quilts; the city sends one more tent.
    dispatch_ship(
        actor=users["committee"],
        order=order,
        warehouse=shanghang_store,
        quantities={tent_line.pk: 10, quilt_line.pk: 30},
    )
    with pytest.raises(ValidationError):  # never more than approved (2 tents remain)
        dispatch_ship(actor=users["committee"], order=order, warehouse=city_store, quantities={tent_line.pk: 3})
    dispatch_ship(actor=users["committee"], order=order, warehouse=city_store, quantities={tent_line.pk: 1})
    order.refresh_from_db()
    assert order.status == DispatchStatus.IN_TRANSIT

    dispatch_confirm_delivery(actor=users["inspector_town"], order=order, note="已到安置点")
    order.refresh_from_db()
    assert order.status == DispatchStatus.DELIVERED
    assert order.is_partial  # 11 of 12 tents, 30 of 40 quilts

    for allocation in order.lines.get(pk=tent_line.pk).allocations.all():
        dispatch_settle(actor=users["inspector"], order=order, allocation=allocation, returned=allocation.quantity)
    quilts = order.lines.get(pk=quilt_line.pk).allocations.get()
    dispatch_settle(actor=users["inspector"], order=order, allocation=quilts, returned=10, consumed=19)
    order.refresh_from_db()
    assert order.status == DispatchStatus.DELIVERED  # one quilt still unaccounted for
    dispatch_settle(actor=users["inspector"], order=order, allocation=quilts, consumed=1)
    order.refresh_from_db()
    assert order.status == DispatchStatus.CLOSED

    rows = {line.item.code: (line.dispatched, line.returned, line.consumed) for line in dispatch_lines(order)}
    assert rows == {"tent": (11, 11, 0), "quilt": (30, 10, 20)}
    assert StockBatch.objects.get(warehouse=shanghang_store, batch_no="S1").quantity == 10
    assert StockBatch.objects.get(warehouse=shanghang_store, batch_no="Q1").quantity == 30
    assert not stock_ledger_mismatches().exists()
    actions = list(DispatchStep.objects.filter(order=order).values_list("action", flat=True))
    assert actions == ["request", "approve", "ship", "ship", "deliver", "settle", "settle", "settle", "settle", "close"]
    assert StockMovement.objects.filter(allocation__line__order=order, kind="dispatch").count() == 3


def test_only_designated_warehouses_ship(
    users: dict[str, Any], order: DispatchOrder, city_store: Any, shanghang_store: Any, stocked: Any
) -> None:
    dispatch_approve(actor=users["committee"], order=order, source_warehouses=[city_store])
    line = order.lines.get(item=stocked["tent"])
    with pytest.raises(ValidationError):
        dispatch_ship(actor=users["committee"], order=order, warehouse=shanghang_store, quantities={line.pk: 1})


def test_inspector_cannot_approve_and_cannot_ship_from_another_county(
    users: dict[str, Any], order: DispatchOrder, shanghang_store: Any, stocked: Any
) -> None:
    with pytest.raises(DomainError) as exc:
        dispatch_approve(actor=users["inspector"], order=order, source_warehouses=[shanghang_store])
    assert exc.value.code == "forbidden"
    dispatch_approve(actor=users["department"], order=order, source_warehouses=[shanghang_store])
    line = order.lines.get(item=stocked["tent"])
    with pytest.raises(DomainError) as exc:
        dispatch_ship(actor=users["inspector"], order=order, warehouse=shanghang_store, quantities={line.pk: 1})
    assert exc.value.code == "forbidden"


def test_steps_out_of_order_are_conflicts(users: dict[str, Any], order: DispatchOrder, city_store: Any) -> None:
    with pytest.raises(DomainError) as exc:
        dispatch_confirm_delivery(actor=users["inspector"], order=order)
    assert exc.value.code == "dispatch_order_wrong_status"
    dispatch_reject(actor=users["committee"], order=order, reason="库存不足，请向省厅申请")
    with pytest.raises(DomainError) as exc:
        dispatch_approve(actor=users["committee"], order=order, source_warehouses=[city_store])
    assert exc.value.code == "dispatch_order_wrong_status"
    with pytest.raises(DomainError) as exc:
        dispatch_cancel(actor=users["inspector"], order=order, reason="x")
    assert exc.value.code == "dispatch_order_wrong_status"


def test_request_validation_names_fields(users: dict[str, Any], org: Any, stocked: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        dispatch_request(
            actor=users["inspector"],
            title="x",
            requesting_jurisdiction=org.jurisdiction("上杭县"),
            destination="x",
            lines=[(stocked["tent"], 1)],
        )
    assert "requesting_jurisdiction" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        dispatch_request(
            actor=users["inspector"],
            title="x",
            requesting_jurisdiction=org.jurisdiction("新罗区"),
            destination="x",
            lines=[(stocked["tent"], 0)],
        )
    assert "lines" in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        dispatch_request(
            actor=users["enterprise"],
            title="x",
            requesting_jurisdiction=org.jurisdiction("新罗区"),
            destination="x",
            lines=[(stocked["tent"], 1)],
        )
    assert exc.value.code == "forbidden"
