"""Admin of credit: rule-set versions (edit drafts, publish, copy), records, grades, blacklist, push."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safety_platform.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from safety_platform.admin_versioning import RuleVersionAdmin, RuleVersionInline
from safety_platform.choices import FactKind
from safety_platform.refusals import refusal_message
from safety_platform.security import signed_in_user

from .models import (
    BlacklistEntry,
    BlacklistTransition,
    CreditFactIntake,
    CreditRating,
    CreditRatingHistory,
    CreditRecalcBatch,
    CreditRecalcRun,
    CreditRecord,
    CreditRepair,
    CriterionLimit,
    OutboxEvent,
    Rule,
    RuleSet,
    WebhookDelivery,
    WebhookSubscription,
)
from .services import rule_set_copy, rule_set_publish, webhook_delivery_retry


class RuleForm(forms.ModelForm):
    fact_kind = forms.ChoiceField(choices=[("", "—"), *FactKind.choices], required=False, label=_("platform event"))

    class Meta:
        model = Rule
        fields = [
            "code",
            "criterion",
            "behaviour",
            "title",
            "points",
            "validity_months",
            "cap_grade",
            "fact_kind",
            "fact_match",
            "manual_allowed",
            "blacklist_case",
            "blacklist_threshold",
            "blacklist_window_months",
            "legal_basis",
        ]


class CriterionLimitInline(RuleVersionInline, admin.TabularInline):
    model = CriterionLimit
    extra = 0


class RuleInline(RuleVersionInline, admin.StackedInline):
    model = Rule
    form = RuleForm
    extra = 0
    fieldsets = (
        (None, {"fields": (("code", "criterion", "behaviour"), "title", ("points", "validity_months", "cap_grade"))}),
        (_("Automatic from platform events"), {"fields": (("fact_kind", "fact_match"), "manual_allowed")}),
        (
            _("Blacklist (Order 11)"),
            {"fields": (("blacklist_case", "blacklist_threshold", "blacklist_window_months"), "legal_basis")},
        ),
    )


class CopyForm(forms.Form):
    version = forms.CharField(max_length=40)


@admin.register(RuleSet)
class RuleSetAdmin(RuleVersionAdmin):
    list_display = ["version", "name", "effective_from", "status", "published_at", "based_on"]
    list_select_related = ["based_on"]
    list_filter = ["status"]
    search_fields = ["version", "name"]
    inlines = [CriterionLimitInline, RuleInline]
    actions = ["publish", "copy_as_draft"]
    readonly_fields = ["status", "published_at", "published_by", "based_on", "created_at"]

    @admin.action(description=_("Publish the selected drafts (freezes them)"))
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        for rule_set in queryset:
            with refusal_message(request, prefix=f"{rule_set.version}: ") as refused:
                rule_set_publish(rule_set=rule_set, actor=signed_in_user(request))
            if not refused:
                self.message_user(request, _("%(v)s published.") % {"v": rule_set.version})

    @admin.action(description=_("Copy as a new draft version (effective tomorrow)"))
    def copy_as_draft(self, request: HttpRequest, queryset: Any) -> None:
        for rule_set in queryset:
            version = f"{rule_set.version}-draft-{timezone.now():%Y%m%d%H%M%S}"
            copy = rule_set_copy(
                rule_set=rule_set,
                version=version,
                effective_from=timezone.localdate() + dt.timedelta(days=1),
            )
            self.message_user(request, _("Draft %(v)s created: edit it, then publish it.") % {"v": copy.version})


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "rule_code", "behaviour", "occurred_on", "department", "source", "status"]
    # "When it happened" as a filter of fixed choices (today, past 7 days, this month, this year): a date hierarchy
    # reads every record's year and the first and last dates on each view (80 ms at 320,000 records).
    list_filter = ["status", "behaviour", "source", "rule__criterion", "occurred_on"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "rule_code"]
    # Newest entered first, read off `credit_record_newest`: the model's order (when it happened) has no index
    # and sorted every record per view (320 ms at 320,000). A column header still sorts by that column.
    ordering = ["-created_at", "-id"]
    list_select_related = ["enterprise", "department"]
    readonly_fields = [f.name for f in CreditRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # records are made on the credit pages or from events

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead (credit page)


@admin.register(CreditRating)
class CreditRatingAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "grade", "score", "rule_set", "blacklisted", "status", "computed_at"]
    list_filter = ["grade", "status", "blacklisted", "rule_set"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "rule_set"]


@admin.register(CreditRatingHistory)
class CreditRatingHistoryAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "previous_grade", "grade", "score", "rule_set", "trigger", "computed_at"]
    list_filter = ["trigger", "grade", "rule_set"]
    ordering = ["-id"]  # newest first by the key: the nightly runs append in time order; no sort of every row
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "rule_set"]


class BatchInline(ReadOnlyInline):
    model = CreditRecalcBatch
    readonly_fields = ["seq", "id_from", "id_to", "status", "processed_at", "enterprises", "changed", "grade_changes"]


@admin.register(CreditRecalcRun)
class CreditRecalcRunAdmin(ReadOnlyAdmin):
    list_display = [
        "key",
        "trigger",
        "as_of",
        "rule_set",
        "status",
        "incremental",
        "batches_total",
        "changed",
        "grade_changes",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status", "trigger", "incremental"]
    inlines = [BatchInline]


@admin.register(CreditFactIntake)
class CreditFactIntakeAdmin(ReadOnlyAdmin):
    list_display = ["fact", "outcome", "record", "processed_at"]
    list_select_related = ["fact", "record"]
    list_filter = ["outcome"]


class TransitionInline(ReadOnlyInline):
    model = BlacklistTransition
    readonly_fields = ["at", "from_status", "to_status", "action", "actor", "note"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ReadOnlyAdmin):
    """The workflow runs on the credit pages (with its checks); the admin shows it."""

    list_display = ["enterprise", "status", "case", "listed_on", "ends_on", "removed_on", "rule_set", "workflow"]
    list_filter = ["status", "case", "origin"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "rule_set"]
    inlines = [TransitionInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None  # allow the list view; a single entry is read-only

    @admin.display(description=_("workflow"))
    def workflow(self, obj: BlacklistEntry) -> str:
        return format_html('<a href="{}">{}</a>', reverse("credit:blacklist_detail", args=[obj.pk]), _("open"))


@admin.register(CreditRepair)
class CreditRepairAdmin(ReadOnlyAdmin):
    list_display = ["entry", "status", "applied_by", "applied_at", "decided_by", "decided_at"]
    list_select_related = ["entry__enterprise", "applied_by", "decided_by"]
    list_filter = ["status"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "department", "url", "blacklist", "ratings", "is_active"]
    list_filter = ["is_active", "department"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "topic", "object_id", "created_at"]
    list_filter = ["topic"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event",
        "subscription",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
    ]
    list_filter = ["status", "subscription"]
    list_select_related = ["event", "subscription"]
    actions = ["retry"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    @admin.action(description=_("Retry the selected deliveries now"))
    def retry(self, request: HttpRequest, queryset: Any) -> None:
        for delivery in queryset:
            webhook_delivery_retry(delivery=delivery)
        self.message_user(request, _("Queued again."))


from . import admin_joint  # noqa: E402, F401 - joint rewards and punishments: their own module
