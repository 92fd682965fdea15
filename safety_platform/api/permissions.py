"""Permission classes: signed-in users by role, API keys by scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import permissions

from ..models.apikeys import ApiClient

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SAFE = permissions.SAFE_METHODS


class IsAuthenticatedUserOrScopedKey(permissions.BasePermission):
    """Users must be signed in and active. API keys pass only where the view names a scope they hold.

    A view declares `api_key_read_scope` (GET/HEAD/OPTIONS) and/or `api_key_write_scope` (other
    methods) — or `api_key_scopes = {"action": scope}` for custom actions. A view that declares
    nothing is closed to API keys.
    """

    message: StrOrPromise = gettext_lazy("You do not have permission to perform this action.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if isinstance(user, ApiClient):
            scope = required_scope(request, view)
            if scope is None:
                self.message = _("API keys cannot use this endpoint.")
                return False
            if not user.has_scope(scope):
                self.message = _("This API key lacks the scope '%(scope)s'.") % {"scope": scope}
                return False
            return True
        if not (user and user.is_authenticated and user.is_active):
            return False
        roles = getattr(view, "allowed_roles", None)
        return not (roles is not None and not (user.is_superuser or user.role in roles))


def required_scope(request: Any, view: Any) -> str | None:
    action = getattr(view, "action", None)
    by_action = getattr(view, "api_key_scopes", None) or {}
    if action in by_action:
        return str(by_action[action])
    if request.method in SAFE:
        return getattr(view, "api_key_read_scope", None)
    return getattr(view, "api_key_write_scope", None)


class ReadOnlyForRoles(permissions.BasePermission):
    """Writes only for the roles in `view.write_roles`; reads follow the default permission."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE:
            return True
        user = request.user
        if isinstance(user, ApiClient):
            return True  # scope checked by the default permission
        roles = getattr(view, "write_roles", ())
        return bool(user.is_superuser or user.role in roles)


class SchemaReader(permissions.BasePermission):
    """The API schema and docs: any signed-in active user or any valid API key (integrators)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if isinstance(user, ApiClient):
            return True
        return bool(user and user.is_authenticated and user.is_active)
