"""Dashboards in Chromium: the committee's and a county's dashboard on a 390 px phone and a desktop, with
screenshots in var/test-artifacts/dashboards/; the charts draw, the map draws the counties, a figure
opens its list, and the page does not scroll sideways (wide tables scroll inside their own box)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import PHONE, browser, login  # noqa: F401 (the browser fixture)

from .test_dashboard import _batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "dashboards"
DESKTOP = {"width": 1366, "height": 900}


@pytest.mark.parametrize("username", ["committee", "inspector"])
def test_dashboard_draws_on_phone_and_desktop(
    live_server: Any,
    browser: Any,  # noqa: F811 (the fixture imported above)
    org: Any,
    users: dict[str, Any],
    username: str,
) -> None:
    _batch(org, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        login(page, live_server, username)
        page.goto(f"{live_server.url}/assessment/dashboard/")
        page.wait_for_selector("#dashboard-trend canvas")
        if username == "committee":
            page.wait_for_selector("#dashboard-map canvas")
            page.wait_for_timeout(300)
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        page.screenshot(path=str(ARTIFACTS / f"{username}-{name}.png"), full_page=True)
        assert not errors, errors
        # A figure opens the list behind it.
        first = page.locator("[data-testid=dashboard-by_area] tfoot a[data-figure]").first
        figure = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert "/enterprises/" in page.url
        assert figure in page.content()
        context.close()
