"""Keeping `HazardMonthSummary` equal to the hazards: a delta in the transaction of each change, a rebuild.

Every save or delete of a hazard (the services lock the row first) takes the hazard's contribution before
and after the change — which months of which area, industry and department it counts in as found, closed,
open, listed major or due — and adds the difference in one upsert, in the same transaction as the change,
so the dashboards' figures equal their lists' counts at once. An enterprise moved to another area,
industry or department moves its hazards' counts in the transaction of the move.

`QuerySet.update()`, raw SQL and bulk loads bypass the model signals: the nightly
`hazard_summary_rebuild` (and a call after such a load) recounts every row from the hazards. The rebuild
locks the summary table against writers while it counts (a hazard change waits for it, a few seconds at
1,000,000 hazards), so a change is never lost between the count and the write.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth

from ..choices import OPEN_STATES, RECTIFICATION_STATES, HazardGrade, HazardState
from ..models import Hazard
from ..models.summary import HazardMonthSummary

FIGURES = ("found", "closed", "open", "major_open", "major_listed", "due", "listed_open", "registered", "remediated")
# The fields of a hazard its counts depend on: a save that changes none of them changes no count.
HAZARD_FIELDS = ("state", "grade", "is_listed", "found_at", "closed_at", "deadline", "enterprise")
ENTERPRISE_FIELDS = ("jurisdiction", "industry", "supervising_department")

Key = tuple[int, int, int, dt.date]  # jurisdiction, industry, department (0: none), month


def _zone() -> ZoneInfo:
    # The platform's own zone, not the request's: a month is a month of Longyan's calendar.
    return ZoneInfo(settings.TIME_ZONE)


def _month(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(_zone()).date()
    return moment.replace(day=1)


def contribution(values: dict[str, Any], place: tuple[int, int, int]) -> dict[Key, dict[str, int]]:
    """What one hazard adds to the summary: `values` holds its state, grade, is_listed, found_at, closed_at
    and deadline; `place` its enterprise's area, industry and department (0: none)."""
    out: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    state = values["state"]
    if state == HazardState.VOIDED:
        return {}  # counted nowhere (HazardQuerySet.counted)
    found = (*place, _month(values["found_at"]))
    out[found]["found"] += 1
    if values["closed_at"] is not None:
        out[(*place, _month(values["closed_at"]))]["closed"] += 1
    if state in OPEN_STATES:
        out[found]["open"] += 1
        if values["is_listed"]:
            out[found]["listed_open"] += 1
        if state == HazardState.REGISTERED:
            out[found]["registered"] += 1
        elif state == HazardState.REMEDIATED:
            out[found]["remediated"] += 1
        if values["grade"] == HazardGrade.MAJOR:
            out[found]["major_open"] += 1
            if values["is_listed"]:
                out[found]["major_listed"] += 1
    if state in RECTIFICATION_STATES and values["deadline"] is not None:
        out[(*place, _month(values["deadline"]))]["due"] += 1
    return dict(out)


def _difference(before: dict[Key, dict[str, int]], after: dict[Key, dict[str, int]]) -> dict[Key, dict[str, int]]:
    delta: dict[Key, dict[str, int]] = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, {}), after.get(key, {})
        change = {figure: new.get(figure, 0) - old.get(figure, 0) for figure in FIGURES}
        if any(change.values()):
            delta[key] = change
    return delta


def summary_apply(delta: dict[Key, dict[str, int]]) -> None:
    """Add `delta` to the summary in one statement (an upsert: a row is created the first time a key
    counts). Atomic per row, so concurrent changes of different hazards add up."""
    if not delta:
        return
    table = HazardMonthSummary._meta.db_table
    placeholders: list[str] = []
    params: list[int | dt.date] = []
    for (jurisdiction, industry, department, month), change in sorted(delta.items()):
        placeholders.append("(" + ", ".join(["%s"] * (4 + len(FIGURES))) + ")")
        params += [jurisdiction, industry, department, month, *(change[figure] for figure in FIGURES)]
    columns = ", ".join(FIGURES)
    additions = ", ".join(f"{figure} = {table}.{figure} + excluded.{figure}" for figure in FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (jurisdiction_id, industry_id, department_ref, month, {columns}) "
            f"VALUES {', '.join(placeholders)} "
            f"ON CONFLICT (jurisdiction_id, industry_id, department_ref, month) DO UPDATE SET {additions}",
            params,
        )


_VALUES = ("state", "grade", "is_listed", "found_at", "closed_at", "deadline")
_PLACE = ("enterprise__jurisdiction_id", "enterprise__industry_id", "enterprise__supervising_department_id")


def _stored(hazard_id: int) -> tuple[dict[str, Any], tuple[int, int, int], int] | None:
    row = Hazard.objects.filter(pk=hazard_id).values(*_VALUES, *_PLACE, "enterprise_id").first()
    if row is None:
        return None
    place = (row[_PLACE[0]], row[_PLACE[1]], row[_PLACE[2]] or 0)
    return {key: row[key] for key in _VALUES}, place, row["enterprise_id"]


def hazard_counts_before(hazard: Hazard, update_fields: Any = None) -> None:
    """pre_save / pre_delete: remember what the stored hazard counts (nothing for a new one)."""
    if update_fields is not None and not set(update_fields) & {*HAZARD_FIELDS, "enterprise_id"}:
        hazard._summary_before = False  # type: ignore[attr-defined]  # nothing counted changes
        return
    stored = _stored(hazard.pk) if hazard.pk else None
    hazard._summary_before = contribution(stored[0], stored[1]) if stored else {}  # type: ignore[attr-defined]
    # A save with update_fields writes only those: the other counted values stay as stored, whatever a
    # stale instance holds in memory (the row may have moved on since the instance was read).
    hazard._summary_kept = (  # type: ignore[attr-defined]
        {key: value for key, value in stored[0].items() if key not in set(update_fields)}
        if stored and update_fields is not None
        else {}
    )
    hazard._summary_place = stored[1] if stored else None  # type: ignore[attr-defined]
    hazard._summary_enterprise = stored[2] if stored else None  # type: ignore[attr-defined]


def hazard_counts_after(hazard: Hazard, *, deleted: bool = False) -> None:
    """post_save / post_delete: add the difference between what the hazard counts now and before."""
    before = getattr(hazard, "_summary_before", None)
    if before is False or before is None:
        return  # nothing counted changed (or no pre_save ran: not through the ORM)
    after: dict[Key, dict[str, int]] = {}
    if not deleted:
        place = getattr(hazard, "_summary_place", None)
        stored_enterprise = place is not None and getattr(hazard, "_summary_enterprise", None) == hazard.enterprise_id
        if place is None or not stored_enterprise:
            from enterprises.models import Enterprise

            row = (
                Enterprise.objects.filter(pk=hazard.enterprise_id)
                .values_list("jurisdiction_id", "industry_id", "supervising_department_id")
                .first()
            )
            place = (row[0], row[1], row[2] or 0) if row else None
        if place is not None:
            values = {key: getattr(hazard, key) for key in _VALUES}
            values |= getattr(hazard, "_summary_kept", {})
            after = contribution(values, place)
    summary_apply(_difference(before, after))
    hazard._summary_before = False  # type: ignore[attr-defined]


def enterprise_hazards_move(enterprise_id: int, old: tuple[int, int, int], new: tuple[int, int, int]) -> None:
    """An enterprise now in another area, industry or department: its hazards' counts move with it."""
    if old == new:
        return
    delta: dict[Key, dict[str, int]] = {}
    # One enterprise's hazards share one place: only the months of the counts matter.
    for (*_place, month), counts in _counts(Hazard.objects.filter(enterprise_id=enterprise_id)).items():
        for place, sign in ((old, -1), (new, 1)):
            into = delta.setdefault((*place, month), dict.fromkeys(FIGURES, 0))
            for figure in FIGURES:
                into[figure] += sign * counts[figure]
    summary_apply({key: change for key, change in delta.items() if any(change.values())})


def _counts(hazards: Any) -> dict[Key, dict[str, int]]:
    """The summary's rows counted from `hazards` (three GROUP BYs: by month found, closed and due)."""
    zone = _zone()
    place = ["enterprise__jurisdiction_id", "enterprise__industry_id", "enterprise__supervising_department_id"]
    counted = hazards.exclude(state=HazardState.VOIDED).order_by()
    open_q = Q(state__in=OPEN_STATES)
    passes = [
        counted.annotate(month=TruncMonth("found_at", output_field=DateField(), tzinfo=zone))
        .values(*place, "month")
        .annotate(
            found=Count("id"),
            open=Count("id", filter=open_q),
            major_open=Count("id", filter=open_q & Q(grade=HazardGrade.MAJOR)),
            major_listed=Count("id", filter=open_q & Q(grade=HazardGrade.MAJOR, is_listed=True)),
            listed_open=Count("id", filter=open_q & Q(is_listed=True)),
            registered=Count("id", filter=Q(state=HazardState.REGISTERED)),
            remediated=Count("id", filter=Q(state=HazardState.REMEDIATED)),
        ),
        counted.filter(closed_at__isnull=False)
        .annotate(month=TruncMonth("closed_at", output_field=DateField(), tzinfo=zone))
        .values(*place, "month")
        .annotate(closed=Count("id")),
        counted.filter(state__in=RECTIFICATION_STATES, deadline__isnull=False)
        .annotate(month=TruncMonth("deadline", output_field=DateField()))
        .values(*place, "month")
        .annotate(due=Count("id")),
    ]
    out: dict[Key, dict[str, int]] = {}
    for rows in passes:
        for row in rows:
            month = row["month"]
            if isinstance(month, dt.datetime):  # SQLite hands a truncated moment back
                month = month.date()
            key = (row[place[0]], row[place[1]], row[place[2]] or 0, month)
            into = out.setdefault(key, dict.fromkeys(FIGURES, 0))
            for figure in FIGURES:
                into[figure] += row.get(figure, 0)
    return out


def hazard_summary_rebuild() -> int:
    """Replace every summary row with counts taken from the hazards (idempotent). Returns the row count."""
    return summary_rebuild(Hazard, HazardMonthSummary)


def summary_rebuild(hazard_model: Any, summary_model: Any) -> int:
    """The rebuild over the given models (the migrations that fill the table pass their historical ones, which
    may lack a figure added later: only the figures the model has are written)."""
    columns = {f.name for f in summary_model._meta.concrete_fields}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers (the per-change upserts) wait until the new rows are in; readers go on reading
            # the old ones meanwhile.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {summary_model._meta.db_table} IN EXCLUSIVE MODE")
        counts = _counts(hazard_model.objects.all())
        summary_model.objects.all().delete()
        summary_model.objects.bulk_create(
            [
                summary_model(
                    jurisdiction_id=jurisdiction,
                    industry_id=industry,
                    department_ref=department,
                    month=month,
                    **{figure: n for figure, n in values.items() if figure in columns},
                )
                for (jurisdiction, industry, department, month), values in counts.items()
            ],
            batch_size=2000,
        )
    return len(counts)
