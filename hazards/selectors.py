"""Reads of the hazards app. Aggregates are computed in SQL, one query per figure or table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import NullIf
from django.utils import timezone

from enterprises.figures.models import EnterpriseFigureSummary
from enterprises.models import Enterprise
from safety_platform.choices import Role
from safety_platform.models import Jurisdiction
from safety_platform.scoping import JURISDICTION_ROLES, enterprise_scope_q, within_path

from .choices import (
    OPEN_STATES,
    RECTIFICATION_STATES,
    REGULATOR_SOURCES,
    RISK_LEVEL_ORDER,
    SELF_REPORTED_SOURCES,
    HazardGrade,
    HazardState,
    vague_q,
)
from .models import Campaign, Hazard, HazardMonthSummary, HazardStatReport, HazardTransition, RiskSource


def hazards_visible_to(user: Any) -> QuerySet[Hazard]:
    return Hazard.objects.visible_to(user).for_list()  # type: ignore[attr-defined]


def hazards_open_for_enterprise(user: Any, enterprise: Enterprise) -> QuerySet[Hazard]:
    return (
        hazards_visible_to(user)
        .filter(enterprise=enterprise, state__in=OPEN_STATES)
        .order_by(F("deadline").asc(nulls_last=True), "-found_at")
    )


def hazard_counts(user: Any, *, enterprise: Enterprise | None = None) -> dict[str, int]:
    """Headline figures for a role's home page (or one enterprise's panel).

    Staff read them from the hazard summary (`HazardMonthSummary`, kept equal to the hazards in the transaction
    of each change): counting the hazards of a department or a county took 0.6 s at 1,000,000 hazards on every
    home page. An enterprise's own figures (its users, its panel) are counted from its hazards: one query."""
    if enterprise is None and getattr(user, "role", None) != Role.ENTERPRISE:
        return _hazard_counts_from_summary(user)
    today = timezone.localdate()
    is_open = Q(state__in=OPEN_STATES)
    qs = Hazard.objects.visible_to(user)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    counts = qs.aggregate(
        open=Count("pk", filter=is_open),
        major_open=Count("pk", filter=is_open & Q(grade=HazardGrade.MAJOR)),
        overdue=Count("pk", filter=Q(state__in=RECTIFICATION_STATES, deadline__lt=today)),
        to_verify=Count("pk", filter=Q(state=HazardState.REMEDIATED)),
        to_assess=Count("pk", filter=Q(state=HazardState.REGISTERED)),
        listed=Count("pk", filter=is_open & Q(is_listed=True)),
        closed=Count("pk", filter=Q(state=HazardState.CLOSED)),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def _hazard_counts_from_summary(user: Any) -> dict[str, int]:
    """`hazard_counts` for staff: the summary's rows of the user's scope (whole rows: each is one area, industry
    and department) summed, plus one index range on the hazards for the overdue ones due this month before today.
    Closed: the summary counts a hazard in the month it closed, and a hazard's close-out time is written only when
    it closes (a closed hazard stays closed), so the months add up to the closed hazards."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    sums = HazardMonthSummary.objects.visible_to(user).aggregate(
        open=Sum("open"),
        major_open=Sum("major_open"),
        overdue=Sum("due", filter=Q(month__lt=this_month)),
        to_verify=Sum("remediated"),
        to_assess=Sum("registered"),
        listed=Sum("listed_open"),
        closed=Sum("closed"),
    )
    due_this_month = Hazard.objects.visible_to(user).filter(
        state__in=RECTIFICATION_STATES, deadline__gte=this_month, deadline__lt=today
    )
    counts = {key: int(value or 0) for key, value in sums.items()}
    counts["overdue"] += due_this_month.count()
    return {key: counts[key] for key in ("open", "major_open", "overdue", "to_verify", "to_assess", "listed", "closed")}


def hazard_timeline(hazard: Hazard) -> QuerySet[HazardTransition]:
    """Every step of a hazard with its actor and attachments (two queries however long the history)."""
    return hazard.transitions.select_related("actor").prefetch_related("attachments").order_by("at", "id")


# Risk map -----------------------------------------------------------------------------------


@dataclass
class MapRow:
    key: str
    name: str
    jurisdiction: Jurisdiction | None = None
    enterprise: Enterprise | None = None
    levels: dict[str, int] = field(default_factory=dict)
    open_hazards: int = 0
    major_open: int = 0

    @property
    def total(self) -> int:
        return sum(self.levels.values())

    def counts(self) -> list[tuple[str, int]]:
        return [(level, self.levels.get(level, 0)) for level in RISK_LEVEL_ORDER]


def risk_map_root(user: Any) -> Jurisdiction | None:
    """Where a user's map starts: the city, or the inspector's own jurisdiction when there is one."""
    if getattr(user, "scopes_by_jurisdiction", False):
        paths = user.jurisdiction_paths
        if len(paths) == 1:
            return Jurisdiction.objects.filter(path=paths[0]).first()
    return Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()


def _child_path(path: str, node: Jurisdiction) -> str:
    """The path of the child of `node` that `path` lies under (node.path for the node itself).

    "/1/4/17/" under node "/1/" → "/1/4/".
    """
    if len(path) <= len(node.path):
        return node.path
    return path[: path.index("/", len(node.path)) + 1]


def _summaries_hold_scope(user: Any) -> bool:
    """Whether the summaries' rows (one area, industry and supervising department each) select exactly the
    records the user may see, as their `visible_to` does: everyone's scope but a single enterprise's
    (enterprise users and enterprise API keys), whose few records are counted themselves."""
    if enterprise_scope_q(user, prefix="") is None:
        return True
    if getattr(user, "api_key", None) is not None or not user.is_active or user.is_superuser:
        return False
    return (user.role in JURISDICTION_ROLES and bool(user.jurisdiction_paths)) or (
        user.role == Role.DEPARTMENT and bool(user.department_id)
    )


def _map_counts(user: Any, node: Jurisdiction) -> tuple[dict[str, dict[str, int]], dict[str, list[int]]]:
    """Risk sources by level, and open and major open hazards, per jurisdiction path under `node` — two
    grouped queries.

    Read from the dashboards' summaries (`EnterpriseFigureSummary`: risk points by colour;
    `HazardMonthSummary`: open and open major hazards), a few thousand rows kept equal to the records in the
    transaction of each change, rather than from 250,000 risk sources and 1,000,000 hazards; for a single
    enterprise's scope from its own records.
    """
    levels: dict[str, dict[str, int]] = {}
    hazards: dict[str, list[int]] = {}
    level_rows: list[tuple[str, str, int]]
    hazard_rows: list[tuple[str, int, int]]
    if _summaries_hold_scope(user):
        facts = {f"risk_{level}": level for level in RISK_LEVEL_ORDER}
        level_rows = [
            (path, facts[fact], n)
            for path, fact, n in EnterpriseFigureSummary.objects.visible_to(user)
            .filter(within_path("jurisdiction__path", node.path), period="", fact__in=list(facts))
            .values_list("jurisdiction__path", "fact")
            .annotate(count=Sum("n"))
            .order_by()
        ]
        hazard_rows = list(
            HazardMonthSummary.objects.visible_to(user)
            .filter(within_path("jurisdiction__path", node.path), open__gt=0)
            .values_list("jurisdiction__path")
            .annotate(open_n=Sum("open"), major_n=Sum("major_open"))
            .order_by()
        )
    else:
        level_rows = list(
            RiskSource.objects.visible_to(user)
            .filter(within_path("enterprise__jurisdiction__path", node.path))
            .values_list("enterprise__jurisdiction__path", "level")
            .annotate(n=Count("pk"))
            .order_by()
        )
        hazard_rows = list(
            Hazard.objects.visible_to(user)
            .filter(within_path("enterprise__jurisdiction__path", node.path), state__in=OPEN_STATES)
            .values_list("enterprise__jurisdiction__path")
            .annotate(n=Count("pk"), major=Count("pk", filter=Q(grade=HazardGrade.MAJOR)))
            .order_by()
        )
    for path, level, n in level_rows:
        if n:
            into = levels.setdefault(_child_path(path, node), {})
            into[level] = into.get(level, 0) + n
    for path, n, major in hazard_rows:
        into_h = hazards.setdefault(_child_path(path, node), [0, 0])
        into_h[0] += n or 0
        into_h[1] += major or 0
    return levels, hazards


def enterprises_at(user: Any, node: Jurisdiction) -> QuerySet[Enterprise]:
    """The enterprises attached to `node` itself (every enterprise of a grid) that `user` sees, by name."""
    return Enterprise.objects.visible_to(user).filter(jurisdiction=node).order_by("name", "id")


def risk_map(user: Any, node: Jurisdiction, *, enterprises: list[Enterprise] | None = None) -> dict[str, Any]:
    """Counts of risk sources by colour and of open hazards for each child of `node` (分区域、分级别、网格化).

    Two grouped queries (`_map_counts`: per jurisdiction, added up to the children here) whatever the number
    of children or enterprises; at a node's own enterprises (a grid, or enterprises attached directly to a
    higher node) the rows are the enterprises themselves, with two more grouped queries.
    """
    scope_paths = (
        None if user.sees_everything or not getattr(user, "scopes_by_jurisdiction", False) else user.jurisdiction_paths
    )
    by_child, hazard_counts = _map_counts(user, node)
    rows = []
    for child in Jurisdiction.objects.filter(parent=node).order_by("sort_order", "path"):
        if scope_paths is not None and not any(
            child.path.startswith(p) or p.startswith(child.path) for p in scope_paths
        ):
            continue
        open_hazards, major_open = hazard_counts.get(child.path, (0, 0))
        rows.append(
            MapRow(
                key=child.path,
                name=child.name,
                jurisdiction=child,
                levels=by_child.get(child.path, {}),
                open_hazards=open_hazards,
                major_open=major_open,
            )
        )
    enterprise_rows = _enterprise_rows(list(enterprises_at(user, node)[:500]) if enterprises is None else enterprises)
    totals = MapRow(key="total", name=node.name)
    for levels in by_child.values():
        for level, n in levels.items():
            totals.levels[level] = totals.levels.get(level, 0) + n
    totals.open_hazards = sum(n for n, _major in hazard_counts.values())
    totals.major_open = sum(major for _n, major in hazard_counts.values())
    ancestors: list[Any] = list(node.ancestors().exclude(pk=node.pk))  # each also carries map_reachable
    # An inspector's map cannot open the areas above their own: those read as text, not as links.
    paths = user.jurisdiction_paths if getattr(user, "scopes_by_jurisdiction", False) else None
    for ancestor in ancestors:
        ancestor.map_reachable = paths is None or any(ancestor.path.startswith(p) for p in paths)
    return {
        "node": node,
        "ancestors": ancestors,
        "rows": rows,
        "enterprise_rows": enterprise_rows,
        "totals": totals,
    }


def _enterprise_rows(enterprises: list[Enterprise]) -> list[MapRow]:
    """The map's rows of these enterprises (one page of a node's own: `enterprises_at`), two grouped queries."""
    if not enterprises:
        return []
    ids = [e.pk for e in enterprises]
    levels: dict[int, dict[str, int]] = {}
    for row in (
        RiskSource.objects.filter(enterprise_id__in=ids)
        .values("enterprise_id", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        levels.setdefault(row["enterprise_id"], {})[row["level"]] = row["n"]
    hazards = {
        row["enterprise_id"]: (row["n"], row["major"])
        for row in Hazard.objects.filter(enterprise_id__in=ids, state__in=OPEN_STATES)
        .values("enterprise_id")
        .annotate(n=Count("pk"), major=Count("pk", filter=Q(grade=HazardGrade.MAJOR)))
        .order_by()
    }
    return [
        MapRow(
            key=f"e{e.pk}",
            name=e.name,
            enterprise=e,
            levels=levels.get(e.pk, {}),
            open_hazards=hazards.get(e.pk, (0, 0))[0],
            major_open=hazards.get(e.pk, (0, 0))[1],
        )
        for e in enterprises
    ]


def risk_level_counts(user: Any, *, enterprise: Enterprise | None = None) -> dict[str, int]:
    qs = RiskSource.objects.visible_to(user)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    counts = qs.aggregate(**{level: Count("pk", filter=Q(level=level)) for level in RISK_LEVEL_ORDER})
    return {level: int(counts[level] or 0) for level in RISK_LEVEL_ORDER}


# Campaigns ----------------------------------------------------------------------------------


def campaigns_with_stats(user: Any) -> QuerySet[Campaign]:
    """Campaigns the user sees, each with its hazard counts and closure rate computed in SQL.

    Only hazards the user may see are counted, so a township inspector sees the township's share.
    """
    scope = enterprise_scope_q(user, "hazards__enterprise")
    in_scope = Q(hazards__isnull=False) if scope is None else scope & Q(hazards__isnull=False)
    today = timezone.localdate()
    return (
        Campaign.objects.visible_to(user)
        .select_related("organizer")
        .annotate(
            hazard_total=Count("hazards", filter=in_scope, distinct=True),
            hazard_major=Count("hazards", filter=in_scope & Q(hazards__grade=HazardGrade.MAJOR), distinct=True),
            hazard_closed=Count("hazards", filter=in_scope & Q(hazards__state=HazardState.CLOSED), distinct=True),
            hazard_overdue=Count(
                "hazards",
                filter=in_scope & Q(hazards__state__in=RECTIFICATION_STATES, hazards__deadline__lt=today),
                distinct=True,
            ),
        )
        .annotate(
            closure_rate=ExpressionWrapper(
                F("hazard_closed") * 100.0 / NullIf(F("hazard_total"), 0), output_field=FloatField()
            )
        )
    )


# Plausibility -------------------------------------------------------------------------------

UNASSESSED_DAYS = 3
ZERO_SELF_REPORT_WINDOW_DAYS = 180
ZERO_SELF_REPORT_MIN_FOUND = 2


def plausibility_silent_enterprises(user: Any, *, now: dt.datetime | None = None, limit: int = 100) -> list[Enterprise]:
    """Enterprises that self-report no hazards while inspections keep finding them: those found most first, at
    most `limit`, each with `self_reported` (0) and `found_by_inspection` set (two queries).

    The last months' hazards are read by the found-at index and grouped by enterprise on their own, before any
    enterprise row is joined (joining the city's 100,000 enterprises first and grouping their columns took
    0.4 s at 1,000,000 hazards); only the page's enterprises are then read. An enterprise without a recent
    hazard has none found by inspection, so it is never among them."""
    since = (now or timezone.now()) - dt.timedelta(days=ZERO_SELF_REPORT_WINDOW_DAYS)
    counted = (
        Hazard.objects.visible_to(user)  # type: ignore[attr-defined]
        .filter(found_at__gte=since)
        .values("enterprise")
        .annotate(
            self_reported=Count("pk", filter=Q(source__in=SELF_REPORTED_SOURCES)),
            found_by_inspection=Count("pk", filter=Q(source__in=REGULATOR_SOURCES)),
        )
        .filter(self_reported=0, found_by_inspection__gte=ZERO_SELF_REPORT_MIN_FOUND)
        .order_by("-found_by_inspection", "enterprise")
        .values_list("enterprise", "found_by_inspection")[:limit]
    )
    found = dict(counted)
    enterprises = Enterprise.objects.filter(pk__in=found).select_related("jurisdiction").in_bulk()
    flagged = []
    for enterprise_id, n in found.items():  # in the order counted
        enterprise = enterprises[enterprise_id]
        enterprise.self_reported, enterprise.found_by_inspection = 0, n  # type: ignore[attr-defined]
        flagged.append(enterprise)
    return flagged


def plausibility_vague_hazards(user: Any) -> QuerySet[Hazard]:
    """Open hazards described too vaguely to act on, newest first: read off the partial index of exactly these
    (`hazard_vague_open_idx`, same condition), not by testing every hazard's texts."""
    return hazards_visible_to(user).filter(vague_q(), state__in=sorted(OPEN_STATES)).order_by("-found_at", "-id")


def plausibility_no_deadline(user: Any, *, now: dt.datetime | None = None) -> QuerySet[Hazard]:
    """Open hazards left without a rectification deadline (not assessed within a few days)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=UNASSESSED_DAYS)
    return (
        hazards_visible_to(user)
        .filter(state__in=sorted(OPEN_STATES), deadline__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
    )


# Statistics ---------------------------------------------------------------------------------


def stat_reports_visible_to(user: Any) -> QuerySet[HazardStatReport]:
    return HazardStatReport.objects.visible_to(user).select_related("enterprise", "submitted_by")


def stat_report_figures(report: HazardStatReport) -> dict[str, int]:
    """What a report shows, without writing anything: a filed report's frozen figures, or for a draft the
    figures as the records stand now (computed again, and frozen, when it is filed)."""
    from .models import STAT_FIELDS
    from .services.stats import stat_figures

    if report.is_submitted:
        return {name: getattr(report, name) for name in STAT_FIELDS}
    return stat_figures(enterprise_id=report.enterprise_id, start=report.period_start, end=report.period_end)


def stat_report_filing_state(report: HazardStatReport, *, today: dt.date | None = None) -> str:
    """'filed', 'filed_late', 'not_ended' (the period is still running), 'due' (fileable, on time) or
    'late' (fileable, but the due date has passed: filing now is recorded as late)."""
    if report.is_submitted:
        return "filed_late" if report.was_late else "filed"
    today = today or timezone.localdate()
    if today <= report.period_end:
        return "not_ended"
    return "late" if today > report.due_on else "due"


def stat_filing_summary(user: Any, *, kind: str, year: int, quarter: int) -> dict[str, int]:
    """How many reports of a period were filed, on time or late, and how many are missing (one query)."""
    counts = (
        HazardStatReport.objects.visible_to(user)
        .filter(kind=kind, year=year, quarter=quarter)
        .aggregate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(status="submitted")),
            late=Count("pk", filter=Q(status="submitted", submitted_at__date__gt=F("due_on"))),
        )
    )
    return {key: int(value or 0) for key, value in counts.items()}
