"""An inspector in the mountains (issue 13 item 7, DESIGN §3b): the phone has no network when 提交 is pressed.
The whole inspection, its photo included, waits on the phone with a visible count; when the connection returns
it is sent by itself and recorded once — sent again with 立即发送, it is still one inspection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import login
from tests.browser.journeys import tiny_jpeg
from tests.supervision.test_inspections import make_chem_checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "报警器失效，未校验"


def test_an_inspection_submitted_offline_waits_on_the_phone_and_is_recorded_once_when_back_online(
    live_server: Any, phone: Any, users: dict[str, Any], xinluo_chem: Any, org: Any, tmp_path: Path
) -> None:
    from supervision.models import Inspection, InspectionAnswer

    checklist = make_chem_checklist(org)
    items = list(checklist.items.order_by("order"))
    page = phone
    context = page.context
    login(page, live_server, "inspector")
    page.goto(f"{live_server.url}/supervision/inspections/new/?enterprise={xinluo_chem.pk}")
    outbox = page.locator("[data-testid=inspection-outbox]")
    assert outbox.is_hidden()  # nothing waiting yet

    for item in items:
        answer = 1 if item == items[1] else 0  # pass, fail, pass
        page.locator(f"label[for=id_item_{item.pk}_{answer}]").click()
    page.fill(f"#id_item_{items[1].pk}_note", NOTE)
    page.set_input_files(f"#id_item_{items[1].pk}_photo", str(tiny_jpeg(tmp_path / "alarm.jpg")))
    page.fill("#id_latitude", "25.0921")
    page.fill("#id_longitude", "117.0231")

    context.set_offline(True)
    page.click("#inspection-form button[type=submit]")
    outbox.wait_for(state="visible")
    assert "待发送的检查" in outbox.inner_text() and "1" in page.locator("[data-outbox-count]").inner_text()
    assert "1 张照片" in outbox.inner_text()
    assert "保存在" in page.locator("[data-testid=inspection-outbox-notice]").inner_text()
    assert page.url.endswith(f"?enterprise={xinluo_chem.pk}")  # still the form: nothing was lost
    assert not Inspection.objects.exists()

    # The connection returns: sent by itself, recorded once, the outbox empties.
    answers: list[str] = []
    page.on("response", lambda r: answers.append(f"{r.request.method} {r.url} {r.status}"))
    context.set_offline(False)
    try:
        page.wait_for_function(
            "() => document.getElementById('inspection-outbox').getAttribute('data-waiting') === '0'", timeout=20000
        )
    except Exception as exc:
        raise AssertionError(f"{outbox.inner_text()} / {answers}") from exc
    assert "已发送" in page.locator("[data-testid=inspection-outbox-notice]").inner_text()
    inspection = Inspection.objects.get()
    assert inspection.enterprise == xinluo_chem and str(inspection.latitude) == "25.092100"
    failed = InspectionAnswer.objects.get(inspection=inspection, result="fail")
    assert failed.note == NOTE and failed.photo.name.endswith(".jpg")

    # The same form sent again (a lost answer, a second press) is still one inspection. This time the signal
    # is back but too weak for the automatic attempt; 立即发送 sends it.
    context.set_offline(True)
    page.click("#inspection-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('inspection-outbox').getAttribute('data-waiting') === '1'")
    attempts: list[str] = []

    def weak_signal(route: Any) -> None:
        attempts.append(route.request.method)
        route.abort()

    page.route("**/supervision/inspections/new/**", weak_signal)
    context.set_offline(False)
    for _ in range(100):
        if attempts:
            break
        page.wait_for_timeout(100)
    assert attempts == ["POST"]
    page.unroute("**/supervision/inspections/new/**")
    page.click("[data-testid=outbox-send-now]")
    page.wait_for_function("() => document.getElementById('inspection-outbox').getAttribute('data-waiting') === '0'")
    assert Inspection.objects.count() == 1


def test_a_point_tapped_on_the_county_map_fills_the_hazard_position_on_a_phone(
    live_server: Any, phone: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    page = phone
    login(page, live_server, "inspector")
    page.goto(f"{live_server.url}/hazards/new/")
    assert page.input_value("#id_latitude") == ""
    page.click("[data-testid=map-pick-open]")
    chart = page.locator("[data-testid=map-pick] .map-pick-chart")
    chart.locator("canvas").first.wait_for()
    status = page.locator("[data-map-pick-status]")
    page.wait_for_function("() => document.querySelector('[data-map-pick-status]').textContent.indexOf('点击') >= 0")
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] >= 300  # fits the phone, tall enough to tap
    # The middle of the map is inside Longyan: the fields take that point.
    chart.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    page.wait_for_function("() => document.querySelector('#id_latitude').value !== ''")
    lat, lon = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert 24.2 <= lat <= 26.2 and 115.7 <= lon <= 117.9
    assert "已选点" in status.inner_text() and page.input_value("#id_latitude") in status.inner_text()
    # Typing still works, and the map can be closed with its button.
    page.fill("#id_latitude", "25.1")
    page.get_by_role("button", name="关闭地图").click()
    assert chart.is_hidden()
