"""Journey — the county committee office (新罗区) reads its county's inspection plans on a phone and a desktop.

The demo's plans of 新罗区 hold an enterprise inspected beyond its class's yearly cap (for a stated complaint)
and, in last quarter's plan, one that was due and not inspected. The county office opens 检查计划 from the
menu, sees only its own county's plans, and filters each plan down to the over- and under-inspected enterprises.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.journeys import demo_world, finish_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_plan(page: Any, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=label, exact=True).first.click()


def _filter(page: Any, status: str) -> list[str]:
    """Follow the status count link; the enterprise names of the rows shown, each row checked for the status."""
    with page.expect_navigation():
        page.locator(f"[data-testid=status-counts] a[href='?status={status}']").click()
    rows = page.locator("tbody tr[data-status]")
    assert rows.count() >= 1, f"no {status} row"
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.status)")) == {status}
    return [t.split("\n")[0] for t in rows.locator("td:first-child").all_inner_texts()]


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_county_office_sees_under_and_over_inspected_enterprises(
    live_server: Any, open_journey: Any, phone: bool
) -> None:
    from django.utils import timezone

    from supervision.models import InspectionPlan

    world = demo_world()
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    assert InspectionPlan.objects.filter(jurisdiction__name="上杭县").exists()  # another county's plans exist

    j = open_journey("county-plan-" + ("phone" if phone else "desktop"), phone=phone)
    page = j.page
    j.login("county_office", world["password"])
    j.visit("/supervision/plans/", "plans")
    main = page.locator("main").inner_text()
    assert "新罗区" in main and "上杭县" not in main, "the county office sees its own county's plans only"

    _open_plan(page, f"{today.year}年度检查计划")
    assert "新罗区" in page.locator("h1").inner_text()
    over = _filter(page, "over_cap")
    j.shot("year-over-cap")
    assert over, "the demo's enterprise inspected beyond its cap is listed"

    if quarter > 1:
        j.visit("/supervision/plans/")
        _open_plan(page, f"{today.year}年第{quarter - 1}季度检查计划")
        late = _filter(page, "overdue")
        j.shot("last-quarter-overdue")
        assert late and not set(late) & set(over)
    finish_all(j)
