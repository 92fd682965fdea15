"""Reads of the shared core."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Notification, StatutoryDeadline


def deadlines_open_for(user: Any, *, limit: int = 10) -> QuerySet[StatutoryDeadline]:
    return (
        StatutoryDeadline.objects.visible_to(user)
        .open()
        .select_related("enterprise", "jurisdiction")
        .order_by("due_at")[:limit]
    )


def deadline_counts_for(user: Any) -> dict[str, int]:
    now = timezone.now()
    return (
        StatutoryDeadline.objects.visible_to(user)
        .open()
        .aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    )


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.visible_to(user)
