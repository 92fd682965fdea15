"""Audit-trail display: django-auditlog keeps values as Python's text ("None", "True", "False")."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


@register.filter
def audit_changes(entry: Any) -> list[dict[str, Any]]:
    """An update's changes as rows {label, old, new, summary}.

    django-auditlog's display dict lists a many-to-many change by its raw keys ("type", "operation"),
    which read as "type → operation"; such a change reads as a summary instead ("2 added").
    """
    model = entry.content_type.model_class()
    many: dict[str, dict[str, Any]] = {}
    for name, change in (entry.changes_dict or {}).items():
        if isinstance(change, dict) and change.get("type") == "m2m":
            try:
                label = str(model._meta.get_field(name).verbose_name) if model else name
            except FieldDoesNotExist:
                label = name
            many[label] = change
    rows = []
    for label, values in entry.changes_display_dict.items():
        change = many.get(str(label))
        if change is not None:
            count = len(change.get("objects") or [])
            operation = change.get("operation")
            if operation == "add":
                summary = ngettext("%(count)d added", "%(count)d added", count) % {"count": count}
            elif operation == "delete":
                summary = ngettext("%(count)d removed", "%(count)d removed", count) % {"count": count}
            else:
                summary = _("all removed")
            rows.append({"label": label, "summary": summary})
            continue
        values = [*values, "", ""]
        rows.append({"label": label, "old": values[0], "new": values[1], "summary": ""})
    return rows
