"""Who may write what in the responsibility, admission, standardization and training topics.

Reads always go through each model's `visible_to(user)`; these helpers decide writes on top of that.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safety_platform.choices import Role
from safety_platform.services import DomainError

from ..registry.models import Enterprise

STAFF_ROLES = frozenset({Role.ADMIN, Role.COMMITTEE, Role.COUNTY_OFFICE, Role.INSPECTOR, Role.DEPARTMENT})


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


def can_keep_enterprise_records(user: Any, enterprise: Enterprise) -> bool:
    """Employees, training and special-operation certificates are kept by the enterprise itself
    (through the portal); platform administrators may correct them."""
    return is_own_enterprise(user, enterprise) or is_platform_admin(user)


def can_manage_equipment(user: Any, enterprise: Enterprise) -> bool:
    """The enterprise declares its equipment; staff who see it may record or correct items on site."""
    if is_own_enterprise(user, enterprise):
        return True
    return is_staff_user(user) and sees_enterprise(user, enterprise)


def can_supervise(user: Any, enterprise: Enterprise) -> bool:
    """Staff with the enterprise in scope (inspectors, its supervising department, committee, admin)."""
    return is_staff_user(user) and sees_enterprise(user, enterprise)


def forbid(message: str | None = None) -> DomainError:
    return DomainError(message or _("You may not do this."), code="forbidden")
