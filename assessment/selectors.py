"""Reads of the assessment: schemes, periods, runs and results as each user may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from safety_platform.permissions import can

from .models import AssessmentPeriod, AssessmentResult, AssessmentRun, ResultIndicator, Scheme


def schemes_visible_to(user: Any) -> QuerySet[Scheme]:
    return Scheme.objects.visible_to(user).prefetch_related("indicators", "vetoes", "grades")


def periods_visible_to(user: Any) -> QuerySet[AssessmentPeriod]:
    return AssessmentPeriod.objects.visible_to(user)


def runs_visible_to(user: Any) -> QuerySet[AssessmentRun]:
    """Runs carry no figures of their own (status and progress): every government user may follow them."""
    if not can(user, "assessment.view"):
        return AssessmentRun.objects.none()
    return AssessmentRun.objects.select_related("period", "scheme", "created_by")


def results_visible_to(user: Any) -> QuerySet[AssessmentResult]:
    """Results with their breakdown, scoped by `AssessmentResult.objects.visible_to` (two queries a page)."""
    return (
        AssessmentResult.objects.visible_to(user)
        .select_related("jurisdiction", "department", "period", "scheme")
        .prefetch_related(Prefetch("indicators", queryset=ResultIndicator.objects.order_by("order", "id")))
    )
