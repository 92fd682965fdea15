"""Who may do what in supervision (plans, inspections, enforcement): the rules asked with
`can(user, "supervision.…", obj)`. Visibility itself is `visible_to`."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import JurisdictionLevel, Role
from safety_platform.permissions import covers_jurisdiction, is_staff_member, rule, sees


def _acting_role(actor: Any) -> str:
    """The role an actor takes a step in (a superuser acts as an administrator)."""
    if actor is None:
        return ""
    if getattr(actor, "is_superuser", False):
        return str(Role.ADMIN)
    return str(getattr(actor, "role", ""))


# Plans and inspections ---------------------------------------------------------------------------


@rule("supervision.inspect")
def _inspect(user: Any, obj: Any = None) -> bool:
    """Inspectors, department staff, county offices and the committee record inspections (never an API key)."""
    return is_staff_member(user)


@rule("supervision.manage_plans")
def _manage_plans(user: Any, jurisdiction: Any) -> bool:
    """Committee staff and administrators everywhere; a county office or a county-level inspector in its county
    (`jurisdiction` is the plan's county)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE):
        return True
    if user.role in (Role.COUNTY_OFFICE, Role.INSPECTOR):
        # Their own area is the county itself or a level above it (not a township of it).
        return covers_jurisdiction(user, jurisdiction)
    return False


# Enforcement -------------------------------------------------------------------------------------


@rule("supervision.issue_documents")
def _issue_documents(user: Any, obj: Any = None) -> bool:
    """Who issues enforcement documents at all (the documents page's button): inspectors."""
    return not user.is_superuser and getattr(user, "role", None) == Role.INSPECTOR


@rule("supervision.issue_document")
def _issue_document(actor: Any, enterprise: Any) -> bool:
    """Only an inspector who sees the enterprise issues on site: the order's hazards are assessed by the inspector
    who found them."""
    return _acting_role(actor) == Role.INSPECTOR and sees(actor, enterprise)


@rule("supervision.open_cases")
def _open_cases(user: Any, obj: Any = None) -> bool:
    """Who files penalty cases at all (the cases page's button); each enterprise: "supervision.act_on_case"."""
    return bool(
        user.is_superuser
        or getattr(user, "role", None) in (Role.INSPECTOR, Role.COUNTY_OFFICE, Role.COMMITTEE, Role.ADMIN)
    )


@rule("supervision.decide_case")
def _decide_case(actor: Any, enterprise: Any) -> bool:
    """Decision, extension, withdrawal and closing: county-level staff (an inspector of a county-level jurisdiction
    that holds the enterprise, the county office of its county, the committee, an administrator)."""
    role = _acting_role(actor)
    if role in (Role.ADMIN, Role.COMMITTEE):
        return True
    if role == Role.COUNTY_OFFICE:
        return sees(actor, enterprise)
    if role == Role.INSPECTOR:
        path = enterprise.jurisdiction.path
        return any(
            path.startswith(p)
            for p in actor.jurisdictions.filter(
                level__in=[JurisdictionLevel.COUNTY, JurisdictionLevel.CITY]
            ).values_list("path", flat=True)
        )
    return False


@rule("supervision.act_on_case")
def _act_on_case(actor: Any, enterprise: Any) -> bool:
    """Field steps (documents, investigation, notice, statement, hearing, execution): the enterprise's inspectors
    and county-level staff."""
    return _decide_case(actor, enterprise) or (_acting_role(actor) == Role.INSPECTOR and sees(actor, enterprise))


@rule("supervision.void_document")
def _void_document(actor: Any, document: Any) -> bool:
    """The inspector who issued it (while the enterprise is still in his area), or county-level staff."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if _decide_case(actor, document.enterprise):
        return True
    return (
        _acting_role(actor) == Role.INSPECTOR and document.issued_by_id == actor.pk and sees(actor, document.enterprise)
    )
