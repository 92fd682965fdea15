"""Listening to the platform: every recorded fact is read by credit right after its commit."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from safety_platform.signals import fact_recorded, outbound_hold

logger = logging.getLogger(__name__)


@receiver(fact_recorded, dispatch_uid="credit_fact_intake")
def on_fact_recorded(sender: Any, fact: Any, **kwargs: Any) -> None:
    """Map the fact to a credit record now; a failure must not break the app that recorded it.

    Whatever fails here is picked up by the nightly sweep (`credit_facts_ingest_pending`), which
    reads every fact without an intake row.
    """
    from .services import credit_fact_ingest

    try:
        credit_fact_ingest(fact=fact)
    except Exception:
        logger.exception("credit could not ingest fact %s now; the nightly sweep will", getattr(fact, "pk", None))


@receiver(outbound_hold, dispatch_uid="credit_outbound_hold")
def on_outbound_hold(sender: Any, action: str, **kwargs: Any) -> dict[str, int]:
    """Webhook deliveries around a backup and restore (safety_platform.backup).

    count: pending deliveries (for the manifest); hold: after a restore, pending deliveries may already have
    been sent by the lost database, so they wait for an operator; release: the operator lets them go (each
    still carries its event id, on which receivers deduplicate).
    """
    from django.utils import timezone

    from .choices import DeliveryStatus
    from .models import WebhookDelivery

    deliveries = WebhookDelivery.objects.all()
    if action == "count":
        return {"webhook_deliveries": deliveries.filter(status=DeliveryStatus.PENDING).count()}
    if action == "hold":
        held = deliveries.filter(status=DeliveryStatus.PENDING).update(status=DeliveryStatus.HELD)
        return {"webhook_deliveries": held}
    if action == "release":
        released = deliveries.filter(status=DeliveryStatus.HELD).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
        )
        return {"webhook_deliveries": released}
    return {}
