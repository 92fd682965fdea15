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

from .models import Accident, CorrectiveMeasure, DispatchOrder, EmergencyPlan, Warehouse, WarningContact
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


@rule("emergency.keep_government_resource")
def _keep_government_resource(user: Any, obj: Any = None) -> bool:
    """Government reserves (city and county stores) and professional and social teams are kept by staff; an
    enterprise keeps only its own store and team ("emergency.manage_resource")."""
    return is_staff_member(user)


@rule("emergency.transfer_into")
def _transfer_into(user: Any, destination: Warehouse) -> bool:
    """Who may move stock into `destination` by a transfer: city staff into any warehouse, others into one they
    manage (other moves go through a dispatch order)."""
    return is_city_staff(user) or _manage_resource(user, destination)


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


@rule("emergency.receive_dispatch")
def _receive_dispatch(user: Any, order: DispatchOrder) -> bool:
    """The requesting side confirms delivery and settles what came back: city staff, or staff acting for the
    requesting jurisdiction."""
    return is_city_staff(user) or jurisdiction_in_scope(user, order.requesting_jurisdiction)


@rule("emergency.cancel_dispatch")
def _cancel_dispatch(user: Any, order: DispatchOrder) -> bool:
    """The requesting side withdraws its order, or the city-level staff who approve orders."""
    return _receive_dispatch(user, order) or _approve_dispatch(user, order)


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


@rule("emergency.record_acknowledgement")
def _record_acknowledgement(user: Any, obj: Any = None) -> bool:
    """Staff record an acknowledgement an enterprise gave by phone (an enterprise's own people acknowledge on the
    site themselves)."""
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


@rule("emergency.follow_accident")
def _follow_accident(user: Any, accident: Accident) -> bool:
    """Supplement the figures and log the response: the staff who handle the accident, and the people of the
    enterprise it happened at."""
    return _handle_accident(user, accident) or (
        accident.enterprise_id is not None and is_enterprise_person(user, accident.enterprise_id)
    )


@rule("emergency.progress_measure")
def _progress_measure(user: Any, measure: CorrectiveMeasure) -> bool:
    """Report progress on a corrective measure: the staff who handle the accident, and the people of the enterprise
    responsible for the measure or of the accident's enterprise (verifying it stays with the staff)."""
    accident = measure.evaluation.accident
    if _handle_accident(user, accident):
        return True
    return is_enterprise_person(user) and user.enterprise_id in (
        measure.responsible_enterprise_id,
        accident.enterprise_id,
    )
