"""In Chromium on a phone, in Chinese: an inspector chooses an enterprise in a search box, not a <select> (issue 16).

In the hazard list's filter (keyboard: type, arrow down, Enter), the filter applied shows the enterprise by
its name; in the hazard log form (a tap on a row), the hazard is logged against it. With the network gone
the box still offers the enterprises chosen lately on the phone. Screenshots go to $SCREENSHOT_DIR if set.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hazards.models import Hazard
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, login
from tests.factories import EnterpriseFactory
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
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                login(page, live_server, "inspector")
                outcome.update(steps(page))
                outcome["errors"] = errors
                browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=240)
    if "error" in outcome:
        raise outcome["error"]
    return outcome


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"picker-{name}.png"), full_page=True)


def test_an_inspector_chooses_the_enterprise_in_a_search_box_on_a_phone(
    live_server: Any, users: dict[str, Any], org: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    grid = org.jurisdiction("新罗区/东城街道/东城第一网格")
    for n in range(25):
        EnterpriseFactory(name=f"龙岩市东城第{n:02d}五金有限公司", jurisdiction=grid, industry=org.industry("C2614"))
    make_hazard(xinluo_chem, inspector=users["inspector"], title="消防通道堵塞")

    def steps(page: Any) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        # The hazard list's filter, by keyboard.
        page.goto(f"{live_server.url}/hazards/")
        page.click("[data-bs-target='#hazard-filters']")
        box = page.locator("#id_enterprise")
        box.wait_for(state="visible")
        seen["role"] = box.get_attribute("role")
        seen["selects"] = page.locator("select[name=enterprise]").count()
        box.fill("东城化工")
        page.locator("[data-testid=picker-option]").first.wait_for()
        seen["offered"] = page.locator("[data-testid=picker-option]").all_inner_texts()
        seen["expanded"] = box.get_attribute("aria-expanded")
        _shot(page, "filter-offered")
        box.press("ArrowDown")
        seen["active"] = box.get_attribute("aria-activedescendant")
        box.press("Enter")
        seen["chosen"] = box.input_value()
        page.locator("#hazard-filters button[type=submit]").click()
        page.wait_for_url("**/hazards/?*enterprise=*")
        seen["url"] = page.url
        seen["shown"] = page.input_value("#id_enterprise")
        seen["rows"] = page.locator("[data-testid=hazard-row]").count()
        _shot(page, "filter-applied")
        # A search matching many: at most 20 rows, each a finger's height.
        page.goto(f"{live_server.url}/hazards/new/")
        page.fill("#id_enterprise", "五金")
        page.locator("[data-testid=picker-option]").first.wait_for()
        seen["many"] = page.locator("[data-testid=picker-option]").count()
        seen["row_height"] = page.locator("[data-testid=picker-option]").first.bounding_box()["height"]
        # Another county's enterprise is never offered.
        page.fill("#id_enterprise", "上杭县临江")
        page.locator(".picker-note").first.wait_for()
        seen["other_county"] = page.locator("[data-testid=picker-option]").count()
        # The log form: a tap on the row.
        page.fill("#id_enterprise", "东城化工")
        page.locator("[data-testid=picker-option]", has_text=xinluo_chem.name).tap()
        seen["form_chosen"] = page.input_value("#id_enterprise")
        page.fill("#id_title", "配电箱未接地")
        _shot(page, "form-chosen")
        # The network drops: the box offers what was chosen on this phone lately.
        page.context.set_offline(True)
        page.fill("#id_enterprise", "")
        page.fill("#id_enterprise", "东城")
        page.locator(".picker-note").first.wait_for()
        seen["offline"] = page.locator("[data-testid=picker-option]").all_inner_texts()
        seen["offline_note"] = page.locator(".picker-note").first.inner_text()
        _shot(page, "form-offline")
        page.locator("[data-testid=picker-option]", has_text=xinluo_chem.name).first.tap()
        page.context.set_offline(False)
        page.click("form[data-offline-form] button[type=submit]")
        # The new hazard's page (a glob like "**/hazards/*/" also matches /hazards/new/, where we already are).
        page.wait_for_url(re.compile(r"/hazards/\d+/$"))
        return seen

    seen = _on_a_phone(live_server, steps)
    assert seen["errors"] == []
    assert seen["role"] == "combobox" and seen["selects"] == 0
    assert any(xinluo_chem.name in text for text in seen["offered"])
    assert seen["expanded"] == "true" and seen["active"]
    assert seen["chosen"] == xinluo_chem.name
    assert f"enterprise={xinluo_chem.pk}" in seen["url"]
    assert seen["shown"] == xinluo_chem.name  # the filter applied shows the name, not the id
    assert seen["rows"] == 1
    assert seen["many"] == 20
    assert seen["row_height"] >= 44
    assert seen["other_county"] == 0
    assert seen["form_chosen"] == xinluo_chem.name
    assert any(xinluo_chem.name in text for text in seen["offline"])
    assert "无网络" in seen["offline_note"]
    assert Hazard.objects.filter(enterprise=xinluo_chem, title="配电箱未接地").exists()
