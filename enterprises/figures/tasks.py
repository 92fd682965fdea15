"""Celery tasks of the dashboards' enterprise figures: thin, idempotent, safe to re-run.

Imported by `figures.setup.register()` (called from `EnterprisesConfig.ready()`), so a worker that loads
Django has them registered; the task names are what the beat schedule and the outbox refer to.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="enterprises.figures_rebuild")
def enterprise_figures_rebuild_task() -> int:
    """Nightly: recount the dashboards' enterprise figures from the records (repairs any change made around
    the models, e.g. a bulk UPDATE); idempotent."""
    from .services import enterprise_figures_rebuild

    return enterprise_figures_rebuild()


@shared_task(name="enterprises.figures_refresh_warning")
def enterprise_figures_refresh_warning_task(warning_id: int) -> int:
    """After a warning reached its enterprises (recipients written in bulk): recount their figures."""
    from emergency.models import WarningRecipient

    from .services import enterprise_figures_refresh

    ids = list(WarningRecipient.objects.filter(warning_id=warning_id).values_list("enterprise_id", flat=True))
    enterprise_figures_refresh(ids)
    return len(ids)
