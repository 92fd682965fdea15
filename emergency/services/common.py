"""Shared checks of the emergency services (the rules themselves: `emergency/permissions.py`; the role facts:
`safety_platform.permissions`)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from safety_platform.concurrency import Opened
from safety_platform.edits import lock_for_edit
from safety_platform.permissions import JURISDICTION_ROLES, covers_jurisdiction, has_role, is_staff_member
from safety_platform.services import DomainError


def require(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message, code="forbidden")


def require_text(value: str, field: str, message: str) -> None:
    """A text the record cannot do without: blank (or only spaces) is refused under `field` with `message`."""
    if not value.strip():
        raise ValidationError({field: message})


def ensure_visible(user: Any, obj: models.Model, message: str) -> None:
    require(type(obj).objects.visible_to(user).filter(pk=obj.pk).exists(), message)  # type: ignore[attr-defined]


def jurisdiction_in_scope(user: Any, jurisdiction: Any) -> bool:
    """May this staff member act for `jurisdiction`? Inspectors and county offices only inside their subtrees."""
    if not is_staff_member(user) or jurisdiction is None:
        return False
    return not has_role(user, JURISDICTION_ROLES) or covers_jurisdiction(user, jurisdiction)


Row = TypeVar("Row", bound=models.Model)


def save_edit(
    record: Row,
    data: dict[str, Any],
    *,
    fields: Collection[str],
    fixed: Collection[str],
    check: Callable[[Row], None],
    opened: Opened | None,
) -> Row:
    """Edit a team, a warehouse or a plan (call inside a transaction): lock its row, refuse a field someone else
    changed meanwhile (`opened`: `StaleEdit`), set the `fields` given in `data` but those `fixed` once registered,
    `check` who keeps it and what it belongs to, validate and save. Returns the locked row as saved."""
    locked = lock_for_edit(record, data, fields=[key for key in fields if key not in fixed], opened=opened)
    check(locked)
    locked.full_clean()
    locked.save()
    return locked
