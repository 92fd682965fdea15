"""Journey 5 — committee staff on a desktop: the dashboard, a figure's records, a quarterly assessment
run, the county objection of the demo, publication and the Excel report; then the dashboard and a
county's result on a phone.

The demo (README's run command) holds last quarter's published run and the running month's preliminary
one, on which 上杭县's staff have objected. Publishing the month is refused while that objection is open;
staff accept it (the county is assessed again, the scores before and after are kept), publish, and
download the report: one sheet per county and the ranking sheet.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.journeys import demo_world, finish_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTY = "上杭县"
ANSWER = "已核实：3条重大隐患的整改销号材料在月底前上传，采纳异议，按现有记录重新计算。"


def _last_quarter_key() -> str:
    """The quarter before the running one, as the dashboard's URL writes it (2026Q3)."""
    today = timezone.localdate()
    index = today.year * 4 + (today.month - 1) // 3 - 1
    return f"{index // 4}Q{index % 4 + 1}"


def _no_sideways_scroll(page: Any, testid: str) -> None:
    """The table fits its box: nothing to scroll sideways (a phone reads it as stacked rows)."""
    sizes = page.evaluate(
        """(id) => { const t = document.querySelector(`[data-testid=${id}]`);
                     const box = t.closest('.table-responsive') || t.parentElement;
                     return [box.scrollWidth, box.clientWidth, t.getBoundingClientRect().right]; }""",
        testid,
    )
    assert sizes[0] <= sizes[1] + 1 and sizes[2] <= 391, f"{testid} scrolls sideways: {sizes}"


def _wait_until_finished(j: Any, run_pk: int) -> None:
    """The run's page shows its progress; reload until it says finished (Celery runs eagerly in tests)."""
    page = j.page
    for _attempt in range(30):
        status = page.get_by_test_id("run-status").first.inner_text().strip()
        if status == "已完成":
            return
        assert status != "失败", page.get_by_test_id("run-error").inner_text()
        page.wait_for_timeout(1000)
        j.visit(f"/assessment/runs/{run_pk}/")
    raise AssertionError(f"run {run_pk} did not finish: {status}")


def test_committee_drills_down_runs_answers_publishes_and_downloads(live_server: Any, open_journey: Any) -> None:
    from openpyxl import load_workbook

    from assessment.models import AssessmentResult, AssessmentRun, Objection, ObjectionStatus
    from safety_platform.choices import JurisdictionLevel
    from safety_platform.models import Jurisdiction

    world = demo_world()
    objection = Objection.objects.select_related("result__run__period").get(status=ObjectionStatus.OPEN)
    month_run = objection.result.run
    assert objection.result.jurisdiction.name == COUNTY and month_run.period.kind == "month"
    counties = list(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).values_list("name", flat=True))

    j = open_journey("assessment", phone=False)
    page = j.page
    j.login("committee", world["password"])

    # The committee's home page is its dashboard, at the top.
    j.shot("home")
    first_widget = page.locator("main .row > div").first
    assert first_widget.get_by_test_id("home-dashboard").count() == 1, "the dashboard is not the first thing"

    # The dashboard: a county's overdue hazards open the list of exactly those hazards.
    j.visit("/assessment/dashboard/")
    page.wait_for_selector("#dashboard-trend canvas")
    page.wait_for_selector("#dashboard-map canvas")
    j.shot("dashboard")
    by_area = page.get_by_test_id("dashboard-by_area")
    headings = [h.strip() for h in by_area.locator("thead th").all_inner_texts()]
    column = headings.index("逾期未整改隐患")
    figure = None
    for row in by_area.locator("tbody tr").all():
        cell = row.locator("th, td").nth(column).locator("a[data-figure]")
        if int(cell.inner_text()) > 0:
            area, figure = row.locator("th").inner_text().strip(), cell
            break
    assert figure is not None, "no county has an overdue hazard in the demo"
    value = int(figure.inner_text())
    with page.expect_navigation():
        figure.click()
    assert "/hazards/" in page.url, page.url
    j.shot("drill-down-overdue-hazards")
    assert int(page.get_by_test_id("total").inner_text()) == value, f"{area}: list count differs from the figure"

    # The dashboard's ranking opens the run and each county's result.
    j.visit("/assessment/dashboard/")
    ranking = page.get_by_test_id("dashboard-ranking")
    assert ranking.get_by_role("link", name=COUNTY).count() == 1
    assert "得分" in ranking.locator("thead").inner_text()  # the assessment's score, not a risk score (风险值)
    with page.expect_navigation():
        page.get_by_test_id("dashboard-ranking-run").click()
    assert re.search(r"/assessment/runs/\d+/$", page.url), page.url

    # The departments' duty check of last quarter (published by the demo): every member department ranked,
    # the five that supervise industries scored; a score opens that department's breakdown.
    last_quarter = _last_quarter_key()
    j.visit(f"/assessment/dashboard/?period={last_quarter}")
    duty = page.get_by_test_id("dashboard-duty-check")
    duty.scroll_into_view_if_needed()
    j.shot("dashboard-duty-check")
    assert duty.get_by_test_id("duty-row").count() == 8
    assert duty.get_by_test_id("duty-score").count() == 5
    assert duty.get_by_role("link", name="龙岩市应急管理局").count() == 1
    score = duty.get_by_role("row").filter(has_text="龙岩市应急管理局").get_by_test_id("duty-score").inner_text()
    with page.expect_navigation():
        duty.get_by_role("row").filter(has_text="龙岩市应急管理局").get_by_test_id("duty-score").click()
    assert re.search(r"/assessment/results/\d+/$", page.url), page.url
    assert page.get_by_test_id("score").inner_text().strip() == score
    assert page.get_by_test_id("indicator-row").count() == 5
    j.shot("department-result")

    # The runs page: start this quarter's run; it finishes and ranks every county.
    j.visit("/assessment/", "runs")
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    form = page.get_by_test_id("run-start")
    form.locator("select[name=kind]").select_option("quarter")
    form.locator("input[name=year]").fill(str(today.year))
    form.locator("input[name=number]").fill(str(quarter))
    with page.expect_navigation():
        form.get_by_role("button", name="开始考核").click()
    match = re.search(r"/assessment/runs/(\d+)/$", page.url)
    assert match, f"the run did not start: {page.url}\n{page.locator('main').inner_text()[:500]}"
    new_run = AssessmentRun.objects.select_related("period").get(pk=int(match[1]))
    assert (new_run.period.kind, new_run.period.year, new_run.period.number) == ("quarter", today.year, quarter)
    assert "考核已开始" in page.locator("main").inner_text()
    _wait_until_finished(j, new_run.pk)
    j.shot("quarter-run-finished")
    assert page.get_by_test_id("ranking-row").count() == len(counties)

    # The month's run: publishing is refused while 上杭县's objection is open.
    j.visit(f"/assessment/runs/{month_run.pk}/", "month-run-with-objection")
    row = page.get_by_test_id("ranking-row").filter(has_text=COUNTY)
    assert "有待答复的异议" in row.inner_text()
    with page.expect_navigation():
        page.get_by_test_id("publish").click()
    assert "请先答复未处理的异议，再发布。" in page.locator("main").inner_text()
    j.shot("publish-refused")
    assert not AssessmentResult.objects.filter(run=month_run, status="published").exists()

    # Open the county's result and accept the objection, with the reason.
    with page.expect_navigation():
        page.get_by_test_id("ranking-row").filter(has_text=COUNTY).get_by_role("link", name=COUNTY).click()
    j.shot("objection-open")
    card = page.get_by_test_id("objection")
    card.locator(f"select[name=o{objection.pk}-decision]").select_option("accept")
    card.locator(f"textarea[name=o{objection.pk}-answer]").fill(ANSWER)
    with page.expect_navigation():
        card.get_by_role("button", name="答复").click()
    j.shot("objection-answered")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ACCEPTED and objection.answer == ANSWER
    card_text = page.get_by_test_id("objection").inner_text()
    assert ANSWER in card_text and "→" in card_text, card_text  # the scores before and after

    # Now the month publishes; its results are frozen.
    j.visit(f"/assessment/runs/{month_run.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("publish").click()
    main = page.locator("main").inner_text()
    assert "结果已发布并固化。" in main and "已发布：结果已固化，不再变化。" in main
    assert page.get_by_test_id("publish").count() == 0
    j.shot("month-published")
    assert set(AssessmentResult.objects.filter(run=month_run).values_list("status", flat=True)) == {"published"}

    # The Excel report: a ranking sheet and one sheet per county.
    with page.expect_download() as download_info:
        page.get_by_test_id("xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    assert workbook.sheetnames[0] == "排名", workbook.sheetnames
    assert sorted(workbook.sheetnames[1:]) == sorted(counties), workbook.sheetnames
    ranking_rows = list(workbook["排名"].iter_rows(values_only=True))
    assert {row[1] for row in ranking_rows[2:]} == set(counties)
    county_rows = list(workbook[COUNTY].iter_rows(values_only=True))
    assert len(county_rows) > 5 and county_rows[0][0] == COUNTY, county_rows[:2]  # its indicator breakdown

    # On a phone: the dashboard and a county's result, nothing wider than the screen.
    p = open_journey("assessment-phone", phone=True)
    p.login("committee", world["password"])
    p.visit("/assessment/dashboard/")
    p.page.wait_for_selector("#dashboard-trend canvas")
    p.shot("dashboard")
    p.visit(f"/assessment/results/{objection.result_id}/", "result")
    assert p.page.get_by_test_id("indicator-row").count() > 5
    _no_sideways_scroll(p.page, "breakdown")
    # The departments' duty check on the phone: a score opens the breakdown, read without scrolling sideways.
    p.visit(f"/assessment/dashboard/?period={last_quarter}")
    p.page.get_by_test_id("dashboard-duty-check").scroll_into_view_if_needed()
    p.shot("dashboard-duty-check")
    with p.page.expect_navigation():
        p.page.get_by_test_id("duty-score").first.click()
    assert p.page.get_by_test_id("indicator-row").count() == 5
    p.shot("department-result")
    _no_sideways_scroll(p.page, "breakdown")
    finish_all(j, p)
