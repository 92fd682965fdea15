"""Reads of plans and drills: overdue-drill flags computed in SQL."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet

from enterprises.models import Enterprise

from ..models import Drill, EmergencyPlan

if TYPE_CHECKING:
    from ..models.plans import PlanWithDrillStatus


def plans_visible_to(user: Any, *, today: dt.date | None = None) -> QuerySet[PlanWithDrillStatus]:
    return (
        EmergencyPlan.objects.visible_to(user)
        .with_drill_status(today)
        .select_related("enterprise__jurisdiction", "department")
    )


def drills_visible_to(user: Any) -> QuerySet[Drill]:
    return Drill.objects.visible_to(user).select_related("plan__enterprise", "plan__department", "recorded_by")


def enterprises_overdue_for_drill(user: Any, *, today: dt.date | None = None) -> QuerySet[Enterprise]:
    """Enterprises (in the user's scope) with at least one plan in force overdue for a drill — one query."""
    overdue = EmergencyPlan.objects.drill_overdue(today).filter(enterprise=OuterRef("pk"))
    return Enterprise.objects.visible_to(user).filter(Exists(overdue.values("pk"))).select_related("jurisdiction")


def plan_overdue_count(user: Any, *, today: dt.date | None = None) -> int:
    return plans_visible_to(user, today=today).filter(drill_overdue=True).count()
