"""Small presentation helpers for hazard templates (badge colours)."""

from __future__ import annotations

from django import template

from hazards.choices import RiskLevel

register = template.Library()

STATE_CLASSES = {
    "registered": "bg-secondary",
    "assessed": "bg-info text-dark",
    "reported": "bg-danger",
    "rectifying": "bg-primary",
    "remediated": "bg-warning text-dark",
    "closed": "bg-success",
}


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "bg-secondary")


@register.filter
def risk_class(level: str) -> str:
    return f"risk-{level}" if level in ("red", "orange", "yellow", "blue") else "bg-secondary"


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def risk_label(level: str) -> str:
    """The level's name (重大风险（红）…): a colour alone says nothing to a screen reader."""
    return str(RiskLevel(level).label) if level in RiskLevel.values else level


@register.inclusion_tag("hazards/_outbox_sender.html", takes_context=True)
def hazard_outbox_sender(context: template.Context) -> dict[str, object]:
    """On every page of a user who logs hazards: send the reports the phone still holds (queued offline
    on the hazard form, whose tab may have been closed since) and say how many are waiting."""
    from safety_platform.permissions import can

    user = context.get("user")
    may_log = user is not None and can(user, "hazards.log")
    return {"outbox_user": user.pk if may_log and user is not None else None}


@register.simple_tag
def longyan_bounds() -> str:
    """The box a position must lie in, as "min lat,max lat,min lon,max lon" for the map picker (locate.js):
    the one the server checks (hazards.location)."""
    from hazards.location import LONGYAN_BOUNDS as box

    return f"{box.min_lat},{box.max_lat},{box.min_lon},{box.max_lon}"
