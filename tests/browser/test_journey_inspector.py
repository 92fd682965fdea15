"""Journey 1 — an inspector on a phone (390×844): find an enterprise, log a hazard with a photo while
the signal drops (it waits on the phone and is sent once when the connection returns), assess it;
later fail a verification (back to remediation) and then verify and close it out.

The enterprise's own steps in between (start remediation, submit evidence) are its journey's business
and are done here through the services.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.browser.journeys import OFFLINE_NOISE, demo_world, tiny_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "龙岩市东城化工有限公司"
TITLE = "罐区消防通道被货物堵塞"


def _jpeg(colour: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("after.jpg", buffer.getvalue(), content_type="image/jpeg")


def _enterprise_submits_evidence(hazard_id: int, *, start: bool) -> None:
    from hazards import services
    from safety_platform.models import User

    user = User.objects.get(username="enterprise")
    if start:
        services.hazard_start(hazard_id=hazard_id, actor=user, note="已安排清理")
    services.hazard_submit(hazard_id=hazard_id, actor=user, note="货物已移走，通道畅通", after=[_jpeg("#2e7d32")])


def test_inspector_logs_assesses_and_closes_out_a_hazard_on_a_phone(
    live_server: Any, open_journey: Any, tmp_path: Path
) -> None:
    from enterprises.models import Enterprise
    from hazards.models import Hazard

    world = demo_world()
    enterprise = Enterprise.objects.get(name=ENTERPRISE)
    j = open_journey("inspector", phone=True)
    page = j.page

    j.login("inspector", world["password"])
    j.shot("home")

    # Find the enterprise by its credit code, through the phone's menu.
    page.click(".navbar-toggler")
    page.click("#mainnav [data-nav-group='enterprises:list']")
    with page.expect_navigation():
        page.locator("#mainnav a.dropdown-item[href='/enterprises/']").click()
    page.fill("#id_q", enterprise.credit_code)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    j.shot("enterprise-found")
    with page.expect_navigation():
        page.get_by_role("link", name=ENTERPRISE).first.click()
    assert page.url.endswith(f"/enterprises/{enterprise.pk}/")
    j.shot("enterprise")

    # Log a hazard with a photo; grade it later. The signal drops while the form is being filled in.
    with page.expect_navigation():
        page.get_by_role("link", name="登记隐患").first.click()
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)")
    # The phone keeps the opened form for offline use (the service worker's page cache).
    page.wait_for_function("caches.open('sp-pages-v1').then(c => c.keys()).then(k => k.length > 0)")
    j.shot("hazard-form")
    page.fill("#id_title", TITLE)
    with j.tolerate_console(OFFLINE_NOISE):
        j.context.set_offline(True)
        page.fill("#id_description", "2号罐区东侧消防通道堆放包装桶约20个，通道宽度不足2米。")
        page.fill("#id_location", "2号罐区东侧")
        page.set_input_files("#id_photos", str(tiny_jpeg(tmp_path / "scene.jpg")))
        page.locator("#hazard-form button[type=submit]").click()
        waiting = page.get_by_test_id("waiting-item")
        waiting.first.wait_for()
        assert waiting.count() == 1 and TITLE in waiting.first.inner_text()
        assert not Hazard.objects.filter(title=TITLE).exists()
        j.shot("hazard-waiting-offline")
        # The connection returns: the report goes by itself, once, with its photo.
        j.context.set_offline(False)
        sent = page.get_by_test_id("sent-item")
        sent.first.wait_for(timeout=30000)
    hazard = Hazard.objects.get(enterprise=enterprise, title=TITLE)
    assert hazard.attachments.count() == 1 and hazard.source == "inspection"
    assert hazard.code in sent.first.inner_text()
    j.shot("hazard-sent")
    with page.expect_navigation():
        sent.first.get_by_role("link").click()
    assert page.url.endswith(f"/hazards/{hazard.pk}/"), page.url
    assert page.get_by_test_id("state").inner_text().strip() == "已登记"
    j.shot("hazard-registered")
    assert Hazard.objects.filter(title=TITLE).count() == 1, "sent exactly once"

    # Assess it: a general hazard, the deadline the rule proposes, who is responsible.
    form = j.open_action("assess")
    form.get_by_label("一般隐患").check()
    assert form.locator("input[type=date]").input_value(), "the proposed deadline is shown"
    form.locator("input[name$=responsible_person]").fill("赖安全")
    form.locator("input[name$=responsible_phone]").fill("13905970001")
    j.shot("assess-form")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    hazard.refresh_from_db()
    assert hazard.state == "assessed" and hazard.responsible_person == "赖安全" and hazard.deadline
    assert page.get_by_test_id("state").inner_text().strip() == "已评估"
    j.shot("hazard-assessed")

    # The enterprise remediates and sends its evidence; the inspector finds it not good enough.
    _enterprise_submits_evidence(hazard.pk, start=True)
    j.visit("/hazards/?state=remediated", "awaiting-verification")
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).first.click()
    j.shot("hazard-awaiting-verification")
    form = j.open_action("reject")
    form.locator("textarea").fill("通道内仍有两个空桶未清走，请全部清理后再报。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    hazard.refresh_from_db()
    assert hazard.state == "rectifying", "a failed verification returns the hazard to remediation"
    assert page.get_by_test_id("state").inner_text().strip() == "治理中"
    j.shot("verification-failed")

    # Sent again; this time the inspector verifies it on site and closes it out with a photo.
    _enterprise_submits_evidence(hazard.pk, start=False)
    j.visit(f"/hazards/{hazard.pk}/")
    form = j.open_action("close")
    form.locator("textarea").fill("现场复查：通道已清空，宽度满足要求。")
    form.locator("input[type=file]").set_input_files(str(tiny_jpeg(tmp_path / "verified.jpg", "#2e7d32")))
    j.shot("close-form")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    hazard.refresh_from_db()
    assert hazard.state == "closed"
    assert page.get_by_test_id("state").inner_text().strip() == "已销账"
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "核查不通过" in timeline, timeline
    j.shot("closed-out")
    j.finish()
