"""Reads of accidents: lists, counts by grade, clocks, evaluation follow-up."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from safety_platform.models import StatutoryDeadline

from ..choices import AccidentGrade, AccidentStatus
from ..models import Accident, CorrectiveMeasure


def accidents_visible_to(user: Any) -> QuerySet[Accident]:
    """Accidents with `has_overdue_clock`: a statutory clock of the accident, or the deadline of one of its
    corrective measures, is past due and still open (measures are followed to completion). One query."""
    now = timezone.now()
    overdue = StatutoryDeadline.objects.overdue(now).of(Accident).filter(source_id=OuterRef("pk"))
    measures = CorrectiveMeasure.objects.filter(evaluation__accident=OuterRef(OuterRef("pk"))).values("pk")
    overdue_measure = StatutoryDeadline.objects.overdue(now).of(CorrectiveMeasure).filter(source_id__in=measures)
    return (
        Accident.objects.visible_to(user)
        .select_related("jurisdiction", "enterprise", "rule_set")
        .annotate(
            has_overdue_clock=ExpressionWrapper(
                Q(Exists(overdue)) | Q(Exists(overdue_measure)), output_field=BooleanField()
            )
        )
    )


def accident_clocks(accident: Accident) -> QuerySet[StatutoryDeadline]:
    return StatutoryDeadline.objects.of(accident).order_by("due_at")


def accident_counts(user: Any, *, since: Any = None) -> dict[str, int]:
    qs = Accident.objects.visible_to(user).filter(is_production_safety=True)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    return qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=~Q(status=AccidentStatus.CLOSED)),
        deaths_larger=Count("id", filter=~Q(grade=AccidentGrade.GENERAL)),
    )


def measures_visible_to(user: Any) -> QuerySet[CorrectiveMeasure]:
    return CorrectiveMeasure.objects.visible_to(user).select_related(
        "evaluation__accident", "responsible_enterprise", "verified_by"
    )
