"""In Chromium on a phone: the rectification deadline follows the grade, and nothing typed is dropped.

Choosing a grade on the log form or the assessment form puts the deadline the rule proposes for it in the
date field (hazards/grade-deadline.js); a date the inspector typed is never overwritten; "稍后评估" (assess
later) keeps the responsible person and phone already typed (that the server keeps them too is in
test_assessment_form.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from hazards.services import proposed_deadline
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, login
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _on_a_phone(live_server: Any, steps: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """The inspector on a phone-sized Chromium, in a thread of its own (see tests/hazards/test_browser.py)."""
    from playwright.sync_api import sync_playwright

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
                )
                context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
                page = context.new_page()
                page.set_default_timeout(20000)
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                login(page, live_server, "inspector")
                outcome.update(steps(page))
                outcome["errors"] = errors
                browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=180)
    if "error" in outcome:
        raise outcome["error"]
    return outcome


def test_the_deadline_follows_the_grade_and_assess_later_keeps_the_person(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    general, major = proposed_deadline("general").isoformat(), proposed_deadline("major").isoformat()  # type: ignore[union-attr]
    registered = make_hazard(xinluo_chem, inspector=users["inspector"], title="消防通道堵塞")

    def steps(page: Any) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        page.goto(f"{live_server.url}/hazards/new/")
        page.fill("#id_enterprise", "东城化工")  # the enterprise search box (issue 16)
        page.locator("[data-testid=picker-option]", has_text=xinluo_chem.name).click()
        page.fill("#id_title", "配电箱未接地")
        page.fill("#id_responsible_person", "赖安全")
        page.fill("#id_responsible_phone", "13905971234")
        page.select_option("#id_grade", "general")
        seen["general"] = page.input_value("#id_deadline")
        page.select_option("#id_grade", "major")
        seen["major"] = page.input_value("#id_deadline")
        page.select_option("#id_grade", "")  # 稍后评估
        seen["later"] = (
            page.input_value("#id_deadline"),
            page.input_value("#id_responsible_person"),
            page.input_value("#id_responsible_phone"),
        )
        page.fill("#id_deadline", "2027-03-01")  # the inspector's own date
        page.select_option("#id_grade", "general")
        seen["typed"] = page.input_value("#id_deadline")
        # The assessment form of an ungraded hazard: general is preselected with its deadline; major moves it.
        page.goto(f"{live_server.url}/hazards/{registered.pk}/")
        page.click("[data-testid=action-assess]")
        seen["assess_general"] = page.input_value("#id_assess-deadline")
        page.check("input[name=assess-grade][value=major]")
        seen["assess_major"] = page.input_value("#id_assess-deadline")
        return seen

    seen = _on_a_phone(live_server, steps)
    assert seen["errors"] == []
    assert seen["general"] == general and seen["major"] == major
    assert seen["later"] == (major, "赖安全", "13905971234")
    assert seen["typed"] == "2027-03-01"
    assert seen["assess_general"] == general and seen["assess_major"] == major
