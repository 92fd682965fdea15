"""Dispatch orders across counties (市县互联互通): request → approval → dispatch → delivery → return/consumption.

Every step locks the order row, checks the state it starts from, and writes an append-only
`DispatchStep`. Stock leaves warehouses through the ledger (`stock_issue`), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import Role
from safety_platform.locking import lock_in_state
from safety_platform.models import Jurisdiction, User
from safety_platform.permissions import can
from safety_platform.services import committee_office_users, county_office_users, notify

from ..choices import DispatchAction, DispatchStatus, MovementKind, WarehouseLevel
from ..models import (
    Accident,
    DispatchAllocation,
    DispatchLine,
    DispatchOrder,
    DispatchStep,
    StockBatch,
    SupplyItem,
    Warehouse,
)
from .common import ensure_visible, jurisdiction_in_scope, require, require_text
from .supplies import _lock, _positive, _post, stock_issue


def _step(
    order: DispatchOrder,
    *,
    action: str,
    actor: User | None,
    note: str = "",
    details: dict[str, Any] | None = None,
    to_status: str | None = None,
    from_status: str | None = None,
    **stamps: Any,
) -> DispatchStep:
    """Keep a step taken on the order. With `to_status` the LOCKED order moves there first, saved with `stamps`
    (who and when); the step is from `from_status`, by default the status the order had."""
    previous = order.status if from_status is None else from_status
    if to_status is not None:
        order.status = to_status
        for name, value in stamps.items():
            setattr(order, name, value)
        order.save(update_fields=["status", *stamps, "updated_at"])
    return DispatchStep.objects.create(
        order=order,
        action=action,
        from_status=previous,
        to_status=order.status,
        actor=actor,
        note=note[:500],
        details=details or {},
    )


def _locked(order: DispatchOrder, *expected: str) -> DispatchOrder:
    return lock_in_state(
        DispatchOrder.objects.all(),
        order.pk,
        expected,
        message=_("This order is %(status)s; that step is not possible now."),
        code="dispatch_order_wrong_status",
    )


def _notify_after_commit(
    order: DispatchOrder, recipients: Callable[[], Iterable[User]], title: str, event: str
) -> None:
    """Tell `recipients()` (asked once the transaction has committed) about `event` on the order, once each."""
    transaction.on_commit(
        lambda: notify(
            recipients=recipients(),
            title=title,
            url=order.get_absolute_url(),
            category="emergency.dispatch",
            dedup_key=f"dispatch:{order.pk}:{event}",
        )
    )


def _warehouse_managers(warehouses: Iterable[Warehouse]) -> list[User]:
    from safety_platform.services import inspectors_for

    users: list[User] = []
    for warehouse in warehouses:
        if warehouse.level == WarehouseLevel.ENTERPRISE:
            users += list(
                User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_id=warehouse.enterprise_id)  # type: ignore[misc]  # = None is IS NULL in Django; the plugin refuses None
            )
        elif warehouse.level == WarehouseLevel.COUNTY:
            users += list(inspectors_for(warehouse.jurisdiction, levels=["county"]))
            users += list(county_office_users(warehouse.jurisdiction))
        else:
            users += list(committee_office_users())
    return users


def dispatch_request(
    *,
    actor: User,
    title: str,
    requesting_jurisdiction: Jurisdiction,
    destination: str,
    lines: Iterable[tuple[SupplyItem, int]],
    accident: Accident | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    needed_by: dt.datetime | None = None,
    reason: str = "",
) -> DispatchOrder:
    """申请: a county (or the city) asks for supplies, saying what, how many, where and for which incident."""
    require(can(actor, "emergency.request_dispatch"), _("Only supervision staff request supplies."))
    if not jurisdiction_in_scope(actor, requesting_jurisdiction):
        raise ValidationError({"requesting_jurisdiction": _("This jurisdiction is outside your jurisdictions.")})
    require_text(title, "title", _("Give the order a title."))
    require_text(destination, "destination", _("Say where the supplies go."))
    wanted: dict[int, tuple[SupplyItem, int]] = {}
    for item, quantity in lines:
        if item.pk in wanted:
            raise ValidationError({"lines": _("Each item once per order.")})
        wanted[item.pk] = (item, _positive(quantity, "lines"))
    if not wanted:
        raise ValidationError({"lines": _("Ask for at least one item.")})
    if accident is not None:
        ensure_visible(actor, accident, _("This incident is outside your scope."))
    with transaction.atomic():
        order = DispatchOrder.objects.create(
            title=title.strip()[:200],
            accident=accident,
            requesting_jurisdiction=requesting_jurisdiction,
            destination=destination.strip()[:200],
            contact_name=contact_name,
            contact_phone=contact_phone,
            needed_by=needed_by,
            reason=reason,
            requested_by=actor,
        )
        DispatchLine.objects.bulk_create(
            [DispatchLine(order=order, item=item, requested_quantity=qty) for item, qty in wanted.values()]
        )
        _step(
            order,
            action=DispatchAction.REQUEST,
            from_status="",
            actor=actor,
            note=reason,
            details={"lines": {str(item.pk): qty for item, qty in wanted.values()}},
        )
        _notify_after_commit(
            order, committee_office_users, _("Supplies requested: %(title)s") % {"title": order.title}, "requested"
        )
    return order


def dispatch_approve(
    *,
    actor: User,
    order: DispatchOrder,
    source_warehouses: Iterable[Warehouse],
    approved: Mapping[int, int] | None = None,
    note: str = "",
) -> DispatchOrder:
    """审批: approve all or part of each line and designate the warehouses (any county) that supply it."""
    require(can(actor, "emergency.approve_dispatch"), _("Only city-level staff approve dispatch orders."))
    sources = list(source_warehouses)
    if not sources:
        raise ValidationError({"source_warehouses": _("Designate at least one warehouse.")})
    visible = set(
        Warehouse.objects.visible_to(actor).active().filter(pk__in=[w.pk for w in sources]).values_list("pk", flat=True)
    )
    if len(visible) != len({w.pk for w in sources}):
        raise ValidationError({"source_warehouses": _("A designated warehouse is closed or outside your scope.")})
    with transaction.atomic():
        order = _locked(order, DispatchStatus.REQUESTED)
        decided: dict[str, int] = {}
        lines = list(order.lines.select_for_update().order_by("pk"))
        for line in lines:
            quantity = line.requested_quantity if approved is None else approved.get(line.pk, 0)
            try:
                quantity = int(quantity)
            except (TypeError, ValueError):
                raise ValidationError({"approved": _("Enter whole numbers.")}) from None
            if not 0 <= quantity <= line.requested_quantity:
                raise ValidationError(
                    {"approved": _("Approve between 0 and the %(n)d requested.") % {"n": line.requested_quantity}}
                )
            line.approved_quantity = quantity
            decided[str(line.pk)] = quantity
        if not any(decided.values()):
            raise ValidationError({"approved": _("Approve at least one unit, or reject the order.")})
        DispatchLine.objects.bulk_update(lines, ["approved_quantity"])
        order.source_warehouses.set(sources)
        _step(
            order,
            to_status=DispatchStatus.APPROVED,
            action=DispatchAction.APPROVE,
            actor=actor,
            note=note,
            details={"approved": decided, "warehouses": [w.pk for w in sources]},
            approved_by=actor,
            approved_at=timezone.now(),
        )
        recipients = [*_warehouse_managers(sources), order.requested_by]
        _notify_after_commit(
            order, lambda: recipients, _("Dispatch approved: %(title)s") % {"title": order.title}, "approved"
        )
    return order


def _close_unshipped(
    order: DispatchOrder, expected: tuple[str, ...], to_status: str, *, action: str, actor: User, reason: str
) -> DispatchOrder:
    """Reject or cancel: the order, still in one of the `expected` states, closes with the reason."""
    with transaction.atomic():
        order = _locked(order, *expected)
        _step(order, to_status=to_status, action=action, actor=actor, note=reason, closed_at=timezone.now())
    return order


def dispatch_reject(*, actor: User, order: DispatchOrder, reason: str) -> DispatchOrder:
    require(can(actor, "emergency.approve_dispatch"), _("Only city-level staff approve dispatch orders."))
    require_text(reason, "note", _("Give the reason for the rejection."))
    return _close_unshipped(
        order,
        (DispatchStatus.REQUESTED,),
        DispatchStatus.REJECTED,
        action=DispatchAction.REJECT,
        actor=actor,
        reason=reason,
    )


def dispatch_cancel(*, actor: User, order: DispatchOrder, reason: str) -> DispatchOrder:
    """Withdraw an order before anything has left a warehouse."""
    require(can(actor, "emergency.cancel_dispatch", order), _("You may not cancel this order."))
    require_text(reason, "note", _("Give the reason for the cancellation."))
    return _close_unshipped(
        order,
        (DispatchStatus.REQUESTED, DispatchStatus.APPROVED),
        DispatchStatus.CANCELLED,
        action=DispatchAction.CANCEL,
        actor=actor,
        reason=reason,
    )


def _shipped_by_line(order: DispatchOrder) -> dict[int, int]:
    return dict(order.lines.annotate(shipped=Coalesce(Sum("allocations__quantity"), 0)).values_list("pk", "shipped"))


def dispatch_ship(
    *,
    actor: User,
    order: DispatchOrder,
    warehouse: Warehouse,
    quantities: Mapping[int, int],
    note: str = "",
) -> list[DispatchAllocation]:
    """出库: a designated warehouse sends (part of) the approved quantities, first expiry first out.

    Several warehouses may each ship part; a line never ships more than was approved. Short stock
    fails the whole shipment (nothing leaves), so the keeper can ship what is there instead.
    """
    require(can(actor, "emergency.manage_resource", warehouse), _("You may not dispatch from this warehouse."))
    with transaction.atomic():
        order = _locked(order, DispatchStatus.APPROVED, DispatchStatus.IN_TRANSIT)
        if not order.source_warehouses.filter(pk=warehouse.pk).exists():
            raise ValidationError({"warehouse": _("This warehouse was not designated for this order.")})
        lines = {line.pk: line for line in order.lines.select_related("item")}
        shipped = _shipped_by_line(order)
        allocations: list[DispatchAllocation] = []
        sent: dict[str, int] = {}
        for line_id, raw in quantities.items():
            if not raw:
                continue
            line = lines.get(int(line_id))
            if line is None:
                raise ValidationError({"quantities": _("Unknown line %(id)s.") % {"id": line_id}})
            quantity = _positive(raw, "quantities")
            remaining = (line.approved_quantity or 0) - shipped.get(line.pk, 0)
            if quantity > remaining:
                raise ValidationError(
                    {
                        "quantities": _("%(item)s: only %(n)d still to dispatch.")
                        % {"item": line.item.name, "n": max(remaining, 0)}
                    }
                )

            def allocate(batch: StockBatch, part: int, line: DispatchLine = line) -> DispatchAllocation:
                allocation = DispatchAllocation.objects.create(
                    line=line, batch=batch, warehouse=warehouse, quantity=part, shipped_by=actor
                )
                allocations.append(allocation)
                return allocation

            stock_issue(
                actor=actor,
                warehouse=warehouse,
                item=line.item,
                quantity=quantity,
                kind=MovementKind.DISPATCH,
                note=_("Dispatch order %(number)s") % {"number": order.number},
                allocate=allocate,
                check_permission=False,
            )
            sent[str(line.pk)] = quantity
        if not sent:
            raise ValidationError({"quantities": _("Enter a quantity to dispatch.")})
        _step(
            order,
            to_status=DispatchStatus.IN_TRANSIT,
            action=DispatchAction.SHIP,
            actor=actor,
            note=note,
            details={"warehouse": warehouse.pk, "lines": sent},
        )
    return allocations


def dispatch_confirm_delivery(*, actor: User, order: DispatchOrder, note: str = "") -> DispatchOrder:
    """签收: the requesting side confirms what arrived. Anything approved but not dispatched by then stays
    unfulfilled (the order is marked partially fulfilled)."""
    require(can(actor, "emergency.receive_dispatch", order), _("Only the requesting side confirms delivery."))
    with transaction.atomic():
        order = _locked(order, DispatchStatus.IN_TRANSIT)
        now = timezone.now()
        DispatchAllocation.objects.filter(line__order=order, delivered_at__isnull=True).update(delivered_at=now)
        totals = order.lines.aggregate(
            approved=Coalesce(Sum("approved_quantity"), 0), requested=Coalesce(Sum("requested_quantity"), 0)
        )
        shipped = DispatchAllocation.objects.filter(line__order=order).aggregate(n=Coalesce(Sum("quantity"), 0))["n"]
        _step(
            order,
            to_status=DispatchStatus.DELIVERED,
            action=DispatchAction.DELIVER,
            actor=actor,
            note=note,
            details={"requested": totals["requested"], "approved": totals["approved"], "delivered": shipped},
            delivered_at=now,
            is_partial=shipped < totals["requested"],
        )
    return order


def dispatch_settle(
    *,
    actor: User,
    order: DispatchOrder,
    allocation: DispatchAllocation,
    returned: int = 0,
    consumed: int = 0,
    note: str = "",
) -> DispatchOrder:
    """归还/消耗: what was delivered is returned to its warehouse (back into the same batch) or recorded as
    consumed. When everything is accounted for the order closes."""
    require(
        can(actor, "emergency.receive_dispatch", order)
        or can(actor, "emergency.manage_resource", allocation.warehouse),
        _("You may not settle this order."),
    )
    try:
        returned, consumed = int(returned or 0), int(consumed or 0)
    except (TypeError, ValueError):
        raise ValidationError({"returned": _("Enter whole numbers.")}) from None
    if returned < 0 or consumed < 0 or returned + consumed == 0:
        raise ValidationError({"returned": _("Enter what was returned or consumed.")})
    with transaction.atomic():
        order = _locked(order, DispatchStatus.DELIVERED)
        allocation = (
            DispatchAllocation.objects.select_for_update(of=("self",))
            .select_related("line__item")
            .get(pk=allocation.pk)
        )
        if allocation.line.order_id != order.pk:
            raise ValidationError({"allocation": _("This shipment is not part of this order.")})
        if returned + consumed > allocation.outstanding:
            raise ValidationError(
                {
                    "returned": _("Only %(n)d of this shipment are still unaccounted for.")
                    % {"n": allocation.outstanding}
                }
            )
        if returned:
            (batch,) = _lock(StockBatch.objects.filter(pk=allocation.batch_id))
            _post(
                batch=batch,
                kind=MovementKind.RETURN,
                quantity=returned,
                actor=actor,
                note=_("Returned from dispatch order %(number)s") % {"number": order.number},
                allocation=allocation,
            )
        allocation.returned_quantity += returned
        allocation.consumed_quantity += consumed
        allocation.save(update_fields=["returned_quantity", "consumed_quantity"])
        _step(
            order,
            action=DispatchAction.SETTLE,
            actor=actor,
            note=note,
            details={"allocation": allocation.pk, "returned": returned, "consumed": consumed},
        )
        outstanding = DispatchAllocation.objects.filter(line__order=order).aggregate(
            n=Coalesce(Sum("quantity"), 0)
            - Coalesce(Sum("returned_quantity"), 0)
            - Coalesce(Sum("consumed_quantity"), 0)
        )["n"]
        if outstanding == 0:
            _step(
                order,
                to_status=DispatchStatus.CLOSED,
                action=DispatchAction.CLOSE,
                actor=actor,
                closed_at=timezone.now(),
            )
    return order
