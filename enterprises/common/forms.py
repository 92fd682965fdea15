"""Bootstrap styling and scoped choices shared by the topic forms (responsibility, admission, …)."""

from __future__ import annotations

from typing import Any

from django import forms

# The jurisdiction choices are the registry's own (the room below this one), offered here to the topic forms.
from ..registry.forms import jurisdiction_choices as jurisdiction_choices
from ..registry.models import Enterprise


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (phone-first forms)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
            widget, forms.CheckboxSelectMultiple
        ):
            css = "form-select"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        if css == "form-control" and field.label and not isinstance(widget, (forms.FileInput, forms.DateInput)):
            # Several forms are laid out inline on phones without labels: the placeholder names the field.
            widget.attrs.setdefault("placeholder", str(field.label))
        if isinstance(widget, forms.Textarea) and str(widget.attrs.get("rows", "10")) == "10":
            widget.attrs["rows"] = 3  # Django's default of 10 rows is a screenful on a phone


class StyledFormMixin:
    """A form whose widgets take the Bootstrap classes (`style`) once its fields are set up, with nothing else
    to set up; a form that changes its fields first calls `style(self)` at the end of its own `__init__`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)  # type: ignore[arg-type]


def enterprises_for(user: Any) -> Any:
    return Enterprise.objects.visible_to(user).order_by("name", "id")
