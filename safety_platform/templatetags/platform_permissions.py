"""Templates ask the permission registry too: `{% load platform_permissions %}`.

`{% if user|can:"credit.record" %}` for an action without an object;
`{% can user "credit.decide_proposal" record as allowed %}{% if allowed %}…{% endif %}` with one.
"""

from __future__ import annotations

from typing import Any

from django import template

from safety_platform import permissions

register = template.Library()


@register.filter(name="can")
def permitted(user: Any, action: str) -> bool:
    return permissions.can(user, action)


@register.simple_tag(name="can")
def permitted_on(user: Any, action: str, obj: Any = None) -> bool:
    return permissions.can(user, action, obj)
