"""Journey 4 — department staff on a desktop: record a credit behaviour with evidence, propose a
blacklist entry; then a key made in the Django admin lets the department's system pull the blacklist.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.journeys import demo_world, finish_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "龙岩市雁石石灰石矿"
RULE = "未按规定设置安全生产管理机构或配备安全生产管理人员"
PUBLISHED = "连城县莲峰烟花厂"  # the demo's published entry


def _pull(url: str, key: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, headers={"Authorization": f"Api-Key {key}", "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.status, json.loads(response.read())


def test_department_records_behaviour_proposes_listing_and_pulls_the_blacklist_with_an_admin_key(
    live_server: Any, open_journey: Any, tmp_path: Path
) -> None:
    from credit.models import BlacklistEntry, CreditRecord

    world = demo_world()
    j = open_journey("department", phone=False)
    page = j.page

    j.login("dept_yjj", world["password"])
    j.shot("home")
    # Find the enterprise by name in the registry, then open its credit page.
    j.visit("/enterprises/")
    page.fill("#id_q", "雁石石灰石")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    j.shot("enterprise-search")
    with page.expect_navigation():
        page.get_by_role("link", name=ENTERPRISE).first.click()
    j.shot("enterprise")
    with page.expect_navigation():
        page.locator(f"a[href$='/credit/enterprises/{page.url.rstrip('/').split('/')[-1]}/']").first.click()
    credit_url = page.url
    j.shot("credit-page")

    # Record a behaviour with a document as evidence.
    with page.expect_navigation():
        page.get_by_role("link", name="采集信用行为").click()
    j.shot("record-form")
    page.select_option("#id_rule", page.locator("#id_rule option", has_text=RULE).get_attribute("value"))
    page.fill(
        "#id_evidence",
        "2026年11月28日现场检查：未设置安全生产管理机构，未配备专职安全管理人员。检查记录编号 YJ-2026-118。",
    )
    evidence = tmp_path / "检查记录.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("#id_evidence_file", str(evidence))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url == credit_url, page.url
    j.shot("behaviour-recorded")
    record = CreditRecord.objects.get(enterprise__name=ENTERPRISE, rule__title=RULE)
    assert record.evidence_file and record.recorded_by.username == "dept_yjj"
    assert RULE in page.locator("main").inner_text()

    # Propose a listing with that record as evidence.
    with page.expect_navigation():
        page.get_by_role("link", name="提出列入严重失信主体名单").first.click()
    j.shot("proposal-form")
    page.fill("#id_reason", "未按规定配备安全生产管理人员，经责令限期改正逾期未改正。")
    evidence_choice = page.get_by_label(re.compile(RULE))
    evidence_choice.check()
    # The evidence record reads on one line beside its box (it was squeezed into a column one word wide).
    label_box = page.locator("label", has_text=RULE).bounding_box()
    assert label_box is not None and label_box["width"] > 300, f"evidence label squeezed: {label_box}"
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    entry = BlacklistEntry.objects.get(enterprise__name=ENTERPRISE)
    assert page.url.endswith(entry.get_absolute_url()), page.url
    assert list(entry.evidence_records.all()) == [record] and entry.department.code == "yjj"
    j.shot("proposal-recorded")
    # Prior notice: the enterprise is told and may object; the listing still waits for the committee.
    with page.expect_navigation():
        page.get_by_role("button", name="事先告知").click()
    entry.refresh_from_db()
    assert entry.status == "noticed" and entry.objection_deadline is not None
    assert page.get_by_test_id("status").inner_text().strip() == "已事先告知"
    j.shot("notice-served")

    # The platform administrator issues the department a key in the Django admin.
    admin = open_journey("department-admin-key", phone=False)
    apage = admin.page
    admin.login("admin", world["password"])
    admin.visit("/admin/safety_platform/apikey/add/", "admin-key-form")
    apage.fill("#id_name", "市应急管理局执法系统")
    apage.select_option("#id_department", label="市应急管理局")
    apage.fill("#id_scopes", '["blacklist:read"]')
    with apage.expect_navigation():
        apage.locator("input[name=_save]").click()
    message = apage.locator(".messagelist li.warning").inner_text()
    admin.shot("admin-key-created")
    shown = re.search(r"\b([0-9a-f]{8}\.[A-Za-z0-9_-]{20,})", message)
    assert shown, f"the new key is shown once: {message!r}"
    key = shown.group(1)

    # The department's system pulls the blacklist with it: published entries only.
    status, feed = _pull(f"{live_server.url}/api/v1/credit/blacklist/", key)
    names = [row["enterprise_name"] for row in feed["results"]]
    assert status == 200 and PUBLISHED in names, names
    assert ENTERPRISE not in names, "a proposal is not published before the committee approves it"
    finish_all(j, admin)
