"""Django admin for the shared core: users and roles, jurisdictions, departments, API keys."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .admin_forms import PlatformAdminForm, use_platform_admin_forms
from .admin_paging import EstimatedCountPaginator
from .admin_readonly import NoAddOrChange
from .choices import FactKind
from .deadline_kinds import deadline_kind_choices, deadline_kind_label
from .forms import IdsChoiceField
from .models import (
    ApiKey,
    ApiKeyUse,
    Department,
    Fact,
    Industry,
    Jurisdiction,
    Notification,
    NotificationPreference,
    OutboundMessage,
    StatutoryDeadline,
    User,
)
from .models.notifications import OutboundStatus
from .models.org import DepartmentIndustry
from .security import signed_in_user
from .services import api_key_create, api_key_revoke, outbound_message_retry
from .signals import department_industries_changed

# The platform's default for every admin list, the apps' and the audit log's (see admin_paging): no second count of
# the whole table for "N total", and an unfiltered list of a large table paged by the planner's estimate.
admin.ModelAdmin.show_full_result_count = False
admin.ModelAdmin.paginator = EstimatedCountPaginator
# Every change form, saved unchanged, changes nothing: date-times shown to the second, unchanged ones kept as stored
# (see admin_forms). This module is the first admin module the admin imports (the platform's app is listed first).
use_platform_admin_forms()


class UserScopeForm(PlatformAdminForm, UserChangeForm):
    """The user form with the role's rule on jurisdictions (a many-to-many field `User.clean` cannot see)."""

    class Meta(UserChangeForm.Meta):
        model = User
        # The admin builds its form from the fieldsets (dates included, on the admin's own widgets); this list only
        # keeps the bare class free of Django's plain date-time inputs (tests/platform/test_forms_roundtrip.py).
        fields = ["username", "password", "full_name", "phone", "role", "department", "enterprise", "jurisdictions"]  # type: ignore[assignment]  # django-stubs types it as "__all__"
        field_classes = {"jurisdictions": IdsChoiceField}  # type: ignore[dict-item]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "jurisdictions" in self.fields and not self.has_error("role"):
            try:
                User.clean_jurisdictions(data.get("role", ""), data.get("jurisdictions"))
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserScopeForm
    list_display = ["username", "full_name", "role", "department", "enterprise", "is_active"]
    list_select_related = ["department", "enterprise"]
    list_filter = ["role", "is_active", "department"]
    search_fields = ["username", "full_name", "phone"]
    autocomplete_fields = ["enterprise", "department"]
    filter_horizontal = ["jurisdictions", "groups", "user_permissions"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Role and scope"), {"fields": ("full_name", "phone", "role", "department", "enterprise", "jurisdictions")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,  # type: ignore[misc]
        (_("Role and scope"), {"fields": ("full_name", "role", "department", "enterprise")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Users are deactivated, never deleted: the audit trail refers to them.
        return False


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_select_related = ["parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]


class DepartmentIndustryInline(admin.TabularInline):
    model = DepartmentIndustry
    extra = 1
    autocomplete_fields = ["industry"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "jurisdiction", "is_committee_member", "is_committee_office", "is_active"]
    list_filter = ["is_committee_member", "is_active"]
    search_fields = ["name", "code"]
    inlines = [DepartmentIndustryInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        responses = department_industries_changed.send(sender=Department, department=form.instance)
        # Each receiver answers a count (the stubs type a receiver's answer as str | None).
        answers: list[object] = [answer for _receiver, answer in responses]
        changed = sum(answer for answer in answers if isinstance(answer, int))
        if changed:
            self.message_user(
                request, _("%(n)d enterprises now have a different supervising department.") % {"n": changed}
            )


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "department", "enterprise", "scopes", "expires_at", "revoked_at", "last_used_at"]
    list_select_related = ["department", "enterprise"]
    list_filter = ["department"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "created_by", "revoked_at", "revoked_by", "last_used_at"]
    fields = ["name", "department", "enterprise", "scopes", "expires_at", *readonly_fields, "revoke_reason"]
    # The departments are a short list (a plain select); the enterprises are thousands: their id with
    # the lookup window. select2's autocomplete leaves its box without an accessible name.
    raw_id_fields = ["enterprise"]
    actions = ["revoke"]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "expires_at" and field is not None:
            # The date and time boxes of the split widget have no <label> of their own.
            date_box, time_box = field.widget.widgets
            date_box.attrs["aria-label"] = f"{field.label} · {_('Date:').rstrip(':：')}"
            time_box.attrs["aria-label"] = f"{field.label} · {_('Time:').rstrip(':：')}"
        return field

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = api_key_create(
            name=obj.name,
            scopes=obj.scopes or [],
            department=obj.department,
            enterprise=obj.enterprise,
            expires_at=obj.expires_at,
            created_by=signed_in_user(request),
        )
        obj.pk = key.pk
        obj.prefix = key.prefix
        self.message_user(
            request,
            _("Key created. Copy it now, it is not shown again: %(key)s") % {"key": raw},
            level=messages.WARNING,
        )

    @admin.action(description=_("Revoke selected keys"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for key in queryset:
            api_key_revoke(key=key, by=signed_in_user(request), reason="revoked in admin")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiKeyUse)
class ApiKeyUseAdmin(NoAddOrChange, admin.ModelAdmin):
    list_display = ["at", "prefix", "department", "method", "path"]
    list_select_related = ["department"]
    list_filter = ["department"]
    date_hierarchy = "at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "category", "created_at", "read_at"]
    list_filter = ["category"]
    search_fields = ["title"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(NoAddOrChange, admin.ModelAdmin):
    """外发通知: read-only (a message is what was sent); a failed one is sent again with the action. (Its page
    offered 保存 and answered the click with a 403: change was allowed on GET only.)"""

    list_display = ["created_at", "channel", "address", "name", "title", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "category"]
    search_fields = ["address", "name", "title", "dedup_key"]
    list_select_related = False
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]
    actions = ["retry_now"]

    @admin.action(description=_("Send the selected failed messages again now"))
    def retry_now(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for pk in queryset.filter(status=OutboundStatus.FAILED).values_list("pk", flat=True):
            outbound_message_retry(message_id=pk)
            done += 1
        self.message_user(request, _("%(count)d messages will be sent again.") % {"count": done}, messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "email", "sms"]
    list_filter = ["group"]
    raw_id_fields = ["user"]


class KindFilter(admin.SimpleListFilter):
    """A `kind` column filtered by the kinds' names, not their keys (`hazard_overdue`, `credit_proposal`)."""

    title = _("kind")
    parameter_name = "kind"

    def kind_choices(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return self.kind_choices()

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(kind=self.value()) if self.value() else queryset


class FactKindFilter(KindFilter):
    def kind_choices(self) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in FactKind.choices]


class DeadlineKindFilter(KindFilter):
    def kind_choices(self) -> list[tuple[str, str]]:
        return deadline_kind_choices()  # the apps name them (`deadline_kinds`)


@admin.register(Fact)
class FactAdmin(NoAddOrChange, admin.ModelAdmin):
    list_display = ["kind_name", "enterprise", "occurred_at", "recorded_at"]
    list_select_related = ["enterprise"]
    list_filter = [FactKindFilter]
    # Read-only: every field shown as stored, but the kind by its name.
    readonly_fields = ["kind_name", *(f.name for f in Fact._meta.fields if f.name not in ("id", "kind"))]
    fields = tuple(readonly_fields)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, fact: Fact) -> str:
        return str(FactKind(fact.kind).label) if fact.kind in FactKind.values else fact.kind


@admin.register(StatutoryDeadline)
class StatutoryDeadlineAdmin(admin.ModelAdmin):
    list_display = ["title", "kind_name", "enterprise", "due_at", "met_at", "escalation_level"]
    list_select_related = ["enterprise"]
    # Searched, not listed: a <select> of every enterprise was 7 MB and 10 s at 100,000 enterprises.
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["responsible"]
    list_filter = [DeadlineKindFilter, "escalation_level"]
    search_fields = ["title"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, deadline: StatutoryDeadline) -> str:
        return deadline_kind_label(deadline.kind)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        """The kind is chosen by its name; a deadline of a kind no app names (or one clock per level) keeps its
        own. (The form class is made anew for each request, so its field can be replaced.)"""
        form = super().get_form(request, obj, change, **kwargs)
        choices = deadline_kind_choices()
        if obj is not None and obj.kind not in dict(choices):
            choices = [(obj.kind, deadline_kind_label(obj.kind)), *choices]
        label = form.base_fields["kind"].label
        form.base_fields["kind"] = forms.ChoiceField(label=label, choices=[("", "---------"), *choices])
        return form


# The scheduler's admin (django-celery-beat) brings a form of its own: the same rule for its date-times. Its form is
# replaced on its admin class (read per request), not re-registered; the form stays the library's, with its widgets.
from django_celery_beat import admin as beat_admin  # noqa: E402


def _periodic_task_clean(form: Any) -> Any:
    """The library's `clean` reads `cleaned_data["task"]`, absent when the task field has an error of its own (a
    name over 200 characters): a KeyError, a 500. That field's own message is shown instead."""
    if "task" not in form.cleaned_data:
        return form.cleaned_data  # the form is refused anyway
    return super(beat_admin.PeriodicTaskAdmin.form, form).clean()  # PlatformAdminForm's, then the library's


beat_admin.PeriodicTaskAdmin.form = type(
    "PeriodicTaskForm",
    (PlatformAdminForm, beat_admin.PeriodicTaskForm),
    {
        "__module__": beat_admin.__name__,
        "__doc__": beat_admin.PeriodicTaskForm.__doc__,
        "clean": _periodic_task_clean,
    },
)


class CrontabScheduleForm(PlatformAdminForm):
    """A crontab the scheduler can read, checked as the scheduler parses it, with a message in Chinese that says
    what to write (the library's own field checks answer in English, "No enumeration for Day of Month: '-1'").
    The form refused for `-1` was shown again with the schedule in words made from the refused values, on
    which Celery's parser raised: a 500 (`_crontab_in_words` below)."""

    PARTS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "timezone" in self.fields:
            # Its default is a callable, so Django also sends the initial zone in a hidden input and reads it back
            # to tell a change: a forged one of 3,000 characters made the zone library fail (OSError, a 500).
            # Compared with the stored value instead.
            self.fields["timezone"].show_hidden_initial = False

    def clean(self) -> dict[str, Any] | None:
        from celery.schedules import ParseException, crontab

        cleaned = super().clean()
        if cleaned is None or not all(isinstance(cleaned.get(part), str) for part in self.PARTS):
            return cleaned  # a part already has its own error
        try:
            crontab(**{part: cleaned[part] for part in self.PARTS})
        except (ParseException, ValueError, TypeError) as exc:
            # Celery's reason is English ("negative numbers not supported"): the message says what to write instead.
            raise ValidationError(
                _(
                    "The scheduler cannot read this schedule: write each part as *, a number from 0, a range "
                    "(1-5), a list (0,30) or a step (*/15)."
                )
            ) from exc
        return cleaned


beat_admin.CrontabScheduleAdmin.form = CrontabScheduleForm


@admin.display(description=_("Schedule in words"))
def _crontab_in_words(model_admin: Any, schedule: Any) -> str:
    """The schedule in words (the library's, in English), or a dash while the form shows values Celery cannot
    read: the refused form is shown again with them, and the library's property raised on them (a 500)."""
    from celery.schedules import ParseException

    try:
        return str(schedule.human_readable)
    except (ParseException, ValueError, TypeError):
        return "—"


# The admin's method of that name is what its list and its read-only field show (before the model's property).
beat_admin.CrontabScheduleAdmin.human_readable = _crontab_in_words  # type: ignore[attr-defined]

from . import admin_rules  # noqa: E402, F401  (the rule book: its own module)
