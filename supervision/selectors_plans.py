"""Reads of the inspection plans: each entry's status computed in SQL from the inspections recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Inspection, InspectionPlan, InspectionPlanEntry, PlanEntryStatus
from .services.plans import done_count_subquery


def _year_count(year: int) -> Subquery:
    counted = (
        Inspection.objects.filter(
            enterprise_id=OuterRef("enterprise_id"),
            inspected_on__gte=dt.date(year, 1, 1),
            inspected_on__lte=dt.date(year, 12, 31),
        )
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def with_status(entries: QuerySet[InspectionPlanEntry], plan: InspectionPlan, today: dt.date | None = None) -> Any:
    """Annotate `done` (inspections counted toward the plan), `year_count` (this year's inspections) and `status`:
    over the cap (this year's inspections above the class's maximum) before done / overdue / due."""
    today = today or timezone.localdate()
    period_over = today > plan.period_end
    return entries.annotate(
        done=Coalesce(done_count_subquery(plan), 0, output_field=IntegerField()),
        year_count=Coalesce(_year_count(plan.year), 0, output_field=IntegerField()),
    ).annotate(
        status=Case(
            When(year_count__gt=F("max_per_year"), then=Value(PlanEntryStatus.OVER_CAP.value)),
            When(required=0, done=0, then=Value(PlanEntryStatus.NOT_REQUIRED.value)),
            When(done__gte=F("required"), then=Value(PlanEntryStatus.DONE.value)),
            default=Value(PlanEntryStatus.OVERDUE.value if period_over else PlanEntryStatus.DUE.value),
            output_field=CharField(),
        )
    )


def status_counts(annotated: Any) -> dict[str, int]:
    """Entries per status, in one aggregate query."""
    counts = annotated.order_by().aggregate(
        total=Count("pk"), **{s.value: Count("pk", filter=Q(status=s.value)) for s in PlanEntryStatus}
    )
    return {key: value or 0 for key, value in counts.items()}


def plans_visible(user: Any) -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.visible_to(user).select_related("jurisdiction", "department", "rule_set")


def plan_entries(plan: InspectionPlan, user: Any, today: dt.date | None = None) -> Any:
    """The plan's entries the user may see (by their enterprise), with status, ordered by township and name."""
    entries = (
        InspectionPlanEntry.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("enterprise", "enterprise__jurisdiction", "assignee")
    )
    return with_status(entries, plan, today).order_by("enterprise__jurisdiction__path", "enterprise__name", "pk")


def current_year_plan(user: Any, today: dt.date | None = None) -> InspectionPlan | None:
    """This year's year plan of the user's area (the first of those visible, counties before the city)."""
    today = today or timezone.localdate()
    return (
        plans_visible(user)
        .filter(year=today.year, quarter__isnull=True, department__isnull=True)
        .order_by("-jurisdiction__path", "pk")
        .first()
    )


def my_due_entries(user: Any, plan: InspectionPlan, today: dt.date | None = None) -> Any:
    """Entries assigned to the user, or (unassigned) of enterprises in his area, not yet done."""
    entries = plan_entries(plan, user, today).filter(Q(assignee=user) | Q(assignee__isnull=True))
    return entries.filter(status__in=[PlanEntryStatus.DUE, PlanEntryStatus.OVERDUE])


STATUS_CSS = {
    PlanEntryStatus.DUE: "text-bg-secondary",
    PlanEntryStatus.DONE: "text-bg-success",
    PlanEntryStatus.OVERDUE: "text-bg-danger",
    PlanEntryStatus.OVER_CAP: "text-bg-warning",
    PlanEntryStatus.NOT_REQUIRED: "text-bg-light",
}
STATUS_LABEL = dict(PlanEntryStatus.choices)


def decorate(rows: list[Any]) -> list[Any]:
    for row in rows:
        row.status_label = STATUS_LABEL.get(row.status, row.status)
        row.status_css = STATUS_CSS.get(row.status, "text-bg-light")
    return rows


__all__ = [
    "current_year_plan",
    "decorate",
    "my_due_entries",
    "plan_entries",
    "plans_visible",
    "status_counts",
    "with_status",
]
