"""Reads of the responsibility system: department lists with their freshness, joint inspections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from safety_platform.models import Department

from ..registry.choices import EnterpriseStatus
from ..registry.models import Enterprise
from .models import JointInspection, JointInspectionFinding, ResponsibilityItem, ResponsibilityReview

STALE_AFTER_DAYS = 365  # a list not confirmed for a year is flagged as possibly out of date


def departments_with_lists(user: Any) -> QuerySet[Department]:
    """Active departments with their count of current duties and the date of their last confirmation."""
    last_review = ResponsibilityReview.objects.filter(department=OuterRef("pk")).order_by("-reviewed_at", "-id")
    return (
        Department.objects.visible_to(user)
        .filter(is_active=True)
        .annotate(
            current_items=Count("responsibility_items", filter=Q(responsibility_items__retired_on__isnull=True)),
            last_reviewed_at=Subquery(last_review.values("reviewed_at")[:1]),
        )
        .prefetch_related("industries")
        .order_by("-is_committee_office", "-is_committee_member", "name")
    )


def list_is_stale(last_reviewed_at: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return last_reviewed_at is None or now - last_reviewed_at > dt.timedelta(days=STALE_AFTER_DAYS)


def responsibility_items(
    user: Any, department: Department, *, include_retired: bool = False
) -> QuerySet[ResponsibilityItem]:
    qs = ResponsibilityItem.objects.visible_to(user).filter(department=department).select_related("industry")
    return qs if include_retired else qs.current()


def enterprises_without_department(user: Any) -> int:
    """Enterprises whose industry no department supervises: a gap in "管行业必须管安全"."""
    return (
        Enterprise.objects.visible_to(user)
        .filter(status=EnterpriseStatus.OPERATING, supervising_department__isnull=True)
        .count()
    )


def joint_inspections_visible_to(user: Any) -> QuerySet[JointInspection]:
    return (
        JointInspection.objects.visible_to(user)
        .select_related("enterprise", "lead_department")
        .prefetch_related("departments")
        .annotate(finding_count=Count("findings", distinct=True))
    )


def joint_findings(inspection: JointInspection) -> QuerySet[JointInspectionFinding]:
    return inspection.findings.select_related("department", "created_by")
