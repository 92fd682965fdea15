"""Celery tasks of supervision: thin, safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="supervision.plan_generate")
def plan_generate_task(year: int, quarter: int | None, jurisdiction_id: int, department_id: int | None = None) -> int:
    """Generate (or refresh) one plan; idempotent. Returns how many enterprises were added."""
    from safety_platform.models import Department, Jurisdiction

    from .services.plans import generate_plan

    jurisdiction = Jurisdiction.objects.get(pk=jurisdiction_id)
    department = Department.objects.get(pk=department_id) if department_id else None
    _plan, added = generate_plan(year=year, quarter=quarter, jurisdiction=jurisdiction, department=department)
    return added


@shared_task(name="supervision.plans_generate_current")
def plans_generate_current_task(**_: Any) -> int:
    """Nightly: this year's and this quarter's plan of every county (new enterprises join, clocks kept in step)."""
    from .services.plans import generate_current_plans

    return generate_current_plans()
