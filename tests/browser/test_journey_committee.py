"""Journey 3 — committee staff on a desktop: publish a department's blacklist proposal, by Order 11.

The demo's 市应急管理局 proposal (武平县中山石料厂, a major accident) has had its prior notice served:
its objection window runs for the rule set's days. Staff see it can't be published yet, come back
after the window, approve it for the statutory period (3 years, from the rule set) and find the entry
in the departments' feed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tests.browser.journeys import demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "武平县中山石料厂"


def _three_years_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 3)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 3, day=28)


def test_committee_publishes_a_department_proposal_after_the_objection_period(
    live_server: Any, open_journey: Any
) -> None:
    from credit.models import BlacklistEntry

    world = demo_world()
    entry = BlacklistEntry.objects.select_related("rule_set").get(enterprise__name=ENTERPRISE)
    assert entry.objection_deadline is not None and entry.department is not None
    j = open_journey("committee", phone=False)
    page = j.page

    j.login("committee", world["password"])
    j.shot("home")
    j.visit("/credit/blacklist/", "blacklist")
    with page.expect_navigation():
        page.get_by_role("link", name=ENTERPRISE).first.click()
    assert page.url.endswith(entry.get_absolute_url())
    j.shot("proposal-in-objection-period")
    body = page.locator("main").inner_text()
    assert entry.objection_deadline.isoformat() in body, "the objection deadline is shown"
    # While the enterprise may still object, publishing is not offered.
    assert page.get_by_role("button", name="批准并公布").count() == 0, "approval offered during the objection period"

    # The window has passed (the server's clock moves; the session is still valid).
    after = dt.datetime.combine(entry.objection_deadline + dt.timedelta(days=1), dt.time(9, 30))
    with time_machine.travel(timezone.make_aware(after), tick=True):
        today = timezone.localdate()
        j.visit(entry.get_absolute_url())
        approve = page.get_by_role("button", name="批准并公布")
        assert approve.count() == 1, "approval not offered after the objection period"
        j.shot("proposal-after-objection-period")
        with page.expect_navigation():
            approve.click()
        j.shot("entry-published")
        assert page.get_by_test_id("status").inner_text().strip() == "已列入"
        period = page.get_by_test_id("period").inner_text()
        # Order 11: listed for three years from the day of publication (the rule set's period).
        assert f"{today.isoformat()} – {_three_years_after(today).isoformat()}" in period, period
        entry.refresh_from_db()
        assert entry.listed_on == today and entry.ends_on == _three_years_after(today)

        # The departments' feed carries the published entry with the same period.
        response = page.request.get(f"{live_server.url}/api/v1/credit/blacklist/?format=json")
        assert response.status == 200
        rows = {row["enterprise_name"]: row for row in response.json()["results"]}
        assert ENTERPRISE in rows, sorted(rows)
        assert rows[ENTERPRISE]["ends_on"] == _three_years_after(today).isoformat()
        j.visit("/credit/blacklist/?status=active", "blacklist-active")
        assert ENTERPRISE in page.locator("main table").inner_text()
    j.finish()
