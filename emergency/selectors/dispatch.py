"""Reads of dispatch orders: lists with their fulfilment figures."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce

from ..models import DispatchAllocation, DispatchLine, DispatchOrder
from .common import subtotal


def _sum(qs: QuerySet[Any], field: str) -> Coalesce:
    return subtotal(qs, "order" if qs.model is DispatchLine else "line__order", Sum(field))


def dispatch_orders_visible_to(user: Any) -> QuerySet[DispatchOrder]:
    """Orders with requested / approved / dispatched unit totals (one subquery each, no fan-out)."""
    lines = DispatchLine.objects.filter(order=OuterRef("pk"))
    allocations = DispatchAllocation.objects.filter(line__order=OuterRef("pk"))
    return (
        DispatchOrder.objects.visible_to(user)
        .select_related("requesting_jurisdiction", "accident", "requested_by")
        .prefetch_related("source_warehouses")
        .annotate(
            requested_units=_sum(lines, "requested_quantity"),
            approved_units=_sum(lines, "approved_quantity"),
            dispatched_units=_sum(allocations, "quantity"),
        )
    )


def dispatch_lines(order: DispatchOrder) -> QuerySet[DispatchLine]:
    return order.lines.select_related("item").annotate(
        dispatched=Coalesce(Sum("allocations__quantity"), 0),
        returned=Coalesce(Sum("allocations__returned_quantity"), 0),
        consumed=Coalesce(Sum("allocations__consumed_quantity"), 0),
    )


def dispatch_allocations(order: DispatchOrder) -> QuerySet[DispatchAllocation]:
    return DispatchAllocation.objects.filter(line__order=order).select_related(
        "line__item", "warehouse", "batch", "shipped_by"
    )
