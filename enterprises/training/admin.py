"""Django admin of training."""

from __future__ import annotations

from django.contrib import admin

from safety_platform.admin_readonly import ReadOnlyInline

from .models import Employee, EmployeePostEvent, SpecialOperationCertificate, TrainingRecord


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
    ordering = ["-id"]  # newest entered first by the key: the model's order (completion date) sorted every record
    raw_id_fields = ["employee"]


@admin.register(SpecialOperationCertificate)
class SpecialOperationCertificateAdmin(admin.ModelAdmin):
    list_display = ["certificate_number", "employee", "operation", "expires_on"]
    list_filter = ["operation"]
    search_fields = ["certificate_number", "employee__name"]
    raw_id_fields = ["employee"]
