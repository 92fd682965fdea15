"""Reads of source control: planning registers, siting reviews, catalog, declared equipment, exit proposals."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from .models import (
    CatalogEntry,
    DeclaredEquipment,
    DensePlace,
    EquipmentMatch,
    ExitProposal,
    HighRiskProject,
    SitingReview,
)


def projects_visible_to(user: Any) -> QuerySet[HighRiskProject]:
    return HighRiskProject.objects.visible_to(user).select_related("jurisdiction", "enterprise")


def dense_places_visible_to(user: Any) -> QuerySet[DensePlace]:
    return DensePlace.objects.visible_to(user).select_related("jurisdiction")


def siting_reviews(project: HighRiskProject) -> QuerySet[SitingReview]:
    return (
        project.reviews.select_related("rule", "decided_by", "created_by", "triggered_by_place")
        .prefetch_related("conflicts")
        .order_by("-created_at", "-id")
    )


def catalog_visible_to(user: Any) -> QuerySet[CatalogEntry]:
    """Catalog entries with how many declared items in the user's scope match each."""
    in_scope = EquipmentMatch.objects.visible_to(user)
    return CatalogEntry.objects.visible_to(user).annotate(
        match_count=Count("matches", filter=Q(matches__in=in_scope.values("pk")), distinct=True)
    )


def equipment_visible_to(user: Any) -> QuerySet[DeclaredEquipment]:
    matched = EquipmentMatch.objects.filter(equipment=OuterRef("pk"))
    return (
        DeclaredEquipment.objects.visible_to(user)
        .select_related("enterprise", "catalog_entry")
        .annotate(is_matched=Exists(matched))
    )


def equipment_matches(equipment: DeclaredEquipment) -> QuerySet[EquipmentMatch]:
    return equipment.matches.select_related("entry")


def exit_proposals_visible_to(user: Any) -> QuerySet[ExitProposal]:
    return ExitProposal.objects.visible_to(user).select_related("enterprise", "proposed_by", "decided_by")
