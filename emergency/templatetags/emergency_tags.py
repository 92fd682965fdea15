"""Badges for warning levels, accident grades and statuses (Bootstrap classes, no extra CSS)."""

from __future__ import annotations

from collections.abc import Callable

from django import template

register = template.Library()

LEVEL_CLASSES = {
    "blue": "bg-primary",
    "yellow": "bg-warning text-dark",
    "orange": "text-dark level-orange",  # platform.css (Bootstrap has no orange); dark text reads at 6:1
    "red": "bg-danger",
}
GRADE_CLASSES = {
    "general": "bg-secondary",
    "larger": "bg-warning text-dark",
    "major": "bg-danger",
    "especially_major": "bg-dark",
}
STATUS_CLASSES = {
    "requested": "bg-info text-dark",
    "approved": "bg-primary",
    "in_transit": "bg-warning text-dark",
    "delivered": "bg-success",
    "closed": "bg-secondary",
    "rejected": "bg-dark",
    "cancelled": "bg-light text-dark border",
    "reported": "bg-danger",
    "responding": "bg-warning text-dark",
    "investigating": "bg-info text-dark",
    "ready": "bg-success",
    "standby": "bg-info text-dark",
    "deployed": "bg-warning text-dark",
    "unavailable": "bg-secondary",
    "open": "bg-secondary",
    "in_progress": "bg-info text-dark",
    "done": "bg-primary",
    "verified": "bg-success",
    "issued": "bg-danger",
    "lifted": "bg-secondary",
    "active": "bg-success",
    "superseded": "bg-secondary",
    "withdrawn": "bg-dark",
}


def _badge(classes: dict[str, str]) -> Callable[[str], str]:
    """A filter giving a value's badge classes from `classes` (grey for a value it does not name)."""
    return lambda value: classes.get(value, "bg-secondary")


register.filter("level_class", _badge(LEVEL_CLASSES))
register.filter("grade_class", _badge(GRADE_CLASSES))
register.filter("status_class", _badge(STATUS_CLASSES))
