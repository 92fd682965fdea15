"""Excel import of the counties' targets and base figures: every bad row reported with its column, nothing
saved unless all rows are right; the admin page shows the problems."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.importing import county_inputs_import
from assessment.models import CountyInput

pytestmark = pytest.mark.django_db

HEADER = ["县（市、区）", "year", "死亡人数控制指标", "GDP（亿元）", "工矿商贸从业人员数"]


def workbook(*rows: list[Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_good_rows_are_imported_and_a_second_import_updates(reference: Any) -> None:
    content = workbook(HEADER, ["新罗区", 2026, 12, 1180.5, 186000], ["350823", 2026, 9, 0, 92000])
    report = county_inputs_import(filename="targets.xlsx", content=content)
    assert report.ok and (report.created, report.updated) == (2, 0)
    xinluo = CountyInput.objects.get(jurisdiction__name="新罗区", year=2026)
    assert (xinluo.deaths_target, xinluo.gdp_100m_yuan) == (12, Decimal("1180.50"))
    assert CountyInput.objects.get(jurisdiction__name="上杭县").gdp_100m_yuan == 0  # zero GDP is an entry, not an error

    again = county_inputs_import(
        filename="targets.xlsx", content=workbook(["县（市、区）", "year", "死亡人数控制指标"], ["新罗区", 2026, 10])
    )
    assert again.ok and (again.created, again.updated) == (0, 1)
    xinluo.refresh_from_db()
    assert (xinluo.deaths_target, xinluo.gdp_100m_yuan) == (10, Decimal("1180.50"))  # a missing column keeps its value


def test_every_bad_row_is_reported_with_its_column_and_nothing_is_saved(reference: Any) -> None:
    content = workbook(
        HEADER,
        ["新罗区", 2026, 12, 1180.5, 186000],  # fine, but not saved because of the others
        ["东城街道", 2026, 3, 10, 100],  # a township
        ["永定区", 2026, 8, -5, 78000],  # negative GDP
        ["长汀县", 2026, "很多", 346.8, 64000],  # not a number
        ["新罗区", 2026, 12, 1180.5, 186000],  # twice
    )
    report = county_inputs_import(filename="targets.xlsx", content=content)
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, "县（市、区）"), (4, "GDP（亿元）"), (5, "死亡人数控制指标"), (6, "年度")}
    assert not CountyInput.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(reference: Any) -> None:
    report = county_inputs_import(filename="targets.xlsx", content=b"not a workbook")
    assert not report.ok and report.errors[0].row == 0
    assert not county_inputs_import(filename="targets.csv", content=b"a,b").ok


def test_the_admin_import_page_lists_the_rows_with_problems(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["admin"])
    url = reverse("admin:assessment_countyinput_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("t.xlsx", workbook(HEADER, ["永定区", 2026, 8, -5, 78000]))
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "GDP（亿元）" in page and "不能为负数" in page
    upload = SimpleUploadedFile("t.xlsx", workbook(HEADER, ["永定区", 2026, 8, 452.3, 78000]))
    assert client.post(url, {"file": upload}).status_code == 302
    assert CountyInput.objects.get().updated_by == users["admin"]
