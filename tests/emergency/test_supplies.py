"""Warehouses and stock: the ledger, FEFO, write-offs, atomic transfers, the database's non-negative rule,
scheduled expiry and low-stock flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from emergency.choices import MovementKind, StockAlertKind
from emergency.models import StockAlert, StockBatch, StockMovement
from emergency.selectors import stock_ledger_mismatches, warehouse_stock
from emergency.services import (
    stock_alerts_refresh,
    stock_issue,
    stock_receive,
    stock_transfer,
    stock_write_off,
    warehouse_set_minimum,
)
from emergency.services import supplies as supplies_module
from safety_platform.models import Notification
from safety_platform.services import DomainError
from tests.clock import shanghai

NOW = shanghai(2026, 12, 4, 10)
pytestmark = [pytest.mark.django_db, pytest.mark.clock(NOW)]

TODAY = NOW.date()


def balance(warehouse: Any, item: Any) -> int:
    return StockBatch.objects.filter(warehouse=warehouse, item=item).aggregate(n=Sum("quantity"))["n"] or 0


def ledger(warehouse: Any, item: Any) -> int:
    return StockMovement.objects.filter(warehouse=warehouse, item=item).aggregate(n=Sum("quantity"))["n"] or 0


def test_receipts_and_issues_are_ledger_entries_and_balance_equals_ledger_sum(
    users: dict[str, Any], xinluo_store: Any, tent: Any
) -> None:
    inspector = users["inspector"]
    stock_receive(actor=inspector, warehouse=xinluo_store, item=tent, quantity=30, batch_no="A", expires_on=None)
    stock_issue(actor=inspector, warehouse=xinluo_store, item=tent, quantity=12, kind=MovementKind.CONSUME, note="演练")
    assert balance(xinluo_store, tent) == 18 == ledger(xinluo_store, tent)
    kinds = list(StockMovement.objects.order_by("id").values_list("kind", "quantity", "balance_after"))
    assert kinds == [("receive", 30, 30), ("consume", -12, 18)]
    assert not stock_ledger_mismatches().exists()


def test_issue_takes_first_expiry_first_and_never_issues_expired_batches(
    users: dict[str, Any], xinluo_store: Any, tent: Any
) -> None:
    inspector = users["inspector"]
    stock_receive(
        actor=inspector,
        warehouse=xinluo_store,
        item=tent,
        quantity=5,
        batch_no="LATE",
        expires_on=TODAY + dt.timedelta(days=300),
    )
    stock_receive(
        actor=inspector,
        warehouse=xinluo_store,
        item=tent,
        quantity=5,
        batch_no="SOON",
        expires_on=TODAY + dt.timedelta(days=10),
    )
    stock_receive(actor=inspector, warehouse=xinluo_store, item=tent, quantity=5, batch_no="NONE")
    expired = stock_receive(actor=inspector, warehouse=xinluo_store, item=tent, quantity=5, batch_no="OLD").batch
    StockBatch.objects.filter(pk=expired.pk).update(expires_on=TODAY - dt.timedelta(days=1))
    takes = stock_issue(actor=inspector, warehouse=xinluo_store, item=tent, quantity=8, kind=MovementKind.CONSUME)
    assert [(t.batch.batch_no, t.quantity) for t in takes] == [("SOON", 5), ("LATE", 3)]
    with pytest.raises(DomainError) as exc:
        stock_issue(actor=inspector, warehouse=xinluo_store, item=tent, quantity=8, kind=MovementKind.CONSUME)
    assert exc.value.code == "stock_short"
    # Expired stock leaves only as a write-off, with a reason.
    with pytest.raises(ValidationError):
        stock_write_off(actor=inspector, batch=expired, quantity=5, reason=" ")
    stock_write_off(actor=inspector, batch=expired, quantity=5, reason="过期报废")
    assert StockBatch.objects.get(pk=expired.pk).quantity == 0
    assert balance(xinluo_store, tent) == ledger(xinluo_store, tent) == 7


def test_short_stock_takes_nothing(users: dict[str, Any], xinluo_store: Any, tent: Any) -> None:
    stock_receive(actor=users["inspector"], warehouse=xinluo_store, item=tent, quantity=3)
    with pytest.raises(DomainError) as exc:
        stock_issue(actor=users["inspector"], warehouse=xinluo_store, item=tent, quantity=4, kind=MovementKind.DISPATCH)
    assert exc.value.code == "stock_short"
    assert exc.value.field == "quantity"
    assert balance(xinluo_store, tent) == 3 and StockMovement.objects.count() == 1


def test_the_database_refuses_a_negative_balance(users: dict[str, Any], xinluo_store: Any, tent: Any) -> None:
    batch = stock_receive(actor=users["inspector"], warehouse=xinluo_store, item=tent, quantity=2).batch
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBatch.objects.filter(pk=batch.pk).update(quantity=-1)


def test_quantities_must_be_positive_whole_numbers(users: dict[str, Any], xinluo_store: Any, tent: Any) -> None:
    for bad in (0, -3, "1.5", "x", True):
        with pytest.raises(ValidationError) as exc:
            stock_receive(actor=users["inspector"], warehouse=xinluo_store, item=tent, quantity=bad)
        assert "quantity" in exc.value.message_dict


def test_transfer_moves_batches_with_their_expiry(
    users: dict[str, Any], xinluo_store: Any, city_store: Any, tent: Any
) -> None:
    committee = users["committee"]
    stock_receive(
        actor=committee,
        warehouse=city_store,
        item=tent,
        quantity=10,
        batch_no="B1",
        expires_on=TODAY + dt.timedelta(days=90),
    )
    ref = stock_transfer(actor=committee, source=city_store, destination=xinluo_store, item=tent, quantity=4)
    moved = StockBatch.objects.get(warehouse=xinluo_store, item=tent)
    assert (moved.batch_no, moved.quantity, moved.expires_on) == ("B1", 4, TODAY + dt.timedelta(days=90))
    assert balance(city_store, tent) == 6
    assert set(StockMovement.objects.filter(transfer_ref=ref).values_list("kind", "quantity")) == {
        ("transfer_out", -4),
        ("transfer_in", 4),
    }


def test_transfer_failing_in_the_second_half_rolls_back_the_first(
    users: dict[str, Any], xinluo_store: Any, city_store: Any, tent: Any, monkeypatch: Any
) -> None:
    committee = users["committee"]
    stock_receive(actor=committee, warehouse=city_store, item=tent, quantity=10, batch_no="B1")
    real_post = supplies_module._post

    def failing_post(**kwargs: Any) -> Any:
        if kwargs["kind"] == MovementKind.TRANSFER_IN:
            raise RuntimeError("disk full while receiving")
        return real_post(**kwargs)

    monkeypatch.setattr(supplies_module, "_post", failing_post)
    with pytest.raises(RuntimeError):
        stock_transfer(actor=committee, source=city_store, destination=xinluo_store, item=tent, quantity=4)
    assert balance(city_store, tent) == 10
    assert balance(xinluo_store, tent) == 0
    assert not StockMovement.objects.filter(kind__in=["transfer_out", "transfer_in"]).exists()


def test_transfer_refused_by_a_conflicting_destination_batch_leaves_both_sides_untouched(
    users: dict[str, Any], xinluo_store: Any, city_store: Any, tent: Any
) -> None:
    committee = users["committee"]
    stock_receive(
        actor=committee,
        warehouse=city_store,
        item=tent,
        quantity=10,
        batch_no="B1",
        expires_on=TODAY + dt.timedelta(days=90),
    )
    # The destination already holds a batch "B1" with another expiry: the receiving half fails.
    stock_receive(
        actor=committee,
        warehouse=xinluo_store,
        item=tent,
        quantity=1,
        batch_no="B1",
        expires_on=TODAY + dt.timedelta(days=5),
    )
    with pytest.raises(ValidationError):
        stock_transfer(actor=committee, source=city_store, destination=xinluo_store, item=tent, quantity=4)
    assert balance(city_store, tent) == 10 and balance(xinluo_store, tent) == 1
    assert not stock_ledger_mismatches().exists()


def test_inspector_cannot_transfer_into_another_countys_store(
    users: dict[str, Any], xinluo_store: Any, shanghang_store: Any, tent: Any
) -> None:
    stock_receive(actor=users["inspector"], warehouse=xinluo_store, item=tent, quantity=5)
    with pytest.raises(DomainError) as exc:
        stock_transfer(
            actor=users["inspector"], source=xinluo_store, destination=shanghang_store, item=tent, quantity=1
        )
    assert exc.value.code == "forbidden"


def test_enterprise_manages_only_its_own_store(
    users: dict[str, Any], chem_store: Any, xinluo_store: Any, tent: Any
) -> None:
    stock_receive(actor=users["enterprise"], warehouse=chem_store, item=tent, quantity=2)
    with pytest.raises(DomainError) as exc:
        stock_receive(actor=users["enterprise"], warehouse=xinluo_store, item=tent, quantity=2)
    assert exc.value.code == "forbidden"


def test_scheduled_check_flags_expiring_expired_and_low_stock_once(
    users: dict[str, Any], xinluo_store: Any, tent: Any
) -> None:
    inspector = users["inspector"]
    warehouse_set_minimum(actor=inspector, warehouse=xinluo_store, item=tent, min_quantity=10)
    soon = stock_receive(
        actor=inspector,
        warehouse=xinluo_store,
        item=tent,
        quantity=4,
        batch_no="S",
        expires_on=TODAY + dt.timedelta(days=20),
    ).batch
    stock_receive(
        actor=inspector,
        warehouse=xinluo_store,
        item=tent,
        quantity=3,
        batch_no="F",
        expires_on=TODAY + dt.timedelta(days=400),
    )
    old = stock_receive(actor=inspector, warehouse=xinluo_store, item=tent, quantity=9, batch_no="O").batch
    StockBatch.objects.filter(pk=old.pk).update(expires_on=TODAY - dt.timedelta(days=2))

    result = stock_alerts_refresh(today=TODAY)
    alerts = {(a.kind, a.batch_id) for a in StockAlert.objects.open()}
    # Usable stock is 4 + 3 = 7 (the expired batch does not count) < 10.
    assert alerts == {(StockAlertKind.EXPIRING, soon.pk), (StockAlertKind.EXPIRED, old.pk), (StockAlertKind.LOW, None)}
    assert result["raised"] == 3
    assert stock_alerts_refresh(today=TODAY)["raised"] == 0  # idempotent

    # Topped up and the expired batch written off: the flags resolve.
    stock_receive(actor=inspector, warehouse=xinluo_store, item=tent, quantity=10, batch_no="N")
    stock_write_off(actor=inspector, batch=StockBatch.objects.get(pk=old.pk), quantity=9, reason="过期")
    stock_alerts_refresh(today=TODAY)
    assert {a.kind for a in StockAlert.objects.open()} == {StockAlertKind.EXPIRING}


def test_stock_flags_notify_the_county_inspector(users: dict[str, Any], xinluo_store: Any, tent: Any) -> None:
    warehouse_set_minimum(actor=users["inspector"], warehouse=xinluo_store, item=tent, min_quantity=10)
    stock_receive(actor=users["inspector"], warehouse=xinluo_store, item=tent, quantity=1)
    stock_alerts_refresh(today=TODAY)
    stock_alerts_refresh(today=TODAY)
    # County reserves: the inspectors holding the county (新罗区), once per flag.
    assert list(
        Notification.objects.filter(category="emergency.stock").values_list("recipient__username", flat=True)
    ) == ["inspector"]


def test_warehouse_stock_summary_is_one_query(
    users: dict[str, Any], xinluo_store: Any, tent: Any, django_assert_num_queries: Any
) -> None:
    from emergency.models import SupplyItem

    for code in ("tent", "quilt", "sandbag"):
        item = SupplyItem.objects.get(code=code)
        for batch in ("A", "B"):
            stock_receive(actor=users["inspector"], warehouse=xinluo_store, item=item, quantity=5, batch_no=batch)
    with django_assert_num_queries(1):
        rows = warehouse_stock(xinluo_store)
    assert {r["item__name"]: r["usable"] for r in rows} == {"救灾帐篷": 10, "棉被": 10, "编织袋（沙袋）": 10}
