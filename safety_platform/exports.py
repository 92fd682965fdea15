"""The one export writer: CSV and Excel files streamed in constant memory, every text cell formula-escaped.

Every download of the platform (the credit feeds' `?format=csv|xlsx`, the enterprise registry, the
assessment report, the dashboard, the county-figures template) goes through here, so that:

- rows are consumed one at a time from an iterator (callers pass `queryset.values_list(...).iterator(chunk_size=2000)`
  or a generator over one), never collected into a list, and the file is never held whole in memory: CSV is
  written in ~64 KB pieces into a `StreamingHttpResponse`; Excel is written as SpreadsheetML straight into a
  zip in a temporary file (strings inline, ~64 KB at a time) that a `FileResponse` streams;
- a text cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
  return) gets a leading `'`, as OWASP's "CSV injection" page recommends. Only text is escaped: a number stays a
  number (-5 is not a formula), in CSV as in Excel;
- CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from itertools import islice
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The first characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
FORMULA_PREFIXES = tuple(sorted(FORMULA_TRIGGERS))  # for str.startswith
# Characters XML 1.0 cannot carry; openpyxl refuses them (a name pasted with a control character would be a 500).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
CSV_FLUSH_BYTES = 64 * 1024
CSV_BATCH_ROWS = 100  # rows handed to csv.writer per call: a batch stays far below CSV_FLUSH_BYTES


def escape_cell(value: Any) -> Any:
    """The value itself, except text a spreadsheet would run as a formula, which gets a leading `'`."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def escape_text(text: str) -> str:
    """escape_cell for a value known to be text (one C call: the rows of the largest exports use it per cell)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unescape_cell(text: str) -> str:
    """What escape_cell wrote, read back (an import of an exported file gets the original text)."""
    if text[:1] == "'" and text[1:2] in FORMULA_TRIGGERS:
        return text[1:]
    return text


# CSV --------------------------------------------------------------------------------------------


def csv_chunks(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, escaped: bool = False) -> Iterator[bytes]:
    """The file in pieces of about 64 KB: BOM, header, then the rows (None is an empty cell).

    `escaped=True` is the caller's promise that its rows are already formula-escaped (every text cell through
    `escape_cell` or `escape_text`, as the credit feeds' hand-written CSV rows are): they go to csv.writer as they
    are, a batch of rows per call.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(cell) for cell in header])
    if not escaped:
        triggers = FORMULA_TRIGGERS
        # Inlined escape_cell: this runs once per cell of the largest exports.
        rows = ([("'" + v) if isinstance(v, str) and v[:1] in triggers else v for v in row] for row in rows)
    remaining = iter(rows)
    writerows = writer.writerows
    while True:
        # A batch of rows in one call (the loop over them is csv.writer's, in C); a row writes at least its
        # line end, so a batch that writes nothing was the end of the rows.
        start = buffer.tell()
        writerows(islice(remaining, CSV_BATCH_ROWS))
        end = buffer.tell()
        if end == start:
            break
        if end >= CSV_FLUSH_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_response(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, escaped: bool = False
) -> StreamingHttpResponse:
    """A CSV download streamed as the rows come (the rows are read while the response is sent)."""
    chunks = csv_chunks(header, rows, escaped=escaped)
    response = StreamingHttpResponse(_in_request_context(chunks), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _in_request_context(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Run the generator in the language and time zone of the request that made it.

    A streaming body is produced after the view returned, when middleware may have switched both back;
    labels (get_FOO_display) and local times in the rows must still read as the requester's.
    """
    language = translation.get_language()
    zone = timezone.get_current_timezone()

    def generate() -> Iterator[bytes]:
        with translation.override(language), timezone.override(zone):
            yield from chunks

    return generate()


# Excel ------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet: its title (made valid and unique) and its rows, header rows included."""

    title: str
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = field(default_factory=tuple)


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_STYLE_DATE, _STYLE_DATETIME = 1, 2  # cellXfs in _STYLES


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = [_column_letter(i) for i in range(1, 16385)]  # Excel's 16,384 columns: A … XFD


def _xlsx_cell(ref: str, value: Any) -> str:
    """One <c> element: text inline (never a formula, never the shared-strings table that grows with the
    rows), numbers as numbers, dates and local times as Excel serials with a date format."""
    if isinstance(value, str):
        text = escape_cell(_XML_ILLEGAL.sub("", value)).translate(_XML_TEXT)
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, int) or (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return _xlsx_cell(ref, str(value))
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the time as read in the platform's (or the request's) zone.
        local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        serial = (local - _EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{_STYLE_DATE}"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    return _xlsx_cell(ref, str(value))  # lazy text, times, anything else: as text


def sheet_title(title: str, used: set[str]) -> str:
    """A valid worksheet title (31 characters, none of []:*?/\\), unique in the workbook."""
    base = _SHEET_TITLE_BAD.sub("", str(title)).strip("'")[:31] or "Sheet"
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        suffix = f"_{n}"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_WRITE_BYTES = 64 * 1024


def _write_sheet(archive: zipfile.ZipFile, number: int, spec: Sheet) -> None:
    """The sheet's XML, compressed into the archive as its rows come (a buffer of ~64 KB at a time)."""
    # No ZIP64 records (some spreadsheet programs refuse them): a sheet's XML stays far below 2 GB (about
    # 300 bytes a row of 15 cells), and zipfile raises rather than write a broken file beyond it.
    with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as raw:
        parts = [f'{_XML_HEAD}<worksheet xmlns="{_NS}">']
        if spec.widths:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{float(w)!r}" customWidth="1"/>'
                for i, w in enumerate(spec.widths, start=1)
            )
            parts.append(f"<cols>{cols}</cols>")
        parts.append("<sheetData>")
        size = 0
        letters = _LETTERS
        for r, row in enumerate(spec.rows, start=1):
            cells = "".join(_xlsx_cell(f"{letters[i]}{r}", v) for i, v in enumerate(row) if v is not None)
            line = f'<row r="{r}">{cells}</row>'
            parts.append(line)
            size += len(line)
            if size >= _WRITE_BYTES:
                raw.write("".join(parts).encode("utf-8"))
                parts.clear()
                size = 0
        parts.append("</sheetData></worksheet>")
        raw.write("".join(parts).encode("utf-8"))


def xlsx_file(sheets: Iterable[Sheet]) -> IO[bytes]:
    """Write the workbook to a temporary file (deleted when closed) and return it positioned at its start.

    The package is the minimal SpreadsheetML one (content types, relationships, workbook, styles, one XML
    per sheet) written directly: openpyxl's write-only mode wrote the same XML ten times slower, which at
    100,000 rows outlasted a web worker's timeout. openpyxl still reads the files back in the tests.
    """
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the FileResponse that streams it)
    titles: list[str] = []
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for spec in sheets:
            titles.append(sheet_title(spec.title, used))
            _write_sheet(archive, len(titles), spec)
        if not titles:
            titles.append("Sheet")
            _write_sheet(archive, 1, Sheet("Sheet", []))
        numbers = range(1, len(titles) + 1)
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        archive.writestr(
            "[Content_Types].xml",
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>' for n in numbers)
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets_xml = "".join(
            f'<sheet name="{escape(title, quote=True)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, title in zip(numbers, titles, strict=True)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'{_XML_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets_xml}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in numbers
        )
        rels += f'<Relationship Id="rId{len(titles) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{rels}</Relationships>'
        )
        archive.writestr("xl/styles.xml", _STYLES)
    out.seek(0)
    return out


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> FileResponse:
    """An Excel download: built on disk while the view runs (so errors are still errors), then streamed."""
    return FileResponse(xlsx_file(sheets), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
