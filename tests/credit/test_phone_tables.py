"""Credit tables read well on a 390×844 phone and a 1366×900 desktop: no cell wraps one character per
line (dates as "2026-⏎11-30", a status stacked 状⏎态, a 撤销 button in two lines) and the page itself
never scrolls sideways (a wide table scrolls inside its own box)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

from credit.models import BlacklistEntry, RuleSet, add_months
from credit.services import credit_rating_recalculate
from tests.browser.conftest import CHROMIUM_ARGS, login
from tests.credit.factories import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("CREDIT_TABLE_SCREENSHOTS")  # a folder path to keep the screenshots while checking by eye


@pytest.fixture
def chromium() -> Any:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Cells (and the buttons, dates and badges in them) whose text was squeezed to one or two
# characters per line: rendered taller than two lines while holding only a few characters.
SQUEEZED = """() => {
  const out = [];
  const lineCount = (node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
  };
  for (const el of document.querySelectorAll('main table th, main table td, main table .btn, main table .badge')) {
    if (el.offsetParent === null) continue;  // hidden on this screen size
    // The cell's first piece of text (a date, a status, a header, a button label, a name): a date never
    // breaks, and nothing breaks into lines of fewer than 4 characters, whatever else (a form, a note)
    // the cell holds below it.
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT,
      {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
    const first = walker.nextNode();
    if (!first) continue;
    const text = first.textContent.trim();
    const lines = lineCount(first);
    const isDate = /^[\\d\\s:.–-]+$/.test(text);
    if (lines > 1 && (isDate || text.length / lines < 4)) out.push(el.tagName + ': ' + text);
  }
  return out;
}"""

PAGE_OVERFLOW = """() => document.documentElement.scrollWidth - document.documentElement.clientWidth"""


def _check(page: Any, url: str, name: str) -> list[str]:
    page.goto(url)
    assert page.locator("main table").count() >= 1, url
    problems = [f"{name}: {p}" for p in page.evaluate(SQUEEZED)]
    overflow = page.evaluate(PAGE_OVERFLOW)
    if overflow > 0:
        problems.append(f"{name}: page scrolls sideways by {overflow}px")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
    return problems


def test_credit_tables_do_not_wrap_letter_by_letter_on_phone_or_desktop(
    live_server: Any, chromium: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    today = timezone.localdate()
    rule_set = RuleSet.objects.get(version="LY-2016.1")
    long_reason = "企业未按规定设置安全生产管理机构，经责令限期改正后逾期仍未改正，" * 3
    for days, code in ((3, "ORG-MISSING"), (40, "OCC-VIOLATION"), (90, "STD-1")):
        record(xinluo_chem, code, on=today - dt.timedelta(days=days), evidence=long_reason)
    BlacklistEntry.objects.create(
        enterprise=xinluo_chem,
        status="active",
        origin="department",
        case="unlicensed",
        rule_set=rule_set,
        reason="暂扣期间擅自生产",
        legal_basis="《安全生产严重失信主体名单管理办法》（应急管理部令第11号）",
        department=xinluo_chem.supervising_department,
        listed_on=today,
        ends_on=add_months(today, 36),
    )
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)
    pages = {
        "enterprise": f"/credit/enterprises/{xinluo_chem.pk}/",
        "records": "/credit/records/",
        "blacklist": "/credit/blacklist/",
        "rules": "/credit/rules/",
    }
    problems: list[str] = []
    for size_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        mobile = size_name == "phone"
        context = chromium.new_context(viewport=viewport, locale="zh-CN", is_mobile=mobile, has_touch=mobile)
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, live_server, "committee")  # the committee may revoke: the 撤销 form is in the table
        for name, path in pages.items():
            problems += _check(page, live_server.url + path, f"{size_name}-{name}")
        page.goto(live_server.url + pages["enterprise"])
        assert page.locator("main table button", has_text="撤销").count() == 3
        context.close()
    assert not problems, "\n".join(problems)
