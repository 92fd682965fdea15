"""Admin of the supervision app (each part appends its own classes)."""

from __future__ import annotations

from django.contrib import admin

from safety_platform.admin_readonly import ReadOnlyInline
from safety_platform.admin_versioning import RuleVersionAdmin, RuleVersionInline

from .models import InspectionClassRule, InspectionPlan, InspectionRuleSet, ResponsibleAuthority

# --- plans ---


class InspectionClassRuleInline(RuleVersionInline, admin.TabularInline):
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
class InspectionRuleSetAdmin(RuleVersionAdmin):
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
    list_select_related = ["enterprise", "authority", "department"]
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
    list_select_related = ["jurisdiction", "department", "rule_set"]
    list_filter = ["year", "quarter"]
    raw_id_fields = ["jurisdiction", "department", "rule_set", "generated_by"]
    readonly_fields = ["generated_at", "generated_by"]


# --- end plans ---


# --- enforcement ---
from .models import EnforcementDocument, EnforcementRuleSet, PenaltyCase, PenaltyCaseTransition  # noqa: E402


@admin.register(EnforcementRuleSet)
class EnforcementRuleSetAdmin(RuleVersionAdmin):
    """The legal numbers of a penalty case, versioned: a new version for a change, never an edit of one in use."""

    list_display = ["version", "effective_from", "hearing_request_days", "decision_days", "fine_payment_days"]


@admin.register(EnforcementDocument)
class EnforcementDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "enterprise", "issued_on"]
    list_filter = ["kind", "year"]
    search_fields = ["number"]
    raw_id_fields = ["enterprise", "inspection", "case", "issued_by", "authority"]
    readonly_fields = ["number", "serial", "year", "authority", "kind"]
    exclude = ["hazards"]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # a numbered document is never deleted: its number stays taken


class PenaltyCaseTransitionInline(ReadOnlyInline):
    model = PenaltyCaseTransition
    fields = readonly_fields = ("at", "action", "from_status", "to_status", "actor", "note", "document")


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "enterprise", "status", "filed_on", "decide_by"]
    list_filter = ["status", "violation"]
    search_fields = ["title"]
    raw_id_fields = ["enterprise", "inspection", "authority", "filed_by", "extension_approved_by"]
    readonly_fields = ["status", "rule_set", "decide_by"]
    inlines = [PenaltyCaseTransitionInline]


# --- end enforcement ---


# --- inspections ---
from .models import Inspection, InspectionAnswer  # noqa: E402


class InspectionAnswerInline(admin.TabularInline):
    model = InspectionAnswer
    extra = 0
    fields = ["item", "result", "note", "photo", "hazard"]
    raw_id_fields = ["item", "hazard"]
    readonly_fields = ["photo"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "inspected_on", "reason", "inspector", "checklist"]
    list_select_related = ["enterprise", "inspector", "checklist"]
    list_filter = ["reason"]
    date_hierarchy = "inspected_on"
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["inspector", "created_by", "checklist", "fact"]
    filter_horizontal = ["departments"]
    inlines = [InspectionAnswerInline]


# --- end inspections ---
