"""The departments' duty-check ranking on a phone and a desktop, in Chinese: committee staff see every member
department; a department's staff see their own preliminary result and may object to it. Screenshots in
var/test-artifacts/assessment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings

from assessment.choices import SchemeKind
from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from tests.browser.conftest import PHONE, browser  # noqa: F401  (the fixture)
from tests.factories import EnterpriseFactory

from .helpers import at, hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "assessment"


def _login(page: Any, live_server: Any, user: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pass-Word-1")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_department_ranking_screenshots(browser: Any, live_server: Any, org: Any, users: dict[str, Any]) -> None:  # noqa: F811
    with time_machine.travel(at(2026, 11, 20), tick=False):
        chem = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        site = EnterpriseFactory(jurisdiction=org.jurisdiction("上杭县/临江镇"), industry=org.industry("E4710"))
        hazard(chem, found_at=at(2026, 7, 1), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 5))
        hazard(site, found_at=at(2026, 7, 3), deadline=dt.date(2026, 8, 1))
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        run = assessment_run_start(period=period, enqueue=False, kind=SchemeKind.DEPARTMENT)
        run = assessment_run_execute(run_id=run.pk)
    own = run.results.get(department=org.department("yjj"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", {"width": 1366, "height": 900})):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        _login(page, live_server, users["committee"])
        page.goto(f"{live_server.url}/assessment/runs/{run.pk}/")
        assert page.locator("[data-testid=ranking-row]").count() == run.total == 8
        assert page.get_by_role("columnheader", name="部门").count() == 1
        assert page.get_by_text("成员单位履责检查").count() >= 1
        # Nothing wider than the screen: the table scrolls inside its own box.
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=str(ARTIFACTS / f"department-ranking-{name}.png"), full_page=True)
        context.close()
    with time_machine.travel(at(2026, 11, 21), tick=False):
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        _login(page, live_server, users["department"])
        page.goto(f"{live_server.url}/assessment/runs/{run.pk}/")
        assert page.locator("[data-testid=ranking-row]").count() == 1
        page.goto(f"{live_server.url}/assessment/results/{own.pk}/")
        assert page.locator("[data-testid=indicator-row]").count() == own.indicators.count()
        assert page.locator("textarea[name=text]").count() == 1
        page.screenshot(path=str(ARTIFACTS / "department-own-result-phone.png"), full_page=True)
        context.close()
