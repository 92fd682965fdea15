"""Recalculation runs: every enterprise in batches, idempotent, resumable after a crash, notified."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from credit import engine
from credit.choices import BatchStatus, RecalcTrigger, RunStatus
from credit.models import CreditRating, CreditRatingHistory, CreditRecalcBatch, CreditRecalcRun
from credit.services import (
    credit_rating_recalculate,
    credit_recalc_run_execute,
    credit_recalc_run_start,
    credit_recalculate_all,
    grading,
)
from safety_platform.models import Notification
from tests.clock import shanghai
from tests.credit.factories import confirm, record
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

CODES = [
    "STD-1",
    "STD-3",
    "ACC-LARGER",
    "ACC-GENERAL",
    "ORG-MISSING",
    "HAZ-OVERDUE",
    "HAZ-REPORT-ONTIME",
    "OCC-VIOLATION",
]


@pytest.fixture
def city(org: Any, as_of: dt.date) -> list[Any]:
    """Fourteen enterprises with varied records (ids are consecutive, so batches of 3 split them)."""
    jurisdiction = org.jurisdiction("新罗区/东城街道")
    industry = org.industry("C2614")
    enterprises = [EnterpriseFactory(jurisdiction=jurisdiction, industry=industry) for _ in range(14)]
    for index, enterprise in enumerate(enterprises):
        for offset in range(index % 5):
            record(enterprise, CODES[(index + offset) % len(CODES)], as_of=as_of, months_before=offset + 1)
    return enterprises


def expected_grades(rule_set: Any, as_of: dt.date) -> dict[int, tuple[int, int]]:
    """What a clean run must write, straight from the engine (no writes)."""
    return {r.enterprise_id: (r.grade, r.score) for r in engine.score_range(rule_set, as_of)}


def current_grades() -> dict[int, tuple[int, int]]:
    return {r.enterprise_id: (r.grade, r.score) for r in CreditRating.objects.all()}


def test_nightly_run_grades_every_enterprise_in_batches(city: Any, rule_set: Any, as_of: dt.date) -> None:
    run = credit_recalculate_all(as_of=as_of, batch_size=3)
    assert run.status == RunStatus.COMPLETED
    assert run.batches_total == 5
    assert run.enterprises == len(city) == run.changed
    assert current_grades() == expected_grades(rule_set, as_of)
    assert set(CreditRatingHistory.objects.values_list("run_id", flat=True)) == {run.pk}


def test_running_the_nightly_job_twice_changes_nothing(city: Any, as_of: dt.date) -> None:
    first = credit_recalculate_all(as_of=as_of, batch_size=3)
    before = {r.enterprise_id: (r.updated_at, r.latest_id) for r in CreditRating.objects.all()}
    again = credit_recalculate_all(as_of=as_of, batch_size=3)
    assert again.pk == first.pk  # same night: the same run, already complete
    fresh = credit_recalculate_all(as_of=as_of, batch_size=4, trigger=RecalcTrigger.MANUAL)
    assert fresh.pk != first.pk and fresh.status == RunStatus.COMPLETED
    assert (fresh.enterprises, fresh.changed, fresh.grade_changes) == (len(city), 0, 0)
    assert {r.enterprise_id: (r.updated_at, r.latest_id) for r in CreditRating.objects.all()} == before
    assert CreditRatingHistory.objects.count() == len(city)


class WorkerDied(BaseException):
    """Stands in for a worker killed in the middle of a batch (not an Exception: nothing catches it)."""


def test_run_interrupted_midway_then_rerun_gives_the_same_grades_as_a_clean_run(
    city: Any, rule_set: Any, as_of: dt.date, monkeypatch: Any
) -> None:
    enterprise_user = UserFactory(role="enterprise", enterprise=city[4])
    calls = {"n": 0}
    original = grading._mark_batch_done

    def dies_in_third_batch(batch: Any, outcome: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 3:
            raise WorkerDied  # after grading and writing the batch, before it is marked done
        return original(batch, outcome)

    monkeypatch.setattr(grading, "_mark_batch_done", dies_in_third_batch)
    with pytest.raises(WorkerDied):
        credit_recalculate_all(as_of=as_of, batch_size=3)
    run = CreditRecalcRun.objects.get()
    assert run.status == RunStatus.RUNNING
    done = CreditRecalcBatch.objects.filter(run=run, status=BatchStatus.DONE)
    assert done.count() == 2
    # The half-done batch left nothing behind: only the first two batches' enterprises are graded.
    assert CreditRating.objects.count() == sum(b.enterprises for b in done) == 6

    monkeypatch.setattr(grading, "_mark_batch_done", original)
    rerun = credit_recalculate_all(as_of=as_of, batch_size=3)
    assert rerun.pk == run.pk and rerun.status == RunStatus.COMPLETED
    assert current_grades() == expected_grades(rule_set, as_of)
    # Exactly one result per enterprise (no duplicate from the broken batch) …
    assert CreditRatingHistory.objects.count() == len(city)
    # … and a clean run afterwards finds nothing to change.
    clean = credit_recalculate_all(as_of=as_of, batch_size=3, trigger=RecalcTrigger.MANUAL)
    assert clean.changed == 0
    assert not Notification.objects.filter(recipient=enterprise_user).exists()  # first grades are no change


def test_two_workers_sharing_a_run_grade_each_enterprise_once(city: Any, rule_set: Any, as_of: dt.date) -> None:
    run = credit_recalc_run_start(as_of=as_of, batch_size=2)
    assert credit_recalc_run_execute(run_id=run.pk, max_batches=3) == 3
    assert credit_recalc_run_execute(run_id=run.pk) == run.batches_total - 3
    assert credit_recalc_run_execute(run_id=run.pk) == 0
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert CreditRatingHistory.objects.count() == len(city)
    assert current_grades() == expected_grades(rule_set, as_of)


def test_grade_change_is_recorded_and_notified_to_the_enterprise_once(
    xinluo_chem: Any, users: dict[str, Any], as_of: dt.date
) -> None:
    credit_recalculate_all(as_of=as_of)
    accident = record(xinluo_chem, "ACC-LARGER", as_of=as_of, days_before=1)
    run = credit_recalculate_all(as_of=as_of + dt.timedelta(days=1), batch_size=5)
    assert run.grade_changes == 1
    change = CreditRatingHistory.objects.filter(enterprise=xinluo_chem).order_by("-id").first()
    assert (change.previous_grade, change.grade, change.previous_score, change.score) == (2, 3, 80, 55)
    assert change.contribution_points() == {accident.pk: -25}
    notes = Notification.objects.filter(recipient=users["enterprise"], category="credit")
    assert notes.count() == 1
    assert "/credit/enterprises/" in notes.get().url
    # Nobody else is told, and re-running tells nobody again.
    assert not Notification.objects.filter(recipient=users["department"], category="credit").exists()
    credit_recalculate_all(as_of=as_of + dt.timedelta(days=1), batch_size=5)
    assert notes.count() == 1


def test_run_refuses_a_non_positive_batch_size(as_of: dt.date) -> None:
    from safety_platform.services import DomainError

    with pytest.raises(DomainError) as caught:
        credit_recalc_run_start(as_of=as_of, batch_size=0)
    assert caught.value.code == "invalid"


def test_nightly_task_catches_up_on_missed_events_first(xinluo_chem: Any, as_of: dt.date) -> None:
    from credit.models import CreditFactIntake
    from credit.tasks import recalculate_all_task
    from tests.credit.factories import fact

    # Recorded inside the test transaction: the live listener never ran (as if it had crashed).
    missed = fact(xinluo_chem, "accident", accident_id=5, grade="larger", deaths=3)
    assert not CreditFactIntake.objects.filter(fact=missed).exists()
    result = recalculate_all_task()
    assert result["ingested"] >= 1
    proposed = CreditFactIntake.objects.get(fact=missed).record
    assert (proposed.rule_code, proposed.status) == ("ACC-LARGER", "proposed")
    assert CreditRating.objects.get(enterprise=xinluo_chem).grade == 2  # a proposal counts in nothing
    confirm(proposed)
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)  # what the confirmation enqueues
    assert CreditRating.objects.get(enterprise=xinluo_chem).grade == 3


def test_nightly_task_calls_in_helpers_that_share_the_batches(city: Any, rule_set: Any, monkeypatch: Any) -> None:
    """The nightly task asks other workers to join its run; a helper that takes one batch and stops leaves
    the rest to the task, and every enterprise is graded exactly once."""
    from django.utils import timezone

    from credit import tasks

    joined: list[int] = []

    def helper_takes_one_batch(run_id: int) -> None:
        joined.append(credit_recalc_run_execute(run_id=run_id, max_batches=1))

    def enqueue_starts_helper(task: Any, run_id: int, **kwargs: Any) -> None:
        assert task is tasks.recalc_run_execute_task
        helper_takes_one_batch(run_id)

    monkeypatch.setattr(tasks, "enqueue", enqueue_starts_helper)
    result = tasks.recalculate_all_task(batch_size=3, helpers=2)
    assert result["helpers"] == 2 and joined == [1, 1]
    run = CreditRecalcRun.objects.get(pk=result["run"])
    assert run.status == RunStatus.COMPLETED and run.enterprises == len(city)
    assert not run.batches.exclude(status=BatchStatus.DONE).exists()
    assert current_grades() == expected_grades(rule_set, timezone.localdate())
    assert CreditRatingHistory.objects.filter(run=run).count() == len(city)


def test_nightly_task_runs_alone_when_the_broker_refuses_helpers(city: Any, rule_set: Any) -> None:
    """Helpers are asked for through the outbox (the broker is never touched here); until one is published
    the task does every batch itself, and a helper published late finds nothing left to do."""
    from django.utils import timezone

    from credit import tasks
    from safety_platform.models import TaskOutbox

    result = tasks.recalculate_all_task(batch_size=3, helpers=2)
    assert result["helpers"] == 2
    assert TaskOutbox.objects.filter(task=tasks.recalc_run_execute_task.name).count() == 2
    assert CreditRecalcRun.objects.get(pk=result["run"]).status == RunStatus.COMPLETED
    assert current_grades() == expected_grades(rule_set, timezone.localdate())
    assert tasks.recalc_run_execute_task(result["run"]) == 0
