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


@shared_task(name="supervision.plan_generation_run")
def plan_generation_run_task(plan_id: int) -> int:
    """Run a generation asked for on the plans page (recorded on the plan row first); safe to run twice."""
    from .services.plans import plan_generation_run

    return plan_generation_run(plan_id=plan_id)


@shared_task(name="supervision.plan_generations_resume")
def plan_generations_resume_task(**_: Any) -> int:
    """Periodic: hand generations left waiting or running (a lost message, a killed worker) back to a worker."""
    from .services.plans import plan_generations_resume

    return plan_generations_resume()


@shared_task(name="supervision.plans_generate_current")
def plans_generate_current_task(**_: Any) -> int:
    """Nightly: this year's and this quarter's plan of every county (new enterprises join, clocks kept in step)."""
    from .services.plans import generate_current_plans

    return generate_current_plans()
