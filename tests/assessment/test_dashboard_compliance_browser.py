"""The committee's dashboard with the filing-compliance and deaths tables in Chromium, on a 390 px phone and a
desktop: screenshots in var/test-artifacts/dashboards/, the page does not scroll sideways (the tables scroll
inside their own box), a county without a target shows "—" with the reason on hover, and the compliance
total opens the enterprise list with the same count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import PHONE, browser, login  # noqa: F401 (the browser fixture)

from .test_dashboard_compliance import _world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "dashboards"
DESKTOP = {"width": 1366, "height": 900}


def test_compliance_and_deaths_tables_on_phone_and_desktop(
    live_server: Any,
    browser: Any,  # noqa: F811 (the fixture imported above)
    org: Any,
    users: dict[str, Any],
) -> None:
    _world(org)  # dated in 2026Q4, asked for explicitly below
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        login(page, live_server, "committee")
        page.goto(f"{live_server.url}/assessment/dashboard/?period=2026Q4")
        page.wait_for_selector("#dashboard-map canvas")
        page.wait_for_timeout(300)
        wide = page.evaluate(
            "(w) => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1"
            " && !e.closest('.table-responsive')).map(e => e.tagName + '.' + e.className).slice(0, 5)",
            viewport["width"],
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1, wide
        for key in ("compliance", "deaths"):
            table = page.locator(f"[data-testid=dashboard-{key}]")
            assert table.is_visible()
            # A wide table scrolls inside its box, never the page.
            box = page.evaluate(
                "(k) => document.querySelector(`[data-testid=dashboard-${k}]`).closest('.table-responsive')"
                ".getBoundingClientRect().right",
                key,
            )
            assert box <= viewport["width"] + 1
        page.locator("[data-testid=dashboard-compliance]").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"compliance-committee-{name}.png"), full_page=True)
        headings = page.locator("[data-testid=dashboard-compliance] thead").inner_text()
        assert "2026Q3 统计未按时报送" in headings and "本期未自查" in headings
        no_target = page.locator("[data-testid=dashboard-deaths] tbody tr", has_text="上杭县").locator(
            "[data-figure-plain]"
        )
        assert no_target.first.inner_text() == "—"
        assert "尚未录入 2026 年控制指标" in (no_target.first.get_attribute("title") or "")
        assert not errors, errors
        total = page.locator("[data-testid=dashboard-compliance] tfoot a[data-figure]").nth(1)
        figure = total.inner_text()
        total.click()
        page.wait_for_load_state()
        assert "stat_report_missing=2026Q3" in page.url
        assert page.locator("[data-testid=total]").inner_text() == figure
        assert page.locator("#id_stat_report_missing").input_value() == "2026Q3"
        page.screenshot(path=str(ARTIFACTS / f"compliance-enterprise-list-{name}.png"), full_page=True)
        context.close()
