"""axe-core over each demo role's main pages, on a phone and on a desktop: no critical or serious violation.

Each role (inspector, enterprise, committee, department staff) signs in once, through the login form on a
phone (a failed attempt first); the desktop context reuses that session. The pages: login (signed out and
after a failed attempt), home, every page of the role's menu (the list pages), the first record that a list
links to (one detail page per app), the first "new"/"edit" form that a list or detail page offers (one form
per app), password change (also sent empty, with its errors) and notifications. Besides axe, every
`aria-describedby`/`aria-labelledby`/`<label for>` on those pages must point at an element that exists.

Runtime: about 30-60 s per role on a quiet machine (one browser, one login per role).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.axe import axe_violations, format_violations, missing_idrefs
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
ROLES = ["inspector", "enterprise", "committee", "county_office", "dept_yjj"]
DETAIL = re.compile(r"^/(\w+)/(?:[\w-]+/)*\d+/$")
FORM = re.compile(r"^/(\w+)/(?:[\w-]+/)*(?:\d+/)?(?:new|edit|create|add|report)/$")
PASSWORD_CHANGE = "/accounts/password/"


@pytest.fixture
def demo(db: Any) -> None:
    from safety_platform.management.commands.seed_demo import seed_demo

    seed_demo()


def _links(page: Any, selector: str) -> list[str]:
    """Same-site paths (no query) of the links matched by `selector`."""
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href') || '')")
    return [urlsplit(h).path for h in hrefs if h.startswith("/") and not h.startswith(("/admin/", "/api/"))]


class Audit:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.pages = 0

    def check(self, page: Any, where: str) -> None:
        self.pages += 1
        failing = [v for v in axe_violations(page) if v["impact"] in ("critical", "serious")]
        if failing:
            self.problems.append(f"== {where}\n{format_violations(failing, nodes_per_rule=3)}")
        if dangling := missing_idrefs(page):
            self.problems.append(f"== {where}\n    attributes naming ids that do not exist: {dangling}")


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"


FOCUSED_STYLE = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {cls: e.className, style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor}; }"""


def _check_keyboard_start(page: Any) -> None:
    """The first Tab shows a skip link; the next one lands in the top bar with a clearly visible focus ring."""
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible(), "no skip link on the first Tab"
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_STYLE)
    # A 3px light-yellow ring on the dark blue bar (Bootstrap's own is a faint blue glow on blue).
    assert "navbar-brand" in focused["cls"], focused
    assert (focused["style"], focused["width"], focused["color"]) == ("solid", "3px", "rgb(255, 213, 79)"), focused
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content", "the skip link does not move focus to the content"


def audit_role(browser: Any, base: str, username: str, password: str) -> Audit:
    """Sign in as `username` and check its main pages on a phone and on a desktop."""
    audit = Audit()
    phone_context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.set_default_timeout(15000)

    _visit(phone, f"{base}/accounts/login/")
    audit.check(phone, "phone: login")
    phone.fill("#id_username", username)
    phone.fill("#id_password", "not-the-password")
    with phone.expect_navigation():
        phone.click("main button[type=submit]")
    # A failed sign-in is announced (role=alert) and the fields say what went wrong.
    assert phone.get_by_role("alert").count() == 1
    assert phone.get_attribute("#id_password", "aria-invalid") == "true"
    audit.check(phone, "phone: login, after a failed attempt")
    phone.fill("#id_username", username)
    phone.fill("#id_password", password)
    phone.click("main button[type=submit]")
    phone.wait_for_url(f"{base}/")

    desktop_context = browser.new_context(viewport=DESKTOP, locale="zh-CN", storage_state=phone_context.storage_state())
    desktop = desktop_context.new_page()
    desktop.set_default_timeout(15000)

    # The desktop walks the pages (and finds the next ones on them); the phone then opens the same pages.
    _visit(desktop, f"{base}/")
    menu = list(dict.fromkeys(_links(desktop, "#mainnav a[href]")))
    audit.check(desktop, "desktop: /")
    _check_keyboard_start(desktop)
    paths = ["/"]
    details: dict[str, str] = {}
    forms: dict[str, str] = {}
    for path in [p for p in menu if p != "/"] + ["/notifications/", PASSWORD_CHANGE]:
        if path in paths:
            continue
        _visit(desktop, f"{base}{path}")
        audit.check(desktop, f"desktop: {path}")
        paths.append(path)
        for link in _links(desktop, "main a[href]"):
            if match := FORM.match(link):
                forms.setdefault(match.group(1), link)
            elif match := DETAIL.match(link):
                details.setdefault(match.group(1), link)
    for path in details.values():
        _visit(desktop, f"{base}{path}")
        audit.check(desktop, f"desktop: {path}")
        paths.append(path)
        for link in _links(desktop, "main a[href]"):
            if match := FORM.match(link):
                forms.setdefault(match.group(1), link)
    for path in forms.values():
        _visit(desktop, f"{base}{path}")
        audit.check(desktop, f"desktop: {path}")
        paths.append(path)
    assert len(menu) >= 3 and details and forms, f"{username}: the walk found too little ({menu}, {details}, {forms})"

    for path in paths:
        _visit(phone, f"{base}{path}")
        audit.check(phone, f"phone: {path}")
    # A form sent with errors: each error and help text is tied to its field.
    _visit(phone, f"{base}{PASSWORD_CHANGE}")
    # Wait for the answer to the POST: counting right after the click raced the reload (seen once in CI).
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    phone.wait_for_selector("[aria-invalid=true]")
    assert phone.locator("[aria-invalid=true]").count() >= 1
    audit.check(phone, f"phone: {PASSWORD_CHANGE} sent empty")

    phone_context.close()
    desktop_context.close()
    return audit


@pytest.mark.parametrize("username", ROLES)
def test_a_roles_main_pages_have_no_serious_accessibility_violation(
    live_server: Any, browser: Any, demo: None, username: str
) -> None:
    from safety_platform.demo_data import DEMO_PASSWORD

    audit = audit_role(browser, live_server.url, username, DEMO_PASSWORD)
    assert not audit.problems, f"{username}: {len(audit.problems)} of {audit.pages} pages fail:\n" + "\n".join(
        audit.problems
    )
