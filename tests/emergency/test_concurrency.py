"""Stock under concurrency (PostgreSQL): 50 dispatches at once against a stock of 10."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from emergency.models import DispatchAllocation, StockBatch, StockMovement
from emergency.selectors import stock_ledger_mismatches
from emergency.services import dispatch_approve, dispatch_request, dispatch_ship, stock_receive
from safety_platform.services import DomainError

WORKERS = 50
STOCK = 10


@pytest.mark.postgres
def test_fifty_concurrent_dispatches_against_a_stock_of_ten(
    transactional_db: Any, users: dict[str, Any], org: Any, tent: Any, xinluo_store: Any
) -> None:
    committee = users["committee"]
    stock_receive(actor=committee, warehouse=xinluo_store, item=tent, quantity=STOCK, batch_no="C")
    orders = []
    for n in range(WORKERS):
        order = dispatch_request(
            actor=committee,
            title=f"并发调拨{n}",
            requesting_jurisdiction=org.jurisdiction("新罗区"),
            destination="现场",
            lines=[(tent, 1)],
        )
        dispatch_approve(actor=committee, order=order, source_warehouses=[xinluo_store])
        orders.append((order, order.lines.get().pk))

    barrier = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def dispatch(order: Any, line_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            dispatch_ship(actor=committee, order=order, warehouse=xinluo_store, quantities={line_id: 1})
            result = "shipped"
        except DomainError:
            result = "short"
        except Exception as exc:  # anything else is a bug and fails the test below
            result = f"error: {exc!r}"
        finally:
            connection.close()  # each thread used its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=dispatch, args=pair) for pair in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(set(outcomes)) == ["shipped", "short"], outcomes
    assert outcomes.count("shipped") == STOCK
    batch = StockBatch.objects.get(warehouse=xinluo_store, item=tent)
    assert batch.quantity == 0
    dispatched = StockMovement.objects.filter(batch=batch, kind="dispatch")
    assert dispatched.count() == STOCK
    assert dispatched.aggregate(n=Sum("quantity"))["n"] == -STOCK
    assert StockMovement.objects.filter(batch=batch).aggregate(n=Sum("quantity"))["n"] == batch.quantity
    # Each dispatch saw the balance the previous one left (the row lock serialises them): 9, 8, … 0 once each.
    assert sorted(dispatched.values_list("balance_after", flat=True)) == list(range(STOCK))
    assert DispatchAllocation.objects.aggregate(n=Sum("quantity"))["n"] == STOCK
    assert not stock_ledger_mismatches().exists()
