from __future__ import annotations

from django.contrib import admin

from safety_platform.admin_readonly import ReadOnlyInline

from .models import Enterprise, EnterpriseStatusChange


class StatusChangeInline(ReadOnlyInline):
    model = EnterpriseStatusChange
    readonly_fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]


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
    list_select_related = ["jurisdiction", "industry", "supervising_department"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["industry", "supervising_department"]
    raw_id_fields = ["jurisdiction"]
    inlines = [StatusChangeInline]
    readonly_fields = ["status", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # Same derivation as the web UI and the API: an explicitly chosen department is kept.
        from .services import _apply_derived_department

        data = (
            {"supervising_department": obj.supervising_department}
            if "supervising_department" in form.changed_data
            else {}
        )
        _apply_derived_department(obj, data)
        super().save_model(request, obj, form, change)
        if not change:
            EnterpriseStatusChange.objects.create(
                enterprise=obj, to_status=obj.status, reason="created in admin", changed_by=request.user
            )
