"""Celery tasks of standardization: thin, idempotent, safe to re-run.

Imported by `standardization.setup.register()` (so a worker that loads Django has them registered); the task
names are what the beat schedule and the outbox use."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="enterprises.standardization_sweep")
def standardization_sweep_task() -> dict[str, int]:
    from .services import standardization_sweep

    return standardization_sweep()
