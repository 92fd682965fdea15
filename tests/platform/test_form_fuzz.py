"""Bad input drill: every form a demo role is shown refuses bad values with a message, never a server error.

Each demo login walks the site as tests/platform/test_crawl.py does (same links, same limits; like it, not the Django
admin's own pages) and collects the forms of the pages it reaches. Then every distinct form (its address's shape and its
field names) is sent with each of its fields in turn set to each of three values that broke pages before — a 20-digit
number (SQLite's integer overflow) in every field but typed text, a NUL character (PostgreSQL refuses it in text) in
typed text, -1 (a `next` taken for a URL name) in hidden fields — the other fields as the page filled them. Search and
filter forms are sent by GET, the others by POST. The answer may be anything but a server error: a form message, a 400,
a 403, a redirect. Deterministic (the demo seeded on a fixed day, fixed values, forms sent in the order the crawl found
them): a failure names the form and the field.

The full fuzz this drill stands for (sixteen values per field, every page as nine roles, ~25,000 requests a role) is run
by hand, the admin's add and change forms included (what it found there is in tests/hazards/test_bad_input.py); this
keeps the values that found defects, for the roles whose forms differ (the second inspector and the second department
are shown the same forms as the first), in about half a minute per role.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.test import Client

from tests.clock import shanghai
from tests.platform.test_crawl import DEMO_LOGINS, MAX_PAGES, SAME_SHAPE_LIMIT, _shape, _target, demo_client

__all__ = ["demo_client"]  # the fixture, shared with the crawl

pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))

# By the kind of field: typed text may hold a NUL; a hidden field (an id, a `next`) an overflowing number or -1;
# anything else (a choice, a number, a date) the overflowing number.
BAD_VALUES = {
    "text": ("a\x00b",),
    "hidden": ("99999999999999999999", "-1"),
    "other": ("99999999999999999999",),
}
TEXT_INPUTS = frozenset({"text", "search", "email", "tel", "url", "password"})
# Roles with forms of their own: the second inspector and department see the same forms as the first.
ROLES = [name for name in DEMO_LOGINS if name not in ("inspector_shanghang", "dept_zjj")]
# Forms that end the session or switch the language are not the drill's.
SKIP_ACTIONS = re.compile(r"^/(accounts/logout|i18n|admin/logout)")


class _Forms(HTMLParser):
    """The links of a page and its forms: (method, action, [(name, value as the page fills it)])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, str, list[tuple[str, str]]]] = []
        self.kinds: dict[str, str] = {}  # field name → "text", "hidden" or "other" (see BAD_VALUES)
        self._fields: list[tuple[str, str]] | None = None
        self._select: list[Any] | None = None
        self._textarea: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._fields = []
            self.forms.append((a.get("method", "get").lower(), a.get("action", ""), self._fields))
        if (
            tag == "option"
            and self._select is not None
            and (self._select[1] is None or "selected" in a)
            and not self._select[2]
        ):
            self._select[1] = a.get("value", "")
            self._select[2] = "selected" in a
        if self._fields is None or not a.get("name") or "disabled" in a:
            return
        kind = a.get("type", "text").lower()
        if tag == "input":
            self.kinds.setdefault(a["name"], "text" if kind in TEXT_INPUTS else kind if kind == "hidden" else "other")
        elif tag in ("select", "textarea"):
            self.kinds.setdefault(a["name"], "other" if tag == "select" else "text")
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a:
                self._fields.append((a["name"], a.get("value", "on")))
        elif tag == "input" and kind not in ("submit", "button", "image", "file", "reset"):
            self._fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = [a["name"], None, False]
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None:
            if self._fields is not None and self._select[1] is not None:
                self._fields.append((self._select[0], self._select[1]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._fields is not None:
                self._fields.append((self._textarea[0], self._textarea[1]))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data


Forms = dict[tuple[str, str, tuple[str, ...]], tuple[str, list[tuple[str, str]], dict[str, str]]]


def collect_forms(client: Client) -> Forms:
    """The distinct forms the role is shown: (method, action's shape, field names) → (action, fields, kinds)."""
    forms: Forms = {}
    queue: deque[str] = deque(["/"])
    seen = {"/"}
    shapes: dict[Any, int] = {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        pages += 1
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[arg-type]
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = _Forms()
        page.feed(response.content.decode())
        for method, action, fields in page.forms:
            target = urlsplit(urljoin(url, action or url)).path
            if SKIP_ACTIONS.match(target) or not fields:
                continue
            key = (method, _shape(target)[0], tuple(sorted({name for name, _ in fields})))
            forms.setdefault(key, (target, fields, page.kinds))
        for href in page.links:
            link = _target(href, url)
            if link is None or link in seen:
                continue
            shape = _shape(link)
            if (shape[0] != urlsplit(link).path or shape[1]) and shapes.get(shape, 0) >= SAME_SHAPE_LIMIT:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(link)
            queue.append(link)
    return forms


@pytest.mark.parametrize("username", ROLES)
def test_every_form_a_role_is_shown_refuses_bad_values_without_a_server_error(demo_client: Any, username: str) -> None:
    client = demo_client(username)
    client.raise_request_exception = False  # a server error is counted, not raised mid-drill
    forms = collect_forms(client)
    assert sum(1 for method, _shape_, _names in forms if method == "post") >= 3, f"{username}: too few forms found"
    errors: list[str] = []
    sent = 0
    for (method, _action_shape, names), (action, fields, kinds) in forms.items():
        for name in names:
            if name == "csrfmiddlewaretoken":
                continue
            for value in BAD_VALUES[kinds.get(name, "other")]:
                data = [(n, v) for n, v in fields if n != name] + [(name, value)]
                sent += 1
                if method == "get":
                    response = client.get(f"{action}?{urlencode(data)}")
                else:
                    response = client.post(action, urlencode(data), content_type="application/x-www-form-urlencoded")
                if response.streaming:
                    b"".join(response.streaming_content)  # type: ignore[arg-type]
                if response.status_code >= 500:
                    errors.append(f"{method.upper()} {action} {name}={value[:24]!r}: {response.status_code}")
    assert sent >= 50, f"{username}: only {sent} requests sent"
    assert not errors, f"{username}: {len(errors)} server errors in {sent} requests:\n" + "\n".join(errors)
