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
