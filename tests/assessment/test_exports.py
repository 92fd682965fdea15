"""The assessment report as Excel (a ranking sheet and one sheet per county) and as a printable A4 page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from assessment.models import AssessmentRun
from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from safety_platform.exports import escape_cell as safe
from tests.factories import EnterpriseFactory, UserFactory

from .helpers import at, hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(org: Any) -> AssessmentRun:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        hazard(firm, found_at=at(2026, 7, 1), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 5))
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        return assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)


def test_the_excel_report_opens_with_a_ranking_and_a_sheet_per_county(
    client: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    client.force_login(users["committee"])
    response = client.get(f"/assessment/runs/{run.pk}/report/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.getvalue()))
    assert book.sheetnames[0] == "排名"
    assert len(book.sheetnames) == 1 + 8 and "新罗区" in book.sheetnames
    ranking = list(book["排名"].iter_rows(values_only=True))
    assert len(ranking) == 2 + 8
    # Headings in the assessment's own words (not 经营状态 or a rescue team's 驻地 from other apps' catalogs).
    assert ranking[1] == ("排名", "县（市、区）", "得分", "等次", "一票否决", "较上期变化", "状态")
    xinluo = list(book["新罗区"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(xinluo) if row[0] == "指标")
    assert xinluo[header][4] == "基数", xinluo[header]
    assert (
        len([r for r in xinluo[header + 1 :] if r[1]])
        == run.results.get(jurisdiction__name="新罗区").indicators.count()
    )


def test_a_countys_inspector_gets_only_their_countys_sheet(
    client: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    client.force_login(users["inspector"])
    book = load_workbook(io.BytesIO(client.get(f"/assessment/runs/{run.pk}/report/?format=xlsx").getvalue()))
    assert book.sheetnames == ["排名", "新罗区"]


def test_department_staff_get_no_report_of_a_preliminary_run(
    client: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    client.force_login(users["department"])
    assert client.get(f"/assessment/runs/{run.pk}/report/?format=xlsx").status_code == 404


def test_cells_that_look_like_formulas_are_kept_as_text() -> None:
    assert safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe("@SUM(A1)") == "'@SUM(A1)"
    assert safe("新罗区") == "新罗区"


def test_the_printable_report_is_a4_with_page_numbers(client: Any, users: dict[str, Any], run: AssessmentRun) -> None:
    client.force_login(users["committee"])
    html = client.get(f"/assessment/runs/{run.pk}/report/").content.decode()
    assert "size: A4" in html and "counter(page)" in html
    assert html.count('data-testid="report-county"') == 8


def test_enterprise_users_get_no_report(client: Any, users: dict[str, Any], run: AssessmentRun, org: Any) -> None:
    client.force_login(users["enterprise"])
    assert client.get(f"/assessment/runs/{run.pk}/report/").status_code == 403
    other = UserFactory(username="insp_x", role="inspector")
    other.jurisdictions.add(org.jurisdiction("上杭县"))
    client.force_login(other)
    book = load_workbook(io.BytesIO(client.get(f"/assessment/runs/{run.pk}/report/?format=xlsx").getvalue()))
    assert book.sheetnames == ["排名", "上杭县"]


def test_the_printable_report_shows_zero_points_as_zero_and_unscored_as_a_dash(
    client: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    from decimal import Decimal

    from assessment.models import ResultIndicator

    rows = ResultIndicator.objects.filter(result__run=run)
    zero = rows.filter(scored=True).order_by("pk").first()
    assert zero is not None and rows.filter(scored=False).exists()
    ResultIndicator.objects.filter(pk=zero.pk).update(points=Decimal("0.00"))
    client.force_login(users["committee"])
    html = client.get(f"/assessment/runs/{run.pk}/report/").content.decode()
    values = [cell.split("<", 1)[0] for cell in html.split('data-label="分值">')[1:]]
    assert values.count("0.00") >= 1  # a scored indicator with no points left is 0.00, not "not scored"
    assert values.count("—") == rows.filter(scored=False).count()
