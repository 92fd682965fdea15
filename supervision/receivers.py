"""Listening to the platform: an `inspection_conducted` event from another app is an inspection."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from safety_platform.choices import FactKind
from safety_platform.signals import fact_recorded

logger = logging.getLogger(__name__)


@receiver(fact_recorded, dispatch_uid="supervision_inspection_intake")
def on_fact_recorded(sender: Any, fact: Any, **kwargs: Any) -> None:
    """Record the inspection now; a failure must not break the app that recorded the event."""
    if getattr(fact, "kind", None) != FactKind.INSPECTION_CONDUCTED:
        return
    from .services.inspections import inspection_from_fact

    try:
        inspection_from_fact(fact=fact)
    except Exception:
        logger.exception("supervision could not record the inspection of fact %s", getattr(fact, "pk", None))
