"""In Chromium, as committee staff: a new draft version from the scheme in force, editing it, putting it in
force; the counties' figures and a refused negative GDP. Screenshots on a phone and a desktop
(var/test-artifacts/assessment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from assessment.models import CountyInput, Scheme
from tests.browser.conftest import PHONE, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "assessment"


def test_committee_versions_a_scheme_and_enters_county_figures(
    browser: Any,  # noqa: F811
    live_server: Any,
    org: Any,
    users: dict[str, Any],
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    in_force = Scheme.objects.get(version="2026.1")
    for name, viewport in (("desktop", {"width": 1366, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", users["committee"].username)
        page.fill("#id_password", "pass-Word-1")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/assessment/schemes/{in_force.pk}/")
        copy = page.locator("[data-testid=scheme-copy]")
        copy.locator("input[name=version]").fill(f"2027-{name}")
        copy.locator("input[name=valid_from]").fill("2027-01-01")
        copy.locator("button[type=submit]").click()
        page.wait_for_url("**/edit/")
        draft = Scheme.objects.get(version=f"2027-{name}")
        weights = page.locator("input[name$='-weight']")
        first, second = weights.nth(0), weights.nth(1)
        first.fill(str(float(first.input_value()) + 1))
        page.screenshot(path=str(ARTIFACTS / f"scheme-edit-{name}.png"), full_page=True)
        page.locator("[data-testid=scheme-edit-form] button[type=submit]").click()
        assert page.locator("[data-testid=indicator-errors]").count() == 1  # 101 in all: refused, named
        page.screenshot(path=str(ARTIFACTS / f"scheme-edit-refused-{name}.png"), full_page=True)
        second.fill(str(float(second.input_value()) - 1))
        page.locator("[data-testid=scheme-edit-form] button[type=submit]").click()
        page.wait_for_url(f"**/assessment/schemes/{draft.pk}/")
        page.locator("[data-testid=scheme-activate] button").click()
        page.wait_for_url(f"**/assessment/schemes/{draft.pk}/")
        draft.refresh_from_db()
        assert draft.status == "active"
        page.screenshot(path=str(ARTIFACTS / f"scheme-detail-{name}.png"), full_page=True)

        page.goto(f"{live_server.url}/assessment/county-inputs/?year=2026")
        assert page.locator("[data-testid=county-input-row]").count() == 8
        page.screenshot(path=str(ARTIFACTS / f"county-inputs-{name}.png"), full_page=True)
        page.locator("a[href$='/2026/edit/'] >> visible=true").first.click()
        page.wait_for_url("**/edit/")
        page.fill("input[name=gdp_100m_yuan]", "-5")
        page.locator("[data-testid=county-input-form] button[type=submit]").click()
        assert page.locator("[data-field=gdp_100m_yuan]").count() == 1
        page.screenshot(path=str(ARTIFACTS / f"county-input-refused-{name}.png"), full_page=True)
        assert not CountyInput.objects.exists()
        page.goto(f"{live_server.url}/assessment/county-inputs/import/")
        page.screenshot(path=str(ARTIFACTS / f"county-input-import-{name}.png"), full_page=True)
        context.close()
