"""The committee's, a county's and a department's dashboards: figures over the other apps' records.

Every figure is an SQL aggregate (`Count(..., filter=Q(...))`) grouped by the enterprise's jurisdiction
path or industry section and folded into the dashboard's rows in Python, so a page costs a fixed number
of queries whatever the data size. Each figure carries the URL of the existing list page whose filters
select exactly the records it counts (the tests fetch each link and compare the counts).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django.db.models import Case, Count, F, IntegerField, Q, Subquery, Sum, Value, When
from django.db.models.functions import Substr
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from credit.choices import Grade
from emergency.choices import AccidentGrade
from emergency.models import Accident
from enterprises.models import EnterpriseFigureSummary
from enterprises.registry.choices import EnterpriseStatus
from hazards.choices import RECTIFICATION_STATES, HazardGrade, RiskLevel, StatPeriodKind
from hazards.models import Hazard, HazardMonthSummary, HazardStatReport
from hazards.services.stats import previous_period
from safety_platform.choices import JurisdictionLevel, Role
from safety_platform.dates import day_start
from safety_platform.models import Industry, Jurisdiction
from safety_platform.scoping import within_path

from .choices import PeriodKind, ResultStatus, SchemeKind
from .models import AssessmentPeriod, AssessmentResult, CountyInput


class DashboardInputError(ValueError):
    """A period or jurisdiction in the URL that cannot be used; `field` names the parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# ---------------------------------------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    key: str  # as in the URL: 2026Q3, 2026-07, 2026
    start: dt.date
    end: dt.date  # inclusive
    label: str


_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def current_quarter(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def parse_period(raw: str | None, today: dt.date | None = None) -> Period:
    """`2026Q3` (quarter), `2026-07` (month) or `2026` (year); empty means the current quarter."""
    today = today or timezone.localdate()
    text = (raw or "").strip().upper() or current_quarter(today)
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        label = _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}
    elif match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise DashboardInputError("period", str(_("Period: there is no month %(month)s.") % {"month": month}))
        start = dt.date(year, month, 1)
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        label = _("%(year)s-%(month)02d") % {"year": year, "month": month}
    elif match := _YEAR.match(text):
        year = int(match[1])
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        label = _("Year %(year)s") % {"year": year}
    else:
        raise DashboardInputError(
            "period", str(_("Period: write a quarter (2026Q3), a month (2026-07) or a year (2026)."))
        )
    if start.year < 2000:
        raise DashboardInputError("period", str(_("Period: the year is too early.")))
    if start > today:
        raise DashboardInputError("period", str(_("Period: this period has not started yet.")))
    return Period(key=text, start=start, end=end, label=str(label))


# ------------------------------------------------------------------------------------------ jurisdiction


def _city() -> Jurisdiction | None:
    return Jurisdiction.objects.filter(level=JurisdictionLevel.CITY).order_by("path").first()


def resolve_jurisdiction(user: Any, code: str | None) -> Jurisdiction:
    """The jurisdiction the dashboard covers: the one named in the URL if the user may see it, else the
    user's own (the city for committee and department staff, the first of an inspector's areas)."""
    code = (code or "").strip()
    own_paths: list[str] = [] if not user.scopes_by_jurisdiction else list(user.jurisdiction_paths)
    if code:
        chosen = Jurisdiction.objects.filter(code=code).first()
        if chosen is None:
            raise DashboardInputError("jurisdiction", str(_("Jurisdiction: there is no area with this code.")))
        if own_paths and not any(chosen.path.startswith(path) for path in own_paths):
            raise DashboardInputError("jurisdiction", str(_("Jurisdiction: this area is outside yours.")))
        return chosen
    if own_paths:
        own = Jurisdiction.objects.filter(path__in=own_paths).order_by("path").first()
        if own is not None:
            return own
    city = _city()
    if city is None:
        raise DashboardInputError("jurisdiction", str(_("Jurisdiction: no city is set up yet.")))
    return city


# ------------------------------------------------------------------------------------------------ figures


@dataclass
class Cell:
    """One figure. `kind` says how it relates to its link: "count" — the list's count equals the value;
    "sum" — the value is a sum over the list's records (deaths); "plain" — no link (a target, a share),
    shown as `display` with `title` explaining it when set."""

    value: int | None
    url: str = ""
    kind: str = "count"
    display: str = ""
    title: str = ""
    alert: bool = False

    @property
    def text(self) -> str:
        if self.display:
            return self.display
        return "—" if self.value is None else str(self.value)


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (figure key, heading)
    rows: list[dict[str, Any]] = field(default_factory=list)  # {"label": str, "cells": {key: Cell}}
    total: dict[str, Cell] = field(default_factory=dict)
    note: str = ""  # what the figures count, shown under the title

    def cells_in_order(self) -> list[dict[str, Any]]:
        return [{"label": row["label"], "cells": [row["cells"][key] for key, _ in self.columns]} for row in self.rows]

    def total_in_order(self) -> list[Cell]:
        return [self.total[key] for key, _ in self.columns] if self.total else []


_PATHS: dict[tuple[str, str | None, str], str] = {}


def _url(name: str, **params: Any) -> str:
    # A page has a few hundred links to a dozen list pages: resolve each name once per language and prefix
    # (reverse() is most of the cost of building a dashboard once its figures come from the summaries).
    key = (name, get_language(), get_script_prefix())
    path = _PATHS.get(key)
    if path is None:
        path = _PATHS[key] = reverse(name)
    return f"{path}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def _row_for(path: str, rows: list[Jurisdiction]) -> Jurisdiction | None:
    for row in rows:
        if path.startswith(row.path):
            return row
    return None


def _fold(grouped: Iterable[Mapping[str, Any]], key: str, rows: list[Jurisdiction], figures: list[str]) -> dict:
    """Sum the per-path aggregates into the dashboard's rows (the children of the chosen area)."""
    totals: dict[int | None, dict[str, int]] = {row.pk: dict.fromkeys(figures, 0) for row in rows}
    # The area's own total (key None) counts every record under it, also those registered on the area
    # itself rather than on one of its rows: it must equal the list its link opens.
    totals[None] = dict.fromkeys(figures, 0)
    whole = totals[None]
    for item in grouped:
        row = _row_for(item[key] or "", rows)
        into = totals[row.pk] if row is not None else None
        for figure in figures:
            value = item.get(figure) or 0
            whole[figure] += value
            if into is not None:
                into[figure] += value
    return totals


HAZARD_FIGURES = [
    ("found", _("Hazards found")),
    ("closed", _("Hazards closed")),
    ("open", _("Hazards open")),
    ("overdue", _("Hazards overdue")),
    ("major_listed", _("Major hazards under listed supervision")),
]
ENTERPRISE_FIGURES = [("enterprises", _("Operating enterprises"))]
RISK_FIGURES = [(level, label) for level, label in RiskLevel.choices]
ACCIDENT_FIGURES = [(f"accidents_{grade}", label) for grade, label in AccidentGrade.choices]
CREDIT_FIGURES = [
    ("grade_1", Grade.ONE.label),
    ("grade_2", Grade.TWO.label),
    ("grade_3", Grade.THREE.label),
    ("blacklisted", pgettext_lazy("dashboard", "Blacklisted")),
]
COMPLIANCE_FIGURES = [
    ("stats_missing", _("Quarterly statistics not filed on time")),
    ("self_check_missing", _("No self-check in the period")),
    ("warning_unacknowledged", _("Warnings not acknowledged (enterprises)")),
]
DEATH_FIGURES = [
    ("fatal_accidents", _("Accidents with deaths")),
    ("deaths", _("Deaths")),
    ("deaths_target", _("Control target (deaths, whole year)")),
    ("deaths_share", _("Share of the year's target")),
]


@dataclass(frozen=True)
class StatQuarter:
    """The quarterly hazard statistics the filing figure is about."""

    year: int
    quarter: int
    due_on: dt.date

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.quarter}"


def stat_quarter(period: Period, today: dt.date) -> StatQuarter:
    """The statistics of the last quarter that ended before the period's end (before today while the period
    runs): the report that falls due in the period, on the 15th after that quarter (SAWS Order 16 art. 14).
    For 2026Q4 seen in November that is 2026Q3 (due 2026-10-15); for 2026Q3 it is 2026Q2."""
    year, quarter = previous_period(min(period.end, today), StatPeriodKind.QUARTER)
    return StatQuarter(year, quarter, HazardStatReport.period_bounds(StatPeriodKind.QUARTER, year, quarter)[2])


def _area_paths(jurisdiction: Jurisdiction) -> dict[int, str]:
    """The area path of each jurisdiction under the dashboard's area (one small read per dashboard), for
    `_by_place`."""
    return dict(Jurisdiction.objects.filter(within_path("path", jurisdiction.path)).values_list("pk", "path"))


def _by_place(rows: Iterable[Mapping[str, Any]], paths: Mapping[int, str], figures: Iterable[str]) -> list[dict]:
    """Rows aggregated per (`jurisdiction_id`, industry `section`), added up here per area path and section.

    Grouped by the jurisdiction's id, not its path, PostgreSQL hashes the groups; grouped by the path (text) with
    the section, it sorted every summary row by text first (39,050 rows at 1,000,000 hazards: ~35 ms of the hazard
    summary's ~52 ms for the committee's home page). An id has one path, so the rows are the same groups."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    figures = list(figures)
    for item in rows:
        path, section = paths.get(item["jurisdiction_id"], ""), item["section"]
        into = groups.setdefault((path, section), {"path": path, "section": section, **dict.fromkeys(figures, 0)})
        for figure in figures:
            into[figure] += item[figure] or 0
    return list(groups.values())


def _enterprise_groups(
    user: Any, jurisdiction: Jurisdiction, period: Period, quarter: StatQuarter, paths: Mapping[int, str]
) -> list[dict]:
    """Operating enterprises, those behind on filing, self-checks and warnings (the same conditions as the
    enterprise list's filters), risk points by colour and credit grades per area path and industry section,
    read from `EnterpriseFigureSummary` (kept equal to the records in the transaction of each change) in one
    query instead of six over 100,000 enterprises and their records. `_fold` and `_by_industry` add the
    groups up."""

    def count(fact: str, key: str = "") -> Sum:
        return Sum("n", filter=Q(fact=fact, period=key))

    aggregates = {
        "enterprises": count("enterprises"),
        "stats_on_time": count("stats_on_time", quarter.key),
        "self_checked": count("self_checked", period.key),
        "warning_unacknowledged": count("unacknowledged", period.key),
        **{level: count(f"risk_{level}") for level in RiskLevel.values},
        **{key: count(key) for key, _label in CREDIT_FIGURES},
    }
    rows = (
        EnterpriseFigureSummary.objects.visible_to(user)
        .filter(within_path("jurisdiction__path", jurisdiction.path), period__in=["", quarter.key, period.key])
        .values("jurisdiction_id", section=Substr("industry__code", 1, 1))
        .annotate(**{f"{key}_n": aggregate for key, aggregate in aggregates.items()})
        .order_by()
    )
    # Aliased `<figure>_n`: an annotation may not take the name of the summary's own column.
    groups = _by_place(cast("Iterable[dict[str, Any]]", rows), paths, [f"{key}_n" for key in aggregates])
    for group in groups:
        values = {key: group.pop(f"{key}_n") for key in aggregates}
        values["stats_missing"] = values["enterprises"] - values.pop("stats_on_time")
        values["self_check_missing"] = values["enterprises"] - values.pop("self_checked")
        group.update(values)
    return groups


def _accident_aggregates() -> dict[str, Any]:
    """Accidents by grade (every kind), and the production-safety accidents with deaths and their deaths —
    what the control targets are about."""
    fatal = Q(is_production_safety=True, deaths__gt=0)
    return {
        **{f"accidents_{grade}": Count("id", filter=Q(grade=grade)) for grade in AccidentGrade.values},
        "fatal_accidents": Count("id", filter=fatal),
        "deaths": Sum("deaths", filter=fatal),
    }


def _days(field: str, first: dt.date, last: dt.date) -> Q:
    """`field` (a moment) on a day from `first` to `last` (local time), as a range on the column itself:
    `field__date` would convert every row's moment to a local date (at 1,000,000 hazards and the trend's
    24 such filters, seconds of conversions per page)."""
    return Q(**{f"{field}__gte": day_start(first), f"{field}__lt": day_start(last + dt.timedelta(days=1))})


def _hazard_groups(
    user: Any, jurisdiction: Jurisdiction, period: Period, today: dt.date, paths: Mapping[int, str]
) -> list[dict[str, Any]]:
    """The hazard figures and the 12-month trend per area path and industry section, read from the hazard
    summary (`HazardMonthSummary`, a few thousand rows kept equal to the hazards in the transaction of each
    change) instead of the hazards (seconds at 1,000,000). Periods start on a month's first day, so the
    months of the summary add up to the period exactly. Overdue needs a day: the hazards due before this
    month come from the summary, those due this month before today from the hazards themselves (an
    index range on state and deadline). Two queries; `_fold` and `_by_industry` add the groups up."""
    this_month = today.replace(day=1)
    in_period = Q(month__gte=period.start, month__lte=period.end)
    aggregates: dict[str, Any] = {
        "found": Sum("found", filter=in_period),
        "closed": Sum("closed", filter=in_period),
        "open": Sum("open"),
        "overdue": Sum("due", filter=Q(month__lt=this_month)),
        "major_listed": Sum("major_listed"),
    }
    for index, (first, _last) in enumerate(_months_back(period.end, 12)):
        aggregates[f"found_{index}"] = Sum("found", filter=Q(month=first))
        aggregates[f"closed_{index}"] = Sum("closed", filter=Q(month=first))
    summary = (
        HazardMonthSummary.objects.visible_to(user)
        .filter(within_path("jurisdiction__path", jurisdiction.path))
        .values("jurisdiction_id", section=Substr("industry__code", 1, 1))
        .annotate(**{f"{key}_sum": aggregate for key, aggregate in aggregates.items()})
        .order_by()
    )
    due_this_month = (
        Hazard.objects.visible_to(user)
        .filter(
            within_path("enterprise__jurisdiction__path", jurisdiction.path),
            state__in=RECTIFICATION_STATES,
            deadline__gte=this_month,
            deadline__lt=today,
        )
        .values(jurisdiction_id=F("enterprise__jurisdiction_id"), section=Substr("enterprise__industry__code", 1, 1))
        .annotate(overdue_sum=Count("id"))
        .order_by()
    )
    # Aliased `<figure>_sum`: an annotation may not take the name of the summary's own column.
    sums = [f"{key}_sum" for key in aggregates]
    rows = [*summary, *({**dict.fromkeys(sums, 0), **item} for item in due_this_month)]
    groups = _by_place(rows, paths, sums)
    for group in groups:
        group.update({key: group.pop(f"{key}_sum") for key in aggregates})
    return groups


def _hazard_link(figure: str, period: Period, **scope: Any) -> str:
    params: dict[str, Any] = {
        "found": {"found_after": period.start.isoformat(), "found_before": period.end.isoformat()},
        "closed": {"closed_after": period.start.isoformat(), "closed_before": period.end.isoformat()},
        "open": {"open": "true"},
        "overdue": {"overdue": "true"},
        "major_listed": {"open": "true", "grade": HazardGrade.MAJOR, "listed": "true"},
    }[figure]
    return _url("hazards:list", **scope, **params)


def _credit_aggregates() -> dict[str, Any]:
    return {
        "grade_1": Count("id", filter=Q(grade=Grade.ONE)),
        "grade_2": Count("id", filter=Q(grade=Grade.TWO)),
        "grade_3": Count("id", filter=Q(grade=Grade.THREE)),
        "blacklisted": Count("id", filter=Q(blacklisted=True)),
    }


def _credit_link(figure: str, **scope: Any) -> str:
    if figure == "blacklisted":
        return _url("credit:overview", blacklisted="true", **scope)
    return _url("credit:overview", grade=figure.removeprefix("grade_"), **scope)


@dataclass
class Dashboard:
    user: Any
    jurisdiction: Jurisdiction
    period: Period
    rows: list[Jurisdiction]
    tables: list[Table]
    trend: dict[str, Any]
    ranking: list[AssessmentResult]
    ranking_status: str
    is_city: bool
    # The departments' duty check (履责检查) of the period: None when the viewer is not shown it.
    duty_check: DutyCheck | None = None
    # Joint rewards and punishments of the period (credit.selectors_joint): None when the viewer is not shown it.
    joint: Any = None

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def map_data(self) -> dict[str, Any]:
        """Per-county figures for the map, keyed like the table columns: every counted figure of the tables by
        area (a target or a share is not a figure to colour by)."""
        area_tables = [t for t in self.tables if t.key in ("by_area", "compliance", "deaths")]
        figures: dict[str, str] = {}
        for table in area_tables:
            for key, label in table.columns:
                if table.rows and table.rows[0]["cells"][key].kind != "plain":
                    figures.setdefault(key, str(label))
        areas = []
        for index, row in enumerate(area_tables[0].rows):
            values: dict[str, Any] = {}
            for table in area_tables:
                values.update({k: c.value for k, c in table.rows[index]["cells"].items() if k in figures})
            areas.append({"name": row["label"], "values": values})
        return {"figures": [{"key": k, "label": v} for k, v in figures.items()], "areas": areas}


def build(user: Any, jurisdiction: Jurisdiction, period: Period) -> Dashboard:
    today = timezone.localdate()
    rows = list(jurisdiction.children.order_by("sort_order", "name")) or [jurisdiction]
    paths = _area_paths(jurisdiction)
    hazard_groups = _hazard_groups(user, jurisdiction, period, today, paths)
    trend_figures = [f"{figure}_{index}" for index in range(12) for figure in ("found", "closed")]
    quarter = stat_quarter(period, today)
    enterprise_groups = _enterprise_groups(user, jurisdiction, period, quarter, paths)
    accidents = (
        Accident.objects.visible_to(user)
        .filter(_days("occurred_at", period.start, period.end), within_path("jurisdiction__path", jurisdiction.path))
        .values("jurisdiction__path")
        .annotate(**_accident_aggregates())
    )
    accident_sums = _fold(
        accidents, "jurisdiction__path", rows, [k for k, _ in ACCIDENT_FIGURES] + ["fatal_accidents", "deaths"]
    )
    hazard_sums = _fold(hazard_groups, "path", rows, [k for k, _ in HAZARD_FIGURES] + trend_figures)
    enterprise_sums = _fold(enterprise_groups, "path", rows, ["enterprises", *(k for k, _ in COMPLIANCE_FIGURES)])
    risk_sums = _fold(enterprise_groups, "path", rows, list(RiskLevel.values))
    credit_sums = _fold(enterprise_groups, "path", rows, [k for k, _ in CREDIT_FIGURES])

    def link(figure: str, scope: dict[str, Any]) -> str:
        if figure == "enterprises":
            return _url("enterprises:list", status=EnterpriseStatus.OPERATING, **scope)
        if figure == "stats_missing":
            return _url("enterprises:list", status=EnterpriseStatus.OPERATING, stat_report_missing=quarter.key, **scope)
        if figure in ("self_check_missing", "warning_unacknowledged"):
            return _url("enterprises:list", status=EnterpriseStatus.OPERATING, **{figure: period.key}, **scope)
        if figure in ("fatal_accidents", "deaths"):
            return _url(
                "emergency:accident_list",
                production_safety="true",
                with_deaths="true",
                occurred_from=period.start.isoformat(),
                occurred_to=period.end.isoformat(),
                **{k: v for k, v in scope.items() if k == "jurisdiction"},
            )
        if figure in RiskLevel.values:
            return _url("hazards:risk_list", level=figure, **scope)
        if figure.startswith("accidents_"):
            return _url(
                "emergency:accident_list",
                grade=figure.removeprefix("accidents_"),
                occurred_from=period.start.isoformat(),
                occurred_to=period.end.isoformat(),
                **{k: v for k, v in scope.items() if k == "jurisdiction"},
            )
        if figure in dict(CREDIT_FIGURES):
            return _credit_link(figure, **scope)
        return _hazard_link(figure, period, **scope)

    columns = [*ENTERPRISE_FIGURES, *HAZARD_FIGURES, *RISK_FIGURES, *CREDIT_FIGURES, *ACCIDENT_FIGURES]
    by_area = Table(
        key="by_area",
        title=str(_("By area")),
        columns=[(key, str(label)) for key, label in columns],
    )
    for row in rows:
        values = {
            **enterprise_sums[row.pk],
            **hazard_sums[row.pk],
            **risk_sums[row.pk],
            **credit_sums[row.pk],
            **accident_sums[row.pk],
        }
        by_area.rows.append(
            {
                "label": row.name,
                "cells": {key: Cell(values[key], link(key, {"jurisdiction": row.pk})) for key, _ in columns},
            }
        )
    whole = {
        **enterprise_sums[None],
        **hazard_sums[None],
        **risk_sums[None],
        **credit_sums[None],
        **accident_sums[None],
    }
    by_area.total = {key: Cell(whole[key], link(key, {"jurisdiction": jurisdiction.pk})) for key, _ in columns}

    compliance = _compliance_table(rows, jurisdiction, enterprise_sums, quarter, today, link)
    deaths = _deaths_table(user, rows, jurisdiction, period, accident_sums, link)
    tables = [by_area, compliance, deaths]
    is_city = jurisdiction.level == JurisdictionLevel.CITY
    if not is_city or user.role == Role.DEPARTMENT:
        tables.append(_by_industry(jurisdiction, link, hazard_groups, enterprise_groups))

    return Dashboard(
        user=user,
        jurisdiction=jurisdiction,
        period=period,
        rows=rows,
        tables=tables,
        trend=_trend(hazard_sums[None], jurisdiction, period),
        ranking=_ranking(user, jurisdiction, period),
        ranking_status="",
        is_city=is_city,
        # The member departments are the city's: their duty check shows on the city's dashboard.
        duty_check=_duty_check(user, period) if is_city else None,
        joint=_joint(user, period) if is_city else None,
    )


def _joint(user: Any, period: Period) -> Any:
    """Measures the departments applied in the period and the period's notices by receipt (two queries)."""
    from credit.selectors_joint import joint_dashboard_summary

    return joint_dashboard_summary(user, period.start, period.end)


def _compliance_table(
    rows: list[Jurisdiction],
    jurisdiction: Jurisdiction,
    sums: dict[int | None, dict[str, int]],
    quarter: StatQuarter,
    today: dt.date,
    link: Any,
) -> Table:
    """Filing compliance: operating enterprises that have not filed the quarter's statistics on time, have
    not self-checked in the period, or have not acknowledged a warning issued in the period."""
    columns = [*ENTERPRISE_FIGURES, *COMPLIANCE_FIGURES]
    headings = {"stats_missing": _("Statistics %(quarter)s not filed on time") % {"quarter": quarter.key}}
    if quarter.due_on >= today:
        note = _(
            "Operating enterprises. The quarterly hazard statistics of %(quarter)s are due on %(due)s; until "
            "then the figure counts those not filed yet. Self-checks and warnings: in the period chosen."
        )
    else:
        note = _(
            "Operating enterprises. The quarterly hazard statistics of %(quarter)s were due on %(due)s; filed "
            "late or not at all counts as not on time. Self-checks and warnings: in the period chosen."
        )
    table = Table(
        key="compliance",
        title=str(_("Filing compliance")),
        columns=[(key, str(headings.get(key, label))) for key, label in columns],
        note=str(note % {"quarter": quarter.key, "due": quarter.due_on.isoformat()}),
    )
    for row in rows:
        table.rows.append(
            {
                "label": row.name,
                "cells": {key: Cell(sums[row.pk][key], link(key, {"jurisdiction": row.pk})) for key, _ in columns},
            }
        )
    table.total = {key: Cell(sums[None][key], link(key, {"jurisdiction": jurisdiction.pk})) for key, _ in columns}
    return table


def _deaths_table(
    user: Any,
    rows: list[Jurisdiction],
    jurisdiction: Jurisdiction,
    period: Period,
    sums: dict[int | None, dict[str, int]],
    link: Any,
) -> Table:
    """Deaths in production-safety accidents in the period against each county's control target for the year
    (staff input, CountyInput). Targets are set per county: a township row, or a department's share of a
    county, has none to compare with; a county without one shows "—", never 0."""
    year = period.start.year
    counties = [area for area in [*rows, jurisdiction] if area.level == JurisdictionLevel.COUNTY]
    targets: dict[int, int] = (
        {
            county_id: target
            for county_id, target in CountyInput.objects.filter(
                year=year, jurisdiction__in=counties, deaths_target__isnull=False
            ).values_list("jurisdiction_id", "deaths_target")
            if target is not None  # (the filter's too; the type checker cannot see it)
        }
        if counties and user.role != Role.DEPARTMENT
        else {}
    )

    def target_of(area: Jurisdiction, is_total: bool) -> tuple[int | None, str]:
        if user.role == Role.DEPARTMENT:
            return None, str(_("Control targets are set for a whole county, not for a department's industries."))
        if area.level == JurisdictionLevel.COUNTY:
            if area.pk in targets:
                return targets[area.pk], ""
            return None, str(_("No control target entered for %(year)s.") % {"year": year})
        if is_total and area.level == JurisdictionLevel.CITY:
            missing = [r.name for r in rows if r.pk not in targets]
            if not missing:
                return sum(targets[r.pk] for r in rows), str(_("The counties' targets added up."))
            return None, str(
                _("No control target entered for %(year)s for: %(areas)s.")
                % {"year": year, "areas": "、".join(missing)}
            )
        return None, str(_("Control targets are set per county, district or zone."))

    def cells(area: Jurisdiction, values: dict[str, int], is_total: bool) -> dict[str, Cell]:
        scope = {"jurisdiction": area.pk}
        deaths = values["deaths"]
        target, why = target_of(area, is_total)
        if target is None:
            share = Cell(None, kind="plain", title=why)
        elif target == 0:
            share = (
                Cell(None, kind="plain", display="0%")
                if deaths == 0
                else Cell(None, kind="plain", title=str(_("The target is 0: every death exceeds it.")), alert=True)
            )
        else:
            share = Cell(None, kind="plain", display=f"{deaths * 100 / target:.0f}%", alert=deaths > target)
        return {
            "fatal_accidents": Cell(values["fatal_accidents"], link("fatal_accidents", scope)),
            "deaths": Cell(deaths, link("deaths", scope), kind="sum"),
            "deaths_target": Cell(target, kind="plain", title=why),
            "deaths_share": share,
        }

    table = Table(
        key="deaths",
        title=str(_("Deaths against the control targets")),
        columns=[(key, str(label)) for key, label in DEATH_FIGURES],
        note=str(
            _(
                "Production-safety accidents that happened in the period; the target is the control target for "
                "the whole year %(year)s, so a quarter's share is measured against the year's target."
            )
            % {"year": year}
        ),
    )
    for row in rows:
        table.rows.append({"label": row.name, "cells": cells(row, sums[row.pk], is_total=False)})
    table.total = cells(jurisdiction, sums[None], is_total=True)
    return table


def _by_industry(
    jurisdiction: Jurisdiction,
    link: Any,
    hazard_groups: list[dict[str, Any]],
    enterprise_groups: list[dict[str, Any]],
) -> Table:
    """Hazards, enterprises and filing compliance by industry section (the first letter of the GB/T 4754
    code): `_hazard_groups` and `_enterprise_groups` added up per section."""
    hazards: dict[str, dict[str, int]] = {}
    for item in hazard_groups:
        into = hazards.setdefault(item["section"], dict.fromkeys((k for k, _ in HAZARD_FIGURES), 0))
        for figure in into:
            into[figure] += item.get(figure) or 0
    enterprises: dict[str, dict[str, int]] = {}
    for item in enterprise_groups:
        if not item["enterprises"]:
            continue  # a section shows with operating enterprises (or hazards)
        into = enterprises.setdefault(
            item["section"], dict.fromkeys(("enterprises", *(k for k, _ in COMPLIANCE_FIGURES)), 0)
        )
        for figure in into:
            into[figure] += item[figure]
    sections = sorted(set(hazards) | set(enterprises))
    names = dict(Industry.objects.filter(code__in=sections).values_list("code", "name"))
    columns = [*ENTERPRISE_FIGURES, *HAZARD_FIGURES, *COMPLIANCE_FIGURES]
    table = Table(key="by_industry", title=str(_("By industry")), columns=[(k, str(label)) for k, label in columns])
    for code in sections:
        values = {**{k: 0 for k, _ in columns}, **enterprises.get(code, {}), **hazards.get(code, {})}
        scope = {"jurisdiction": jurisdiction.pk, "industry": code}
        table.rows.append(
            {
                "label": names.get(code, code),
                "cells": {key: Cell(values[key] or 0, link(key, scope)) for key, _ in columns},
            }
        )
    return table


def _months_back(end: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    months = []
    year, month = end.year, end.month
    for _i in range(count):
        first = dt.date(year, month, 1)
        months.append((first, dt.date(year, month, calendar.monthrange(year, month)[1])))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def _trend(counts: dict[str, int], jurisdiction: Jurisdiction, period: Period) -> dict[str, Any]:
    """The 12-month trend's rows from the area's totals of `_hazard_groups` (found_0 … closed_11)."""
    months = _months_back(period.end, 12)
    rows = []
    for index, (first, last) in enumerate(months):
        row: dict[str, Any] = {"month": f"{first.year}-{first.month:02d}"}
        # Found and closed alike: the month's count, linked to the hazard list filtered on that date in the month.
        for event in ("found", "closed"):
            dates = {f"{event}_after": first.isoformat(), f"{event}_before": last.isoformat()}
            row[event] = Cell(counts[f"{event}_{index}"], _url("hazards:list", jurisdiction=jurisdiction.pk, **dates))
        rows.append(row)
    return {"rows": rows}


def _ranking(user: Any, jurisdiction: Jurisdiction, period: Period) -> list[AssessmentResult]:
    """The counties' ranking the user may see (published or preliminary), best rank first: the run of the
    dashboard's period (its published run ahead of a later preliminary one), else the latest run of any
    period (the heading names the period ranked). Two queries."""
    visible = AssessmentResult.objects.visible_to(user).filter(
        status__in=[ResultStatus.PUBLISHED, ResultStatus.PRELIMINARY], scheme__kind=SchemeKind.JURISDICTION
    )
    of_period = Case(
        When(period__start=period.start, period__end=period.end, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    published_first = Case(
        When(status=ResultStatus.PUBLISHED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    chosen = (
        visible.order_by(of_period, "-period__end", published_first, "-computed_at", "-run_id")
        .values_list("run_id", flat=True)
        .first()
    )
    if chosen is None:
        return []
    return list(
        visible.filter(run_id=chosen).select_related("jurisdiction", "period").order_by("rank", "jurisdiction__name")
    )


@dataclass
class DutyCheck:
    """The member departments' duty check (履责检查) of the dashboard's period, as the viewer may see it:
    `results` ranked (empty when there is none for the period), `other_periods` the latest periods that
    have one, as (URL key, label), offered when this period has none."""

    results: list[AssessmentResult]
    other_periods: list[tuple[str, str]]
    own_only: bool


def _period_key(kind: str, year: int, number: int) -> str:
    """An assessment period as the dashboard's URL writes it: 2026Q3, 2026-07 or 2026."""
    if kind == PeriodKind.MONTH:
        return f"{year}-{number:02d}"
    if kind == PeriodKind.QUARTER:
        return f"{year}Q{number}"
    return str(year)


def _duty_check(user: Any, period: Period) -> DutyCheck | None:
    """Committee staff (and administrators) see every department's result of the period; a department's
    staff their own department's row (its preliminary result too, as on the assessment pages); county staff
    are not shown the section. The period's published run if there is one, else its latest run. One query,
    and one more for the periods that have a duty check when this one has none."""
    if user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE):
        own_only = False
    elif user.role == Role.DEPARTMENT:
        own_only = True
    else:
        return None
    visible = AssessmentResult.objects.visible_to(user).filter(scheme__kind=SchemeKind.DEPARTMENT)
    if own_only:
        visible = visible.filter(department_id=user.department_id) if user.department_id else visible.none()
    of_period = visible.filter(period__start=period.start, period__end=period.end)
    published_first = Case(
        When(status=ResultStatus.PUBLISHED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    run = of_period.order_by(published_first, "-computed_at", "-run_id").values("run_id")[:1]
    results = list(
        of_period.filter(run_id=Subquery(run))
        .select_related("department", "period")
        .order_by(F("rank").asc(nulls_last=True), "department__name", "id")
    )
    other_periods: list[tuple[str, str]] = []
    if not results:
        rows = (
            visible.order_by("-period__end", "period__kind")
            .values_list("period__kind", "period__year", "period__number", "period__end")
            .distinct()[:4]
        )
        for kind, year, number, _end in rows:
            label = AssessmentPeriod(kind=kind, year=year, number=number).label
            other_periods.append((_period_key(kind, year, number), str(label)))
    return DutyCheck(results=results, other_periods=other_periods, own_only=own_only)
