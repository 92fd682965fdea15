"""Celery tasks of training: thin, idempotent, safe to re-run.

Imported by `training.setup.register()` (so a worker that loads Django has them registered); the task
names are what the beat schedule and the outbox use."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="enterprises.special_certificates_sweep")
def special_certificates_sweep_task() -> int:
    from .services import special_certificates_sweep

    return special_certificates_sweep()


@shared_task(name="enterprises.training_compliance_facts")
def training_compliance_facts_task() -> int:
    from .services import training_compliance_record_facts

    return training_compliance_record_facts()


@shared_task(name="enterprises.training_compliance_summary")
def training_compliance_summary_task() -> int:
    from .summary import compliance_summary_rebuild

    return compliance_summary_rebuild()
