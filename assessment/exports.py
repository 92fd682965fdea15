"""The assessment report of a run: as Excel (a ranking sheet, one sheet per county) and the printable page's rows.

Everything comes from the results' own copies (score, grade, breakdown, record ids), so a published
report reads the same whatever happens to the records afterwards.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safety_platform import exports

from .choices import SchemeKind
from .models import AssessmentResult, AssessmentRun


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


def report_sheets(run: AssessmentRun, results: list[AssessmentResult]) -> list[exports.Sheet]:
    """The report as worksheets: the ranking, then one sheet per assessee (written and escaped by
    safety_platform.exports)."""
    ranking: list[list[Any]] = [
        [f"{_('Assessment report')} {run.period.label} · {run.scheme}"],
        [
            _("Rank"),
            _("Department") if run.scheme.kind == SchemeKind.DEPARTMENT else _("County / district / zone"),
            pgettext("assessment", "Score"),
            pgettext("assessment", "Grade"),
            _("Veto"),
            _("Change from the previous period"),
            pgettext("assessment result", "Status"),
        ],
    ]
    ranking += [
        [
            result.rank,
            result.assessee_name,
            result.score,
            grade_label(result),
            veto_text(result),
            result.change,
            str(result.get_status_display()),
        ]
        for result in results
    ]
    sheets = [exports.Sheet(_("Ranking"), ranking)]
    for result in results:
        rows: list[list[Any]] = [
            [result.assessee_name, run.period.label],
            [
                pgettext("assessment", "Score"),
                result.score,
                pgettext("assessment", "Grade"),
                grade_label(result),
                _("Rank"),
                result.rank,
            ],
        ]
        if result.vetoed:
            rows.append([_("Veto"), veto_text(result)])
        rows.append(
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
        rows += [
            [
                row["label"],
                str(row["part"]),
                row["weight"],
                row["numerator"],
                row["denominator"],
                row["normalized"],
                row["target"],
                row["points"],
                row["records"],
                row["reason"],
            ]
            for row in indicator_rows(result)
        ]
        rows += [[str(note)] for note in result.notes or []]
        sheets.append(exports.Sheet(result.assessee_name or str(result.pk), rows))
    return sheets


def report_filename(run: AssessmentRun, ext: str) -> str:
    return f"assessment-{run.period.kind}-{run.period.year}-{run.period.number}-{timezone.localdate():%Y%m%d}.{ext}"
