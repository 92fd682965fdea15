"""Admin of the supervision app (each part appends its own classes)."""

from __future__ import annotations

from django.contrib import admin

from .models import InspectionClassRule, InspectionPlan, InspectionRuleSet, ResponsibleAuthority

# --- plans ---


class InspectionClassRuleInline(admin.TabularInline):
    model = InspectionClassRule
    extra = 0
    fields = [
        "position",
        "industry_group",
        "standardization_level",
        "risk_colour",
        "credit_grade",
        "blacklisted",
        "class_name",
        "min_per_year",
        "max_per_year",
    ]


@admin.register(InspectionRuleSet)
class InspectionRuleSetAdmin(admin.ModelAdmin):
    list_display = ["version", "name", "effective_from", "status"]
    list_filter = ["status"]
    search_fields = ["version", "name"]
    inlines = [InspectionClassRuleInline]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ResponsibleAuthority)
class ResponsibleAuthorityAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "authority", "department", "set_at"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["authority", "department"]
    readonly_fields = ["set_by", "set_at"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "quarter", "jurisdiction", "department", "rule_set", "generated_at"]
    list_filter = ["year", "quarter"]
    raw_id_fields = ["jurisdiction", "department", "rule_set", "generated_by"]
    readonly_fields = ["generated_at", "generated_by"]


# --- end plans ---
