"""Scheduled jobs of the emergency app. Thin: they call a service and are safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="emergency.stock_alerts_refresh")
def stock_alerts_refresh_task() -> dict[str, int]:
    """Flag expiring/expired batches and items under their minimum; resolve flags that no longer apply."""
    from .services import stock_alerts_refresh, stock_check_consistency

    result = stock_alerts_refresh()
    mismatched = stock_check_consistency()
    if mismatched:  # never expected: every balance change writes its ledger entry in the same transaction
        logger.error("stock balance differs from the ledger for batches %s", mismatched)
    result["ledger_mismatches"] = len(mismatched)
    return result


@shared_task(name="emergency.drills_notify_overdue")
def drills_notify_overdue_task() -> int:
    from .services import drills_notify_overdue

    return drills_notify_overdue()


@shared_task(name="emergency.warning_notify_targets")
def warning_notify_targets_task(warning_id: int) -> int:
    """Re-run a warning's fan-out (idempotent): reaches enterprises registered since it was issued."""
    from .models import EmergencyWarning
    from .services import warning_notify_targets

    warning = EmergencyWarning.objects.filter(pk=warning_id).first()
    return warning_notify_targets(warning=warning) if warning is not None else 0
