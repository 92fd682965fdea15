"""Journey 2 — the enterprise's safety officer on a phone: a self-check, a self-reported hazard and its
remediation evidence, acknowledging a warning, reading the credit grade with every reason, and filing
quarterly statistics on time and late (on a chosen date: the server's clock is moved).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tests.browser.journeys import demo_world, tiny_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTERPRISE = "龙岩市东城化工有限公司"
WARNING = "龙岩市气象台大风黄色预警"
TITLE = "配电室门口灭火器压力不足"
# What a clerk must never read: fact keys, key=value pairs, raw field names.
MACHINE_TEXT = re.compile(r"\b[a-z_]+:\d+(:\d+)?\b|\b[a-z_]+_id\s*=|\b[a-z_]+=\S|→\s*[a-z_]+\b")


def _issue_warning() -> Any:
    from emergency.services import warning_issue
    from safety_platform.models import Jurisdiction, User

    return warning_issue(
        actor=User.objects.get(username="committee"),
        title=WARNING,
        kind="weather",
        level="yellow",
        content="预计今天夜间到明天新罗区有7～8级阵风。",
        measures_required="加固户外设施，停止高处作业，罐区加强巡查。",
        jurisdictions=[Jurisdiction.objects.get(name="新罗区")],
        valid_until=timezone.now() + dt.timedelta(days=1),
    )


def _quarter_start_after(day: dt.date) -> dt.date:
    quarter = (day.month - 1) // 3 + 1
    return dt.date(day.year + 1, 1, 1) if quarter == 4 else dt.date(day.year, 3 * quarter + 1, 1)


def _previous_quarter(day: dt.date) -> tuple[int, int]:
    quarter = (day.month - 1) // 3 + 1
    return (day.year - 1, 4) if quarter == 1 else (day.year, quarter - 1)


def test_enterprise_day_on_a_phone(live_server: Any, open_journey: Any, tmp_path: Path) -> None:
    from enterprises.models import Enterprise
    from hazards.models import Hazard, HazardStatReport, SelfCheck
    from safety_platform.models import Fact

    world = demo_world()
    enterprise = Enterprise.objects.get(name=ENTERPRISE)
    warning = _issue_warning()
    j = open_journey("enterprise", phone=True)
    page = j.page

    j.login("enterprise", world["password"])
    j.shot("home")

    # A self-check from the industry's checklist: one item is a hazard.
    j.visit("/hazards/self-check/", "self-checks")
    with page.expect_navigation():
        page.get_by_test_id("checklist").first.click()
    first_item = page.locator("[data-testid^=item-]").first
    first_item.locator("input[type=radio][value=hazard]").check()
    first_item.locator("input[name^=note_]").fill("2号罐区静电接地线松脱")
    j.shot("self-check-form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check = SelfCheck.objects.get(enterprise=enterprise)
    assert page.url.endswith(f"/hazards/self-check/{check.pk}/"), page.url
    assert check.answers.filter(hazard__isnull=False).count() == 1
    # Each outcome badge stays one line high beside an item whose text wraps (they were stretched).
    heights = {
        round(box["height"])
        for box in page.get_by_test_id("outcome").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().toJSON())"
        )
    }
    assert max(heights) - min(heights) <= 1, f"outcome badges of different heights: {sorted(heights)}"
    j.shot("self-check-recorded")

    # Report a hazard found on a walk round, with a photo.
    j.visit("/hazards/new/", "hazard-form")
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "配电室门口2具干粉灭火器压力表指针在红区。")
    page.fill("#id_location", "配电室")
    page.set_input_files("#id_photos", str(tiny_jpeg(tmp_path / "extinguisher.jpg")))
    with page.expect_navigation():
        page.locator("#hazard-form button[type=submit]").click()
    hazard = Hazard.objects.get(enterprise=enterprise, title=TITLE)
    assert page.url.endswith(f"/hazards/{hazard.pk}/"), page.url
    j.shot("hazard-reported")

    # Grade it (a self-found hazard), start remediation, then upload the evidence.
    form = j.open_action("assess")
    form.get_by_label("一般隐患").check()
    form.locator("input[name$=responsible_person]").fill("赖安全")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    form = j.open_action("start")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    form = j.open_action("submit")
    form.locator("textarea").fill("已更换2具灭火器并张贴检查卡。")
    form.locator("input[name$=after]").set_input_files(str(tiny_jpeg(tmp_path / "after.jpg", "#2e7d32")))
    j.shot("evidence-form")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    hazard.refresh_from_db()
    assert hazard.state == "remediated" and hazard.attachments.filter(kind="after").count() == 1
    assert page.get_by_test_id("state").inner_text().strip() == "待核销"
    j.shot("evidence-sent")

    # The warning arrives as a notification; the officer acknowledges it with the measures taken.
    j.visit("/notifications/", "notifications")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(WARNING)).first.click()
    assert page.url.endswith(warning.get_absolute_url()), page.url
    page.fill("#id_measures_taken", "已加固户外设备，暂停高处作业，安排罐区每两小时巡查一次。")
    with page.expect_navigation():
        page.get_by_test_id("acknowledge").click()
    assert warning.recipients.get(enterprise=enterprise).acknowledged_at is not None
    j.shot("warning-acknowledged")

    # The credit grade and every reason behind it, in words.
    j.visit(f"/credit/enterprises/{enterprise.pk}/", "credit")
    assert page.locator("#grade").inner_text().strip()
    reasons = page.get_by_test_id("reason")
    assert reasons.count() >= 1
    for index in range(reasons.count()):
        text = reasons.nth(index).inner_text()
        assert reasons.nth(index).get_by_test_id("reason-text").inner_text().strip(), text
        assert not MACHINE_TEXT.search(text), f"machine text in a credit reason: {text!r}"

    # Quarterly statistics, a few days into the next quarter: the quarter just ended is filed on time,
    # the one before (due long ago) is filed late, and the form says so before it is sent.
    moment = dt.datetime.combine(_quarter_start_after(timezone.localdate()) + dt.timedelta(days=4), dt.time(10))
    with time_machine.travel(timezone.make_aware(moment), tick=True):
        today = timezone.localdate()
        on_time = _previous_quarter(today)
        late = _previous_quarter(dt.date(on_time[0], 3 * on_time[1] - 2, 1))
        j.login("enterprise", world["password"])  # signs in again if the session ended meanwhile
        for (year, quarter), state in ((on_time, "due"), (late, "late")):
            j.visit("/hazards/statistics/", f"statistics-{state}")
            page.select_option("#id_period", f"quarter:{year}:{quarter}")
            with page.expect_navigation():
                page.locator("main form[action$='/statistics/generate/'] button[type=submit]").click()
            assert page.get_by_test_id(f"{state}-notice").is_visible(), f"{year}Q{quarter}: no {state} notice"
            j.shot(f"statistics-{year}Q{quarter}-{state}")
            with page.expect_navigation():
                page.get_by_test_id("submit-stats").click()
            report = HazardStatReport.objects.get(enterprise=enterprise, kind="quarter", year=year, quarter=quarter)
            assert report.is_submitted and report.was_late == (state == "late")
            outcomes = Fact.objects.filter(enterprise=enterprise, payload__period=report.period_key)
            assert [f.kind for f in outcomes] == ["self_report_late" if state == "late" else "self_report_filed"]
            j.shot(f"statistics-{year}Q{quarter}-filed")
    j.finish()
