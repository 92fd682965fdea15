"""What a screen reader needs from the HTML itself, checked without a browser (the axe-core run is in
tests/browser/test_accessibility.py): every field has a label, every `aria-describedby`/`<label for>` names an
element that exists, a failed sign-in is announced, the phone's bell says how many are unread, a skip link."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client

from safety_platform.models import Notification

FIELD_TAGS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.fields: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.alerts: list[str] = []
        self._label_depth = 0
        self._wrapped: list[dict[str, str]] = []
        self._alert_depth = 0
        self._tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        for attr in ("aria-describedby", "aria-labelledby"):
            for ref in a.get(attr, "").split():
                self.refs.append((tag, attr, ref))
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
                self.refs.append((tag, "for", a["for"]))
        if tag in FIELD_TAGS and a.get("type", "text") not in UNLABELLED_TYPES:
            a["_tag"] = tag
            a["_wrapped"] = "yes" if self._label_depth else ""
            self.fields.append(a)
        if a.get("role") == "alert":
            self.alerts.append("")
            self._alert_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._alert_depth and self.alerts:
            self.alerts[-1] += data

    def unlabelled(self) -> list[str]:
        return [
            f"<{f['_tag']} name={f.get('name')!r} id={f.get('id')!r}>"
            for f in self.fields
            if not (
                f["_wrapped"]
                or f.get("aria-label")
                or f.get("aria-labelledby")
                or f.get("title")
                or (f.get("id") and f["id"] in self.label_for)
            )
        ]

    def dangling(self) -> list[str]:
        return [f"<{tag} {attr}={ref!r}>" for tag, attr, ref in self.refs if ref not in self.ids]


def parse(html: str) -> _Markup:
    markup = _Markup()
    markup.feed(html)
    return markup


class _Sample(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the licence.")
    grade = forms.ChoiceField(
        label="Grade", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, help_text="Pick one."
    )
    agree = forms.BooleanField(label="Agree")


def test_form_fields_ties_help_texts_and_errors_to_their_field() -> None:
    form = _Sample(data={"name": "", "grade": "", "agree": ""})
    assert not form.is_valid()
    html = render_to_string("includes/form_fields.html", {"form": form})
    markup = parse(html)
    # Django's widgets say aria-describedby="id_name_helptext id_name_error": both ids are on the page.
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert markup.dangling() == []
    assert re.search(r'id="id_name_error"[^>]*><div>此项为必填项。</div>', html)
    # A radio group is a fieldset named by its legend, described by its help text and error.
    assert re.search(r'<fieldset[^>]*aria-describedby="id_grade_helptext id_grade_error"', html)
    assert "<legend" in html
    assert markup.unlabelled() == []


def test_a_failed_sign_in_is_announced_and_marks_the_fields(client: Client, users: dict[str, Any]) -> None:
    response = client.post("/accounts/login/", {"username": "inspector", "password": "wrong"})
    markup = parse(response.content.decode())
    assert len(markup.alerts) == 1 and markup.alerts[0].strip()
    assert 'aria-invalid="true"' in response.content.decode()
    assert markup.dangling() == [] and markup.unlabelled() == []


def test_password_change_fields_have_labels_and_their_errors(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    markup = parse(client.get("/accounts/password/").content.decode())
    assert len(markup.fields) == 3 and markup.unlabelled() == []
    sent = client.post("/accounts/password/", {})
    markup = parse(sent.content.decode())
    assert markup.unlabelled() == [] and markup.dangling() == []
    assert 'id="id_old_password_error"' in sent.content.decode()


def test_the_phone_bell_says_how_many_notifications_are_unread(client: Client, users: dict[str, Any]) -> None:
    user = users["inspector"]
    for n in range(3):
        Notification.objects.create(recipient=user, title=f"n{n}")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'aria-label="通知，3 条未读"' in html
    # Skip link first, to the main content; the main menu is a named navigation.
    assert re.search(r'<body[^>]*>\s*<a class="[^"]*skip-link[^"]*" href="#content">跳到正文</a>', html)
    assert 'id="content"' in html and 'aria-label="主菜单"' in html


LIST_PAGES = [
    "/enterprises/",
    "/hazards/",
    "/hazards/risk/",
    "/credit/",
    "/credit/blacklist/",
    "/credit/records/",
    "/emergency/accidents/",
    "/emergency/plans/",
    "/emergency/warehouses/",
    "/emergency/teams/",
    "/emergency/warnings/",
    "/emergency/dispatch/",
    "/emergency/ledger/",
]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_every_list_filter_is_labelled(client: Client, users: dict[str, Any], path: str) -> None:
    client.force_login(users["committee"])
    response = client.get(path)
    assert response.status_code == 200, path
    markup = parse(response.content.decode())
    assert len(markup.fields) >= 2, f"{path}: no filter found"
    assert markup.unlabelled() == [], path
    assert markup.dangling() == [], path


def test_self_check_items_have_labelled_inputs_and_tied_errors(client: Client, org: Any, users: dict[str, Any]) -> None:
    from django.urls import reverse

    from hazards.models import Checklist, ChecklistItem

    checklist = Checklist.objects.create(name="危化品清单", industry=org.industry("C26"))
    items = [ChecklistItem.objects.create(checklist=checklist, order=n, text=t) for n, t in enumerate(["报警", "防雷"])]
    client.force_login(users["enterprise"])
    url = reverse("hazards:selfcheck_create", args=[checklist.pk])
    markup = parse(client.get(url).content.decode())
    assert len(markup.fields) >= 2 * 4 and markup.unlabelled() == [] and markup.dangling() == []
    # A hazard without a description: the error is tied to that item's note.
    sent = client.post(url, {f"outcome_{items[0].pk}": "hazard", f"outcome_{items[1].pk}": "ok"})
    html = sent.content.decode()
    assert f'aria-describedby="id_note_{items[0].pk}_error"' in html
    assert parse(html).dangling() == []


def test_every_navigation_on_a_form_page_has_its_own_name(client: Client, users: dict[str, Any]) -> None:
    from django.urls import reverse

    client.force_login(users["enterprise"])
    html = client.get(reverse("enterprises:equipment_new")).content.decode()
    names = re.findall(r"<nav\b([^>]*)>", html)
    labels = [re.search(r'aria-label="([^"]+)"', attrs) for attrs in names]
    assert len(names) >= 2 and all(labels), names
    assert len({m.group(1) for m in labels if m}) == len(labels), "two navigations share a name"
