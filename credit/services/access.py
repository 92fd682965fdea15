"""Credit's role helpers (the rules themselves are registered in `credit/permissions.py`)."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role
from safety_platform.permissions import role_of as _role


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


def is_enterprise_user_of(user: Any, enterprise_id: int) -> bool:
    return _role(user) == Role.ENTERPRISE and user.enterprise_id == enterprise_id


def sees_webhooks(user: Any) -> bool:
    """The webhooks page: department staff (their own), the committee and administrators."""
    return _role(user) in (Role.ADMIN, Role.COMMITTEE, Role.DEPARTMENT)
