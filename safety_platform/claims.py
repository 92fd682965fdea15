"""Claim queued work for one worker: the outbound messages, the task outbox, credit's webhook deliveries.

    claimed = claim_rows(
        OutboundMessage.objects.due(now),
        order_by=("next_attempt_at", "id"),
        limit=20,
        unchanged=("status", "next_attempt_at", "attempts"),
        claim=lambda row: {"status": SENDING, "next_attempt_at": now + lease, "attempts": row.attempts + 1},
    )

In one transaction the candidates are locked, skipping rows another worker holds (SKIP LOCKED, where the
database has it), and each is claimed by a conditional UPDATE writing `claim(row)` (a lease, the attempt
counted) only while the `unchanged` fields still hold what was read: without row locks (SQLite) two workers
cannot claim the same row either. The work itself is done after this transaction has committed; a worker
that dies while doing it leaves its lease to run out, and the row is claimed again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def claim_rows(
    candidates: QuerySet[M],
    *,
    order_by: Sequence[Any],
    limit: int,
    unchanged: Sequence[str],
    claim: Callable[[M], dict[str, Any]],
) -> list[M]:
    """The rows of `candidates` (the first `limit` by `order_by`) that this worker claimed, in that order, with the
    claim's values set on them as written."""
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        rows = list(candidates.order_by(*order_by)[:limit])
        claimed = []
        for row in rows:
            still = {name: getattr(row, name) for name in unchanged}
            values = claim(row)
            if type(row)._default_manager.filter(pk=row.pk, **still).update(**values):
                for name, value in values.items():
                    setattr(row, name, value)
                claimed.append(row)
    return claimed
