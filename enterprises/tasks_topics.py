"""Celery tasks of the admission, standardization and training topics: thin, idempotent, safe to re-run.

Imported from `setup_topics.register_topics()` (so a worker that loads Django has them registered).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="enterprises.standardization_sweep")
def standardization_sweep_task() -> dict[str, int]:
    from .services.standardization import standardization_sweep

    return standardization_sweep()


@shared_task(name="enterprises.special_certificates_sweep")
def special_certificates_sweep_task() -> int:
    from .services.training import special_certificates_sweep

    return special_certificates_sweep()


@shared_task(name="enterprises.training_compliance_facts")
def training_compliance_facts_task() -> int:
    from .services.training import training_compliance_record_facts

    return training_compliance_record_facts()


@shared_task(name="enterprises.equipment_match_all")
def equipment_match_all_task() -> int:
    from .services.admission import equipment_match_all

    return equipment_match_all()


@shared_task(name="enterprises.hazard_links_sync")
def hazard_links_sync_task() -> dict[str, Any]:
    """Register hazards that could not be registered when their match or finding was made."""
    from .services.admission import equipment_match_all
    from .services.responsibility import joint_findings_sync_hazards

    return {"equipment": equipment_match_all(), "joint_findings": joint_findings_sync_hazards()}
