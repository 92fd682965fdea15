"""Reads of joint rewards and punishments for the committee's dashboard (set-based: two queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from safety_platform.choices import Role

from .choices import JointMeasureCategory, JointMeasureKind, JointMeasureStatus
from .models import JointMeasure, JointNotice


@dataclass
class JointSummary:
    """Measures applied in the period by department and kind, and the period's notices by receipt."""

    rows: list[dict[str, Any]] = field(default_factory=list)  # one per department: name, punishments, incentives, kinds
    punishments: int = 0
    incentives: int = 0
    notices: int = 0
    acknowledged: int = 0
    unacknowledged: int = 0
    overdue: int = 0


def joint_dashboard_summary(user: Any, start: dt.date, end: dt.date) -> JointSummary | None:
    """For committee staff and administrators (every department) and a department's staff (their own);
    None for anyone else. Two aggregate queries whatever the number of measures."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not (user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE, Role.DEPARTMENT)):
        return None
    measures = JointMeasure.objects.visible_to(user).filter(
        status=JointMeasureStatus.ACTIVE, applied_on__range=(start, end)
    )
    notices = JointNotice.objects.visible_to(user).filter(period_start__range=(start, end))
    if user.role == Role.DEPARTMENT and not user.is_superuser:
        measures = measures.filter(department_id=user.department_id)
    grouped = (
        measures.values("department_id", "department__name", "department__short_name", "category", "kind")
        .annotate(n=Count("id"))
        .order_by("department__name", "kind")
    )
    labels = dict(JointMeasureKind.choices)
    summary = JointSummary()
    by_department: dict[int, dict[str, Any]] = {}
    for row in grouped:
        entry = by_department.setdefault(
            row["department_id"],
            {
                "name": row["department__short_name"] or row["department__name"],
                "department_id": row["department_id"],
                "punishments": 0,
                "incentives": 0,
                "kinds": [],
            },
        )
        key = "incentives" if row["category"] == JointMeasureCategory.INCENTIVE else "punishments"
        entry[key] += row["n"]
        setattr(summary, key, getattr(summary, key) + row["n"])
        entry["kinds"].append((str(labels.get(row["kind"], row["kind"])), row["n"]))
    summary.rows = list(by_department.values())
    today = timezone.localdate()
    counts = notices.aggregate(
        total=Count("id"),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        overdue=Count("id", filter=Q(acknowledged_at__isnull=True, ack_due_on__lt=today)),
    )
    summary.notices = counts["total"]
    summary.acknowledged = counts["acknowledged"]
    summary.unacknowledged = counts["total"] - counts["acknowledged"]
    summary.overdue = counts["overdue"]
    return summary
