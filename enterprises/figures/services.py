"""Keeping `EnterpriseFigureSummary` equal to the records: one enterprise's share replaced at each change.

A save or delete of an enterprise, a risk point, a credit rating, a statistics report, a self-check or a
warning recipient (model signals, `enterprises.figures.receivers`) recounts the facts of the enterprises
concerned from their records (each domain app counts its own: `enterprises.figures.sources`), and adds the
difference from what they counted before (`EnterpriseFigures`) in one upsert, in the same transaction. The
enterprise rows are locked first (FOR NO KEY UPDATE, in id order) so two changes of one enterprise at once
never both add their difference to the same old share. The credit engine's set-based writes (no model
signal) replace only the credit facts, in their own statement (`figure_facts_follow_sql`), under the same
lock. `enterprise_figures_rebuild` (nightly, idempotent) recounts everything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from ..registry.choices import EnterpriseStatus
from ..registry.models import Enterprise
from .models import EnterpriseFigures, EnterpriseFigureSummary
from .sources import figure_sources

Place = tuple[int, int, int]


def _facts(ids: list[int]) -> dict[int, tuple[Place, Counter[str]]]:
    """Each enterprise's place and facts ("fact|period" → count), counted from its records by every figure
    source (`enterprises.figures.sources`: the domain apps register theirs)."""
    out: dict[int, tuple[Place, Counter[str]]] = {}
    operating: list[int] = []
    for pk, status, jurisdiction, industry, department in Enterprise.objects.filter(pk__in=ids).values_list(
        "pk", "status", "jurisdiction_id", "industry_id", "supervising_department_id"
    ):
        facts: Counter[str] = Counter()
        if status == EnterpriseStatus.OPERATING:
            facts["enterprises|"] = 1
            operating.append(pk)
        out[pk] = ((jurisdiction, industry, department or 0), facts)
    if not out:
        return out
    facts_of = {pk: facts for pk, (_place, facts) in out.items()}
    for source in figure_sources():
        source.count(facts_of, ids, operating)
    return out


def _apply(delta: dict[tuple[int, int, int, str, str], int]) -> None:
    delta = {key: n for key, n in delta.items() if n}
    if not delta:
        return
    table = EnterpriseFigureSummary._meta.db_table
    items = sorted(delta.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 1000):
            chunk = items[start : start + 1000]
            params: list[Any] = []
            for key, n in chunk:
                params += [*key, n]
            cursor.execute(
                f"INSERT INTO {table} (jurisdiction_id, industry_id, department_ref, fact, period, n) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
                + f" ON CONFLICT (jurisdiction_id, industry_id, department_ref, fact, period) "
                f"DO UPDATE SET n = {table}.n + excluded.n",
                params,
            )


def _share(pk: int, place: Place, facts: Counter[str]) -> EnterpriseFigures:
    """What one enterprise adds to the summary, stored to be taken back at its next change."""
    return EnterpriseFigures(
        enterprise_id=pk,
        jurisdiction_ref=place[0],
        industry_ref=place[1],
        department_ref=place[2],
        facts=dict(facts),
    )


def _split(key: str) -> tuple[str, str]:
    fact, _sep, period = key.partition("|")
    return fact, period


def enterprise_figures_refresh(enterprise_ids: Iterable[int]) -> None:
    """Recount the facts of these enterprises and replace their share of the summary."""
    ids = sorted({pk for pk in enterprise_ids if pk})
    for start in range(0, len(ids), 2000):
        _refresh(ids[start : start + 2000])


def _refresh(ids: list[int]) -> None:
    with transaction.atomic():
        # Lock first, count second (READ COMMITTED: the counting statements then see every change
        # committed by whoever held these rows before us). NO KEY UPDATE leaves inserts of records
        # pointing at the enterprise free.
        list(Enterprise.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
        now = _facts(ids)
        stored = {row.enterprise_id: row for row in EnterpriseFigures.objects.filter(enterprise_id__in=ids)}
        delta: Counter[tuple[int, int, int, str, str]] = Counter()
        keep: list[EnterpriseFigures] = []
        drop: list[int] = []
        for pk in ids:
            old = stored.get(pk)
            if old is not None:
                old_place = (old.jurisdiction_ref, old.industry_ref, old.department_ref)
                for key, n in old.facts.items():
                    delta[(*old_place, *_split(key))] -= n
            if pk not in now:
                if old is not None:
                    drop.append(pk)
                continue
            place, facts = now[pk]
            for key, n in facts.items():
                delta[(*place, *_split(key))] += n
            if old is None or old.facts != dict(facts) or old_place != place:
                keep.append(_share(pk, place, facts))
        _apply(dict(delta))
        if drop:
            EnterpriseFigures.objects.filter(enterprise_id__in=drop).delete()
        if keep:
            EnterpriseFigures.objects.bulk_create(
                keep,
                update_conflicts=True,
                unique_fields=["enterprise"],
                update_fields=["jurisdiction_ref", "industry_ref", "department_ref", "facts"],
            )


def figure_facts_follow_sql(moved: str, keys: Sequence[str], new: str) -> str:
    """PostgreSQL: CTEs that make the timeless facts `keys` ("fact|", one source's: credit's grades and
    blacklisting) of the enterprises in `moved` — a CTE of the same statement with a column `eid` — follow the
    values the statement is writing: `new`, a jsonb expression over the CTE's row `m` ({"fact|": 1, ...}).

    For a source's set-based writes (`credit.engine.grade_and_write_pg`), which lock the enterprise rows
    first (FOR NO KEY UPDATE, as `enterprise_figures_refresh` does) and take the statement's snapshot after:
    each enterprise's stored share gets these facts replaced and the summary the difference, in key order.
    The write changes no other fact, so nothing else is recounted (recounting every fact of the credit
    engine's first night's enterprises cost twice the grading itself). Adds the CTE `fig_missing(eid)`: the
    enterprises without a stored share yet, for `enterprise_figures_refresh` after the statement.
    `keys` and `new` are the source's fixed SQL (no user input).
    """
    figures = EnterpriseFigures._meta.db_table
    summary = EnterpriseFigureSummary._meta.db_table
    key_array = "ARRAY[" + ", ".join(f"'{key}'" for key in keys) + "]::text[]"
    # The summary's difference: each moved share's old and new value of each key as plain integers, once per
    # share, summed per place, then one row per fact (not each share × key pulled out of the JSON and grouped).
    per_share = ", ".join(
        f"COALESCE((fm.new ->> '{key}')::int, 0) - COALESCE((fm.facts ->> '{key}')::int, 0) AS v{n}"
        for n, key in enumerate(keys)
    )
    sums = ", ".join(f"SUM(fv.v{n}) AS v{n}" for n in range(len(keys)))
    per_fact = ", ".join(f"('{key.split('|')[0]}', g.v{n})" for n, key in enumerate(keys))
    # The moved enterprises' bounds again on the shares (read and rewritten), so the planner reads just those
    # by index instead of hashing the whole table, twice per statement (a batch's 2,000 of 10,000 shares:
    # ~7 ms less per batch; the whole table grows with the city while a batch does not).
    bounds = f"f.enterprise_id BETWEEN (SELECT min(eid) FROM {moved}) AND (SELECT max(eid) FROM {moved})"
    return f"""
        fig_old AS (
            SELECT m.eid, f.id AS fid, f.jurisdiction_ref AS j, f.industry_ref AS i, f.department_ref AS d,
                   f.facts AS facts, {new} AS new
            FROM {moved} m LEFT JOIN {figures} f ON f.enterprise_id = m.eid AND {bounds}
        ),
        fig_missing AS (SELECT eid FROM fig_old WHERE fid IS NULL),
        fig_moved AS (
            SELECT * FROM fig_old
            WHERE fid IS NOT NULL AND jsonb_strip_nulls(jsonb_build_object(
                {", ".join(f"'{key}', facts -> '{key}'" for key in keys)})) <> new
        ),
        fig_kept AS (
            UPDATE {figures} f SET facts = (f.facts - {key_array}) || fm.new
            FROM fig_moved fm WHERE f.enterprise_id = fm.eid AND {bounds}
        ),
        fig_summed AS (
            INSERT INTO {summary} (jurisdiction_id, industry_id, department_ref, fact, period, n)
            SELECT g.j, g.i, g.d, k.fact, '', k.n
            FROM (
                SELECT fv.j, fv.i, fv.d, {sums}
                FROM (SELECT fm.j, fm.i, fm.d, {per_share} FROM fig_moved fm) AS fv
                GROUP BY fv.j, fv.i, fv.d
            ) AS g CROSS JOIN LATERAL (VALUES {per_fact}) AS k(fact, n)
            WHERE k.n <> 0
            ORDER BY g.j, g.i, g.d, k.fact COLLATE "C"
            ON CONFLICT (jurisdiction_id, industry_id, department_ref, fact, period)
            DO UPDATE SET n = {summary}.n + excluded.n
        )"""


def enterprise_figures_forget(enterprise_id: int) -> None:
    """An enterprise about to be deleted: take its share out of the summary."""
    old = EnterpriseFigures.objects.filter(enterprise_id=enterprise_id).first()
    if old is None:
        return
    place = (old.jurisdiction_ref, old.industry_ref, old.department_ref)
    _apply({(*place, *_split(key)): -n for key, n in old.facts.items()})
    old.delete()


def enterprise_figures_rebuild() -> int:
    """Recount every enterprise from scratch (idempotent). Returns the number of summary rows.

    Set-based: the facts of all enterprises are added up in memory and written once (a per-enterprise
    refresh of 100,000 enterprises would upsert the same few thousand rows again for every chunk)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Writers (a refresh waits here with its enterprise locked and its share read; it adds its
                # difference on top of the new rows) wait for them; readers read the old ones meanwhile.
                cursor.execute(
                    f"LOCK TABLE {EnterpriseFigureSummary._meta.db_table}, {EnterpriseFigures._meta.db_table} "
                    "IN EXCLUSIVE MODE"
                )
        EnterpriseFigureSummary.objects.all().delete()
        EnterpriseFigures.objects.all().delete()
        ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        totals: Counter[tuple[int, int, int, str, str]] = Counter()
        states: list[EnterpriseFigures] = []
        for start in range(0, len(ids), 5000):
            for pk, (place, facts) in _facts(ids[start : start + 5000]).items():
                for key, n in facts.items():
                    totals[(*place, *_split(key))] += n
                states.append(_share(pk, place, facts))
        EnterpriseFigureSummary.objects.bulk_create(
            [
                EnterpriseFigureSummary(
                    jurisdiction_id=jurisdiction,
                    industry_id=industry,
                    department_ref=department,
                    fact=fact,
                    period=period,
                    n=n,
                )
                for (jurisdiction, industry, department, fact, period), n in totals.items()
                if n
            ],
            batch_size=2000,
        )
        EnterpriseFigures.objects.bulk_create(states, batch_size=2000)
        return sum(1 for n in totals.values() if n)
