"""A phone in the field: the hazard form survives a reload (DESIGN §3b); offline sending is in
test_offline_browser.py."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from hazards.models import Hazard
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def on_a_phone(live_server: Any, username: str | None, steps: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Sign in on a phone-sized Chromium (or not: a worker scanning a card) and run `steps(page)`.

    Returns what the steps observed.

    The browser runs in a thread of its own: the shell's browser tests keep a session-wide sync
    Playwright in the main thread, and a second sync Playwright cannot start in a thread where one runs.
    """
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
                if username is not None:
                    login(page, live_server, username)
                outcome.update(steps(page))
                browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=180)
    if "error" in outcome:
        raise outcome["error"]
    return outcome


def test_typed_text_survives_closing_the_page(live_server: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    def steps(page: Any) -> dict[str, Any]:
        page.goto(f"{live_server.url}/hazards/new/")
        page.fill("#id_title", "叉车刹车失灵")
        page.fill("#id_description", "3号叉车刹车距离过长")
        page.goto(f"{live_server.url}/")
        page.goto(f"{live_server.url}/hazards/new/")
        seen = {
            "title": page.input_value("#id_title"),
            "description": page.input_value("#id_description"),
            "restored_notice": page.locator("#draft-status").is_visible(),
            "client_key": page.input_value("[name=client_key]"),
        }
        page.click("#hazard-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/hazards/*/")
        page.wait_for_load_state("networkidle")
        # Once sent, the draft is gone: the next hazard starts from an empty form.
        page.goto(f"{live_server.url}/hazards/new/")
        page.wait_for_load_state("networkidle")
        seen["title_next_time"] = page.input_value("#id_title")
        return seen

    seen = on_a_phone(live_server, "enterprise", steps)
    assert (seen["title"], seen["description"]) == ("叉车刹车失灵", "3号叉车刹车距离过长")
    assert seen["restored_notice"]
    assert seen["title_next_time"] == ""
    # The draft's key travels with the submission: a retry after a lost response finds the same hazard.
    assert seen["client_key"]
    hazard = Hazard.objects.get()
    assert hazard.external_key.endswith(seen["client_key"]) and hazard.source == "self_check"


def test_a_worker_scans_a_risk_card_and_reports_on_a_phone(
    live_server: Any, users: dict[str, Any], xinluo_chem: Any, tmp_path: Any
) -> None:
    from hazards.services import risk_source_save

    source = risk_source_save(
        actor=users["enterprise"],
        enterprise=xinluo_chem,
        data={
            "name": "液氯钢瓶间",
            "method": "lec",
            "lec_l": "10",
            "lec_e": "6",
            "lec_c": "40",
            "control_measures": "进入前检测氯气浓度",
            "emergency_measures": "向上风向撤离",
            "responsible_person": "张三",
        },
    )
    photo = tmp_path / "leak.png"
    from PIL import Image

    Image.new("RGB", (40, 30), "orange").save(photo)

    def steps(page: Any) -> dict[str, Any]:
        page.goto(f"{live_server.url}/hazards/card/{source.card_token}/")
        band = page.locator("[data-testid=live-level]")
        seen = {
            "level": band.get_attribute("data-level"),
            "band_colour": band.evaluate("e => getComputedStyle(e).backgroundColor"),
            "fits": page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"),
        }
        page.fill("#id_description", "钢瓶阀门有刺鼻气味")
        page.set_input_files("#id_photo", str(photo))
        page.click("#card-report button[type=submit]")
        page.locator("[data-testid=sent]").wait_for()
        seen["url"] = page.url
        return seen

    seen = on_a_phone(live_server, None, steps)
    assert seen["level"] == "red" and seen["band_colour"] == "rgb(211, 47, 47)"
    assert seen["fits"], "the page is no wider than the phone"
    assert seen["url"].endswith("?sent=1")
    hazard = Hazard.objects.get()
    assert hazard.source == "worker_report" and hazard.risk_source == source and hazard.attachments.count() == 1
