from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.choices import BlankChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The largest id a BigAutoField holds: a bigger number is not an id (SQLite cannot even bind it).
MAX_ID = 2**63 - 1

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


def style_widgets(
    form: forms.BaseForm, *, small: bool = False, check_lists: bool = True, numbers: bool = False, phone: bool = False
) -> None:
    """Give the form's widgets Bootstrap's classes, unless a widget names its own class.

    A drop-down (any ``Select``) is ``form-select``, a checkbox ``form-check-input``, every other input
    ``form-control``; `small` adds the ``-sm`` size (filter bars, the assessment's dense tables). Each box of a
    list of radio buttons or checkboxes (``RadioSelect``, ``CheckboxSelectMultiple``) is ``form-check-input`` too:
    templates/includes/form_fields.html lays such a list out as Bootstrap ``form-check`` rows, a box then its
    label. (Django's own ``{{ field }}`` would also put the class on the list's wrapping ``<div>``: a template
    that draws a list itself renders it box by box.) `check_lists=False` leaves the boxes unclassed; a hidden
    input is left as it is (nothing to draw).

    A drop-down's empty choice is named (`name_empty_choices`).

    `numbers` asks a phone for its number pad on an integer field (``inputmode="numeric"``), with a decimal point
    on a decimal one; `phone` is for forms laid out inline on phones without labels: the placeholder names a text
    field, and a textarea of Django's default ten rows gets three.
    """
    for field in form.fields.values():
        widget = field.widget
        if widget.is_hidden:  # nothing to draw: a hidden input keeps its attrs as they are
            continue
        if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is a RadioSelect too
            if not check_lists:
                continue
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):  # SelectMultiple and NullBooleanSelect are Selects too
            css = "form-select form-select-sm" if small else "form-select"
        else:
            css = "form-control form-control-sm" if small else "form-control"
        widget.attrs.setdefault("class", css)
        if numbers and isinstance(field, forms.IntegerField):  # a DecimalField is an IntegerField to Django
            # "numeric" is a pad of digits alone (no decimal point on a phone): an amount needs "decimal"
            widget.attrs.setdefault("inputmode", "decimal" if isinstance(field, forms.DecimalField) else "numeric")
        if (
            phone
            and css == "form-control"
            and field.label
            and not isinstance(widget, forms.FileInput | forms.DateInput)
        ):
            widget.attrs.setdefault("placeholder", str(field.label))
        if phone and isinstance(widget, forms.Textarea) and str(widget.attrs.get("rows", "10")) == "10":
            widget.attrs["rows"] = 3  # Django's default of 10 rows is a screenful on a phone
    name_empty_choices(form)


class StyledFormMixin:
    """A form whose widgets take Bootstrap's classes (`style_widgets` with the class's `widget_style`) once its
    fields are set up; a form that changes its fields afterwards styles them again at the end of its `__init__`."""

    widget_style: ClassVar[dict[str, bool]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self, **self.widget_style)  # type: ignore[arg-type]


# Django's label of a drop-down's empty choice, which a clerk reads as nothing at all.
_DASHES = "---------"


def name_empty_choices(form: forms.BaseForm, *, label: Any = None) -> None:
    """A form's drop-downs say what their empty choice means: 请选择 (Choose…) where a choice is required, 无 (None)
    where the field may stay empty, or `label` for all (a list's filters: 全部), instead of Django's "---------".
    Only Django's label (or one named here before) is replaced: a form that names its own, as the hazard's "assess
    later", keeps it; a list of rows is not read for it."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.SelectMultiple) or not isinstance(field.widget, forms.Select):
            continue
        named = label or (
            pgettext_lazy("empty choice", "Choose…") if field.required else pgettext_lazy("empty choice", "None")
        )
        ours = getattr(field, "empty_choice_named", False)
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == _DASHES or (ours and field.empty_label is not None):
                field.empty_label = named
                field.empty_choice_named = True  # type: ignore[attr-defined]  # a mark of this function's own
        elif isinstance(field, forms.ChoiceField):
            choices = field.choices
            if isinstance(choices, BlankChoiceIterator):  # a model field's choices with Django's empty one first
                choices = list(choices)
            if isinstance(choices, list) and choices and choices[0][0] == "" and (choices[0][1] == _DASHES or ours):
                field.choices = [("", named), *choices[1:]]
                field.empty_choice_named = True  # type: ignore[attr-defined]  # a mark of this function's own


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
