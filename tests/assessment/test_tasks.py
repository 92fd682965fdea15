"""Celery tasks: a run computed by the worker; the scheduled run picks the period that has just ended;
a run left waiting because the broker was down is handed back to a worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from assessment.choices import RunStatus
from assessment.models import AssessmentRun
from assessment.services import assessment_period_get_or_create, assessment_run_start, assessment_runs_resume
from assessment.tasks import run_execute_task, scheduled_run_task

from .helpers import at

pytestmark = pytest.mark.django_db


def test_the_worker_task_computes_a_run(reference: Any) -> None:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        run = assessment_run_start(period=period, enqueue=False)
        outcome = run_execute_task.apply(args=[run.pk]).get()
    assert outcome == {"run": run.pk, "status": "done", "done": 8}


@pytest.mark.parametrize(
    ("today", "kind", "expected"),
    [
        (dt.date(2026, 1, 1), "month", (2025, 12)),
        (dt.date(2026, 7, 1), "month", (2026, 6)),
        (dt.date(2026, 1, 1), "quarter", (2025, 4)),
        (dt.date(2026, 10, 1), "quarter", (2026, 3)),
        (dt.date(2027, 2, 1), "year", (2026, 0)),
    ],
)
def test_the_scheduled_run_assesses_the_period_just_ended(
    reference: Any, monkeypatch: pytest.MonkeyPatch, today: dt.date, kind: str, expected: tuple[int, int]
) -> None:
    from assessment import services

    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)
    with time_machine.travel(at(today.year, today.month, today.day, 3), tick=False):
        run = AssessmentRun.objects.get(pk=scheduled_run_task.apply(args=[kind]).get())
    assert (run.period.kind, run.period.year, run.period.number) == (kind, *expected)
    assert run.status == RunStatus.PENDING


def test_a_run_left_waiting_is_handed_back_to_a_worker(reference: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessment import services

    handed: list[int] = []
    monkeypatch.setattr(services, "_enqueue", handed.append)
    with time_machine.travel(at(2026, 11, 20), tick=False):
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        run = assessment_run_start(period=period, enqueue=False)
        assert assessment_runs_resume() == 0  # just created: its worker may still pick it up
    with time_machine.travel(at(2026, 11, 20, 13), tick=False):
        assert assessment_runs_resume() == 1
    assert handed == [run.pk]


def test_starting_a_run_with_the_broker_down_still_records_it(reference: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessment import tasks

    class BrokerDown:
        @staticmethod
        def delay(*args: Any, **kwargs: Any) -> None:
            raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks, "run_execute_task", BrokerDown)
    with time_machine.travel(at(2026, 11, 20), tick=False):
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            run = assessment_run_start(period=period)
    assert AssessmentRun.objects.get(pk=run.pk).status == RunStatus.PENDING
