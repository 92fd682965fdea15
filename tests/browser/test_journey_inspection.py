"""Journey — an inspector on a phone (390×844, zh-CN) inspects an enterprise with the checklist of its industry:
opens the enterprise, answers every item (one fails, with a note and a photo), shares the phone's position,
records the inspection, and turns the failed item into a hazard that opens prefilled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.journeys import demo_world, tiny_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "龙岩市东城化工有限公司"
NOTE = "2号储罐区可燃气体报警器未校验，显示故障"


def test_inspector_inspects_with_the_checklist_and_a_failed_item_becomes_a_hazard(
    live_server: Any, open_journey: Any, tmp_path: Path
) -> None:
    from enterprises.models import Enterprise
    from hazards.models import Hazard
    from supervision.models import Inspection
    from supervision.services.inspections import checklists_for

    world = demo_world()
    enterprise = Enterprise.objects.get(name=ENTERPRISE)
    checklist = checklists_for(enterprise).first()
    assert checklist is not None and checklist.industry is not None, "the industry's own checklist comes first"
    items = list(checklist.items.filter(is_active=True).order_by("order", "id"))
    failed_item = items[1]
    before = set(Inspection.objects.filter(enterprise=enterprise).values_list("pk", flat=True))

    j = open_journey("inspection", phone=True)
    page = j.page
    j.context.grant_permissions(["geolocation"], origin=live_server.url)
    j.context.set_geolocation({"latitude": 25.0921, "longitude": 117.0231})
    j.login("inspector", world["password"])

    # The enterprise's page: its inspections panel opens the checklist form.
    j.visit(f"/enterprises/{enterprise.pk}/", "enterprise")
    with page.expect_navigation():
        page.locator("#inspections-panel a.btn").click()
    assert page.locator("[data-testid=checklist-item]").count() == len(items)
    j.shot("checklist-form")

    # Every item answered with the big buttons; one fails, with a note and a photo.
    for item in items:
        answer = "fail" if item == failed_item else "pass"
        page.locator(f"label[for=id_item_{item.pk}_{['pass', 'fail', 'na'].index(answer)}]").click()
    page.fill(f"#id_item_{failed_item.pk}_note", NOTE)
    page.set_input_files(f"#id_item_{failed_item.pk}_photo", str(tiny_jpeg(tmp_path / "alarm.jpg")))
    # The position only after the inspector presses the button.
    assert page.input_value("#id_latitude") == ""
    page.click("[data-use-position]")
    page.wait_for_function("() => document.querySelector('#id_latitude').value !== ''")
    assert page.input_value("#id_latitude") == "25.092100"
    j.shot("checklist-filled")
    with page.expect_navigation():
        page.click("#inspection-form button[type=submit]")

    inspection = Inspection.objects.exclude(pk__in=before).get(enterprise=enterprise)
    assert page.url.endswith(f"/supervision/inspections/{inspection.pk}/")
    assert inspection.answers.filter(result="fail").count() == 1
    assert str(inspection.latitude) == "25.092100"
    assert page.locator("[data-testid=answer][data-result=fail]").count() == 1
    j.shot("inspection-recorded")

    # One step: the failed item becomes a hazard, prefilled.
    with page.expect_navigation():
        page.get_by_role("button", name="转为隐患").click()
    hazard = Hazard.objects.get(inspection_answer__inspection=inspection)
    assert page.url.endswith(f"/hazards/{hazard.pk}/")
    assert hazard.enterprise == enterprise
    assert hazard.title == failed_item.text
    assert NOTE in hazard.description
    assert hazard.attachments.count() == 1
    body = page.locator("main").inner_text()
    assert failed_item.text in body and NOTE in body and ENTERPRISE in body
    j.shot("hazard-prefilled")

    # Back on the record, the item links to its hazard instead of offering a second one.
    j.visit(f"/supervision/inspections/{inspection.pk}/")
    assert page.get_by_test_id("answer-hazard").inner_text().strip().endswith(hazard.code)
    assert page.get_by_role("button", name="转为隐患").count() == 0
    j.shot("inspection-with-hazard")
    j.finish()
