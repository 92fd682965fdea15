"""The Content-Security-Policy in a real browser: the pages with charts and scripts work under it.

Chromium logs every script, style, eval, worker or image the policy blocks in the console; the risk map,
the dashboard (its own page and the home page), the risk-source form, the risk card and the API docs are
opened as the demo users who use them, and none may log a violation. The charts must be drawn (ECharts'
canvas renderer needs no eval, its tooltips are drawn on the canvas too) and the pages' own scripts must
run (the risk form hides the factors of the other method; the risk card asks before issuing a new code).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "Longyan@2026"


@pytest.fixture
def demo_site(live_server: Any) -> Any:
    from safety_platform.management.commands.seed_demo import seed_demo

    seed_demo()
    return live_server


class Console:
    """Console messages and uncaught errors of a page."""

    def __init__(self, page: Any) -> None:
        self.messages: list[str] = []
        page.on("console", lambda message: self.messages.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    def violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]

    def errors(self) -> list[str]:
        return [m for m in self.messages if m.startswith("pageerror")]


@pytest.fixture
def signed_in(browser: Any, demo_site: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_as(username: str) -> tuple[Any, Console]:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        console = Console(page)
        login(page, demo_site, username, DEMO_PASSWORD)
        return page, console

    yield open_as
    for context in contexts:
        context.close()


def _drawn(page: Any, selector: str) -> bool:
    """The chart's canvas is there and has painted pixels."""
    page.wait_for_selector(f"{selector} canvas")
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel + ' canvas')].some((c) => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
            return false;
        })""",
        selector,
    )


def _hover_middle(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)


def test_charts_draw_and_log_no_policy_violation(demo_site: Any, signed_in: Any) -> None:
    page, console = signed_in("committee")
    # The home page carries the dashboard widget.
    assert _drawn(page, "#dashboard-trend")
    page.goto(f"{demo_site.url}/assessment/dashboard/")
    assert _drawn(page, "#dashboard-trend")
    assert _drawn(page, "#dashboard-map")  # the county map: geojson fetched from the platform itself
    _hover_middle(page, "#dashboard-trend")  # tooltip
    page.goto(f"{demo_site.url}/hazards/risk-map/")
    assert _drawn(page, "#risk-chart")
    _hover_middle(page, "#risk-chart")
    assert console.violations() == []
    assert console.errors() == []


def test_risk_form_and_card_scripts_run_under_the_policy(demo_site: Any, signed_in: Any) -> None:
    from hazards.models import RiskSource
    from safety_platform.models import User

    page, console = signed_in("inspector")
    page.goto(f"{demo_site.url}/hazards/risk/new/")
    page.select_option("#id_method", "matrix")
    assert page.locator("#id_lec_l").is_hidden() and page.locator("#id_likelihood").is_visible()
    page.select_option("#id_method", "lec")
    assert page.locator("#id_lec_l").is_visible() and page.locator("#id_likelihood").is_hidden()

    source = RiskSource.objects.visible_to(User.objects.get(username="inspector")).first()
    assert source is not None
    page.goto(f"{demo_site.url}/hazards/risk/{source.pk}/card/")
    url = page.url
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("form[data-confirm] button[type=submit]")  # "issue a new code?" -> cancel
    page.wait_for_timeout(500)
    assert asked and page.url == url
    assert RiskSource.objects.get(pk=source.pk).card_token == source.card_token  # printed cards still work
    page.click("[data-print]")  # window.print() runs (headless Chromium prints nowhere)
    assert console.violations() == []
    assert console.errors() == []


def test_the_api_docs_render_under_their_policy(demo_site: Any, signed_in: Any) -> None:
    page, console = signed_in("dept_yjj")
    page.goto(f"{demo_site.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=60000)
    page.goto(f"{demo_site.url}/api/redoc/")
    page.wait_for_selector(".api-content h2", timeout=60000)
    # Redoc's footer links Redocly's logo on their CDN: blocked, as everything from elsewhere is.
    blocked = [m for m in console.violations() if "https://cdn.redoc.ly/" not in m]
    assert blocked == []
