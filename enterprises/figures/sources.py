"""The figure sources: what each domain app adds to an enterprise's figures.

The enterprises app stands below the domain apps (they all link to its enterprises), so it imports none of
them: hazards, credit and emergency each register a `FigureSource` from their `AppConfig.ready()` (their
`enterprise_hooks.py`), naming the records whose changes move an enterprise's figures and counting the facts
those records give. `enterprises.figures.services` recounts an enterprise from every registered source.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, QuerySet
from django.db.models.functions import TruncMonth

# enterprise id → its facts ("fact|period" → count); a source adds to the enterprises it finds records of.
Facts = Mapping[int, Counter[str]]


@dataclass(frozen=True)
class FigureSource:
    """One domain app's share of each enterprise's figures.

    `count(facts, ids, operating)` adds the facts of the enterprises `ids` (of which `operating` are in
    operation: the per-period facts count those only) with a fixed number of queries, none when there is
    nothing to count. `records` are the models ("app.Model", each with `enterprise_id`) a save or delete of
    which recounts that enterprise."""

    key: str
    count: Callable[[Facts, list[int], list[int]], None]
    records: tuple[str, ...] = ()


_SOURCES: dict[str, FigureSource] = {}


def register_figure_source(source: FigureSource) -> None:
    """Count this source in every enterprise's figures from now on (idempotent per key)."""
    from .receivers import follow_records

    _SOURCES[source.key] = source
    follow_records(source.records)


def figure_sources() -> list[FigureSource]:
    return list(_SOURCES.values())


def month_periods(month: dt.date) -> list[str]:
    """The month, quarter and year a local month belongs to, as the dashboards' period keys."""
    return [f"{month.year}-{month.month:02d}", f"{month.year}Q{(month.month - 1) // 3 + 1}", f"{month.year}"]


def add_monthly(facts: Facts, fact: str, records: QuerySet[Any], moment: str) -> None:
    """`fact` once in each period (month, quarter, year) in which an enterprise has one of `records` (by the
    local month of their field `moment`), however many records that period had: one query."""
    months = (
        records.annotate(month=TruncMonth(moment, output_field=DateField()))
        .order_by()
        .values_list("enterprise_id", "month")
        .distinct()
    )
    for pk, month in months:
        for period in month_periods(month.date() if isinstance(month, dt.datetime) else month):
            facts[pk][f"{fact}|{period}"] = 1
