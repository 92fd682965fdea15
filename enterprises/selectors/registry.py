"""Reads of the enterprise registry."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from ..choices import EnterpriseStatus
from ..models import Enterprise


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user).select_related("jurisdiction", "industry", "supervising_department")


def enterprise_counts(user: Any) -> dict[str, int]:
    """Counts for a home page, in one aggregate query."""
    return Enterprise.objects.visible_to(user).aggregate(
        total=Count("id"),
        operating=Count("id", filter=Q(status=EnterpriseStatus.OPERATING)),
        suspended=Count("id", filter=Q(status=EnterpriseStatus.SUSPENDED)),
        closed=Count("id", filter=Q(status=EnterpriseStatus.CLOSED)),
        key=Count("id", filter=Q(is_key=True)),
    )


def enterprise_counts_by_category(user: Any) -> list[dict[str, Any]]:
    return list(Enterprise.objects.visible_to(user).values("risk_category").annotate(n=Count("id")).order_by("-n"))
