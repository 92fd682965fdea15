"""The assessment report of a run: as Excel (a ranking sheet, one sheet per county) and the printable page's rows.

Everything comes from the results' own copies (score, grade, breakdown, record ids), so a published
report reads the same whatever happens to the records afterwards.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from .choices import SchemeKind
from .models import AssessmentResult, AssessmentRun

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def safe(value: Any) -> Any:
    """A cell value that a spreadsheet never runs as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    return value


def grade_label(result: AssessmentResult) -> str:
    return str(result.get_grade_display()) if result.grade else "—"


def veto_text(result: AssessmentResult) -> str:
    if not result.vetoed:
        return ""
    return "；".join(str(r) for r in result.veto_reasons) or _("Veto applied")


def indicator_rows(result: AssessmentResult) -> list[dict[str, Any]]:
    """The breakdown of one result as the report shows it (from its own stored copy)."""
    return [
        {
            "label": item.label,
            "part": item.get_part_display(),
            "weight": item.effective_weight if item.scored else item.weight,
            "numerator": item.numerator,
            "denominator": item.denominator,
            "normalized": item.normalized,
            "target": item.target,
            "points": item.points,
            "scored": item.scored,
            "reason": item.reason,
            "records": len(item.record_ids or []),
        }
        for item in result.indicators.all()
    ]


def report_xlsx(run: AssessmentRun, results: list[AssessmentResult]) -> bytes:
    workbook = Workbook(write_only=True)
    ranking = workbook.create_sheet(_("Ranking"))
    ranking.append([safe(f"{_('Assessment report')} {run.period.label} · {run.scheme}")])
    ranking.append(
        [
            _("Rank"),
            _("Department") if run.scheme.kind == SchemeKind.DEPARTMENT else _("County / district / zone"),
            pgettext("assessment", "Score"),
            pgettext("assessment", "Grade"),
            _("Veto"),
            _("Change from the previous period"),
            pgettext("assessment result", "Status"),
        ]
    )
    for result in results:
        ranking.append(
            [
                result.rank,
                safe(result.assessee_name),
                safe(result.score),
                safe(grade_label(result)),
                safe(veto_text(result)),
                safe(result.change),
                safe(str(result.get_status_display())),
            ]
        )
    used: set[str] = set()
    for result in results:
        title = _SHEET_BAD.sub("", result.assessee_name)[:31] or str(result.pk)
        while title in used:
            title = f"{title[:28]}_{len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title)
        sheet.append([safe(result.assessee_name), safe(run.period.label)])
        sheet.append(
            [
                pgettext("assessment", "Score"),
                safe(result.score),
                pgettext("assessment", "Grade"),
                safe(grade_label(result)),
                _("Rank"),
                result.rank,
            ]
        )
        if result.vetoed:
            sheet.append([_("Veto"), safe(veto_text(result))])
        sheet.append(
            [
                _("Indicator"),
                _("Part"),
                _("Weight"),
                _("Raw value"),
                pgettext("assessment", "Base"),
                _("Normalized value"),
                _("Control target"),
                _("Points"),
                _("Records behind the figure"),
                _("Why not scored"),
            ]
        )
        for row in indicator_rows(result):
            sheet.append(
                [
                    safe(row["label"]),
                    safe(str(row["part"])),
                    safe(row["weight"]),
                    safe(row["numerator"]),
                    safe(row["denominator"]),
                    safe(row["normalized"]),
                    safe(row["target"]),
                    safe(row["points"]),
                    row["records"],
                    safe(row["reason"]),
                ]
            )
        for note in result.notes or []:
            sheet.append([safe(str(note))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_filename(run: AssessmentRun, ext: str) -> str:
    return f"assessment-{run.period.kind}-{run.period.year}-{run.period.number}-{timezone.localdate():%Y%m%d}.{ext}"
