from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .filters import MAX_ID

# An HTML date or datetime-local input understands only ISO values, whatever the page's language. Django
# renders a date in the active language's first input format (zh-hans: 2026/12/18), which the browser shows
# as an empty field and sends back empty: saving an untouched form erased the date. Every form uses these.
ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field `name`, declared (or generated for a foreign key) as a ModelChoiceField.

    `form.fields` holds plain `Field`s for the type checker; a form narrows a choice field's queryset or
    labels per user through this.
    """
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def set_choice_labels(form: forms.BaseForm, name: str, label: Callable[[Any], str]) -> None:
    """Label the choices of the form's model choice field `name` by `label(obj)`."""
    field = model_choice_field(form, name)
    # Django's documented per-field override; mypy refuses any assignment to a method.
    field.label_from_instance = label  # type: ignore[method-assign,assignment]


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, a ChoiceField (whose choices a form sets per user or per kind)."""
    return cast("forms.ChoiceField", form.fields[name])


class DateInput(forms.DateInput):
    """``<input type="date">`` with an ISO value (2026-12-18) in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` with an ISO value (2026-12-18T09:30, local time) in every language."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several ids; an id beyond the database's integer range is "not one of the choices" (SQLite raised
    OverflowError on `pk__in`: a 500)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, (list, tuple)) else []:
            text = str(pk).strip()
            if text.isdecimal() and int(text) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": text[:20]}
                )
        return super()._check_values(value)  # type: ignore[misc]  # private Django method, not in the stubs
