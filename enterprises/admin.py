from __future__ import annotations

from django.contrib import admin

from .models import Enterprise, EnterpriseStatusChange


class StatusChangeInline(admin.TabularInline):
    model = EnterpriseStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "credit_code",
        "jurisdiction",
        "industry",
        "risk_category",
        "supervising_department",
        "status",
    ]
    list_filter = ["risk_category", "status", "is_key", "supervising_department"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["industry", "supervising_department"]
    raw_id_fields = ["jurisdiction"]
    inlines = [StatusChangeInline]
    readonly_fields = ["status", "created_at", "updated_at"]
