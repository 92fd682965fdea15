"""Lock a row and check its state: the one way a service starts a state change.

    order = lock_in_state(DispatchOrder.objects, order.pk, [DispatchStatus.REQUESTED],
                          message=_("This order is %(status)s; that step is not possible now."),
                          code="dispatch_order_wrong_status")

The row is read again with `SELECT … FOR UPDATE` inside the caller's transaction, so two people acting at
once are serialized and the second sees the first one's result; a state outside `states` is refused with
the caller's message (`%(status)s` is the state's display label) and stable code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from .services import DomainError

M = TypeVar("M", bound=Model)


def lock_row(queryset: QuerySet[M], pk: Any) -> M:
    """The row, read again and locked until the transaction ends (only the queryset's own table is locked)."""
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def lock_found(queryset: QuerySet[M], pk: Any, *, message: str) -> M:
    """The row of `queryset` (typically the actor's `visible_to`), read again and locked; otherwise a DomainError
    `not_found` with `message`: a row the actor may not see is not found (its existence is not leaked)."""
    row = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise DomainError(message, code="not_found")
    return row


def lock_in_state(
    queryset: QuerySet[M],
    pk: Any,
    states: Iterable[str],
    *,
    message: str,
    code: str,
    state_field: str = "status",
    field: str | None = "status",
) -> M:
    """The row, locked, if its `state_field` is one of `states`; otherwise a DomainError naming the state."""
    row = lock_row(queryset, pk)
    state = getattr(row, state_field)
    if state not in set(states):
        label = getattr(row, f"get_{state_field}_display", lambda: state)()
        raise DomainError(message % {"status": label}, field=field, code=code)
    return row
