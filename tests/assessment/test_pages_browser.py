"""Screenshots of the ranking and a county's breakdown on a phone and a desktop (var/test-artifacts/assessment)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings

from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from tests.browser.conftest import PHONE, browser  # noqa: F401  (the fixture)
from tests.factories import EnterpriseFactory

from .helpers import at, hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "assessment"


def test_ranking_and_breakdown_screenshots(browser: Any, live_server: Any, org: Any, users: dict[str, Any]) -> None:  # noqa: F811
    with time_machine.travel(at(2026, 11, 20), tick=False):
        firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        hazard(firm, found_at=at(2026, 7, 1), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 5))
        hazard(firm, found_at=at(2026, 7, 3), deadline=dt.date(2026, 8, 1))
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        run = assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)
    result = run.results.get(jurisdiction=org.jurisdiction("新罗区"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", {"width": 1366, "height": 900})):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", users["committee"].username)
        page.fill("#id_password", "pass-Word-1")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/assessment/runs/{run.pk}/")
        assert page.locator("[data-testid=ranking-row]").count() == 8
        assert page.get_by_role("heading", name="考核排名").count() == 1
        page.screenshot(path=str(ARTIFACTS / f"ranking-{name}.png"), full_page=True)
        page.goto(f"{live_server.url}/assessment/results/{result.pk}/")
        assert page.locator("[data-testid=indicator-row]").count() == result.indicators.count()
        page.screenshot(path=str(ARTIFACTS / f"breakdown-{name}.png"), full_page=True)
        context.close()
