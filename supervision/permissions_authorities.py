"""Who sets an enterprise's responsible inspecting authority (一企一责任主体): asked with
`can(user, "supervision.set_authority", enterprise)`; without an enterprise, whether the user sets any."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role
from safety_platform.permissions import CITY_ROLES, has_role, role_of, rule


@rule("supervision.set_authority")
def _set_authority(user: Any, enterprise: Any = None) -> bool:
    """Committee staff and administrators for every enterprise; a county office for the enterprises of its
    county (those it sees)."""
    if has_role(user, CITY_ROLES):
        return True
    if role_of(user) != Role.COUNTY_OFFICE:
        return False
    if enterprise is None:
        return True
    from enterprises.models import Enterprise

    return Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists()
