"""Open every edit form, save it unchanged, and nothing changes in the database.

A browser shows and sends back what the page renders, not what Django would parse: an
``<input type="date">`` whose value is ``2026/12/18`` (the zh-hans date format) is shown empty and sent
back empty, so saving an untouched risk source erased its next review date and saving an emergency plan
its filing date. This test does what a browser does — it parses the rendered form (inputs with the
browser's value sanitization for date, datetime-local and number inputs, checked boxes, selected
options, textareas) and posts it back — for every edit form of the platform, in Chinese and in English,
then compares the edited row (and its many-to-many sets) before and after.

The list of edit forms is checked against the URL configuration: a new ``…/edit/`` URL (or one named
``…edit``) that is not listed here fails ``test_every_edit_url_is_listed``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from safety_platform.forms import ISO_DATE, ISO_DATETIME_LOCAL, DateInput, DateTimeInput, IdsChoiceField
from tests.clock import shanghai

LANGUAGES = ["zh-hans", "en"]
# The demo's records are dated from today (deadlines, last quarter's report): seeded and edited on a chosen day.
NOW = shanghai(2026, 12, 4, 10)
pytestmark = pytest.mark.clock(NOW)


# The edit forms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditForm:
    """One edit page: the model it edits, the demo login that edits it, how to find a row and its URL."""

    model: str
    username: str
    url_kwargs: Callable[[Any], dict[str, Any]] = lambda obj: {"pk": obj.pk}
    rows: Callable[[Any, Any], Any] | None = None  # (queryset, user) -> candidate rows


def _visible(model: type[models.Model], user: Any) -> Any:
    manager: Any = model._default_manager
    return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()


def _remediation_plans(qs: Any, user: Any) -> Any:
    from hazards import selectors
    from hazards.services.loop import PLAN_STATES

    hazards = selectors.hazards_visible_to(user).filter(state__in=PLAN_STATES, grade="major")
    return qs.model.objects.filter(hazard__in=hazards)


def _draft_scheme(qs: Any, user: Any) -> Any:
    """The demo's schemes have all been run (read-only): a draft copied from the one in force, as the
    committee makes it on the scheme page."""
    from assessment.services import scheme_copy

    source = qs.filter(status="active").order_by("pk").first()
    draft = scheme_copy(scheme=source, version="roundtrip", valid_from=dt.date(2030, 1, 1))
    return qs.filter(pk=draft.pk)


EDIT_FORMS: dict[str, EditForm] = {
    "enterprises:edit": EditForm("enterprises.Enterprise", "inspector"),
    "enterprises:responsibility_item_edit": EditForm(
        "enterprises.ResponsibilityItem", "dept_yjj", rows=lambda qs, user: qs.current()
    ),
    "enterprises:project_edit": EditForm("enterprises.HighRiskProject", "dept_zjj"),
    "enterprises:place_edit": EditForm("enterprises.DensePlace", "dept_zjj"),
    "enterprises:catalog_edit": EditForm("enterprises.CatalogEntry", "dept_yjj"),
    "enterprises:equipment_edit": EditForm("enterprises.DeclaredEquipment", "enterprise"),
    "enterprises:employee_edit": EditForm("enterprises.Employee", "enterprise"),
    "enterprises:opcert_edit": EditForm("enterprises.SpecialOperationCertificate", "enterprise"),
    "hazards:risk_edit": EditForm("hazards.RiskSource", "enterprise"),
    "hazards:campaign_edit": EditForm("hazards.Campaign", "committee"),
    "hazards:plan": EditForm(
        "hazards.RemediationPlan", "inspector", url_kwargs=lambda plan: {"pk": plan.hazard_id}, rows=_remediation_plans
    ),
    "emergency:team_edit": EditForm("emergency.RescueTeam", "dept_yjj"),
    "emergency:warehouse_edit": EditForm("emergency.Warehouse", "dept_yjj"),
    "emergency:plan_edit": EditForm("emergency.EmergencyPlan", "enterprise"),
    "emergency:contact_edit": EditForm("emergency.WarningContact", "committee"),
    "assessment:scheme_edit": EditForm("assessment.Scheme", "committee", rows=_draft_scheme),
    "assessment:county_input_edit": EditForm(
        "assessment.CountyInput",
        "committee",
        url_kwargs=lambda row: {"jurisdiction": row.jurisdiction_id, "year": row.year},
    ),
}

# URLs that look like edit forms by name or path but edit nothing in place (none so far).
NOT_EDIT_FORMS: frozenset[str] = frozenset()


def _url_patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from _url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), namespace + p.name


def edit_urls_in_urlconf() -> set[str]:
    """Names of the URLs that edit a row in place: named ``…edit`` or ending in ``/edit/`` (admin left out)."""
    found = set()
    for route, name in _url_patterns(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/")):
            continue
        if name.endswith("edit") or route.rstrip("/").endswith("/edit"):
            found.add(name)
    return found


def test_every_edit_url_is_listed() -> None:
    missing = edit_urls_in_urlconf() - set(EDIT_FORMS) - NOT_EDIT_FORMS
    assert not missing, f"edit URLs without a round-trip entry in EDIT_FORMS: {sorted(missing)}"
    for name in EDIT_FORMS:
        route = next((r for r, n in _url_patterns(get_resolver().url_patterns) if n == name), None)
        assert route is not None, f"{name} is not in the URL configuration any more"


# Every date input of every form renders ISO ----------------------------------------------------------


PROJECT_APPS = ("safety_platform", "enterprises", "hazards", "credit", "emergency", "assessment", "supervision")


def _project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class of the project: each app's `forms*.py` modules (its subpackages' too) are imported first."""
    import importlib

    root = Path(__file__).resolve().parents[2]
    for app in PROJECT_APPS:
        for path in sorted((root / app).rglob("forms*.py")):
            if "migrations" not in path.parts:
                importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))

    def walk(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return sorted(
        {c for c in walk(forms.BaseForm) if c.__module__.split(".")[0] in PROJECT_APPS},
        key=lambda c: (c.__module__, c.__name__),
    )


def test_every_date_field_of_every_form_uses_the_iso_widgets() -> None:
    wrong = []
    checked = 0
    for cls in _project_form_classes():
        for name, fld in getattr(cls, "base_fields", {}).items():
            if isinstance(fld, forms.DateTimeField):
                expected: type = DateTimeInput
            elif isinstance(fld, forms.DateField):
                expected = DateInput
            else:
                continue
            checked += 1
            if not isinstance(fld.widget, expected | forms.HiddenInput):
                wrong.append(f"{cls.__module__}.{cls.__name__}.{name}: {type(fld.widget).__name__}")
    assert checked >= 30, "the form walk found too few date fields: it no longer sees the forms"
    assert not wrong, "date fields not on safety_platform.forms.DateInput/DateTimeInput:\n" + "\n".join(wrong)


def test_every_choice_of_several_records_refuses_an_id_beyond_the_integer_range() -> None:
    """A field taking several ids is an IdsChoiceField: an id past the database's integer range is "not one of the
    choices" (Django's own field sent it to SQLite, which raised OverflowError: a 500 on the campaign form)."""
    plain, checked = [], 0
    for cls in _project_form_classes():
        for name, fld in getattr(cls, "base_fields", {}).items():
            if isinstance(fld, forms.ModelMultipleChoiceField):
                checked += 1
                if not isinstance(fld, IdsChoiceField):
                    plain.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert checked >= 8, "the form walk found too few multiple choices: it no longer sees the forms"
    assert not plain, "ModelMultipleChoiceField instead of safety_platform.forms.IdsChoiceField:\n" + "\n".join(plain)


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_inputs_render_iso_in_every_language(language: str) -> None:
    class F(forms.Form):
        day = forms.DateField(widget=DateInput())
        moment = forms.DateTimeField(widget=DateTimeInput())

    moment = timezone.make_aware(dt.datetime(2026, 12, 18, 9, 30), timezone.get_default_timezone())
    with translation.override(language):
        html = str(F(initial={"day": dt.date(2026, 12, 18), "moment": moment}))
    assert 'type="date"' in html and 'value="2026-12-18"' in html
    assert 'type="datetime-local"' in html and 'value="2026-12-18T09:30"' in html
    assert dt.date(2026, 12, 18).strftime(ISO_DATE) == "2026-12-18" and moment.strftime(ISO_DATETIME_LOCAL)


# What a browser sends --------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4,}-\d{2}-\d{2}$")
_DATETIME_LOCAL = re.compile(r"^\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$")
_NUMBER = re.compile(r"^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$")


def browser_value(input_type: str, value: str) -> str:
    """The value an input submits, after the HTML value sanitization algorithm of its type.

    A value the type cannot hold (``2026/12/18`` in a date input, ``1,5`` in a number input) is shown as
    empty and submitted as empty.
    """
    if input_type == "date":
        return value if _DATE.match(value) else ""
    if input_type == "datetime-local":
        return value.replace(" ", "T") if _DATETIME_LOCAL.match(value) else ""
    if input_type == "time":
        return value if _TIME.match(value) else ""
    if input_type in ("number", "range"):
        return value if _NUMBER.match(value) else ""
    if input_type in ("email", "tel", "text", "search", "url", "password"):
        return value.replace("\r", "").replace("\n", "")
    return value


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    submits: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class FormParser(HTMLParser):
    """The forms of a page and what each would submit as it stands (no button pressed yet)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name, disabled = a.get("name"), "disabled" in a
        if tag == "input" and name and not disabled:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind == "file":
                form.files.append(name)
            elif kind in ("submit", "image"):
                form.submits.append((name, a.get("value", "")))
            elif kind not in ("button", "reset"):
                form.fields.append((name, browser_value(kind, a.get("value", ""))))
        elif tag == "button" and a.get("type", "submit").lower() == "submit" and not disabled:
            form.submits.append((name or "", a.get("value", "")))
        elif tag == "select" and name and not disabled:
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a, "disabled": disabled}
            self._select["options"].append(self._option)
        elif tag == "textarea" and name and not disabled:
            self._textarea = {"name": name, "text": ""}

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"] and not o["disabled"]]
            if not self._select["multiple"]:
                # A single select sends its (last) selected option, or its first one when none is selected.
                chosen = chosen[-1:] or [o for o in options if not o["disabled"]][:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self._form.fields.append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = self._textarea["text"]
            # The HTML parser drops one newline right after <textarea> (Django writes one there).
            text = text[1:] if text.startswith("\n") else text
            self._form.fields.append((self._textarea["name"], text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data


def edit_form_on(page: str, path: str) -> HtmlForm:
    """The page's POST form that submits to the page itself (the edit form)."""
    parser = FormParser()
    parser.feed(page)
    candidates = [f for f in parser.forms if f.method == "post" and urlsplit(f.action).path in ("", path)]
    assert candidates, f"{path}: no POST form submitting to the page"
    return max(candidates, key=lambda f: len(f.fields))


def post_data(form: HtmlForm) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    if form.submits and form.submits[0][0]:  # the first submit button is the one Enter presses
        name, value = form.submits[0]
        data.setdefault(name, []).append(value)
    return data


def test_the_browser_model_sends_what_a_browser_sends() -> None:
    page = """<form method="post" action="">
      <input type="date" name="d1" value="2026/12/18"><input type="date" name="d2" value="2026-12-18">
      <input type="datetime-local" name="t" value="2026/12/18 09:30"><input type="number" name="n" value="1,5">
      <input type="checkbox" name="c1" value="x"><input type="checkbox" name="c2" checked>
      <select name="s"><option value="">—</option><option value="2" selected>B</option></select>
      <select name="s0"><option value="1">A</option></select>
      <select name="m" multiple><option value="1" selected>A</option><option value="2">B</option>
        <option value="3" selected>C</option></select>
      <textarea name="ta">
line 1
line 2</textarea><input type="file" name="f"><input type="text" name="off" value="x" disabled>
      <button type="submit">保存</button></form>"""
    form = edit_form_on(page, "/x/")
    assert post_data(form) == {
        "d1": [""],
        "d2": ["2026-12-18"],
        "t": [""],
        "n": [""],
        "c2": ["on"],
        "s": ["2"],
        "s0": ["1"],
        "m": ["1", "3"],
        "ta": ["line 1\r\nline 2"],
    }


# The round trip ----------------------------------------------------------------------------------------

# Who and when last saved a row: a save refreshes them by design.
SKIPPED_FIELDS = {"updated_at", "updated_by"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The row's stored values and many-to-many sets, without the last-saved bookkeeping.

    Line ends are compared as text: a browser sends every textarea with CRLF line ends (HTML standard), and
    a text stored with LF reads the same.
    """
    obj = type(obj)._default_manager.get(pk=obj.pk)
    values: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if getattr(f, "auto_now", False) or f.name in SKIPPED_FIELDS:
            continue
        value = getattr(obj, f.attname)
        values[f.attname] = value.replace("\r\n", "\n") if isinstance(value, str) else value
    for m2m in obj._meta.many_to_many:
        values[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    return values


def _date_fields_filled(obj: models.Model) -> int:
    return sum(
        1
        for f in obj._meta.concrete_fields
        if isinstance(f, models.DateField) and not getattr(f, "auto_now", False) and getattr(obj, f.attname)
    )


@pytest.fixture(scope="module")
def _demo_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo data, seeded once for the module inside a transaction that is rolled back at its end.

    Each test runs in a savepoint on top of it (pytest-django's usual rollback), so the 28 round trips
    share one ~5 s seeding instead of one each.
    """
    from django.db import transaction

    from safety_platform.management.commands.seed_demo import seed_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with time_machine.travel(NOW):  # before the tests' own clock is set: the same day
                seed_demo()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_data: None, db: Any) -> None:
    """The demo data (see `_demo_data`), in this test's rolled-back savepoint."""


def _client(username: str, language: str) -> tuple[Client, Any]:
    from safety_platform.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client, user


def _editable_row(spec: EditForm, name: str, client: Client, user: Any) -> tuple[Any, str, str]:
    """A row the user may edit (preferring rows with the most dates filled in), its URL and its page."""
    model = apps.get_model(spec.model)
    qs = _visible(model, user)
    if spec.rows is not None:
        qs = spec.rows(qs, user)
    rows = sorted(qs.order_by("pk")[:200], key=lambda o: (-_date_fields_filled(o), o.pk))
    assert rows, f"{name}: the demo data has no {spec.model} that {spec.username} sees"
    tried = []
    for obj in rows[:20]:
        url = reverse(name, kwargs=spec.url_kwargs(obj))
        response = client.get(url)
        if response.status_code == 200:
            return obj, url, response.content.decode()
        tried.append(f"{url}: {response.status_code}")
    raise AssertionError(f"{name}: {spec.username} cannot open any edit page: {tried}")


def _form_errors(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'<div class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>(.*?)</div>', page, re.S)
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(EDIT_FORMS))
def test_saving_an_edit_form_unchanged_changes_nothing(demo: Any, name: str, language: str) -> None:
    spec = EDIT_FORMS[name]
    client, user = _client(spec.username, language)
    obj, url, page = _editable_row(spec, name, client, user)
    assert f'lang="{language}"' in page
    before = snapshot(obj)
    form = edit_form_on(page, url)
    response = client.post(url, post_data(form))
    assert response.status_code in (301, 302, 303), (
        f"{name} ({language}): saving the form as rendered was refused: {_form_errors(response.content.decode())}"
    )
    after = snapshot(obj)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, f"{name} ({language}): saving the unchanged form changed {changed}"
