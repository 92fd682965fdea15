"""Who may do what in credit (visibility itself is `visible_to`; these are the role rules on top)."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role

from ..models import BlacklistEntry, CreditRecord


def _role(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "api_key", None) is not None:
        return ""
    if not user.is_active:
        return ""
    return Role.ADMIN if user.is_superuser else user.role


def is_committee(user: Any) -> bool:
    """Committee staff and platform administrators decide on the blacklist and credit repair."""
    return _role(user) in (Role.ADMIN, Role.COMMITTEE)


def in_office_county(user: Any, enterprise: Any) -> bool:
    """A county committee office acting for an enterprise of its own county (县安委办 at county level)."""
    if _role(user) != Role.COUNTY_OFFICE or enterprise is None:
        return False
    path = enterprise.jurisdiction.path
    return any(path.startswith(own) for own in user.jurisdiction_paths)


def decides_for(user: Any, enterprise: Any) -> bool:
    """Decides for this enterprise what the committee decides (blacklist approval, objections, credit repair,
    proposed records): the committee and administrators anywhere, a county office in its county."""
    return is_committee(user) or in_office_county(user, enterprise)


def is_deciding_office(user: Any) -> bool:
    """The committee, administrators, or a county office (each entry or record: `decides_for`)."""
    return is_committee(user) or _role(user) == Role.COUNTY_OFFICE


def can_record(user: Any) -> bool:
    """Supervising departments record credit behaviour; the committee and administrators may too."""
    return _role(user) in (Role.ADMIN, Role.COMMITTEE, Role.DEPARTMENT)


def can_revoke_record(user: Any, record: CreditRecord) -> bool:
    if is_committee(user):
        return True
    return (
        _role(user) == Role.DEPARTMENT
        and record.department_id is not None
        and (record.department_id == user.department_id)
    )


def can_decide_proposals(user: Any) -> bool:
    """Who decides proposed credit records at all (each record: see `can_decide_proposal`)."""
    return _role(user) in (Role.ADMIN, Role.COMMITTEE, Role.COUNTY_OFFICE, Role.DEPARTMENT)


def can_decide_proposal(user: Any, record: CreditRecord) -> bool:
    """Confirm or reject a record the platform proposed: the committee, the county office of the enterprise's
    county, or staff of the record's department (the enterprise's supervising department when the event came in)."""
    if decides_for(user, record.enterprise):
        return True
    return (
        _role(user) == Role.DEPARTMENT
        and record.department_id is not None
        and (record.department_id == user.department_id)
    )


def proposals_to_decide_q(user: Any) -> Any:
    """The proposals a user decides, as a filter on CreditRecord (None: every one; a department: its own)."""
    from django.db.models import Q

    if is_committee(user):
        return None
    if _role(user) == Role.COUNTY_OFFICE:
        paths = user.jurisdiction_paths
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(enterprise__jurisdiction__path__startswith=path)
        return q
    if _role(user) == Role.DEPARTMENT and user.department_id is not None:
        return Q(department_id=user.department_id)
    return Q(pk__in=[])


def can_propose_blacklist(user: Any) -> bool:
    return _role(user) in (Role.ADMIN, Role.COMMITTEE, Role.DEPARTMENT)


def can_handle_proposal(user: Any, entry: BlacklistEntry) -> bool:
    """Serve notice on or withdraw a proposal: the committee, or staff of the proposing department."""
    if is_committee(user):
        return True
    return (
        _role(user) == Role.DEPARTMENT
        and entry.department_id is not None
        and (entry.department_id == user.department_id)
    )


def is_enterprise_user_of(user: Any, enterprise_id: int) -> bool:
    return _role(user) == Role.ENTERPRISE and user.enterprise_id == enterprise_id


def sees_webhooks(user: Any) -> bool:
    """The webhooks page: department staff (their own), the committee and administrators."""
    return _role(user) in (Role.ADMIN, Role.COMMITTEE, Role.DEPARTMENT)


def can_register_webhook(user: Any) -> bool:
    """A department's staff register webhooks for their own department."""
    return _role(user) == Role.DEPARTMENT and user.department_id is not None
