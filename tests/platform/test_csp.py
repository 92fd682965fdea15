"""Content-Security-Policy: every response carries it, and no page needs what it forbids.

The policy (safety_platform.settings.base.CONTENT_SECURITY_POLICY) lets a page use only the platform's
own files: no inline script, no on…= handler, no javascript: URL, no inline style. A browser silently
drops what the policy forbids, so a template that brings one back breaks a button or a chart without any
server error; the checks below catch it in the templates and in every page the demo roles are shown.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.clock import shanghai
from tests.platform.test_crawl import crawl

# The demo's records are dated from today (last quarter's report, deadlines due): seeded on a chosen day.
pytestmark = pytest.mark.clock(shanghai(2026, 12, 4, 10))

ROOT = Path(settings.BASE_DIR)


def _directives(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def _strict(response: Any) -> None:
    policy = _directives(response)
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert policy["default-src"] == "default-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["form-action"] == "form-action 'self'"
    assert policy["base-uri"] == "base-uri 'self'"
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


# What the policy forbids, found in markup -------------------------------------------------------------


class _Forbidden(HTMLParser):
    """Inline scripts (JSON data blocks excepted), on…= handlers, javascript: URLs, style= attributes and
    <style> elements without the response's nonce, in a rendered page."""

    URL_ATTRS = frozenset({"href", "src", "action", "formaction", "data", "poster"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: str | None = None
        self._body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name in self.URL_ATTRS and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script" and "src" not in values:
            kind = (values.get("type") or "").lower()
            if kind != "application/json":
                self._script, self._body = f"<script{' type=' + kind if kind else ''}>", []
        if tag == "style" and not values.get("nonce"):
            self.found.append("<style> without a nonce")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._body.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.found.append(f"{self._script}{''.join(self._body).strip()[:60]}…")
            self._script = None


def forbidden_in_page(html: str) -> list[str]:
    parser = _Forbidden()
    parser.feed(html)
    return parser.found


# In templates the tags and variables may sit anywhere, so these are patterns over the source.
TEMPLATE_PATTERNS = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/json)[^>]*>", re.I),
    "on…= handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "<style> without a nonce": re.compile(r"<style\b(?![^>]*\bnonce=)[^>]*>", re.I),
}


def forbidden_in_template(source: str) -> list[str]:
    found = []
    for what, pattern in TEMPLATE_PATTERNS.items():
        for match in pattern.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            found.append(f"line {line} [{what}] {match.group(0)[:80]}")
    return found


def _project_templates() -> list[Path]:
    skip = {".venv", "node_modules", "staticfiles", "var", ".git"}
    dirs = [ROOT / "templates"] + [p / "templates" for p in ROOT.iterdir() if p.is_dir() and p.name not in skip]
    return sorted(f for d in dirs if d.is_dir() for f in d.rglob("*.html"))


def test_the_checks_find_each_thing_the_policy_forbids() -> None:
    page = (
        '<script>alert(1)</script><script type="module">x()</script><button onclick="print()">p</button>'
        '<a href="javascript:void(0)">x</a><div style="height:1px"></div><style>p{}</style>'
        '<script src="/static/a.js"></script><script type="application/json" id="d">{"a": 1}</script>'
        '<style nonce="abc">p{}</style><a href="/ok/">ok</a>'
    )
    assert len(forbidden_in_page(page)) == 6
    template = page.replace('onclick="print()"', "onclick=\"{% trans 'x' %}\"")
    kinds = sorted(w.split("[")[1].split("]")[0] for w in forbidden_in_template(template))
    expected = ["inline <script>", "inline <script>", "on…= handler", "javascript: URL", "style= attribute"]
    assert kinds == sorted([*expected, "<style> without a nonce"])


def test_no_template_uses_what_the_policy_forbids() -> None:
    templates = _project_templates()
    assert len(templates) > 50, "the template walk found too few templates to mean anything"
    problems = [
        f"{path.relative_to(ROOT)} {what}"
        for path in templates
        for what in forbidden_in_template(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["committee", "inspector"])
def test_no_page_a_role_is_shown_uses_what_the_policy_forbids(username: str) -> None:
    """Pages as rendered (markup made in Python, e.g. template tags, is checked too), reached by the crawl."""
    from safety_platform.management.commands.seed_demo import seed_demo
    from safety_platform.models import User

    seed_demo()
    pages: dict[str, list[str]] = {}
    policies: set[str] = set()

    class Recording(Client):
        def get(self, path: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            response = super().get(path, *args, **kwargs)
            if not response.streaming:
                policy = response.get("Content-Security-Policy", "(none)")
                policies.add(re.sub(r" 'nonce-[^']+'", "", policy))  # the report page's style nonce
                if response.get("Content-Type", "").startswith("text/html"):
                    found = forbidden_in_page(response.content.decode())
                    if found:
                        pages[path] = found
            return response

    client = Recording()
    client.force_login(User.objects.get(username=username))
    result = crawl(client)
    assert result.pages >= 30
    assert not pages, "\n".join(f"{path}: {found}" for path, found in pages.items())
    assert policies == {settings.CONTENT_SECURITY_POLICY}


# The header -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_web_pages_carry_the_strict_policy(client: Any, users: dict[str, Any]) -> None:
    login_page = client.get(reverse("login"))
    assert login_page.status_code == 200
    _strict(login_page)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    _strict(missing)
    client.force_login(users["committee"])
    for name in ["home", "hazards:risk_map", "notifications"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _strict(response)
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_api_answers_carry_the_policy(client: Any, users: dict[str, Any]) -> None:
    anonymous = client.get("/api/v1/enterprises/", HTTP_ACCEPT="application/json")
    assert anonymous.status_code in (401, 403)
    _strict(anonymous)
    client.force_login(users["committee"])
    listed = client.get("/api/v1/enterprises/", HTTP_ACCEPT="application/json")
    assert listed.status_code == 200 and listed["Content-Type"].startswith("application/json")
    _strict(listed)


@pytest.mark.django_db
def test_the_api_pages_of_other_projects_may_use_inline_styles_but_never_inline_scripts(
    client: Any, users: dict[str, Any]
) -> None:
    """DRF's browsable API has style= attributes, Swagger UI and Redoc write styles at run time."""
    client.force_login(users["committee"])
    for url in ["/api/v1/enterprises/", reverse("api-docs"), reverse("api-redoc")]:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        policy = _directives(response)
        assert policy["script-src"] == "script-src 'self'", url
        assert policy["style-src"] == "style-src 'self' 'unsafe-inline'", url
        assert "<script>" not in response.content.decode(), url
    # Swagger UI's set-up script is a file of its own, behind the same login.
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert Client().get(reverse("api-docs") + "?script=").status_code in (401, 403)


@pytest.mark.django_db
def test_the_admin_may_use_inline_styles_but_never_inline_scripts(client: Any, users: dict[str, Any]) -> None:
    """Django's admin templates and widgets (the API key form among them) carry style= attributes."""
    client.force_login(users["admin"])
    response = client.get("/admin/safety_platform/apikey/add/")
    assert response.status_code == 200
    policy = _directives(response)
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self' 'unsafe-inline'"
    # The platform's own pages keep the strict policy.
    assert _directives(client.get("/"))["style-src"] == "style-src 'self'"


@pytest.mark.django_db
def test_the_report_page_style_has_a_nonce_of_its_own_response(users: dict[str, Any]) -> None:
    """The printed report's page header names the period: a <style> with a nonce, allowed for that
    response only and never for scripts."""
    from assessment.models import AssessmentRun
    from safety_platform.management.commands.seed_demo import seed_demo
    from safety_platform.models import User

    seed_demo()
    run = AssessmentRun.objects.filter(results__isnull=False).distinct().first()
    assert run is not None
    client = Client()
    client.force_login(User.objects.get(username="committee"))
    nonces = []
    for _ in range(2):
        response = client.get(reverse("assessment:run_report", args=[run.pk]))
        assert response.status_code == 200
        nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)  # type: ignore[union-attr]
        policy = _directives(response)
        assert policy["style-src"] == f"style-src 'self' 'nonce-{nonce}'"
        assert policy["script-src"] == "script-src 'self'"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_server_error_page_needs_nothing_the_policy_forbids(rf: Any) -> None:
    from safety_platform.errors import server_error_response

    page = server_error_response(rf.get("/enterprises/"), RuntimeError("boom")).content.decode()
    assert forbidden_in_page(page) == []
    assert 'href="/static/css/server-error.css"' in page
