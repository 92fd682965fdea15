"""Django admin of responsibility."""

from __future__ import annotations

from django.contrib import admin

from .models import JointInspection, JointInspectionFinding, ResponsibilityItem, ResponsibilityReview


@admin.register(ResponsibilityItem)
class ResponsibilityItemAdmin(admin.ModelAdmin):
    list_display = ["department", "kind", "industry", "duty", "effective_on", "retired_on"]
    list_select_related = ["department", "industry"]
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
