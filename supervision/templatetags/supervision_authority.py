"""`{% responsible_authority enterprise as current %}`: who inspects the enterprise now (for its page's panel)."""

from __future__ import annotations

from typing import Any

from django import template

from safety_platform.permissions import can

from ..services.authorities import CurrentAuthority, current_authority

register = template.Library()


@register.simple_tag(takes_context=True)
def responsible_authority(context: Any, enterprise: Any) -> CurrentAuthority | None:
    if enterprise is None:
        return None
    current = current_authority(enterprise)
    request = context.get("request")
    user = getattr(request, "user", None)
    current.may_change = bool(user is not None and can(user, "supervision.set_authority", enterprise))
    return current
