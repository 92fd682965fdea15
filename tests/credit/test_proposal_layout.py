"""The blacklist proposal form, looked at in a real browser on a phone (390×844) and a desktop (1366×900):
nothing wider than the screen, labels above their fields on the phone, evidence choices readable (they
were squeezed into a checkbox-wide column that ran over the buttons), buttons below the form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import CHROMIUM_ARGS, browser, login  # noqa: F401 (the browser fixture)
from tests.credit.factories import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => e.tagName + '.' + e.className)"""
BOX = (
    "e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, width: r.width}; }"
)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_proposal_form_fits_and_lines_up(
    screen: str,
    browser: Any,  # noqa: F811
    live_server: Any,
    users: dict[str, Any],
    xinluo_chem: Any,
) -> None:
    record(xinluo_chem, "ACC-GENERAL", months_before=1)
    record(xinluo_chem, "RESP-JOINT", months_before=2)
    context = browser.new_context(viewport=SCREENS[screen], locale="zh-CN", is_mobile=screen == "phone")
    page = context.new_page()
    login(page, live_server, "dept_yjj")
    page.goto(f"{live_server.url}/credit/enterprises/{xinluo_chem.pk}/blacklist/propose/")
    shots = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "credit"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"blacklist-proposal-{screen}.png"), full_page=True)

    assert page.evaluate(WIDER_THAN_SCREEN) == []
    choices = page.locator("[data-testid=evidence-choices] label")
    assert choices.count() == 2
    for index in range(2):
        box = choices.nth(index).evaluate(BOX)
        assert box["width"] > 250, box  # a readable line, not a checkbox-wide column
    evidence_bottom = page.locator("[data-testid=evidence-choices]").evaluate(BOX)["bottom"]
    button = page.get_by_role("button", name="提出列入").evaluate(BOX)
    assert button["top"] >= evidence_bottom  # the list no longer runs over the buttons
    for name in ("case", "legal_basis", "reason"):
        label = page.locator(f"label[for=id_{name}]").evaluate(BOX)
        field = page.locator(f"#id_{name}").evaluate(BOX)
        assert label["bottom"] <= field["top"] + 1, name  # the label sits above its field
        if screen == "phone":
            assert field["width"] > 300, name  # full width on the phone
    if screen == "desktop":
        case, basis = (page.locator(f"#id_{name}").evaluate(BOX) for name in ("case", "legal_basis"))
        assert case["top"] == basis["top"] and basis["left"] > case["left"]  # side by side
    context.close()
