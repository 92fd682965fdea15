"""Core periodic jobs. Tasks are thin: they call a service and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services import deadlines_escalate


@shared_task(name="safety_platform.deadlines_escalate")
def deadlines_escalate_task() -> int:
    return deadlines_escalate()


@shared_task(name="safety_platform.ping")
def ping(value: str = "pong") -> str:
    """Round trip through the broker and a worker (used by the health check and tests)."""
    return value


@shared_task(name="safety_platform.record_heartbeat")
def record_heartbeat(marker: str) -> str:
    """Write a row from inside a worker, proving the worker reaches the same database."""
    from django.utils import timezone

    from .models import Fact

    Fact.objects.get_or_create(
        dedup_key=f"heartbeat:{marker}",
        defaults={"kind": "hazard_closed", "occurred_at": timezone.now(), "payload": {"heartbeat": marker}},
    )
    return marker


@shared_task(name="safety_platform.outbox_drain")
def outbox_drain_task() -> int:
    """Publish outbox rows still pending (written while the broker was down, or whose publisher died)."""
    import datetime as dt

    from django.utils import timezone

    from .models import TaskOutbox
    from .tasks_util import outbox_dispatch_pending

    total = 0
    while published := outbox_dispatch_pending():
        total += published
    # Published rows are kept a week for whoever looks into a delay, then removed.
    TaskOutbox.objects.filter(dispatched_at__lt=timezone.now() - dt.timedelta(days=7)).delete()
    return total


@shared_task(name="safety_platform.outbound_deliver")
def outbound_deliver_task(ids: list[int] | None = None) -> int:
    """Send due e-mail / SMS messages (enqueued after each notice, and swept every minute)."""
    from .services import outbound_deliver

    return outbound_deliver(ids=ids)
