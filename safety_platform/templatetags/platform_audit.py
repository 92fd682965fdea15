"""Audit-trail display: django-auditlog keeps values as Python's text ("None", "True", "False")."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def audit_value(value: Any) -> Any:
    """An empty value reads "—", a yes/no field 是/否, anything else as recorded."""
    if value in (None, "", "None"):
        return "—"
    if value == "True":
        return _("Yes")
    if value == "False":
        return _("No")
    return value
