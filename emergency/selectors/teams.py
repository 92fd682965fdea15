"""Reads of rescue teams: search by skill, jurisdiction, readiness and distance from a point."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet

from safety_platform.geo import bounding_box, distance_km_expression

from ..models import RescueTeam, Skill, TeamMember
from .common import subtotal


def teams_visible_to(user: Any) -> QuerySet[RescueTeam]:
    members = TeamMember.objects.filter(team=OuterRef("pk"), is_active=True)
    return (
        RescueTeam.objects.visible_to(user)
        .select_related("jurisdiction", "enterprise", "department")
        .prefetch_related(Prefetch("specialties", queryset=Skill.objects.order_by("name")))
        .annotate(member_count=subtotal(members, "team", Count("id")))
    )


def teams_search(
    user: Any,
    *,
    skill: Skill | int | None = None,
    jurisdiction: Any = None,
    kind: str | None = None,
    readiness: str | None = None,
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    active_only: bool = True,
) -> QuerySet[RescueTeam]:
    """Teams the user may see, filtered; with `near`, annotated with `distance_km` and nearest first.

    With a radius the database first keeps the rows inside the bounding box (an indexable range on
    latitude/longitude), then compares the exact great-circle distance, all in one query.
    """
    qs = teams_visible_to(user)
    if active_only:
        qs = qs.filter(is_active=True)
    if skill:
        qs = qs.with_skill(skill)  # type: ignore[attr-defined]
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction__path__startswith=jurisdiction.path)
    if kind:
        qs = qs.filter(kind=kind)
    if readiness:
        qs = qs.filter(readiness=readiness)
    if near is not None:
        lat, lon = near
        qs = qs.filter(latitude__isnull=False, longitude__isnull=False)
        if radius_km is not None:
            qs = qs.filter(bounding_box(lat, lon, radius_km).q())
        qs = qs.annotate(distance_km=distance_km_expression(lat, lon))
        if radius_km is not None:
            qs = qs.filter(distance_km__lte=radius_km)
        return qs.order_by("distance_km", "name", "id")
    return qs.order_by("name", "id")


def team_detail_queryset(user: Any) -> QuerySet[RescueTeam]:
    return teams_visible_to(user).prefetch_related(
        Prefetch(
            "members",
            queryset=TeamMember.objects.prefetch_related("skills", "certificates").order_by("-is_leader", "name"),
        ),
        "equipment",
    )


def team_readiness_counts(user: Any) -> dict[str, int]:
    from ..choices import Readiness

    return (
        RescueTeam.objects.visible_to(user)
        .filter(is_active=True)
        .aggregate(
            total=Count("id"),
            ready=Count("id", filter=Q(readiness=Readiness.READY)),
            deployed=Count("id", filter=Q(readiness=Readiness.DEPLOYED)),
        )
    )
