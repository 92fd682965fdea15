"""The one list page pattern (issue 17): the filter form above a list, and the links below it.

    {% load platform_lists %}
    {% list_filters filterset.form "q status jurisdiction" staff_only="jurisdiction" %}
    <table> … {% empty %}{% include "includes/empty_row.html" with colspan=5 message=_("No teams match.") %} … </table>
    {% include "includes/list_footer.html" %}

`list_filters` renders the named fields of the form (every field when none is named) in that order, each with
its visible `<label for>`, then the filter button, a link clearing the filters when some are applied, and the
one filter-errors block (`includes/filter_errors.html`). Widgets render themselves (the enterprise picker
brings its script); a page adds its own control next to the button with `extra="<template>"`.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField

from safety_platform.permissions import is_enterprise_person

register = template.Library()

WIDE = "col-12 col-md-4 col-lg-3"
NORMAL = "col-6 col-md-3 col-lg-2"
NARROW = "col-4 col-md-2 col-lg-1"


def _column(field: BoundField, narrow: set[str]) -> str:
    if field.name in narrow:
        return NARROW
    widget = field.field.widget
    if field.name == "q" or getattr(widget, "script", None):  # the search box, a search picker
        return WIDE
    return NORMAL


@register.inclusion_tag("includes/list_filters.html", takes_context=True)
def list_filters(
    context: template.Context,
    form: forms.Form,
    fields: str = "",
    *,
    staff_only: str = "",
    narrow: str = "",
    placeholder: str = "",
    extra: str = "",
    form_id: str = "",
    css: str = "",
    testid: str = "",
) -> dict[str, Any]:
    """`fields`: the names to show, space-separated (all when empty); `staff_only`: those hidden from an
    enterprise's own users (their list is already theirs); `narrow`: short number boxes; `placeholder`: the
    search box's hint; `extra`: a template rendered next to the filter button; `form_id`, `css`: the form's
    id and extra classes (a collapsible form on phones); `testid`: its data-testid."""
    request = context.get("request")
    user = getattr(request, "user", None)
    hidden = set(staff_only.split()) if is_enterprise_person(user) else set()
    names = fields.split() or list(form.fields)
    short = set(narrow.split())
    rows = []
    for name in names:
        if name in hidden:
            continue
        field = form[name]  # a misspelt name is a KeyError here, not a silently missing filter
        check = isinstance(field.field.widget, forms.CheckboxInput)
        attrs: dict[str, str | bool] = {}
        if placeholder and name == "q":
            attrs["placeholder"] = placeholder
        if check and "class" not in field.field.widget.attrs:
            attrs["class"] = "form-check-input"
        rows.append(
            {
                "field": field,
                "widget": field.as_widget(attrs=attrs) if attrs else field,
                "column": _column(field, short),
                "check": check,
            }
        )
    applied = request is not None and any(key != "page" and value for key, value in request.GET.items())
    return {
        "form": form,
        "rows": rows,
        "extra": extra,
        "form_id": form_id,
        "css": css,
        "testid": testid,
        "applied": applied,
        "reset_url": request.path if request is not None else "",
    }
