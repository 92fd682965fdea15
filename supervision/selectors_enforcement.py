"""Reads of the enforcement pages and API: scoped lists, a case file in order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models.enforcement import OPEN_CASE_STATUSES, EnforcementDocument, PenaltyCase, PenaltyCaseTransition


def documents_visible_to(
    user: Any, *, kind: str = "", year: int | None = None, number: str = ""
) -> QuerySet[EnforcementDocument]:
    qs = EnforcementDocument.objects.visible_to(user).for_list()
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if number:
        qs = qs.filter(number__contains=number.strip())
    return qs.order_by("-issued_on", "-id")


def cases_visible_to(
    user: Any, *, status: str = "", overdue: bool = False, today: dt.date | None = None
) -> QuerySet[PenaltyCase]:
    qs = PenaltyCase.objects.visible_to(user).select_related("enterprise", "authority", "rule_set")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=OPEN_CASE_STATUSES, decide_by__lt=today or timezone.localdate())
    return qs.order_by("-filed_on", "-id")


def case_file(case: PenaltyCase) -> tuple[list[PenaltyCaseTransition], list[EnforcementDocument]]:
    """The case's timeline and its documents (卷宗) in the order they were issued."""
    steps = list(case.transitions.select_related("actor", "document").order_by("at", "id"))
    documents = list(case.documents.select_related("authority").order_by("issued_on", "id"))
    return steps, documents
