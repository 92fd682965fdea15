"""Reads of warehouses and stock: balances per item, low stock, ledger consistency (all set-based)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Count, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import StockAlert, StockBatch, StockMovement, Warehouse, WarehouseItem
from .common import subtotal


def _not_expired(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today})


def _usable_stock(today: dt.date, *, warehouse_ref: str, item_ref: str | None) -> Coalesce:
    """SUM of the usable (unexpired) stock of one warehouse (and item), as a correlated subquery (0 when none)."""
    batches = StockBatch.objects.filter(_not_expired(today), warehouse=OuterRef(warehouse_ref))
    if item_ref is not None:
        batches = batches.filter(item=OuterRef(item_ref))
    return subtotal(batches, "warehouse", Sum("quantity"))


def warehouses_visible_to(user: Any, *, today: dt.date | None = None) -> QuerySet[Warehouse]:
    """Warehouses with their usable units and open flags, each figure one subquery (no N+1, no fan-out)."""
    today = today or timezone.localdate()
    return (
        Warehouse.objects.visible_to(user)
        .select_related("jurisdiction", "enterprise")
        .annotate(
            usable_units=_usable_stock(today, warehouse_ref="pk", item_ref=None),
            open_alerts=subtotal(StockAlert.objects.open().filter(warehouse=OuterRef("pk")), "warehouse", Count("id")),
        )
    )


class StockRow(TypedDict):
    item_id: int
    item__name: str
    item__unit: str
    item__category: str
    usable: int
    expired: int
    batches: int
    next_expiry: dt.date | None
    min_quantity: int


class LowStockRow(TypedDict):
    warehouse_id: int
    item_id: int
    on_hand: int
    min_quantity: int


def warehouse_stock(warehouse: Warehouse, *, today: dt.date | None = None) -> list[StockRow]:
    """One row per item held: usable, expired, number of batches, next expiry, minimum — one query."""
    today = today or timezone.localdate()
    minimum = WarehouseItem.objects.filter(warehouse=warehouse, item=OuterRef("item")).values("min_quantity")[:1]
    return list(
        StockBatch.objects.filter(warehouse=warehouse)
        .values("item_id", "item__name", "item__unit", "item__category")
        .annotate(
            usable=Coalesce(Sum("quantity", filter=_not_expired(today)), 0),
            expired=Coalesce(Sum("quantity", filter=~_not_expired(today)), 0),
            batches=Count("id", filter=Q(quantity__gt=0)),
            next_expiry=Min("expires_on", filter=Q(quantity__gt=0) & _not_expired(today)),
            min_quantity=Coalesce(Subquery(minimum, output_field=IntegerField()), 0),
        )
        .order_by("item__category", "item__name")
    )


def warehouse_batches(warehouse: Warehouse) -> QuerySet[StockBatch]:
    return (
        StockBatch.objects.filter(warehouse=warehouse, quantity__gt=0)
        .select_related("item")
        .order_by("item__name", "expires_on", "id")
    )


def low_stock_rows(*, today: dt.date | None = None, warehouses: QuerySet[Warehouse] | None = None) -> list[LowStockRow]:
    """(warehouse, item) pairs whose usable stock is under the warehouse's minimum, in one query."""
    today = today or timezone.localdate()
    qs = WarehouseItem.objects.filter(warehouse__is_active=True, min_quantity__gt=0)
    if warehouses is not None:
        qs = qs.filter(warehouse__in=warehouses)
    return list(
        qs.annotate(on_hand=_usable_stock(today, warehouse_ref="warehouse", item_ref="item"))
        .filter(on_hand__lt=F("min_quantity"))
        .values("warehouse_id", "item_id", "on_hand", "min_quantity")
    )


def stock_ledger_mismatches() -> QuerySet[StockBatch]:
    """Batches whose stored balance is not the sum of their ledger (an invariant: always empty)."""
    ledger = subtotal(StockMovement.objects.filter(batch=OuterRef("pk")), "batch", Sum("quantity"))
    return StockBatch.objects.annotate(ledger=ledger).exclude(quantity=F("ledger"))


def ledger_visible_to(user: Any) -> QuerySet[StockMovement]:
    return StockMovement.objects.visible_to(user).select_related("warehouse", "item", "batch", "actor")


def stock_alerts_visible_to(user: Any) -> QuerySet[StockAlert]:
    return StockAlert.objects.visible_to(user).open().select_related("warehouse", "item", "batch")


def item_availability(user: Any, item_id: int, *, today: dt.date | None = None) -> QuerySet[Warehouse]:
    """Where an item can be had: visible active warehouses with usable stock of it (for dispatch approvers)."""
    today = today or timezone.localdate()
    usable = StockBatch.objects.filter(_not_expired(today), warehouse=OuterRef("pk"), item_id=item_id)
    return (
        Warehouse.objects.visible_to(user)
        .active()
        .select_related("jurisdiction")
        .annotate(usable=subtotal(usable, "warehouse", Sum("quantity")))
        .filter(usable__gt=0)
        .order_by("-usable", "name")
    )
