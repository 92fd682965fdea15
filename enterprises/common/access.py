"""Who may write what in the responsibility, admission, standardization and training topics.

Reads always go through each model's `visible_to(user)`; these helpers decide writes on top of that.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safety_platform.choices import Role
from safety_platform.permissions import STAFF_ROLES
from safety_platform.services import DomainError

from ..registry.models import Enterprise


def is_person(user: Any) -> bool:
    """A signed-in, active human user (API keys are never allowed to write here)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "api_key", None) is None
    )


def is_staff_user(user: Any) -> bool:
    return is_person(user) and (user.is_superuser or user.role in STAFF_ROLES)


def is_city_staff(user: Any) -> bool:
    """Platform administrators and committee staff (安委办) act for the whole city."""
    return is_person(user) and (user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE))


def is_platform_admin(user: Any) -> bool:
    return is_person(user) and (user.is_superuser or user.role == Role.ADMIN)


def sees_enterprise(user: Any, enterprise: Enterprise) -> bool:
    return Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists()


def is_own_enterprise(user: Any, enterprise: Enterprise) -> bool:
    return is_person(user) and user.role == Role.ENTERPRISE and user.enterprise_id == enterprise.pk


def forbid(message: str | None = None) -> DomainError:
    return DomainError(message or _("You may not do this."), code="forbidden")
