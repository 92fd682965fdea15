"""Crawl: every demo role walks the site from its home page, and every link it is shown works for it.

Each demo login (`manage.py seed_demo`) follows every same-site link breadth-first from the home page
(and sends each search/filter form as it stands) and checks each page: no server error; no 403/404
(nor a bounce to the login page) behind a link the role was shown; Simplified Chinese by default —
``<html lang="zh-hans">`` and none of the common English words of the templates in the visible text
(a Python ``None``/``True`` or an untranslated label shows up that way). Every API list endpoint in
the schema answers each role's session without a server error.

Runtime (demo data ~1 s per test, 150–330 pages per role): about 40 s for the module with `-n 2` on
SQLite, 3–7 s per role.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.test import Client

from tests.clock import shanghai

# The demo's records are dated from today (last quarter's report, deadlines due): seeded on a chosen day.
pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))

DEMO_LOGINS = [
    "admin",
    "committee",
    "county_office",
    "inspector",
    "inspector_town",
    "inspector_shanghang",
    "dept_yjj",
    "dept_zjj",
    "enterprise",
]

MAX_PAGES = 600  # per role; the demo site has 100–250 distinct pages per role
SAME_SHAPE_LIMIT = 5  # /hazards/<id>/ or /enterprises/?status=… : a few of each shape, not every row
SKIP_PREFIXES = ("/admin/", "/accounts/logout", "/static/", "/media/", "/i18n/", "/jsi18n/", "/api/")

# Words of the English source strings that a Chinese page never shows. Tokens inside codes
# (ACC-MAJOR, decree-493-2007), URLs and e-mail addresses are not words; "English" is the language
# switch, abbreviations (API, CSV, PDF, LEC) are what users write too.
_UI_WORDS = """
    none true false null undefined
    the and or of to by for with from in on at is are was be not no yes this that your you
    add new edit delete remove save cancel submit search filter reset back next previous close
    open closed show hide view details list all any more less other total page of
    status name date time type level grade score points record records report reports
    created updated completed pending approved rejected overdue due active inactive draft
    enterprise enterprises hazard hazards credit emergency accident accidents warning warnings
    notification notifications home login logout password user users department departments
    actions action download upload import export select choose select file required optional
    general major larger especially breadcrumb months days hours minutes
"""
ENGLISH_UI_WORDS = frozenset(_UI_WORDS.split())
WORD = re.compile(r"(?<![\w\-./@#])[A-Za-z]+(?![\w\-./@#])")
# The only values a date or datetime-local input can show; any other (2026/12/18) is shown and sent empty.
ISO_INPUT_VALUE = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$"),
}
URLISH = re.compile(r"\S+://\S+|\S+@\S+")


class _Page(HTMLParser):
    """Links, <html lang> and visible text (with the attributes users read) of a page."""

    HIDDEN = frozenset({"script", "style", "template", "noscript", "code", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self.lang: str | None = None
        self.is_document = False
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self.blank_dates: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: list[Any] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.is_document = True
            self.lang = a.get("lang")
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        iso = ISO_INPUT_VALUE.get(a.get("type", "")) if tag == "input" else None
        if iso is not None and a.get("value") and not iso.match(a["value"]):
            self.blank_dates.append(f'{a.get("name")}="{a["value"]}"')
        if tag == "form":
            self._form = None
            if a.get("method", "get").lower() == "get":
                self._form = (a.get("action", ""), [])
                self.forms.append(self._form)
        if self._form is not None and a.get("name") and not a.get("disabled"):
            if tag == "input" and a.get("type", "text") not in ("submit", "button", "checkbox", "radio", "file"):
                self._form[1].append((a["name"], a.get("value", "")))
            elif tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" in a:
                self._form[1].append((a["name"], a.get("value", "on")))
            elif tag == "select":
                self._select = [a["name"], None, False]
        if (
            tag == "option"
            and self._select is not None
            and (self._select[1] is None or ("selected" in a and not self._select[2]))
        ):
            self._select[1] = a.get("value", "")
            self._select[2] = "selected" in a
        for attr in ("placeholder", "title", "aria-label", "alt"):
            if a.get(attr):
                self.text.append(a[attr])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.text.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        if tag == "select" and self._select is not None:
            if self._form is not None and self._select[1] is not None:
                self._form[1].append((self._select[0], self._select[1]))
            self._select = None
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.text.append(data)


def english_words(text: str) -> list[str]:
    return sorted({w for w in WORD.findall(URLISH.sub(" ", text)) if w.lower() in ENGLISH_UI_WORDS})


def _target(href: str, base: str) -> str | None:
    """The same-site URL a link leads to (query sorted), or None when the crawl leaves it alone."""
    href = urldefrag(href.strip())[0]
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    split = urlsplit(urljoin(base, href))
    if split.scheme not in ("", "http") or split.netloc not in ("", "testserver"):
        return None
    if split.path.startswith(SKIP_PREFIXES):
        return None
    query = parse_qsl(split.query, keep_blank_values=True)
    if any(k == "page" and (not v.isdigit() or int(v) > 2) for k, v in query):
        return None
    return split.path + ("?" + urlencode(sorted(query)) if query else "")


def _shape(url: str) -> tuple[str, frozenset[str]]:
    split = urlsplit(url)
    return re.sub(r"/\d+(?=/|$)", "/<id>", split.path), frozenset(k for k, _ in parse_qsl(split.query))


@dataclass
class Crawl:
    pages: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, url: str, shown_on: str, what: str) -> None:
        self.problems.append(f"{url} (linked from {shown_on}): {what}")


def crawl(client: Client, start: str = "/", check: Callable[[str], list[str]] | None = None) -> Crawl:
    """Walk the site from `start`; `check(html)` (optional) names further problems of each HTML page."""
    result = Crawl()
    queue: deque[tuple[str, str]] = deque([(start, "(login)")])
    seen = {start}
    shapes: dict[tuple[str, frozenset[str]], int] = {}
    while queue and result.pages < MAX_PAGES:
        url, shown_on = queue.popleft()
        response = client.get(url)
        result.pages += 1
        status = response.status_code
        if response.streaming:
            # A download: read it to the end, which closes it the way the test client expects (a bare
            # close() signals the end of the request and drops PostgreSQL's test connection).
            b"".join(response.streaming_content)  # type: ignore[arg-type]
        if status >= 500:
            result.problem(url, shown_on, f"server error {status}")
            continue
        if status in (403, 404, 405, 410):
            result.problem(url, shown_on, f"{status} behind a link shown to this user")
            continue
        if status in (301, 302, 303, 307, 308):
            location = response["Location"]
            if urlsplit(location).path.startswith("/accounts/login"):
                result.problem(url, shown_on, f"sends a logged-in user to the login page ({location})")
                continue
            links = [location]
        elif status == 200 and response.get("Content-Type", "").startswith("text/html"):
            page = _Page()
            page.feed(response.content.decode())
            if page.is_document and page.lang != "zh-hans":
                result.problem(url, shown_on, f'<html lang="{page.lang}">, not zh-hans')
            if page.blank_dates:
                result.problem(url, shown_on, f"date inputs a browser shows empty (not ISO): {page.blank_dates}")
            words = english_words(" ".join(page.text))
            if words:
                result.problem(url, shown_on, f"English words in a Chinese page: {words}")
            for problem in check(response.content.decode()) if check is not None else ():
                result.problem(url, shown_on, problem)
            # A search/filter form sent as it stands (its default values) is a link too.
            links = page.links + [f"{action or url.split('?')[0]}?{urlencode(fields)}" for action, fields in page.forms]
        else:
            continue
        for href in links:
            target = _target(href, url)
            if target is None or target in seen:
                continue
            shape = _shape(target)
            generic = shape[0] != urlsplit(target).path or shape[1]
            if generic and shapes.get(shape, 0) >= SAME_SHAPE_LIMIT:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(target)
            queue.append((target, url))
    return result


@pytest.fixture
def demo_client(db: Any) -> Any:
    from safety_platform.management.commands.seed_demo import seed_demo
    from safety_platform.models import User

    seed_demo()  # ~1 s: every app's demo data, one login per role

    def login(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return login


def test_the_english_word_check_catches_what_it_is_for() -> None:
    assert english_words("状态: None → 一般隐患 completed by: 林监察") == ["None", "by", "completed"]
    assert english_words("挂牌督办: False → True") == ["False", "True"]
    # Codes, URLs, abbreviations and the language switch are not untranslated labels.
    assert english_words("规则 grade=general") == ["general", "grade"]
    assert english_words("ACC-MAJOR decree-493-2007 http://testserver/hazards/card/ab-cd/ English API CSV") == []


def test_the_page_check_finds_a_date_input_a_browser_shows_empty() -> None:
    page = _Page()
    page.feed(
        '<input type="date" name="review_date" value="2026/12/18"><input type="date" name="ok" value="2026-12-18">'
        '<input type="datetime-local" name="at" value="2026/12/18 09:30"><input type="date" name="empty" value="">'
    )
    assert page.blank_dates == ['review_date="2026/12/18"', 'at="2026/12/18 09:30"']


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_every_link_a_role_is_shown_opens_in_chinese(demo_client: Any, username: str) -> None:
    result = crawl(demo_client(username))
    assert result.pages >= 30, f"{username} reached only {result.pages} pages: the crawl did not get far"
    assert not result.problems, f"{username}: {len(result.problems)} problems in {result.pages} pages:\n" + "\n".join(
        result.problems
    )


_SCHEMA: dict[str, Any] = {}


def _list_endpoints(client: Client) -> list[str]:
    if not _SCHEMA:
        response = client.get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        _SCHEMA.update(response.json())
    return sorted(path for path, ops in _SCHEMA["paths"].items() if "get" in ops and "{" not in path)


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_every_api_list_answers_a_roles_session_without_a_server_error(demo_client: Any, username: str) -> None:
    client = demo_client(username)
    endpoints = _list_endpoints(demo_client("admin"))
    assert len(endpoints) >= 20
    errors = []
    for path in endpoints:
        response = client.get(path, HTTP_ACCEPT="application/json")
        if response.status_code >= 500:
            errors.append(f"{path}: {response.status_code}")
    assert not errors, f"{username}: {errors}"
