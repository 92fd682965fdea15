"""Test helper: point the Celery app at another broker mid-run."""

from __future__ import annotations

from safety_platform.celery import app as celery_app


def drop_broker_connections() -> None:
    """Forget the app's pooled broker connections and producers, so the next publish connects to the
    broker configured now. Resetting `_pool` alone left the producer pool bound to the earlier (live)
    Redis, and a "stopped" broker still took the tasks when an earlier test had published."""
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
