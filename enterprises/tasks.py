"""Celery tasks of the enterprises app (docs/style.md skeleton: thin tasks that call a service).

The registry itself schedules nothing; the topic modules' tasks live in `tasks_topics.py` and are
named here so `app.autodiscover_tasks()` finds every task of the app in the usual place.
"""

from __future__ import annotations

from celery import shared_task

from .tasks_topics import (
    equipment_match_all_task,
    hazard_links_sync_task,
    special_certificates_sweep_task,
    standardization_sweep_task,
    training_compliance_facts_task,
)

__all__ = [
    "enterprise_figures_rebuild_task",
    "enterprise_figures_refresh_warning_task",
    "equipment_match_all_task",
    "hazard_links_sync_task",
    "special_certificates_sweep_task",
    "standardization_sweep_task",
    "training_compliance_facts_task",
]


@shared_task(name="enterprises.figures_rebuild")
def enterprise_figures_rebuild_task() -> int:
    """Nightly: recount the dashboards' enterprise figures from the records (repairs any change made around
    the models, e.g. a bulk UPDATE); idempotent."""
    from .services.figures import enterprise_figures_rebuild

    return enterprise_figures_rebuild()


@shared_task(name="enterprises.figures_refresh_warning")
def enterprise_figures_refresh_warning_task(warning_id: int) -> int:
    """After a warning reached its enterprises (recipients written in bulk): recount their figures."""
    from emergency.models import WarningRecipient

    from .services.figures import enterprise_figures_refresh

    ids = list(WarningRecipient.objects.filter(warning_id=warning_id).values_list("enterprise_id", flat=True))
    enterprise_figures_refresh(ids)
    return len(ids)
