"""Django admin of admission.

Rule tables (separation distances) and the banned-equipment catalog are edited here by the platform
administrator; history tables are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from safety_platform.admin_readonly import ReadOnlyInline

from .models import (
    CatalogEntry,
    DeclaredEquipment,
    DensePlace,
    EquipmentMatch,
    ExitProposal,
    ExitTransition,
    HighRiskProject,
    SeparationDistance,
    SitingConflict,
    SitingReview,
)


@admin.register(SeparationDistance)
class SeparationDistanceAdmin(admin.ModelAdmin):
    list_display = ["category", "distance_m", "version", "valid_from", "legal_basis"]
    list_filter = ["category"]


@admin.register(HighRiskProject)
class HighRiskProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "jurisdiction", "status"]
    list_filter = ["category", "status"]
    search_fields = ["name"]
    raw_id_fields = ["enterprise", "jurisdiction"]


@admin.register(DensePlace)
class DensePlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction", "latitude", "longitude", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "address"]
    raw_id_fields = ["jurisdiction"]


# `fields = readonly_fields = (...)`: one tuple for both, which the stubs type differently.


class ConflictInline(ReadOnlyInline):
    model = SitingConflict
    fields = readonly_fields = ("place_name", "place_kind", "distance_m")


@admin.register(SitingReview)
class SitingReviewAdmin(admin.ModelAdmin):
    list_display = ["project", "separation_m", "rule_version", "decision", "created_at"]
    list_filter = ["decision"]
    readonly_fields = [f.name for f in SitingReview._meta.fields]
    inlines = [ConflictInline]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(CatalogEntry)
class CatalogEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "source_document", "batch", "is_active"]
    list_filter = ["kind", "status", "is_active", "batch"]
    search_fields = ["name", "model_numbers", "source_document"]

    def save_model(self, request: Any, obj: CatalogEntry, form: Any, change: bool) -> None:
        from .services import catalog_entry_save

        catalog_entry_save(actor=request.user, entry=obj)


class MatchInline(ReadOnlyInline):
    model = EquipmentMatch
    fields = readonly_fields = ("entry", "matched_by", "matched_at", "hazard_id")


@admin.register(DeclaredEquipment)
class DeclaredEquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "model_number", "enterprise", "quantity", "in_use"]
    list_filter = ["kind", "in_use"]
    search_fields = ["name", "model_number", "enterprise__name"]
    raw_id_fields = ["enterprise", "catalog_entry"]
    inlines = [MatchInline]


class ExitTransitionInline(ReadOnlyInline):
    model = ExitTransition
    fields = readonly_fields = ("at", "from_status", "to_status", "actor", "note")


@admin.register(ExitProposal)
class ExitProposalAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "kind", "status", "created_at", "exit_by"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["status", "proposed_by", "decided_by", "decided_at"]
    inlines = [ExitTransitionInline]
