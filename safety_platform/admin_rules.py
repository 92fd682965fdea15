"""Admin of the rule book: draft a version (a copy of another), edit its numbers, put it in force; never edit one
in force (DESIGN §3a)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .admin_versioning import RuleVersionAdmin, RuleVersionInline
from .models import User
from .models.rules import RuleBookStatus, RuleBookVersion, RuleNumber
from .refusals import refusal_message
from .rules import registered_rules


class RuleNumberInline(RuleVersionInline, admin.TabularInline):
    model = RuleNumber
    extra = 0
    fields = ["key", "value", "unit", "legal_basis"]


@admin.register(RuleBookVersion)
class RuleBookVersionAdmin(RuleVersionAdmin):
    list_display = ["label", "in_force_from", "status", "created_by", "created_at"]
    list_select_related = ["created_by"]
    list_filter = ["status"]
    inlines = [RuleNumberInline]
    actions = ["copy_as_draft", "put_in_force", "withdraw"]
    fields = ["label", "in_force_from", "status", "note"]
    # A draft is put in force with the action, after its numbers are checked; a frozen version's note may be added to.
    readonly_fields = ["status"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = cast(User, request.user)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Make a new draft version from the selected one"))
    def copy_as_draft(self, request: HttpRequest, queryset: Any) -> None:
        for source in queryset:
            with transaction.atomic():
                label = f"{source.label}-new"
                n = 1
                while RuleBookVersion.objects.filter(label=label).exists():
                    n += 1
                    label = f"{source.label}-new{n}"
                copy = RuleBookVersion.objects.create(
                    label=label,
                    in_force_from=source.in_force_from,
                    note=source.note,
                    created_by=cast(User, request.user),
                )
                have = set()
                for number in source.numbers.all():
                    RuleNumber.objects.create(
                        version=copy,
                        key=number.key,
                        value=number.value,
                        unit=number.unit,
                        legal_basis=number.legal_basis,
                    )
                    have.add(number.key)
                # Numbers registered since the source version was made start from their defaults.
                for spec in registered_rules():
                    if spec.key not in have:
                        RuleNumber.objects.create(
                            version=copy, key=spec.key, value=spec.default, unit=spec.unit, legal_basis=spec.legal_basis
                        )
            self.message_user(
                request, _("Draft %(label)s made: set its day and numbers, then put it in force.") % {"label": label}
            )

    @admin.action(description=_("Put the selected draft in force"))
    def put_in_force(self, request: HttpRequest, queryset: Any) -> None:
        known = {spec.key for spec in registered_rules()}
        for version in queryset.filter(status=RuleBookStatus.DRAFT):
            unknown = set(version.numbers.values_list("key", flat=True)) - known
            if unknown:
                self.message_user(
                    request,
                    _("%(label)s not put in force: unknown keys %(keys)s.")
                    % {"label": version.label, "keys": ", ".join(sorted(unknown))},
                    messages.ERROR,
                )
                continue
            version.status = RuleBookStatus.ACTIVE
            version.save(update_fields=["status"])
            self.message_user(request, _("%(label)s is in force.") % {"label": version.label}, messages.SUCCESS)

    @admin.action(description=_("Withdraw the selected versions (no longer read)"))
    def withdraw(self, request: HttpRequest, queryset: Any) -> None:
        for version in queryset.filter(status=RuleBookStatus.ACTIVE):
            with refusal_message(request):
                version.status = RuleBookStatus.RETIRED
                version.save(update_fields=["status"])
