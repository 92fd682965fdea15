"""Who may write what in the enterprise registry and its domains (registry, responsibility, admission,
standardization, training): the rules asked with `can(user, "enterprises.…", obj)`. Reads go through each model's
`visible_to(user)`; these rules decide writes on top of that."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role
from safety_platform.permissions import (
    STAFF_ROLES,
    is_city_staff,
    is_enterprise_person,
    is_person,
    is_platform_admin,
    is_staff_member,
    rule,
    sees,
)


def _own_enterprise(user: Any, enterprise: Any) -> bool:
    return is_enterprise_person(user, enterprise.pk)


# Registry ------------------------------------------------------------------------------------------


@rule("enterprises.manage")
def _manage(user: Any, obj: Any = None) -> bool:
    """Who may create enterprises and edit those they can see: staff, not enterprises or API keys."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "api_key", None) is None
        and (user.is_superuser or user.role in STAFF_ROLES)
    )


@rule("enterprises.keep_records")
def _keep_records(user: Any, enterprise: Any) -> bool:
    """Employees, training and special-operation certificates are kept by the enterprise itself (through the
    portal); platform administrators may correct them."""
    return _own_enterprise(user, enterprise) or is_platform_admin(user)


@rule("enterprises.manage_equipment")
def _manage_equipment(user: Any, enterprise: Any = None) -> bool:
    """The enterprise declares its equipment; staff who see it may record or correct items on site (without an
    enterprise: whether the user declares for any)."""
    if enterprise is None:
        return is_enterprise_person(user) or is_staff_member(user)
    if _own_enterprise(user, enterprise):
        return True
    return is_staff_member(user) and sees(user, enterprise)


@rule("enterprises.supervise")
def _supervise(user: Any, enterprise: Any) -> bool:
    """Staff with the enterprise in scope (inspectors, its supervising department, committee, admin)."""
    return is_staff_member(user) and sees(user, enterprise)


# Responsibility -------------------------------------------------------------------------------------


@rule("enterprises.edit_responsibility")
def _edit_responsibility(user: Any, department: Any) -> bool:
    """The committee office keeps every list; department staff keep their own department's list."""
    if is_city_staff(user):
        return True
    return is_person(user) and user.role == Role.DEPARTMENT and user.department_id == department.pk


@rule("enterprises.create_joint_inspection")
def _create_joint_inspection(user: Any, obj: Any = None) -> bool:
    return is_staff_member(user)


@rule("enterprises.work_on_inspection")
def _work_on_inspection(user: Any, inspection: Any) -> bool:
    """Committee/admin, staff of a participating department, or inspectors covering the enterprise."""
    if not is_staff_member(user):
        return False
    if is_city_staff(user):
        return True
    if user.role == Role.DEPARTMENT:
        return bool(inspection.departments.filter(pk=user.department_id).exists())
    return sees(user, inspection.enterprise)


# Standardization ------------------------------------------------------------------------------------


@rule("enterprises.record_certificate")
def _record_certificate(user: Any, enterprise: Any = None) -> bool:
    """The enterprise declares its certificates; staff who see it record them (without an enterprise: whether the
    user records for any)."""
    if enterprise is None:
        return is_enterprise_person(user) or is_staff_member(user)
    return _own_enterprise(user, enterprise) or _supervise(user, enterprise)


@rule("enterprises.verify_certificate")
def _verify_certificate(user: Any, enterprise: Any) -> bool:
    """Staff who see the enterprise confirm declarations and revoke certificates (not the enterprise itself)."""
    return _supervise(user, enterprise)


@rule("enterprises.revoke_certificate")
def _revoke_certificate(user: Any, enterprise: Any) -> bool:
    """Revoking (撤销) is for the supervising department, the committee office and administrators, not inspectors."""
    return _verify_certificate(user, enterprise) and user.role != Role.INSPECTOR


@rule("enterprises.designate")
def _designate(user: Any, enterprise: Any = None) -> bool:
    """The committee office and supervising departments designate demonstration enterprises."""
    if is_city_staff(user):
        return True
    if not (is_staff_member(user) and user.role == Role.DEPARTMENT):
        return False
    return enterprise is None or _supervise(user, enterprise)


# Admission ------------------------------------------------------------------------------------------


@rule("enterprises.manage_planning")
def _manage_planning(user: Any, jurisdiction: Any = None) -> bool:
    """Staff keep the planning registers; inspectors and county offices only inside their own jurisdictions."""
    if not is_staff_member(user):
        return False
    if jurisdiction is None or user.is_superuser or user.role not in (Role.INSPECTOR, Role.COUNTY_OFFICE):
        return True
    return any(jurisdiction.path.startswith(path) for path in user.jurisdiction_paths)


@rule("enterprises.read_registers")
def _read_registers(user: Any, obj: Any = None) -> bool:
    """Staff read the responsibility lists, the planning registers and the standardization coverage (each row still
    through `visible_to`)."""
    return is_staff_member(user)


@rule("enterprises.propose_exit")
def _propose_exit(user: Any, enterprise: Any = None) -> bool:
    """Staff who supervise an enterprise propose its exit (without an enterprise: whether the user proposes any)."""
    return is_staff_member(user) if enterprise is None else _supervise(user, enterprise)


@rule("enterprises.decide_exit")
def _decide_exit(user: Any, obj: Any = None) -> bool:
    """The safety committee office approves or rejects exit proposals and records them as carried out."""
    return is_city_staff(user)


@rule("enterprises.withdraw_exit")
def _withdraw_exit(user: Any, proposal: Any) -> bool:
    """The committee office, or the staff member who proposed it."""
    return is_city_staff(user) or (proposal.proposed_by_id == getattr(user, "pk", None) and is_staff_member(user))


@rule("enterprises.edit_catalog")
def _edit_catalog(user: Any, obj: Any = None) -> bool:
    """The catalog is kept by the committee office and the supervising departments."""
    return is_city_staff(user) or (is_staff_member(user) and user.role == Role.DEPARTMENT)
