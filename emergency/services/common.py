"""Who may do what in the emergency app (the visibility itself is each model's `visible_to`)."""

from __future__ import annotations

from typing import Any

from django.db import models

from safety_platform.choices import Role
from safety_platform.permissions import STAFF_ROLES
from safety_platform.permissions import is_person as is_person  # API keys only read
from safety_platform.services import DomainError


def is_staff_user(user: Any) -> bool:
    return is_person(user) and (user.is_superuser or user.role in STAFF_ROLES)


def is_city_staff(user: Any) -> bool:
    """Committee staff and administrators act for the whole city (approvals across counties)."""
    return is_person(user) and (user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE))


def is_enterprise_user(user: Any) -> bool:
    return is_person(user) and user.role == Role.ENTERPRISE and bool(user.enterprise_id)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message, code="forbidden")


def ensure_visible(user: Any, obj: models.Model, message: str) -> None:
    require(type(obj).objects.visible_to(user).filter(pk=obj.pk).exists(), message)  # type: ignore[attr-defined]


def jurisdiction_in_scope(user: Any, jurisdiction: Any) -> bool:
    """May this staff member act for `jurisdiction`? Inspectors only inside their subtrees."""
    if not is_staff_user(user) or jurisdiction is None:
        return False
    if user.role in (Role.INSPECTOR, Role.COUNTY_OFFICE) and not user.is_superuser:
        return any(jurisdiction.path.startswith(path) for path in user.jurisdiction_paths)
    return True
