"""Journey — a red warning reaches an enterprise's principal in charge who never logs in: committee staff issue
it on a desktop, the SMS recorded for the principal carries a link, the principal opens it on a phone in a
fresh browser (no session), presses 确认收到 and sees it acknowledged; the committee's page shows the SMS and
how the acknowledgement came. A forged link shows the refusal page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.journeys import demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "龙岩市东城化工有限公司"
TITLE = "龙岩市气象台暴雨红色预警"
LINK = re.compile(r"(https?://\S+/w/(\S+)/)")


def test_principal_acknowledges_a_red_warning_from_the_sms_link_without_logging_in(
    live_server: Any, open_journey: Any, settings: Any
) -> None:
    from emergency.models import EmergencyWarning, WarningRecipient
    from enterprises.models import Enterprise
    from safety_platform.models import Jurisdiction, OutboundMessage

    settings.PUBLIC_BASE_URL = live_server.url  # the links in SMS texts point at this server
    world = demo_world()
    enterprise = Enterprise.objects.get(name=ENTERPRISE)
    assert enterprise.principal_mobile  # the demo registry gives every principal a (test) mobile

    # Committee staff issue a red warning for 新罗区 on a desktop.
    office = open_journey("warning-ack-office", phone=False)
    page = office.page
    office.login("committee", world["password"])
    office.visit("/emergency/warnings/new/", "issue-form")
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", "weather")
    page.select_option("#id_level", "red")
    page.fill("#id_content", "预计未来6小时新罗区降雨量将达100毫米以上。")
    page.fill("#id_measures_required", "立即停止露天作业，危化品罐区加强巡查，人员撤离低洼地带。")
    page.select_option("#id_jurisdictions", str(Jurisdiction.objects.get(name="新罗区").pk))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    warning = EmergencyWarning.objects.get(title=TITLE)
    assert page.url.endswith(f"/emergency/warnings/{warning.pk}/"), page.url
    office.shot("issued")

    # The SMS recorded for the principal (what the gateway is handed) carries the acknowledgement link.
    sms = OutboundMessage.objects.get(dedup_key=f"warning:{warning.pk}:principal:{enterprise.pk}")
    assert sms.channel == "sms" and sms.address == enterprise.principal_mobile
    match = LINK.search(sms.body)
    assert match, sms.body
    link, token = match.groups()
    assert link.startswith(live_server.url)

    # The principal, on a phone, in a fresh browser: no session, no login.
    phone = open_journey("warning-ack-principal", phone=True)
    ppage = phone.page
    phone.visit(link.removeprefix(live_server.url), "link-opened")
    assert "/accounts/login/" not in ppage.url
    assert ppage.get_by_test_id("ack-level").get_attribute("data-level") == "red"
    assert "红色预警" in ppage.get_by_test_id("ack-level").inner_text()
    assert ppage.get_by_test_id("ack-enterprise").inner_text() == ENTERPRISE
    assert not WarningRecipient.objects.get(warning=warning, enterprise=enterprise).acknowledged_at  # GET wrote nothing
    with ppage.expect_navigation():
        ppage.get_by_test_id("ack-confirm").click()
    assert "已于" in ppage.get_by_test_id("ack-done").inner_text()
    phone.shot("acknowledged")
    recipient = WarningRecipient.objects.get(warning=warning, enterprise=enterprise)
    assert recipient.acknowledged_at is not None and recipient.acknowledged_via == "sms_link"

    # A forged link (another signature) is refused with a page saying so.
    payload, signature = token.rsplit(".", 1)
    forged = f"{payload}.{signature[::-1]}"
    with phone.tolerate_console(r"status of 404"):  # the refusal page is a 404 on purpose
        phone.visit(f"/w/{forged}/", "forged-link", status=404)
    assert "链接无效" in ppage.get_by_test_id("ack-invalid").inner_text()

    # The office sees the acknowledgement and how it came.
    office.visit(f"/emergency/warnings/{warning.pk}/?show=acknowledged", "office-sees-acknowledgement")
    row = page.locator(f"[data-testid=recipient][data-enterprise='{enterprise.pk}']")
    assert row.get_by_test_id("ack-state").get_attribute("data-via") == "sms_link"
    assert "企业主要负责人（短信链接）" in row.inner_text()
    assert row.get_by_test_id("sms-status").get_attribute("data-status") in {"pending", "sending", "sent"}

    from tests.browser.journeys import finish_all

    finish_all(office, phone)
