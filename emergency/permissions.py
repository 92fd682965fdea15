"""Who may do what in the emergency app (the visibility itself is each model's `visible_to`): the rules asked with
`can(user, "emergency.…", obj)`."""

from __future__ import annotations

from typing import Any

from django.db import models

from enterprises.models import Enterprise
from safety_platform.choices import Role
from safety_platform.permissions import (
    AREA_ROLES,
    has_role,
    is_city_staff,
    is_enterprise_person,
    is_person,
    is_staff_member,
    rule,
    sees,
)

from .models import Accident, EmergencyPlan, WarningContact
from .services.common import jurisdiction_in_scope


@rule("emergency.manage_resource")
def _manage_resource(user: Any, obj: models.Model) -> bool:
    """Rows owned by an enterprise or a jurisdiction (stores, teams): staff who see them, or the owning
    enterprise's own users."""
    if not is_person(user):
        return False
    if not sees(user, obj):
        return False
    owner_id = obj.enterprise_id  # type: ignore[attr-defined]
    if user.role == Role.ENTERPRISE:
        return owner_id is not None and owner_id == user.enterprise_id
    return is_staff_member(user)


@rule("emergency.register_resource")
def _register_resource(user: Any, obj: Any = None) -> bool:
    """Staff and the enterprises' own people register teams, stores and plans (each row then:
    "emergency.manage_resource", "emergency.manage_plan")."""
    return is_staff_member(user) or is_enterprise_person(user)


@rule("emergency.read_contacts")
def _read_contacts(user: Any, obj: Any = None) -> bool:
    """Staff read the warning contacts (those who register them also edit them: "emergency.manage_contacts")."""
    return is_staff_member(user)


@rule("emergency.approve_dispatch")
def _approve_dispatch(user: Any, obj: Any = None) -> bool:
    """City-level approval: committee staff, administrators and department staff (应急管理局 and others)."""
    return is_city_staff(user) or (is_person(user) and user.role == Role.DEPARTMENT)


@rule("emergency.request_dispatch")
def _request_dispatch(user: Any, obj: Any = None) -> bool:
    return is_staff_member(user)


@rule("emergency.manage_contacts")
def _manage_contacts(user: Any, obj: Any = None) -> bool:
    return has_role(user, AREA_ROLES)


@rule("emergency.edit_contact")
def _edit_contact(user: Any, contact: WarningContact) -> bool:
    return _manage_contacts(user, None) and jurisdiction_in_scope(user, contact.jurisdiction)


@rule("emergency.issue_warning")
def _issue_warning(user: Any, obj: Any = None) -> bool:
    """Staff issue warnings, lift them (those of their own jurisdictions) and remind who has not acknowledged."""
    return is_staff_member(user)


@rule("emergency.manage_plan")
def _manage_plan(user: Any, plan: EmergencyPlan) -> bool:
    """Enterprise plans: the enterprise itself and staff who see it. Department plans: that department's
    staff and city staff."""
    if not is_person(user):
        return False
    if plan.enterprise_id is not None:
        if user.role == Role.ENTERPRISE:
            return bool(user.enterprise_id == plan.enterprise_id)
        return is_staff_member(user) and Enterprise.objects.visible_to(user).filter(pk=plan.enterprise_id).exists()
    return is_city_staff(user) or (user.role == Role.DEPARTMENT and user.department_id == plan.department_id)


@rule("emergency.report_accident")
def _report_accident(user: Any, obj: Any = None) -> bool:
    return is_staff_member(user) or is_enterprise_person(user)


@rule("emergency.handle_accident")
def _handle_accident(user: Any, accident: Accident) -> bool:
    """Staff who see the accident run the response, forwarding and investigation."""
    return is_staff_member(user) and sees(user, accident)
