"""Journey — committee staff on a phone confirm a downgrade the platform proposed from an event.

The demo's larger accident at 永定区坎市烟花爆竹有限公司 was proposed as a credit record: it waits on
待确认信用记录 and counts in nothing (the enterprise stays 二级). A committee member opens the list from
the home page, ticks the row, gives the reason and confirms; the record counts and the grade drops to 三级.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.journeys import demo_world, finish_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "永定区坎市烟花爆竹有限公司"
REASON = "事故调查报告已核实：较大事故，死亡3人。"


def test_committee_confirms_a_proposed_downgrade_on_a_phone(live_server: Any, open_journey: Any) -> None:
    from credit.models import CreditRating, CreditRecord

    world = demo_world()
    record = CreditRecord.objects.get(enterprise__name=ENTERPRISE, rule_code="ACC-LARGER", status="proposed")
    assert CreditRating.objects.get(enterprise=record.enterprise).grade == 2  # the proposal counts in nothing

    j = open_journey("credit-proposal", phone=True)
    page = j.page
    j.login("committee", world["password"])
    j.shot("home")
    with page.expect_navigation():
        page.get_by_test_id("proposals-count").click()
    assert page.url.endswith("/credit/proposals/"), page.url
    j.shot("proposals")

    row = page.get_by_test_id("proposal").filter(has_text=ENTERPRISE)
    assert "较大" in row.inner_text() and "LY-2021.1" in row.inner_text()
    row.locator("input[type=checkbox]").check()
    page.fill("#decision-reason", REASON)
    j.shot("selected")
    with page.expect_navigation():
        page.get_by_test_id("confirm").click()
    assert "已确认 1 条记录" in page.locator("main").inner_text()
    assert ENTERPRISE not in " ".join(page.get_by_test_id("proposal").all_inner_texts())
    j.shot("confirmed")

    record.refresh_from_db()
    assert (record.status, record.decided_by.username, record.decision_reason) == ("active", "committee", REASON)
    # The recalculation runs after the decision's commit (a task): give it a moment.
    deadline = time.monotonic() + 30
    while CreditRating.objects.get(enterprise=record.enterprise).grade != 3 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert CreditRating.objects.get(enterprise=record.enterprise).grade == 3

    j.visit(f"/credit/enterprises/{record.enterprise_id}/", "enterprise-grade")
    assert page.locator("#grade [data-testid=grade]").inner_text().strip() == "三级"
    assert REASON in page.locator("#records").inner_text()
    finish_all(j)
