"""The admin of records the platform alone writes (history, results, logs, records whose every change goes through a
service with its checks): the admin shows them and never offers to add, change or delete one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class NoAddOrChange:
    """Mixed into a ModelAdmin or an inline (before it): rows are shown, never added or changed in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(NoAddOrChange, admin.ModelAdmin):
    """Viewable only: a change is made by the platform's services, never in the admin."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(NoAddOrChange, admin.TabularInline):
    """A record's own history shown under it (transitions, batches, indicator rows): viewable only, never added,
    changed or deleted in the admin."""

    extra = 0
    can_delete = False
