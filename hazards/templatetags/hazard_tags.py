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
