"""Admin of joint rewards and punishments: which departments receive the notice; notices and measures to read."""

from __future__ import annotations

from django.contrib import admin

from safety_platform.admin_readonly import ReadOnlyAdmin

from .models import JointMeasure, JointNotice, JointNoticeRecipient


@admin.register(JointNoticeRecipient)
class JointNoticeRecipientAdmin(admin.ModelAdmin):
    list_display = ["department", "is_active", "created_at"]
    list_filter = ["is_active"]
    autocomplete_fields = ["department"]


@admin.register(JointNotice)
class JointNoticeAdmin(ReadOnlyAdmin):
    """Issued by the monthly job or the committee's button, recorded by departments: never edited here."""

    list_display = ["__str__", "department", "period_start", "issued_at", "ack_due_on", "acknowledged_at"]
    list_filter = ["period_start", "department"]
    list_select_related = ["department"]


@admin.register(JointMeasure)
class JointMeasureAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "department", "kind", "applied_on", "channel", "status"]
    list_filter = ["category", "kind", "status", "channel", "department"]
    list_select_related = ["enterprise", "department"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    raw_id_fields = ["enterprise", "blacklist_entry", "notice", "recorded_by", "revoked_by", "api_key"]
