"""Django admin of standardization."""

from __future__ import annotations

from django.contrib import admin

from safety_platform.admin_readonly import ReadOnlyInline

from .models import CertificateEvent, Demonstration, DemonstrationMeasure, StandardizationCertificate


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
