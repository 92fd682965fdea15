"""Shared checks of the emergency services (the rules themselves: `emergency/permissions.py`; the role facts:
`safety_platform.permissions`)."""

from __future__ import annotations

from typing import Any

from django.db import models

from safety_platform.permissions import JURISDICTION_ROLES, covers_jurisdiction, has_role, is_staff_member
from safety_platform.services import DomainError


def require(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message, code="forbidden")


def ensure_visible(user: Any, obj: models.Model, message: str) -> None:
    require(type(obj).objects.visible_to(user).filter(pk=obj.pk).exists(), message)  # type: ignore[attr-defined]


def jurisdiction_in_scope(user: Any, jurisdiction: Any) -> bool:
    """May this staff member act for `jurisdiction`? Inspectors and county offices only inside their subtrees."""
    if not is_staff_member(user) or jurisdiction is None:
        return False
    return not has_role(user, JURISDICTION_ROLES) or covers_jurisdiction(user, jurisdiction)
