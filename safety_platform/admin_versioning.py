"""The admin side of `safety_platform.versioning`: a frozen rule version reads only (except the fields it may still
change) and cannot be deleted, and its inline rows read only. The models refuse the same changes; the admin only
stops offering them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.http import HttpRequest

from .refusals import refusal_message


def _editable(obj: Any) -> bool:
    return obj is None or not obj.is_frozen


class RuleVersionAdmin(admin.ModelAdmin):
    """Admin of a `RuleVersion`: drafts are edited, a frozen version is read (a change is a new version)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        own = list(super().get_readonly_fields(request, obj))
        if _editable(obj):
            return own
        frozen = [f.name for f in obj._meta.fields if f.name not in obj.editable_when_frozen]
        return frozen + [name for name in own if name not in frozen]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # A version frozen while the page was open (put in force, or a decision recorded it) refuses the save.
        with refusal_message(request):
            super().save_model(request, obj, form, change)


class RuleVersionInline(InlineModelAdmin):
    """Inline rows of a `RuleVersion` (or of any parent with `is_frozen`): read only once the version is frozen."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)
