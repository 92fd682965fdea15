"""Journey — an inspector on a phone (390×844, zh-CN) issues an order to rectify (责令限期整改指令书) for a demo
enterprise, with two items that become hazards, and opens its print view in the official layout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.journeys import demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "龙岩市东城化工有限公司"
ITEMS = "液氨储罐区未设置防护围堰\n应急喷淋装置损坏"


def test_inspector_issues_an_order_to_rectify_on_a_phone_and_prints_it(live_server: Any, open_journey: Any) -> None:
    from django.utils import timezone

    from supervision.models import DocumentKind, EnforcementDocument

    world = demo_world()
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=15)

    j = open_journey("enforcement", phone=True)
    page = j.page
    j.login("inspector", world["password"])

    j.visit("/supervision/enforcement/documents/", shot="documents")
    page.get_by_role("link", name="签发文书").click()
    page.wait_for_url("**/enforcement/documents/new/**")
    form = page.get_by_test_id("document-form")
    form.locator("#id_kind").select_option(DocumentKind.RECTIFICATION_ORDER)
    form.locator("#id_enterprise").fill(ENTERPRISE)
    form.locator("#id_findings").fill("现场检查发现液氨储罐区防护设施缺失。")
    form.locator("#id_legal_basis").fill("《中华人民共和国安全生产法》第六十五条第一款第（三）项")
    form.locator("#id_items").fill(ITEMS)
    form.locator("#id_rectify_by").fill(deadline.isoformat())
    j.shot("order-form")
    with page.expect_navigation():
        form.get_by_test_id("issue").click()

    order = EnforcementDocument.objects.filter(kind=DocumentKind.RECTIFICATION_ORDER).order_by("-id").first()
    assert order is not None and order.enterprise.name == ENTERPRISE
    assert sorted(order.hazards.values_list("title", flat=True)) == sorted(ITEMS.splitlines())
    assert f"/enforcement/documents/{order.pk}/" in page.url
    doc = page.get_by_test_id("enforcement-doc")
    assert page.get_by_test_id("doc-number").inner_text().strip() == order.number
    assert "责令限期整改指令书" in doc.inner_text()
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in page.get_by_test_id("rectify-by").inner_text()
    assert f"{today.year}年{today.month}月{today.day}日" in page.get_by_test_id("issued-on").inner_text()
    j.shot("order-print-view")

    # As printed: the platform around the document is hidden, the document fills the page.
    page.emulate_media(media="print")
    assert page.locator(".platform-navbar").first.is_hidden()
    assert page.get_by_test_id("print").is_hidden()
    page.screenshot(path=str(j.folder / "order-as-printed.png"), full_page=True)
    page.emulate_media(media="screen")

    # The demo's case whose hearing window is open: its timeline, case file and next steps fit the phone.
    from supervision.models import CaseStatus, PenaltyCase

    case = PenaltyCase.objects.filter(status=CaseStatus.NOTIFIED).order_by("id").first()
    assert case is not None
    j.visit(case.get_absolute_url(), shot="case")
    assert page.get_by_test_id("hearing-window").is_visible()
    assert page.get_by_test_id("step-statement").is_visible()
    j.visit("/supervision/enforcement/cases/", shot="cases")
    j.finish()
