"""Issue 6 periodic jobs: registered in the database schedule, thin, safe to run twice, safe to run at once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from enterprises.models import DeclaredEquipment, EquipmentMatch, ExitProposal
from hazards.models import Hazard
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.enterprises.topic_factories import CatalogEntryFactory, StdCertificateFactory

TASKS = {
    "enterprises.standardization_sweep",
    "enterprises.special_certificates_sweep",
    "enterprises.training_compliance_facts",
    "enterprises.hazard_links_sync",
}

# A certificate that expired yesterday, on a chosen day.
pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))


@pytest.mark.django_db
def test_jobs_are_in_the_database_schedule_after_migrate() -> None:
    from django_celery_beat.models import PeriodicTask

    from safety_platform.schedules import ensure_schedules

    ensure_schedules()
    assert set(PeriodicTask.objects.values_list("task", flat=True)) >= TASKS


@pytest.mark.django_db
def test_tasks_run_and_are_idempotent(users: Any, org: Any, xinluo_chem: Any) -> None:
    from enterprises.admission import tasks as admission_tasks
    from enterprises.standardization import tasks as standardization_tasks
    from enterprises.training import tasks as training_tasks

    StdCertificateFactory(
        enterprise=xinluo_chem, industry=org.industry("C2614"), expires_on=dt.date.today() - dt.timedelta(days=1)
    )
    entry = CatalogEntryFactory(model_numbers="ZZ-1")
    from enterprises.admission.services import _sync_model_rows

    _sync_model_rows(entry)
    DeclaredEquipment.objects.create(enterprise=xinluo_chem, name="老设备", model_number="ZZ-1")
    first = standardization_tasks.standardization_sweep_task.apply().get()
    assert first["expired"] == 1
    assert standardization_tasks.standardization_sweep_task.apply().get() == {"expired": 0, "reminded": 0}
    assert admission_tasks.hazard_links_sync_task.apply().get()["equipment"] == 1
    admission_tasks.hazard_links_sync_task.apply().get()
    assert Hazard.objects.filter(source="equipment_match").count() == 1
    assert training_tasks.special_certificates_sweep_task.apply().get() == 0
    assert training_tasks.training_compliance_facts_task.apply().get() == 0  # nobody on post yet


def _in_thread(target: Any, results: list[Any]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        except Exception as exc:  # collected and asserted by the test
            results.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_still_make_one_match_and_one_hazard(org: Any, xinluo_chem: Any) -> None:
    from enterprises.admission.services import _sync_model_rows, equipment_match_all

    entry = CatalogEntryFactory(model_numbers="RACE-1")
    _sync_model_rows(entry)
    for n in range(5):
        DeclaredEquipment.objects.create(enterprise=xinluo_chem, name=f"设备{n}", model_number="RACE-1")
    results: list[Any] = []
    threads = [_in_thread(equipment_match_all, results) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert EquipmentMatch.objects.count() == 5
    assert Hazard.objects.filter(source="equipment_match").count() == 5
    assert EquipmentMatch.objects.filter(hazard_id__isnull=True).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_exit_proposals_at_once_leave_one_open(users: Any, xinluo_chem: Any) -> None:
    from enterprises.admission.services import exit_proposal_create

    barrier = threading.Barrier(2)

    def propose(actor: Any) -> Any:
        barrier.wait()
        return exit_proposal_create(actor=actor, enterprise=xinluo_chem, kind="closure", reasons="无证经营")

    results: list[Any] = []
    threads = [
        _in_thread(lambda: propose(users["inspector"]), results),
        _in_thread(lambda: propose(users["department"]), results),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ExitProposal.objects.filter(enterprise=xinluo_chem, status="proposed").count() == 1
    assert sorted(type(r).__name__ for r in results) == ["DomainError", "ExitProposal"]
    assert any(isinstance(r, DomainError) and r.field == "enterprise" for r in results)
