"""The one rule that gives a form's widgets Bootstrap's classes (safety_platform.forms.style_widgets), in each of
the variants the apps use: the plain one (hazards, credit; each box of a choice list too), small (filter bars, the
assessment), emergency's number pads and the enterprise rooms' phone layout."""

from __future__ import annotations

from typing import Any

from django import forms

from safety_platform.forms import DateInput, StyledFormMixin, style_widgets


class _Every(forms.Form):
    text = forms.CharField(label="Name")
    note = forms.CharField(label="Note", widget=forms.Textarea)
    short = forms.CharField(label="Short", widget=forms.Textarea(attrs={"rows": 2}))
    count = forms.IntegerField(label="Count")
    amount = forms.DecimalField(label="Amount")
    day = forms.DateField(label="Day", widget=DateInput())
    upload = forms.FileField(label="File")
    flag = forms.BooleanField(label="Flag")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A")])
    kinds = forms.MultipleChoiceField(label="Kinds", choices=[("a", "A")])
    maybe = forms.NullBooleanField(label="Maybe")
    radio = forms.ChoiceField(label="Radio", choices=[("a", "A")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(label="Boxes", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    own = forms.CharField(label="Own", widget=forms.TextInput(attrs={"class": "font-monospace"}))


def _attrs(**options: bool) -> dict[str, dict[str, Any]]:
    form = _Every()
    style_widgets(form, **options)
    return {name: field.widget.attrs for name, field in form.fields.items()}


def test_plain() -> None:
    attrs = _attrs()
    assert {n: a.get("class") for n, a in attrs.items()} == {
        "text": "form-control",
        "note": "form-control",
        "short": "form-control",
        "count": "form-control",
        "amount": "form-control",
        "day": "form-control",
        "upload": "form-control",
        "flag": "form-check-input",
        "kind": "form-select",
        "kinds": "form-select",
        "maybe": "form-select",
        "radio": "form-check-input",  # each box of a list: includes/form_fields.html lays them out in form-check rows
        "boxes": "form-check-input",
        "own": "font-monospace",  # a widget that names its own class keeps it
    }
    assert "inputmode" not in attrs["count"] and "placeholder" not in attrs["text"]
    assert attrs["note"]["rows"] == "10"


def test_check_lists_false_leaves_the_boxes_of_a_list_alone() -> None:
    attrs = _attrs(check_lists=False)
    assert "class" not in attrs["radio"] and "class" not in attrs["boxes"]
    assert attrs["flag"]["class"] == "form-check-input"


def test_small_and_check_lists() -> None:
    attrs = _attrs(small=True, check_lists=True)
    assert attrs["text"]["class"] == "form-control form-control-sm"
    assert attrs["kinds"]["class"] == "form-select form-select-sm"
    assert attrs["flag"]["class"] == attrs["radio"]["class"] == attrs["boxes"]["class"] == "form-check-input"


def test_numbers() -> None:
    attrs = _attrs(numbers=True)
    assert attrs["count"]["inputmode"] == "numeric"
    assert attrs["amount"]["inputmode"] == "decimal"  # a pad with a decimal point for an amount
    assert "inputmode" not in attrs["text"]


def test_phone() -> None:
    attrs = _attrs(phone=True)
    assert attrs["text"]["placeholder"] == "Name"
    assert "placeholder" not in attrs["day"] and "placeholder" not in attrs["upload"]
    assert "placeholder" not in attrs["kind"] and "placeholder" not in attrs["flag"]
    assert attrs["note"]["rows"] == 3 and attrs["short"]["rows"] == 2


def test_mixin_styles_with_the_class_options() -> None:
    class Small(StyledFormMixin, forms.Form):
        widget_style = {"small": True}
        name = forms.CharField()

    assert Small().fields["name"].widget.attrs["class"] == "form-control form-control-sm"
