"""Excel import of the counties' yearly targets and base figures (one row per county and year).

Every row is checked with the same form as the admin; every problem is reported with its row and
column, and nothing is saved unless every row is right (a half-imported sheet is worse than none).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Jurisdiction

from .forms import CountyInputForm
from .models import CountyInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The template's columns are the form's fields: a row is checked by the same form as the page's.
COLUMNS: list[str] = list(CountyInputForm.Meta.fields)


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _verbose_name(name: str) -> StrOrPromise:
    field = CountyInput._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column of the table, not a reverse relation
    return field.verbose_name


def _header_names() -> dict[str, str]:
    """Header text → field: the field name, and its label in English and in Chinese."""
    names: dict[str, str] = {}
    for name in COLUMNS:
        label = _verbose_name(name)
        names[name.lower()] = name
        names[str(label).lower()] = name
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names[str(label).strip().lower()] = name
    return names


def template_headers() -> list[str]:
    return [str(_verbose_name(name)) for name in COLUMNS]


def _rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def county_inputs_import(*, filename: str, content: bytes, user: Any = None) -> ImportReport:
    report = ImportReport()
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        report.errors.append(RowError(0, _("file"), _("Upload an Excel file (.xlsx).")))
        return report
    try:
        rows = _rows(content)
    except Exception:  # openpyxl raises many kinds of errors for a file that is not a workbook
        report.errors.append(RowError(0, _("file"), _("The file could not be read as an Excel workbook.")))
        return report
    if not rows:
        report.errors.append(RowError(1, _("file"), _("The sheet is empty.")))
        return report
    known = _header_names()
    header = [known.get(str(cell or "").strip().lower()) for cell in rows[0]]
    missing = [name for name in ("jurisdiction", "year") if name not in header]
    for name in missing:
        label = str(_verbose_name(name))
        report.errors.append(RowError(1, label, _("This column is missing.")))
    if missing:
        return report
    counties = {}
    for area in Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY):
        counties[area.name] = area
        if area.code:
            counties[area.code] = area
    forms: list[tuple[int, CountyInputForm]] = []
    seen: set[tuple[int, str]] = set()
    for number, row in enumerate(rows[1:], start=2):
        if all(cell in (None, "") for cell in row):
            continue
        data: dict[str, Any] = {}
        for column, cell in zip(header, row, strict=False):
            if column:
                data[column] = "" if cell is None else str(cell).strip()
        county_name = data.get("jurisdiction", "")
        county = counties.get(county_name)
        if county is None:
            label = str(_verbose_name("jurisdiction"))
            report.errors.append(
                RowError(number, label, _("“%(name)s” is not a county, district or zone.") % {"name": county_name})
            )
            continue
        data["jurisdiction"] = county.pk
        year = data.get("year", "")
        existing = CountyInput.objects.filter(jurisdiction=county, year=year).first() if year.isdigit() else None
        if existing is not None:
            # Columns left out of the sheet keep what was entered before.
            for name in COLUMNS:
                if name not in data:
                    value = getattr(existing, name if name != "jurisdiction" else "jurisdiction_id")
                    data[name] = "" if value is None else value
        if existing is None and all(data.get(name) in (None, "") for name in COLUMNS[2:]):
            # A row of the downloaded template left blank: nothing to enter, and no empty record to make.
            continue
        form = CountyInputForm(data=data, instance=existing)
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = str(form.fields[name].label) if name in form.fields else name
                for message in messages:
                    report.errors.append(RowError(number, label, str(message)))
            continue
        key = (form.cleaned_data["year"], county_name)
        if key in seen:
            report.errors.append(
                RowError(number, str(form.fields["year"].label), _("This county and year appear twice."))
            )
            continue
        seen.add(key)
        forms.append((number, form))
    if report.errors:
        return report
    with transaction.atomic():
        for _number, form in forms:
            created = form.instance.pk is None
            record = form.save(commit=False)
            record.updated_by = user if getattr(user, "pk", None) else None
            record.save()
            if created:
                report.created += 1
            else:
                report.updated += 1
    return report
