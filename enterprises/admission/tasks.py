"""Celery tasks of admission: thin, idempotent, safe to re-run.

Imported by `admission.setup.register()` (so a worker that loads Django has them registered); the task
names are what the beat schedule and the outbox use."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="enterprises.equipment_match_all")
def equipment_match_all_task() -> int:
    from .services import equipment_match_all

    return equipment_match_all()


@shared_task(name="enterprises.hazard_links_sync")
def hazard_links_sync_task() -> dict[str, Any]:
    """Register hazards that could not be registered when their match or finding was made."""
    from ..responsibility.services import joint_findings_sync_hazards
    from .services import equipment_match_all

    return {"equipment": equipment_match_all(), "joint_findings": joint_findings_sync_hazards()}
