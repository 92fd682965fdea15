"""A list of checkboxes or radio buttons on a form page is Bootstrap's: each box a styled ``form-check-input`` in a
``form-check`` row with its label beside it, so the label is tappable and the boxes line up (the rescue team form's
specialties showed as bare browser boxes). templates/includes/form_fields.html draws every such list this way;
style_widgets gives the boxes their class."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from emergency.models import Skill
from safety_platform.forms import StyledFormMixin

pytestmark = pytest.mark.django_db


class _Rows(HTMLParser):
    """Each input of `name`: its classes, the classes of the element it sits in, and the label that follows it."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.stack: list[dict[str, str]] = []
        self.boxes: list[dict[str, Any]] = []
        self._label: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") == self.name:
            parent = self.stack[-1] if self.stack else {}
            self.boxes.append({"input": a, "parent": parent.get("class", ""), "label": None, "text": ""})
            return
        if tag == "label" and self.boxes and self.boxes[-1]["label"] is None:
            self._label = self.boxes[-1]
            self._label["label"] = a
        self.stack.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label = None
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self._label["text"] += data


def rows(html: str, name: str) -> list[dict[str, Any]]:
    parser = _Rows(name)
    parser.feed(html)
    return parser.boxes


def assert_styled_rows(boxes: list[dict[str, Any]], labels: list[str]) -> None:
    assert [b["text"].strip() for b in boxes] == labels
    for box in boxes:
        assert "form-check-input" in box["input"]["class"].split(), box
        assert "form-check" in box["parent"].split(), box
        assert box["label"] is not None and "form-check-label" in box["label"]["class"].split(), box
        assert box["label"]["for"] == box["input"]["id"], box  # tapping the label ticks the box


def test_the_rescue_team_forms_specialties_are_styled_rows_with_their_labels(
    client: Any, users: dict[str, Any]
) -> None:
    client.force_login(users["department"])
    html = client.get(reverse("emergency:team_create")).content.decode()
    boxes = rows(html, "specialties")
    assert_styled_rows(boxes, [s.name for s in Skill.objects.all()])
    assert all(b["input"]["type"] == "checkbox" for b in boxes)
    assert '<legend class="form-label fs-6 mb-1">专长</legend>' in html


class _Choices(StyledFormMixin, forms.Form):
    grade = forms.ChoiceField(label="Grade", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )


def test_a_radio_list_and_a_ticked_box_keep_their_state_in_the_rows() -> None:
    html = render_to_string("includes/form_fields.html", {"form": _Choices(data={"grade": "b", "kinds": ["y"]})})
    grade, kinds = rows(html, "grade"), rows(html, "kinds")
    assert_styled_rows(grade, ["A", "B"])
    assert_styled_rows(kinds, ["X", "Y"])
    assert [("checked" in b["input"]) for b in grade] == [False, True]
    assert [("checked" in b["input"]) for b in kinds] == [False, True]
    # The list keeps the id Django gives its wrapper, and a wrapper is not itself drawn as a box.
    assert '<div id="id_grade"><div class="form-check">' in html
    assert 'div id="id_grade" class' not in html
