"""Listening to the platform: every recorded fact is read by credit right after its commit."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from safety_platform.signals import fact_recorded

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
