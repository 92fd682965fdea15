"""Admin of the emergency app: catalogs and rule sets are edited here; records are read (their writes go
through the services, so the ledger, clocks and facts stay consistent)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from safety_platform.admin_readonly import ReadOnlyAdmin
from safety_platform.admin_versioning import RuleVersionAdmin

from . import models


@admin.register(models.GradingRuleSet)
class GradingRuleSetAdmin(RuleVersionAdmin):
    """A version that graded an accident is frozen (old decisions stay explainable): a changed regulation is a new
    version with a later "effective from"."""

    list_display = ["version", "name", "effective_from", "larger_deaths", "major_deaths", "especially_major_deaths"]
    ordering = ["-effective_from"]


@admin.register(models.Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(models.SupplyItem)
class SupplyItemAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "unit", "default_min_quantity", "expiry_warning_days"]
    list_filter = ["category"]
    search_fields = ["name", "code"]


class MemberInline(admin.TabularInline):
    model = models.TeamMember
    extra = 0
    fields = ["name", "position", "phone", "is_leader", "is_active"]


class EquipmentInline(admin.TabularInline):
    model = models.TeamEquipment
    extra = 0


@admin.register(models.RescueTeam)
class RescueTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction", "enterprise", "readiness", "is_active"]
    list_select_related = ["jurisdiction", "enterprise"]
    list_filter = ["kind", "readiness", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["jurisdiction", "enterprise", "department"]
    readonly_fields = ["readiness", "readiness_note", "readiness_changed_at"]
    filter_horizontal = ["specialties"]
    inlines = [MemberInline, EquipmentInline]


@admin.register(models.Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "jurisdiction", "enterprise", "is_active"]
    list_select_related = ["jurisdiction", "enterprise"]
    list_filter = ["level", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["jurisdiction", "enterprise"]


@admin.register(models.StockBatch)
class StockBatchAdmin(ReadOnlyAdmin):
    list_display = ["warehouse", "item", "batch_no", "expires_on", "quantity"]
    list_filter = ["item"]
    search_fields = ["warehouse__name", "item__name", "batch_no"]


@admin.register(models.StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "warehouse", "item", "kind", "quantity", "balance_after", "actor"]
    list_select_related = ["warehouse", "item", "actor"]
    list_filter = ["kind"]
    search_fields = ["warehouse__name", "item__name", "note"]
    date_hierarchy = "occurred_at"


@admin.register(models.StockAlert)
class StockAlertAdmin(ReadOnlyAdmin):
    list_display = ["kind", "warehouse", "item", "quantity", "threshold", "expires_on", "raised_at", "resolved_at"]
    list_filter = ["kind"]


class StepInline(admin.TabularInline):
    model = models.DispatchStep
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "at", "note", "details"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(models.DispatchOrder)
class DispatchOrderAdmin(ReadOnlyAdmin):
    list_display = ["title", "requesting_jurisdiction", "status", "is_partial", "created_at"]
    list_filter = ["status"]
    inlines = [StepInline]


@admin.register(models.Accident)
class AccidentAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "occurred_at",
        "jurisdiction",
        "enterprise",
        "grade",
        "status",
        "deaths",
        "serious_injuries",
    ]
    list_select_related = ["jurisdiction", "enterprise"]
    list_filter = ["grade", "status", "category"]
    search_fields = ["title", "enterprise__name"]
    date_hierarchy = "occurred_at"


@admin.register(models.EmergencyWarning)
class EmergencyWarningAdmin(ReadOnlyAdmin):
    list_display = ["title", "level", "kind", "issued_at", "status"]
    list_filter = ["level", "kind", "status"]


@admin.register(models.WarningContact)
class WarningContactAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction", "mobile", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "mobile"]
    raw_id_fields = ["jurisdiction", "industry", "enterprise"]


@admin.register(models.EmergencyPlan)
class EmergencyPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "enterprise", "department", "filed_on", "status"]
    list_select_related = ["enterprise", "department"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "enterprise__name"]
    raw_id_fields = ["enterprise", "department", "created_by"]


@admin.register(models.Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["held_on", "plan", "kind", "scenario", "participants"]
    list_filter = ["kind"]
    raw_id_fields = ["plan", "recorded_by"]
