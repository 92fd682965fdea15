"""Writes of warehouses and stock. Every change of a balance is a ledger entry written in the same transaction.

Locking: every operation locks the batches it touches with SELECT … FOR UPDATE, always in primary-key
order, so concurrent dispatches queue behind each other (each sees the balance the previous one left)
and two transfers in opposite directions cannot deadlock. The CHECK constraint `quantity >= 0` stays
as the database's own guarantee should any code path ever forget the lock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.concurrency import Opened
from safety_platform.models import User
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.services import DomainError, committee_office_users, inspectors_for, notify

from ..choices import INBOUND_MOVEMENTS, MovementKind, StockAlertKind, WarehouseLevel
from ..models import StockAlert, StockBatch, StockMovement, SupplyItem, Warehouse, WarehouseItem
from ..models.accidents import COUNT_MAX
from .common import require, require_text, save_edit
from .keepers import check_keeper

WAREHOUSE_FIELDS = [
    "name",
    "level",
    "jurisdiction",
    "enterprise",
    "address",
    "latitude",
    "longitude",
    "keeper_name",
    "keeper_phone",
    "is_active",
]


# Warehouses ---------------------------------------------------------------------------------


def _check_warehouse_owner(actor: User, warehouse: Warehouse) -> None:
    check_keeper(
        actor,
        warehouse,
        of_enterprise=warehouse.level == WarehouseLevel.ENTERPRISE,
        no_enterprise=_("An enterprise store belongs to an enterprise."),
        not_own=_("You may only keep your own enterprise's store."),
        not_staff=_("Only supervision staff keep government reserves."),
    )


def warehouse_create(*, actor: User, data: dict[str, Any]) -> Warehouse:
    if is_enterprise_person(actor):
        data = {**data, "level": WarehouseLevel.ENTERPRISE, "enterprise": actor.enterprise}
    warehouse = Warehouse(**{k: v for k, v in data.items() if k in WAREHOUSE_FIELDS})
    _check_warehouse_owner(actor, warehouse)
    warehouse.full_clean()
    warehouse.save()
    return warehouse


def warehouse_update(
    *, actor: User, warehouse: Warehouse, data: dict[str, Any], opened: Opened | None = None
) -> Warehouse:
    """Edit a warehouse; with `opened`, a field changed by someone else meanwhile refuses the save."""
    require(can(actor, "emergency.manage_resource", warehouse), _("You may not edit this warehouse."))
    with transaction.atomic():
        return save_edit(
            warehouse,
            data,
            fields=WAREHOUSE_FIELDS,
            fixed=("level", "enterprise"),
            check=lambda row: _check_warehouse_owner(actor, row),
            opened=opened,
        )


def warehouse_set_minimum(*, actor: User, warehouse: Warehouse, item: SupplyItem, min_quantity: int) -> WarehouseItem:
    require(can(actor, "emergency.manage_resource", warehouse), _("You may not manage this warehouse."))
    if min_quantity < 0:
        raise ValidationError({"min_quantity": _("The minimum cannot be negative.")})
    if min_quantity > COUNT_MAX:
        raise ValidationError({"min_quantity": _("The quantity must be at most %(max)d.") % {"max": COUNT_MAX}})
    setting, _created = WarehouseItem.objects.update_or_create(
        warehouse=warehouse, item=item, defaults={"min_quantity": min_quantity}
    )
    return setting


# The ledger ---------------------------------------------------------------------------------


def _positive(quantity: Any, field: str = "quantity") -> int:
    try:
        value = int(str(quantity).strip())
    except ValueError:
        value = 0
    if isinstance(quantity, bool) or value <= 0:
        raise ValidationError({field: _("The quantity must be a positive whole number.")})
    if value > COUNT_MAX:
        # Beyond the column's range: PostgreSQL refuses it, SQLite cannot even bind it (a 500 either way).
        raise ValidationError({field: _("The quantity must be at most %(max)d.") % {"max": COUNT_MAX}})
    return value


def _short(available: int, unit: str) -> DomainError:
    """The refusal of a take beyond the stock: how much there is."""
    return DomainError(
        _("Not enough stock: %(available)d %(unit)s available.") % {"available": available, "unit": unit},
        field="quantity",
        code="stock_short",
    )


def _post(
    *,
    batch: StockBatch,
    kind: str,
    quantity: int,
    actor: User | None,
    note: str = "",
    occurred_at: dt.datetime | None = None,
    transfer_ref: uuid.UUID | None = None,
    allocation: Any = None,
) -> StockMovement:
    """Change a LOCKED batch's balance and write the ledger entry for it (call inside a transaction)."""
    delta = quantity if kind in INBOUND_MOVEMENTS else -quantity
    if batch.quantity + delta < 0:
        raise _short(batch.quantity, batch.item.unit)
    try:
        # A savepoint, so that should the CHECK constraint fire the caller gets a clean DomainError.
        with transaction.atomic():
            StockBatch.objects.filter(pk=batch.pk).update(quantity=F("quantity") + delta, updated_at=timezone.now())
    except IntegrityError as exc:
        raise DomainError(_("Not enough stock."), field="quantity", code="stock_short") from exc
    batch.quantity += delta
    return StockMovement.objects.create(
        batch=batch,
        warehouse_id=batch.warehouse_id,
        item_id=batch.item_id,
        kind=kind,
        quantity=delta,
        balance_after=batch.quantity,
        occurred_at=occurred_at or timezone.now(),
        actor=actor,
        note=note[:300],
        transfer_ref=transfer_ref,
        allocation=allocation,
    )


def _batch_for_receipt(warehouse: Warehouse, item: SupplyItem, batch_no: str, expires_on: dt.date | None) -> StockBatch:
    """Find or create the batch (the unique constraint settles a race between two first receipts)."""
    batch_no = (batch_no or "").strip()
    try:
        with transaction.atomic():
            batch, created = StockBatch.objects.get_or_create(
                warehouse=warehouse, item=item, batch_no=batch_no, defaults={"expires_on": expires_on}
            )
    except IntegrityError:
        batch, created = StockBatch.objects.get(warehouse=warehouse, item=item, batch_no=batch_no), False
    if not created and expires_on is not None and batch.expires_on not in (None, expires_on):
        raise ValidationError(
            {
                "expires_on": _("Batch %(batch)s is recorded with expiry %(date)s.")
                % {"batch": batch_no or "—", "date": batch.expires_on}
            }
        )
    WarehouseItem.objects.get_or_create(
        warehouse=warehouse, item=item, defaults={"min_quantity": item.default_min_quantity}
    )
    return batch


def _lock(batches: Any) -> list[StockBatch]:
    # Always lock in primary-key order: concurrent operations then never wait on each other in a cycle.
    return list(batches.select_for_update(of=("self",)).select_related("item").order_by("pk"))


def stock_receive(
    *,
    actor: User,
    warehouse: Warehouse,
    item: SupplyItem,
    quantity: int,
    batch_no: str = "",
    expires_on: dt.date | None = None,
    note: str = "",
    occurred_at: dt.datetime | None = None,
) -> StockMovement:
    """入库: stock arrives in a warehouse (a purchase, a donation, an initial count)."""
    require(can(actor, "emergency.manage_resource", warehouse), _("You may not manage this warehouse."))
    quantity = _positive(quantity)
    if not warehouse.is_active:
        raise DomainError(_("This warehouse is closed."), field="warehouse", code="warehouse_closed")
    with transaction.atomic():
        batch = _batch_for_receipt(warehouse, item, batch_no, expires_on)
        (batch,) = _lock(StockBatch.objects.filter(pk=batch.pk))
        if batch.expires_on is None and expires_on is not None:
            StockBatch.objects.filter(pk=batch.pk).update(expires_on=expires_on)
            batch.expires_on = expires_on
        return _post(
            batch=batch, kind=MovementKind.RECEIVE, quantity=quantity, actor=actor, note=note, occurred_at=occurred_at
        )


@dataclass
class Take:
    batch: StockBatch
    quantity: int
    movement: StockMovement


def _fefo(batches: Iterable[StockBatch], today: dt.date) -> list[StockBatch]:
    """First expiry, first out; expired batches are never issued (they are written off)."""
    usable = [b for b in batches if b.quantity > 0 and (b.expires_on is None or b.expires_on >= today)]
    return sorted(usable, key=lambda b: (b.expires_on is None, b.expires_on or dt.date.max, b.pk))


def _take_locked(
    *,
    locked: list[StockBatch],
    quantity: int,
    kind: str,
    actor: User,
    note: str,
    transfer_ref: uuid.UUID | None = None,
    allocate: Any = None,
    allow_partial: bool = False,
) -> list[Take]:
    today = timezone.localdate()
    candidates = _fefo(locked, today)
    available = sum(b.quantity for b in candidates)
    if available < quantity and not (allow_partial and available > 0):
        raise _short(available, locked[0].item.unit if locked else "")
    remaining = min(quantity, available)
    takes: list[Take] = []
    for batch in candidates:
        if remaining == 0:
            break
        part = min(batch.quantity, remaining)
        allocation = allocate(batch, part) if allocate is not None else None
        movement = _post(
            batch=batch,
            kind=kind,
            quantity=part,
            actor=actor,
            note=note,
            transfer_ref=transfer_ref,
            allocation=allocation,
        )
        takes.append(Take(batch, part, movement))
        remaining -= part
    return takes


def stock_issue(
    *,
    actor: User,
    warehouse: Warehouse,
    item: SupplyItem,
    quantity: int,
    kind: str = MovementKind.CONSUME,
    note: str = "",
    batch: StockBatch | None = None,
    allocate: Any = None,
    allow_partial: bool = False,
    check_permission: bool = True,
) -> list[Take]:
    """出库: take stock out (consumed, written off, dispatched), first expiry first out unless a batch is named.

    Raises DomainError when the stock is short (nothing is taken), unless `allow_partial` is set, in
    which case what is there is taken.
    """
    if kind in INBOUND_MOVEMENTS or kind not in MovementKind.values:
        raise ValidationError({"kind": _("Not an outgoing movement.")})
    if check_permission:
        require(can(actor, "emergency.manage_resource", warehouse), _("You may not manage this warehouse."))
    quantity = _positive(quantity)
    with transaction.atomic():
        if batch is not None:
            if batch.warehouse_id != warehouse.pk or batch.item_id != item.pk:
                raise ValidationError({"batch": _("This batch is not of this item in this warehouse.")})
            locked = _lock(StockBatch.objects.filter(pk=batch.pk))
            if kind != MovementKind.WRITE_OFF:
                locked = [b for b in locked if not b.is_expired]
            if not locked or locked[0].quantity < quantity:
                raise _short(locked[0].quantity if locked else 0, item.unit)
            movement = _post(
                batch=locked[0],
                kind=kind,
                quantity=quantity,
                actor=actor,
                note=note,
                allocation=allocate(locked[0], quantity) if allocate else None,
            )
            return [Take(locked[0], quantity, movement)]
        locked = _lock(StockBatch.objects.filter(warehouse=warehouse, item=item))
        return _take_locked(
            locked=locked,
            quantity=quantity,
            kind=kind,
            actor=actor,
            note=note,
            allocate=allocate,
            allow_partial=allow_partial,
        )


def stock_write_off(*, actor: User, batch: StockBatch, quantity: int, reason: str) -> StockMovement:
    """报废: expired or damaged stock leaves the books; the reason is required."""
    require_text(reason, "note", _("Give the reason for the write-off."))
    takes = stock_issue(
        actor=actor,
        warehouse=batch.warehouse,
        item=batch.item,
        quantity=quantity,
        kind=MovementKind.WRITE_OFF,
        note=reason,
        batch=batch,
    )
    return takes[0].movement


def stock_transfer(
    *,
    actor: User,
    source: Warehouse,
    destination: Warehouse,
    item: SupplyItem,
    quantity: int,
    note: str = "",
) -> uuid.UUID:
    """调拨: move stock between warehouses, batch by batch (batch number and expiry travel with it).

    Both halves run in one transaction: if anything fails while receiving, the stock taken out of
    the source is put back by the rollback, so the books never show stock in neither or both places.
    """
    require(can(actor, "emergency.manage_resource", source), _("You may not manage the source warehouse."))
    require(
        can(actor, "emergency.transfer_into", destination),
        _("You may only transfer to a warehouse you manage; other moves go through a dispatch order."),
    )
    if source.pk == destination.pk:
        raise ValidationError({"destination": _("Choose a different warehouse.")})
    if not destination.is_active:
        raise ValidationError({"destination": _("This warehouse is closed.")})
    quantity = _positive(quantity)
    ref = uuid.uuid4()
    with transaction.atomic():
        # Lock both sides up front, in key order (see the module docstring).
        locked = _lock(StockBatch.objects.filter(item=item, warehouse__in=[source.pk, destination.pk]))
        takes = _take_locked(
            locked=[b for b in locked if b.warehouse_id == source.pk],
            quantity=quantity,
            kind=MovementKind.TRANSFER_OUT,
            actor=actor,
            note=note or _("Transfer to %(name)s") % {"name": destination.name},
            transfer_ref=ref,
        )
        for take in takes:
            target = _batch_for_receipt(destination, item, take.batch.batch_no, take.batch.expires_on)
            (target,) = _lock(StockBatch.objects.filter(pk=target.pk))
            _post(
                batch=target,
                kind=MovementKind.TRANSFER_IN,
                quantity=take.quantity,
                actor=actor,
                note=note or _("Transfer from %(name)s") % {"name": source.name},
                transfer_ref=ref,
            )
    return ref


# Scheduled flags ----------------------------------------------------------------------------


def _alert_recipients(warehouse: Warehouse) -> list[User]:
    if warehouse.level == WarehouseLevel.ENTERPRISE:
        return list(User.objects.filter(is_active=True, role="enterprise", enterprise_id=warehouse.enterprise_id))  # type: ignore[misc]  # = None is IS NULL in Django; the plugin refuses None
    if warehouse.level == WarehouseLevel.COUNTY:
        return list(inspectors_for(warehouse.jurisdiction, levels=["county"]))
    return list(committee_office_users())


def stock_alerts_refresh(*, today: dt.date | None = None, notify_users: bool = True) -> dict[str, int]:
    """Raise a flag for each batch expiring soon or expired and each item under its minimum; resolve flags
    whose condition is gone. Idempotent: one open flag per condition, one notification per flag."""
    from ..selectors import low_stock_rows

    today = today or timezone.localdate()
    wanted: dict[str, dict[str, Any]] = {}
    horizon = today + dt.timedelta(days=366)
    batches = (
        StockBatch.objects.filter(quantity__gt=0, expires_on__isnull=False, expires_on__lte=horizon)
        .filter(warehouse__is_active=True)
        .select_related("item")
    )
    for batch in batches:
        assert batch.expires_on is not None
        if batch.expires_on < today:
            kind = StockAlertKind.EXPIRED
        elif batch.expires_on <= today + dt.timedelta(days=batch.item.expiry_warning_days):
            kind = StockAlertKind.EXPIRING
        else:
            continue
        wanted[f"{kind}:{batch.warehouse_id}:{batch.item_id}:{batch.pk}"] = {
            "kind": kind,
            "warehouse_id": batch.warehouse_id,
            "item_id": batch.item_id,
            "batch_id": batch.pk,
            "quantity": batch.quantity,
            "expires_on": batch.expires_on,
        }
    for row in low_stock_rows(today=today):
        wanted[f"{StockAlertKind.LOW}:{row['warehouse_id']}:{row['item_id']}"] = {
            "kind": StockAlertKind.LOW,
            "warehouse_id": row["warehouse_id"],
            "item_id": row["item_id"],
            "quantity": row["on_hand"],
            "threshold": row["min_quantity"],
        }
    now = timezone.now()
    with transaction.atomic():
        resolved = StockAlert.objects.open().exclude(key__in=list(wanted)).update(resolved_at=now)
        existing = set(StockAlert.objects.open().filter(key__in=list(wanted)).values_list("key", flat=True))
        fresh = [StockAlert(key=key, **values) for key, values in wanted.items() if key not in existing]
        # ignore_conflicts: a concurrent run that raised the same flag first wins (one open flag per key).
        StockAlert.objects.bulk_create(fresh, ignore_conflicts=True)
    if notify_users and fresh:
        raised = (
            StockAlert.objects.open()
            .filter(key__in=[a.key for a in fresh])
            .select_related("warehouse__jurisdiction", "item", "batch")
        )
        for alert in raised:
            notify(
                recipients=_alert_recipients(alert.warehouse),
                title=_("%(kind)s: %(item)s at %(warehouse)s")
                % {"kind": alert.get_kind_display(), "item": alert.item.name, "warehouse": alert.warehouse.name},
                url=alert.warehouse.get_absolute_url(),
                category="emergency.stock",
                dedup_key=f"stockalert:{alert.pk}",
            )
    return {"raised": len(fresh), "resolved": resolved, "open": len(wanted)}


def stock_check_consistency() -> list[int]:
    """Ids of batches whose stored balance differs from their ledger's sum (should always be empty)."""
    from ..selectors import stock_ledger_mismatches

    return list(stock_ledger_mismatches().values_list("pk", flat=True))
