"""The one export writer: CSV and Excel files streamed in constant memory, every text cell formula-escaped.

Every download of the platform (the credit feeds' `?format=csv|xlsx`, the enterprise registry, the
assessment report, the dashboard, the county-figures template) goes through here, so that:

- rows are consumed one at a time from an iterator (callers pass `queryset.values_list(...).iterator(chunk_size=2000)`
  or a generator over one), never collected into a list, and the file is never held whole in memory: CSV is
  written in ~64 KB pieces into a `StreamingHttpResponse`; Excel through openpyxl's write-only workbook (rows
  go to a temporary file as they are appended, strings are written inline) saved to a temporary file that a
  `FileResponse` streams;
- a text cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
  return) gets a leading `'`, as OWASP's "CSV injection" page recommends. Only text is escaped: a number stays a
  number (-5 is not a formula), in CSV as in Excel;
- CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The first characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
# Characters XML 1.0 cannot carry; openpyxl refuses them (a name pasted with a control character would be a 500).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
CSV_FLUSH_BYTES = 64 * 1024


def escape_cell(value: Any) -> Any:
    """The value itself, except text a spreadsheet would run as a formula, which gets a leading `'`."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """What escape_cell wrote, read back (an import of an exported file gets the original text)."""
    if text[:1] == "'" and text[1:2] in FORMULA_TRIGGERS:
        return text[1:]
    return text


# CSV --------------------------------------------------------------------------------------------


def csv_chunks(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The file in pieces of about 64 KB: BOM, header, then the rows (None is an empty cell)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(cell) for cell in header])
    triggers = FORMULA_TRIGGERS
    writerow = writer.writerow
    for row in rows:
        # Inlined escape_cell: this loop runs once per cell of the largest exports.
        writerow([("'" + v) if isinstance(v, str) and v[:1] in triggers else v for v in row])
        if buffer.tell() >= CSV_FLUSH_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """A CSV download streamed as the rows come (the rows are read while the response is sent)."""
    response = StreamingHttpResponse(_in_request_context(csv_chunks(header, rows)), content_type=CSV_CONTENT_TYPE)
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


def xlsx_cell(value: Any) -> Any:
    """A value as openpyxl can write it: text escaped and cleaned, local naive times, lazy text evaluated."""
    if isinstance(value, str):
        return escape_cell(_XML_ILLEGAL.sub("", value))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the time as read in the platform's (or the request's) zone.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Promise):
        return xlsx_cell(str(value))
    return value  # Decimal, date, time: openpyxl writes them as numbers / dates


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


def xlsx_file(sheets: Iterable[Sheet]) -> IO[bytes]:
    """Write the workbook to a temporary file (deleted when closed) and return it positioned at its start."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for spec in sheets:
        sheet = workbook.create_sheet(sheet_title(spec.title, used))
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        append = sheet.append
        for row in spec.rows:
            append([xlsx_cell(v) for v in row])
    if not used:
        workbook.create_sheet("Sheet")
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the FileResponse that streams it)
    workbook.save(out)
    out.seek(0)
    return out


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> FileResponse:
    """An Excel download: built on disk while the view runs (so errors are still errors), then streamed."""
    return FileResponse(xlsx_file(sheets), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
