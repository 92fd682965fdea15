"""Bootstrap styling and scoped choices shared by the topic forms (responsibility, admission, …)."""

from __future__ import annotations

from typing import Any

from django import forms

from safety_platform.forms import StyledFormMixin as CoreStyledFormMixin
from safety_platform.forms import style_widgets

# The jurisdiction choices are the registry's own (the room below this one), offered here to the topic forms.
from ..registry.forms import jurisdiction_choices as jurisdiction_choices
from ..registry.models import Enterprise


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget of a phone-first form (several are laid out inline without labels: the
    placeholder names the field)."""
    style_widgets(form, phone=True)


class StyledFormMixin(CoreStyledFormMixin):
    """A form whose widgets take the Bootstrap classes (`style`) once its fields are set up, with nothing else
    to set up; a form that changes its fields first calls `style(self)` at the end of its own `__init__`."""

    widget_style = {"phone": True}


def enterprises_for(user: Any) -> Any:
    return Enterprise.objects.visible_to(user).order_by("name", "id")
