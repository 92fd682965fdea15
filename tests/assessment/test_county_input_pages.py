"""Committee pages for the counties' targets and base figures: the table of counties for a year, the edit
form per county and year, the Excel template and import (every bad row shown, nothing saved unless all
rows are right); refusals name the field; other roles are refused; the table costs a fixed number of queries."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import CountyInput
from assessment.services import county_input_save
from safety_platform.models import Jurisdiction
from tests.platform.test_forms_roundtrip import edit_form_on, post_data

pytestmark = pytest.mark.django_db


def _workbook(*rows: list[Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def _snapshot() -> list[dict[str, Any]]:
    return list(CountyInput.objects.order_by("pk").values())


def _edit_url(county: Jurisdiction, year: int) -> str:
    return f"/assessment/county-inputs/{county.pk}/{year}/edit/"


def test_the_table_shows_every_county_with_its_figures_for_the_year(
    client: Any, org: Any, users: dict[str, Any]
) -> None:
    county_input_save(
        jurisdiction=org.jurisdiction("新罗区"), year=2026, deaths_target=12, gdp_100m_yuan=Decimal("1180.5")
    )
    county_input_save(jurisdiction=org.jurisdiction("上杭县"), year=2025, deaths_target=7)
    client.force_login(users["committee"])
    html = client.get("/assessment/county-inputs/?year=2026").content.decode()
    counties = Jurisdiction.objects.filter(level="county").count()
    assert html.count('data-testid="county-input-row"') == counties
    assert "1180.50" in html and _edit_url(org.jurisdiction("新罗区"), 2026) in html
    assert "7</td>" not in html  # 上杭县's figure is for 2025
    assert client.get("/assessment/county-inputs/?year=1999").status_code == 400  # a year out of range, named


def test_the_table_costs_a_fixed_number_of_queries(client: Any, org: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    client.get("/assessment/county-inputs/?year=2026")  # warm up the session and the menu

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/assessment/county-inputs/?year=2026").status_code == 200
        return len(queries)

    empty = count()
    for county in Jurisdiction.objects.filter(level="county"):
        county_input_save(jurisdiction=county, year=2026, deaths_target=5, industrial_workers=1000)
    assert count() == empty <= 12


def test_committee_enters_a_countys_figures_and_the_audit_trail_records_it(
    client: Any, org: Any, users: dict[str, Any]
) -> None:
    county = org.jurisdiction("永定区")
    client.force_login(users["committee"])
    response = client.post(_edit_url(county, 2026), {"deaths_target": "8", "gdp_100m_yuan": "402.3"})
    assert response.status_code == 302
    record = CountyInput.objects.get(jurisdiction=county, year=2026)
    assert (record.deaths_target, record.gdp_100m_yuan, record.updated_by) == (8, Decimal("402.30"), users["committee"])
    response = client.post(_edit_url(county, 2026), {"deaths_target": "9", "gdp_100m_yuan": "402.3"})
    assert response.status_code == 302
    entries = LogEntry.objects.get_for_object(record).order_by("timestamp", "pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries.last().actor == users["committee"]
    assert 'id="audit-history"' in client.get(_edit_url(county, 2026)).content.decode()


def test_a_negative_gdp_is_refused_naming_the_field_and_nothing_is_saved(
    client: Any, org: Any, users: dict[str, Any]
) -> None:
    county = org.jurisdiction("新罗区")
    county_input_save(jurisdiction=county, year=2026, deaths_target=12, gdp_100m_yuan=Decimal(1000))
    before = _snapshot()
    client.force_login(users["committee"])
    response = client.post(_edit_url(county, 2026), {"deaths_target": "10", "gdp_100m_yuan": "-5"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="gdp_100m_yuan"' in html and "GDP" in html
    assert _snapshot() == before


def test_saving_the_form_unchanged_changes_nothing(client: Any, org: Any, users: dict[str, Any]) -> None:
    county = org.jurisdiction("新罗区")
    county_input_save(jurisdiction=county, year=2026, deaths_target=12, gdp_100m_yuan=Decimal("1180.5"))
    client.force_login(users["committee"])
    for year in (2026, 2027):  # an entered year, and one with nothing entered yet (no empty row is made)
        before, entries = _snapshot(), LogEntry.objects.count()
        page = client.get(_edit_url(county, year)).content.decode()
        response = client.post(_edit_url(county, year), post_data(edit_form_on(page, _edit_url(county, year))))
        assert response.status_code == 302
        assert _snapshot() == before and LogEntry.objects.count() == entries


def test_a_township_or_an_unknown_county_has_no_edit_page(client: Any, org: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    assert client.get(_edit_url(org.jurisdiction("新罗区/东城街道"), 2026)).status_code == 404
    assert client.get("/assessment/county-inputs/999999/2026/edit/").status_code == 404
    assert client.get(_edit_url(org.jurisdiction("新罗区"), 1999)).status_code == 404


def test_the_template_downloads_and_imports_back_unchanged(client: Any, org: Any, users: dict[str, Any]) -> None:
    county_input_save(jurisdiction=org.jurisdiction("新罗区"), year=2026, deaths_target=12, industrial_workers=186000)
    client.force_login(users["committee"])
    response = client.get("/assessment/county-inputs/template.xlsx?year=2026")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('2026.xlsx"')
    content = response.getvalue()  # streamed: read once
    rows = _rows(content)
    assert len(rows) == 1 + Jurisdiction.objects.filter(level="county").count()
    assert ["新罗区", 2026, 12] in [row[:3] for row in rows[1:]]
    before = _snapshot()
    upload = SimpleUploadedFile("county-inputs-2026.xlsx", content)
    response = client.post("/assessment/county-inputs/import/", {"file": upload})
    assert response.status_code == 302
    after = _snapshot()
    for row in (*before, *after):
        row.pop("updated_at"), row.pop("updated_by_id")
    assert after == before  # the blank rows of the template make no empty records


def test_an_import_with_a_bad_row_shows_each_problem_and_saves_nothing(
    client: Any, org: Any, users: dict[str, Any]
) -> None:
    header = ["县（市、区）", "year", "死亡人数控制指标", "GDP（亿元）"]
    content = _workbook(header, ["新罗区", 2026, 12, 1180.5], ["永定区", 2026, 8, -5], ["东城街道", 2026, 3, 10])
    client.force_login(users["committee"])
    response = client.post("/assessment/county-inputs/import/", {"file": SimpleUploadedFile("t.xlsx", content)})
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('data-testid="import-error"') == 2
    assert "GDP" in html and "东城街道" in html
    assert not CountyInput.objects.exists()

    good = _workbook(header, ["新罗区", 2026, 12, 1180.5], ["永定区", 2026, 8, 402])
    response = client.post("/assessment/county-inputs/import/", {"file": SimpleUploadedFile("t.xlsx", good)})
    assert response.status_code == 302
    assert CountyInput.objects.count() == 2


@pytest.mark.parametrize("role", ["inspector", "department", "enterprise"])
def test_other_roles_cannot_open_or_change_the_figures(client: Any, org: Any, users: dict[str, Any], role: str) -> None:
    county = org.jurisdiction("新罗区")
    client.force_login(users[role])
    for url in (
        "/assessment/county-inputs/",
        "/assessment/county-inputs/import/",
        "/assessment/county-inputs/template.xlsx",
        _edit_url(county, 2026),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(_edit_url(county, 2026), {"deaths_target": "1"}).status_code == 403
    content = _workbook(["县（市、区）", "year", "死亡人数控制指标"], ["新罗区", 2026, 1])
    response = client.post("/assessment/county-inputs/import/", {"file": SimpleUploadedFile("t.xlsx", content)})
    assert response.status_code == 403
    assert not CountyInput.objects.exists()


def test_the_assessment_menu_leads_committee_staff_to_both_pages(users: dict[str, Any]) -> None:
    from safety_platform.navigation import nav_for

    def urls(user: Any) -> set[str]:
        return {item["url"] for group in nav_for(user) for item in group["items"]}

    assert {"/assessment/schemes/", "/assessment/county-inputs/"} <= urls(users["committee"])
    assert "/assessment/county-inputs/" not in urls(users["inspector"])
