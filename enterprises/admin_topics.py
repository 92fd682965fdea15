"""Django admin of the responsibility, admission, standardization and training topics.

Catalogs and rule tables (separation distances, the banned-equipment catalog) are edited here by the
platform administrator; history tables are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import (
    CatalogEntry,
    CertificateEvent,
    DeclaredEquipment,
    Demonstration,
    DemonstrationMeasure,
    DensePlace,
    Employee,
    EmployeePostEvent,
    EquipmentMatch,
    ExitProposal,
    ExitTransition,
    HighRiskProject,
    JointInspection,
    JointInspectionFinding,
    ResponsibilityItem,
    ResponsibilityReview,
    SeparationDistance,
    SitingConflict,
    SitingReview,
    SpecialOperationCertificate,
    StandardizationCertificate,
    TrainingRecord,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ResponsibilityItem)
class ResponsibilityItemAdmin(admin.ModelAdmin):
    list_display = ["department", "kind", "industry", "duty", "effective_on", "retired_on"]
    list_filter = ["department", "kind"]
    search_fields = ["duty", "legal_basis"]
    raw_id_fields = ["industry", "replaced_by"]


@admin.register(ResponsibilityReview)
class ResponsibilityReviewAdmin(admin.ModelAdmin):
    list_display = ["department", "reviewed_by", "reviewed_at", "note"]
    list_filter = ["department"]


class FindingInline(admin.TabularInline):
    model = JointInspectionFinding
    extra = 0
    fields = ["department", "title", "suspected_major", "hazard_id"]
    readonly_fields = ["hazard_id"]


@admin.register(JointInspection)
class JointInspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "enterprise", "lead_department", "planned_on", "status"]
    list_filter = ["status", "lead_department"]
    search_fields = ["title", "enterprise__name"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["status", "completed_by", "completed_at"]
    inlines = [FindingInline]


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
        from .services.admission import catalog_entry_save

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


class CertificateEventInline(ReadOnlyInline):
    model = CertificateEvent
    fields = readonly_fields = ("at", "from_status", "to_status", "actor", "note")


@admin.register(StandardizationCertificate)
class StandardizationCertificateAdmin(admin.ModelAdmin):
    list_display = ["certificate_number", "enterprise", "level", "issued_on", "expires_on", "status"]
    list_filter = ["level", "status", "issuing_level"]
    search_fields = ["certificate_number", "enterprise__name"]
    raw_id_fields = ["enterprise", "industry"]
    readonly_fields = ["status", "verified_by", "verified_at"]
    inlines = [CertificateEventInline]


class MeasureInline(admin.TabularInline):
    model = DemonstrationMeasure
    extra = 0


@admin.register(Demonstration)
class DemonstrationAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "designated_on", "batch", "status"]
    list_filter = ["status", "batch"]
    raw_id_fields = ["enterprise"]
    inlines = [MeasureInline]


class PostEventInline(ReadOnlyInline):
    model = EmployeePostEvent
    fields = readonly_fields = ("on", "kind", "post", "repeat_required", "note")


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "role", "post", "post_is_high_risk", "status", "posted_on"]
    list_filter = ["role", "status", "post_is_high_risk"]
    search_fields = ["name", "employee_number", "enterprise__name"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["status", "away_since", "repeat_due_on", "current_post_since"]
    inlines = [PostEventInline]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["employee", "category", "hours", "completed_on", "passed"]
    list_filter = ["category", "passed"]
    raw_id_fields = ["employee"]


@admin.register(SpecialOperationCertificate)
class SpecialOperationCertificateAdmin(admin.ModelAdmin):
    list_display = ["certificate_number", "employee", "operation", "expires_on"]
    list_filter = ["operation"]
    search_fields = ["certificate_number", "employee__name"]
    raw_id_fields = ["employee"]
