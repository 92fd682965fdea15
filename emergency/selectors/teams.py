"""Reads of rescue teams: search by skill, jurisdiction, readiness and distance from a point."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, When

from safety_platform.choices import JurisdictionLevel
from safety_platform.geo import bounding_box, distance_km_expression
from safety_platform.scoping import within_path

from ..choices import TeamKind
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
        qs = qs.filter(within_path("jurisdiction__path", jurisdiction.path))
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


DEPLOYABLE_AT_MOST = 50
# Widening circles around the accident site until enough teams are found: each an indexed box, so a city of
# tens of thousands of enterprise teams reads a few hundred rows, not all of them.
_DEPLOYABLE_RADII_KM = (10.0, 30.0, 100.0, None)


def deployable_teams(user: Any, accident: Any) -> QuerySet[RescueTeam]:
    """The teams a response log entry of `accident` may name: never every team in the city (a page would list
    tens of thousands), but the `DEPLOYABLE_AT_MOST` active teams nearest the accident's enterprise (annotated
    with `distance_km`, nearest first), or, where there is no site with coordinates, those of the accident's
    county (professional teams first); plus the enterprise's own teams, the teams already named in its log and,
    next to the nearest, the professional teams of its county and of the city whose base has no coordinates.
    """
    visible = RescueTeam.objects.visible_to(user).filter(is_active=True)
    professional_first = Case(When(kind=TeamKind.PROFESSIONAL, then=0), default=1)
    enterprise = accident.enterprise
    site = None
    if enterprise is not None and enterprise.latitude is not None and enterprise.longitude is not None:
        site = (float(enterprise.latitude), float(enterprise.longitude))
    if site is not None:
        ids: list[int] = []
        for radius in _DEPLOYABLE_RADII_KM:
            near = teams_search(user, near=site, radius_km=radius)  # nearest first
            ids = list(near.values_list("pk", flat=True)[:DEPLOYABLE_AT_MOST])
            if len(ids) == DEPLOYABLE_AT_MOST:
                break
    else:
        area = accident.jurisdiction.county() or accident.jurisdiction
        around = visible.filter(within_path("jurisdiction__path", area.path)).order_by(professional_first, "name", "id")
        ids = list(around.values_list("pk", flat=True)[:DEPLOYABLE_AT_MOST])
    if site is not None:
        # Professional teams are few and are sent wherever they are: those of the accident's county and of the city
        # are offered even when their base has no coordinates (they would never be among the nearest).
        area = accident.jurisdiction.county() or accident.jurisdiction
        professional = visible.filter(kind=TeamKind.PROFESSIONAL, latitude__isnull=True).filter(
            within_path("jurisdiction__path", area.path) | Q(jurisdiction__level=JurisdictionLevel.CITY)
        )
        ids += list(professional.order_by("name", "id").values_list("pk", flat=True)[:DEPLOYABLE_AT_MOST])
    named = Q(pk__in=ids) | Q(pk__in=RescueTeam.objects.filter(response_entries__accident=accident).values("pk"))
    if enterprise is not None:
        named |= Q(enterprise=enterprise)
    teams = visible.filter(named)
    if site is not None:
        return teams.annotate(distance_km=distance_km_expression(*site)).order_by(
            F("distance_km").asc(nulls_last=True), "name", "id"
        )
    return teams.order_by(professional_first, "name", "id")
