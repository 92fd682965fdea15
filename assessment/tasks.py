"""Celery tasks of the assessment: thin, take ids, safe to run twice (a run resumes where it stopped)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone


@shared_task(name="assessment.run_execute")
def run_execute_task(run_id: int) -> dict[str, Any]:
    from .services import assessment_run_execute

    run = assessment_run_execute(run_id=run_id)
    return {"run": run.pk, "status": run.status, "done": run.done}


@shared_task(name="assessment.scheduled_run")
def scheduled_run_task(kind: str) -> int | None:
    """Beat: assess the month, quarter or year that has just ended (the schedule runs on its first day): the
    counties, and the member departments' duty check when a department scheme is in force. Returns the
    counties' run."""
    from .choices import PeriodKind, SchemeKind
    from .models import Scheme
    from .services import assessment_period_get_or_create, assessment_run_start

    today = timezone.localdate()
    if kind == PeriodKind.YEAR:
        year, number = today.year - 1, 0
    elif kind == PeriodKind.QUARTER:
        index = today.year * 4 + (today.month - 1) // 3 - 1
        year, number = index // 4, index % 4 + 1
    else:
        index = today.year * 12 + today.month - 2
        year, number = index // 12, index % 12 + 1
    period = assessment_period_get_or_create(kind=kind, year=year, number=number, today=today)
    run = assessment_run_start(period=period)
    if Scheme.objects.in_force(SchemeKind.DEPARTMENT, period.end) is not None:
        assessment_run_start(period=period, kind=SchemeKind.DEPARTMENT)
    return run.pk


@shared_task(name="assessment.runs_resume")
def runs_resume_task() -> int:
    from .services import assessment_runs_resume

    return assessment_runs_resume()
