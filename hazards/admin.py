"""Admin: rule tables (risk bandings, checklists) are edited here; the closed loop is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from safety_platform.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from safety_platform.refusals import refusal_message

from .models import (
    Campaign,
    Checklist,
    ChecklistItem,
    Hazard,
    HazardAttachment,
    HazardStatReport,
    HazardTransition,
    RemediationPlan,
    RiskBand,
    RiskBanding,
    RiskSource,
)
from .services import risk_banding_activate, risk_banding_in_use, risk_banding_new_version


class TransitionInline(ReadOnlyInline):
    model = HazardTransition
    # One tuple for both attributes, which the stubs type differently.
    fields = readonly_fields = ("at", "action", "from_state", "to_state", "actor", "actor_label", "note")


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "enterprise", "state", "grade", "deadline", "is_listed", "found_at"]
    list_filter = ["state", "grade", "source", "is_listed"]
    search_fields = ["code", "title", "enterprise__name"]
    list_select_related = ["enterprise"]
    inlines = [TransitionInline]


@admin.register(HazardAttachment)
class HazardAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "kind", "original_name", "size", "uploaded_at"]
    list_select_related = ["hazard"]


@admin.register(RemediationPlan)
class RemediationPlanAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "deadline", "updated_at"]
    list_select_related = ["hazard"]


@admin.register(HazardStatReport)
class HazardStatReportAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "kind", "year", "quarter", "status", "due_on", "submitted_at", "found_total"]
    list_filter = ["kind", "year", "quarter", "status"]
    search_fields = ["enterprise__name"]
    list_select_related = ["enterprise"]


class RiskBandInline(admin.TabularInline):
    model = RiskBand
    extra = 0

    def _locked(self, obj: RiskBanding | None) -> bool:
        return obj is not None and risk_banding_in_use(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(RiskBanding)
class RiskBandingAdmin(admin.ModelAdmin):
    """A version that has graded risk sources is frozen: copy it to a new version, edit, then activate."""

    list_display = ["__str__", "name", "is_active", "effective_from", "created_at"]
    list_filter = ["method", "is_active"]
    readonly_fields = ["is_active"]
    inlines = [RiskBandInline]
    actions = ["copy_as_new_version", "activate"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and risk_banding_in_use(obj):
            fields += ["method", "version"]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not risk_banding_in_use(obj)

    @admin.action(description=_("Copy as a new version (inactive)"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[RiskBanding]) -> None:
        for banding in queryset:
            copy = risk_banding_new_version(banding=banding)
            self.message_user(request, _("Created %(b)s; edit its bands, then activate it.") % {"b": copy})

    @admin.action(description=_("Activate and re-grade the risk sources"))
    def activate(self, request: HttpRequest, queryset: QuerySet[RiskBanding]) -> None:
        for banding in queryset:
            with refusal_message(request) as refused:
                count = risk_banding_activate(banding=banding)
            if not refused:
                self.message_user(
                    request, _("%(b)s active; %(n)d risk sources re-graded.") % {"b": banding, "n": count}
                )


@admin.register(RiskSource)
class RiskSourceAdmin(ReadOnlyAdmin):
    list_display = ["name", "enterprise", "method", "score", "level", "banding", "review_date"]
    list_filter = ["level", "method"]
    search_fields = ["name", "enterprise__name"]
    list_select_related = ["enterprise", "banding"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ["order", "category", "text", "basis", "is_active"]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    """Self-check checklists keyed by industry code (a code covers every industry under it)."""

    list_display = ["name", "industry", "is_active", "updated_at"]
    list_select_related = ["industry"]
    list_filter = ["is_active"]
    search_fields = ["name", "industry__code", "industry__name"]
    autocomplete_fields = ["industry"]
    inlines = [ChecklistItemInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "organizer"]
    list_select_related = ["organizer"]
    search_fields = ["name"]
    filter_horizontal = ["industries", "jurisdictions"]
