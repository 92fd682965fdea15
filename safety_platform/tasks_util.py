"""Enqueue Celery work safely: only after the transaction commits, never failing the request."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, countdown: int | None = None, **kwargs: Any) -> None:
    """Send `task` once the current transaction commits.

    A broker outage must not fail or hang the request that caused the work: the publish error is
    logged and the scheduled sweeps (nightly recalculation, deadline escalation) catch up later.
    Work that must never be lost goes through an outbox table instead.
    """

    def _send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, countdown=countdown, retry=False)
        except Exception:  # broker down: the sweep jobs will pick the work up
            logger.exception("could not enqueue %s; the scheduled sweep will catch up", getattr(task, "name", task))

    transaction.on_commit(_send)
