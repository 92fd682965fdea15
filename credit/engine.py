"""The grading engine: scores a range of enterprises with one aggregate SQL statement.

Grading must be set-based: the nightly run covers every enterprise, so the database sums the
records (per enterprise and criterion, then per enterprise) and Python only sees one row per
enterprise. The SQL is written once for PostgreSQL and SQLite; the few vendor differences (date
literals, string aggregation) are isolated in `_Dialect`.

Score of an enterprise on day D under rule set V:
- a record counts when it is active, its `rule_code` is a rule of V, and
  D − validity_months < occurred_on ≤ D;
- each criterion adds the sum of its records' points, clamped to [−max_penalty, +max_bonus];
- score = base_score + Σ criteria, clamped to [0, max_score];
- grade by the thresholds, then lowered by the worst `cap_grade` among counted records and by the
  blacklist cap while the enterprise is listed.

A fingerprint (count and two modular sums of the counted records' ids) tells whether the set of
records behind a grade changed even when the score did not, so the stored explanation stays exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from enterprises.models import Enterprise
from enterprises.registry.choices import EnterpriseStatus

from .choices import BlacklistStatus, Criterion, RatingStatus, RecordStatus
from .models import BlacklistEntry, CreditRecord, RuleSet

UNLIMITED = 1_000_000


@dataclass(slots=True)
class Result:
    """The grading result of one enterprise (what a `CreditRating` row holds)."""

    enterprise_id: int
    status: str
    score: int
    grade: int
    cap_grade: int | None
    blacklisted: bool
    record_count: int
    fingerprint: str
    criteria_text: str = ""

    @property
    def criteria(self) -> dict[str, int]:
        """Subtotal per criterion after its limit (parsed only for results that get written)."""
        out = {}
        for item in filter(None, self.criteria_text.split(",")):
            key, _sep, value = item.partition(":")
            out[key] = int(value)
        return dict(sorted(out.items()))


class _Dialect:
    def __init__(self, vendor: str):
        self.vendor = vendor

    def date(self) -> str:
        # SQLite stores dates as ISO text, so the plain parameter compares correctly there.
        return "CAST(%s AS DATE)" if self.vendor == "postgresql" else "%s"

    def string_agg(self, expression: str, order_by: str | None = None) -> str:
        if self.vendor == "postgresql":
            order = f" ORDER BY {order_by}" if order_by else ""
            return f"string_agg({expression}, ','{order})"
        return f"group_concat({expression}, ',')"


_CTE_CACHE: dict[tuple[int, dt.date, str], tuple[str, list[Any]]] = {}


def _rules_cte(rule_set: RuleSet, as_of: dt.date, dialect: _Dialect) -> tuple[str, list[Any]]:
    """`ru(code, criterion, points, cap, since)` and `lim(criterion, lo, hi)` as VALUES lists.

    The validity window is turned into a start date per rule here (calendar months), so the SQL
    compares dates only and stays portable. Published rule sets never change, so a run's batches
    share one copy; drafts are never cached.
    """
    key = (rule_set.pk, as_of, dialect.vendor)
    if rule_set.is_published and key in _CTE_CACHE:
        sql, params = _CTE_CACHE[key]
        return sql, list(params)
    sql, params = _build_rules_cte(rule_set, as_of, dialect)
    if rule_set.is_published:
        if len(_CTE_CACHE) > 32:
            _CTE_CACHE.clear()
        _CTE_CACHE[key] = (sql, list(params))
    return sql, params


def _build_rules_cte(rule_set: RuleSet, as_of: dt.date, dialect: _Dialect) -> tuple[str, list[Any]]:
    rules = list(rule_set.rules.all())
    rows = []
    params: list[Any] = []
    for rule in rules:
        rows.append(f"(%s, %s, CAST(%s AS INTEGER), CAST(%s AS INTEGER), {dialect.date()})")
        params += [rule.code, rule.criterion, rule.points, rule.cap_grade, rule.window_start(as_of).isoformat()]
    if not rows:  # a rule set without rules still grades (everyone gets the base score)
        rows.append(f"('', '', CAST(0 AS INTEGER), CAST(NULL AS INTEGER), {dialect.date()})")
        params.append(as_of.isoformat())
    limits = {limit.criterion: limit for limit in rule_set.limits.all()}
    lim_rows = []
    for criterion in Criterion.values:
        limit = limits.get(criterion)
        lim_rows.append("(%s, CAST(%s AS INTEGER), CAST(%s AS INTEGER))")
        params += [
            criterion,
            -limit.max_penalty if limit else -UNLIMITED,
            limit.max_bonus if limit else UNLIMITED,
        ]
    sql = (
        f"ru(code, criterion, points, cap, since) AS (VALUES {', '.join(rows)}), "
        f"lim(criterion, lo, hi) AS (VALUES {', '.join(lim_rows)})"
    )
    return sql, params


def _range_sql(column: str, id_from: int | None, id_to: int | None, ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    if ids is not None:
        if not ids:
            return "1 = 0", []
        return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)
    parts, params = [], []
    if id_from is not None:
        parts.append(f"{column} >= %s")
        params.append(id_from)
    if id_to is not None:
        parts.append(f"{column} < %s")
        params.append(id_to)
    return (" AND ".join(parts) or "1 = 1"), params


def score_sql(
    rule_set: RuleSet,
    as_of: dt.date,
    *,
    id_from: int | None = None,
    id_to: int | None = None,
    ids: Sequence[int] | None = None,
    vendor: str | None = None,
) -> tuple[str, list[Any]]:
    """One statement returning, per enterprise of the range, the raw material of its grade."""
    dialect = _Dialect(vendor or connection.vendor)
    cte, params = _rules_cte(rule_set, as_of, dialect)
    record_range, record_params = _range_sql("r.enterprise_id", id_from, id_to, ids)
    enterprise_range, enterprise_params = _range_sql("e.id", id_from, id_to, ids)
    clamped = "CASE WHEN pc.pts < lim.lo THEN lim.lo WHEN pc.pts > lim.hi THEN lim.hi ELSE pc.pts END"
    record_table = CreditRecord._meta.db_table
    blacklist_table = BlacklistEntry._meta.db_table
    sql = f"""
        WITH {cte},
        pc AS (
            SELECT r.enterprise_id AS eid, ru.criterion AS criterion, SUM(ru.points) AS pts, MIN(ru.cap) AS cap,
                   COUNT(*) AS n, SUM(CAST(r.id %% 1000003 AS INTEGER)) AS s1,
                   SUM(CAST(r.id * 7919 %% 1000003 AS INTEGER)) AS s2
            FROM {record_table} r JOIN ru ON ru.code = r.rule_code
            WHERE r.status = %s AND {record_range}
              AND r.occurred_on > ru.since AND r.occurred_on <= {dialect.date()}
            GROUP BY r.enterprise_id, ru.criterion
        ),
        pe AS (
            SELECT pc.eid AS eid, SUM({clamped}) AS pts, MIN(pc.cap) AS cap, SUM(pc.n) AS n,
                   SUM(pc.s1) AS s1, SUM(pc.s2) AS s2,
                   {dialect.string_agg(f"pc.criterion || ':' || CAST({clamped} AS TEXT)")} AS crit
            FROM pc JOIN lim ON lim.criterion = pc.criterion
            GROUP BY pc.eid
        )
        SELECT e.id AS id, e.status AS status, COALESCE(pe.pts, 0) AS pts, pe.cap AS cap, COALESCE(pe.n, 0) AS n,
               COALESCE(pe.s1, 0) AS s1, COALESCE(pe.s2, 0) AS s2, pe.crit AS crit,
               EXISTS (SELECT 1 FROM {blacklist_table} b WHERE b.enterprise_id = e.id AND b.status = %s) AS bl
        FROM {Enterprise._meta.db_table} e LEFT JOIN pe ON pe.eid = e.id
        WHERE {enterprise_range}
        ORDER BY e.id
    """
    params += [RecordStatus.ACTIVE, *record_params, as_of.isoformat(), BlacklistStatus.ACTIVE, *enterprise_params]
    return sql, params


def score_range(
    rule_set: RuleSet,
    as_of: dt.date,
    *,
    id_from: int | None = None,
    id_to: int | None = None,
    ids: Sequence[int] | None = None,
) -> list[Result]:
    """Grade every enterprise of the range (one query); enterprises without records get the base score."""
    sql, params = score_sql(rule_set, as_of, id_from=id_from, id_to=id_to, ids=ids)
    base, top = rule_set.base_score, rule_set.max_score
    closed = EnterpriseStatus.CLOSED
    active, withdrawn = str(RatingStatus.ACTIVE), str(RatingStatus.WITHDRAWN)
    grade_for = rule_set.grade_for
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    results = []
    for eid, status, pts, cap, n, s1, s2, crit, blacklisted in rows:
        score = base + int(pts)
        score = 0 if score < 0 else top if score > top else score
        cap = int(cap) if cap is not None else None
        blacklisted = bool(blacklisted)
        n = int(n)
        results.append(
            Result(
                int(eid),
                withdrawn if status == closed else active,
                score,
                grade_for(score, cap, blacklisted),
                cap,
                blacklisted,
                n,
                f"{n}:{s1}:{s2}" if n else "",
                crit or "",
            )
        )
    return results


def contributions(rule_set: RuleSet, as_of: dt.date, ids: Sequence[int]) -> dict[int, str]:
    """{enterprise id: "record id:points,..."} of the records counted, for the enterprises given."""
    if not ids:
        return {}
    dialect = _Dialect(connection.vendor)
    cte, params = _rules_cte(rule_set, as_of, dialect)
    record_range, record_params = _range_sql("r.enterprise_id", None, None, ids)
    sql = f"""
        WITH {cte}
        SELECT r.enterprise_id, {dialect.string_agg("CAST(r.id AS TEXT) || ':' || CAST(ru.points AS TEXT)", "r.id")}
        FROM {CreditRecord._meta.db_table} r JOIN ru ON ru.code = r.rule_code
        WHERE r.status = %s AND {record_range}
          AND r.occurred_on > ru.since AND r.occurred_on <= {dialect.date()}
        GROUP BY r.enterprise_id
    """
    params += [RecordStatus.ACTIVE, *record_params, as_of.isoformat()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(eid): text or "" for eid, text in cursor.fetchall()}


def reference_sql(rule_set: RuleSet, as_of: dt.date, vendor: str | None = None) -> tuple[str, list[Any]]:
    """Every enterprise's score and grade in ONE statement (the benchmark's yardstick and a test oracle).

    Same semantics as `score_range` + `RuleSet.grade_for`, with the grade computed in SQL too.
    """
    inner, params = score_sql(rule_set, as_of, vendor=vendor)
    bl_cap = rule_set.blacklist_grade_cap or 0
    sql = f"""
        SELECT id, score,
               CASE WHEN g < cap_all THEN cap_all ELSE g END AS grade
        FROM (
            SELECT id, score,
                   CASE WHEN score >= {int(rule_set.grade_one_min)} THEN 1
                        WHEN score >= {int(rule_set.grade_two_min)} THEN 2 ELSE 3 END AS g,
                   CASE WHEN COALESCE(cap, 0) > (CASE WHEN bl THEN {int(bl_cap)} ELSE 0 END)
                        THEN COALESCE(cap, 0) ELSE (CASE WHEN bl THEN {int(bl_cap)} ELSE 0 END) END AS cap_all
            FROM (
                SELECT q.id AS id,
                       CASE WHEN {int(rule_set.base_score)} + q.pts < 0 THEN 0
                            WHEN {int(rule_set.base_score)} + q.pts > {int(rule_set.max_score)}
                                THEN {int(rule_set.max_score)}
                            ELSE {int(rule_set.base_score)} + q.pts END AS score,
                       q.cap AS cap, q.bl AS bl
                FROM ({inner}) AS q
            ) AS s
        ) AS t
    """
    return sql, params


def grade_and_write_pg(
    rule_set: RuleSet,
    as_of: dt.date,
    *,
    id_from: int | None,
    id_to: int | None,
    trigger: str,
    run_id: int | None,
    now: dt.datetime,
    mostly_new: bool = False,
    ids: Sequence[int] | None = None,
) -> tuple[int, list[tuple[int, int, int, int, int | None]], list[int]]:
    """PostgreSQL: grade a range, compare with the current grades and write what changed — ONE statement.

    `mostly_new` (most of the range has no grade yet, e.g. the first night) or `ids`: nearly every grade will
    be written with its list of records, so the list is built in the same pass over the counted records as
    the scores. Otherwise the records are read again for the list of the few grades that changed. Both
    forms write the same rows.

    The same results as `score_range` + the Python write path (tested against each other), but the
    rows never travel to the client: the nightly run stays a small multiple of a plain SELECT.
    The dashboards' credit figures follow in the same statement (`credit_facts_follow_sql`).

    The caller must already hold the range's enterprise row locks, FOR NO KEY UPDATE (a separate
    statement, so this one's snapshot sees everything committed before the locks were granted): they
    keep a single-enterprise recalculation and a batch from overwriting each other with a stale
    result, and are the lock `enterprise_figures_refresh` takes before replacing a share.

    `ids` instead of a range: these enterprises only (the ones `changed_pg` found).

    Where a first-night batch of 2,000 spends its time (timed with and without each part, and EXPLAIN
    ANALYZE, at 100,000 enterprises / 2,000,000 records on a loaded machine; ~400 ms in all): scoring
    ~20 %, the dashboards' credit figures ~30 % (2,000 stored shares rewritten, ~550 summary rows
    upserted), history and grade inserts with the record lists ~30 %, the six deferred foreign-key checks
    per enterprise at commit ~20 %. Scoring alone costs about what the reference statement does, so the
    first night stays several times that SELECT unless fewer rows or constraints are written; later
    nights mostly only compare (`changed_pg`). Since (issue 16, CPU of the database backend and the
    client at 30,000 enterprises / 600,000 records, every batch rolled back and the variants alternated):
    four of the six checks are gone (migration 0012: 2.45 -> 2.05 s for the night) and scoring with the
    record lists is one pass (-> 1.84 s); what is left is the rows themselves: a grade (four indexes), a
    history row (two), the figures' share and the two enterprise checks per enterprise.

    Measured again (issue 16; 10,000 enterprises / 200,000 records; each part of a first-night batch left out
    in turn inside a rolled-back transaction, median of 4, load average 4-6): ~225 ms of statement and
    ~40-65 ms of checks at commit per batch of 2,000 — scoring with the record lists ~63 ms, the figures
    ~80 ms, the history and grade rows ~80 ms plus ~40 ms for their two enterprise checks. Later nights: the
    comparison (`changed_pg`) costs about the reference per enterprise; the rest is the changed rows. Tried
    and not kept (whole nights interleaved old/new in one process, medians of 3-4 runs):
    - the figures moved once in the run's last step instead of in each batch's statement (the batches then
      write grades only): first / next / same night 1.19 / 0.59 / 0.36 s -> 1.12 / 0.68 / 0.36 s at 10,000,
      and 15.1 -> 15.9 s for a first night at 100,000 (single runs): their cost is per share rewritten
      (~30 us each), not per statement, and the dashboards would lag the grades for the length of the run;
    - the comparison in one pass grouped by enterprise (FILTERed sums, as when writing): 291 vs 297 ms for
      the five batches;
    - each record's rule looked up per row (LATERAL, Memoize) to keep the index order and skip the sort:
      ~480-525 vs ~58-66 ms for a batch's points and list of records, back to back;
    - prepared statements: planning is ~1.5 ms on a warm connection (15-20 ms only on a new one);
    - without the grades' and history rows' enterprise constraints (dropped in the benchmark's database to
      measure, not proposed: they are the links the schema still guards): first night 1.27 -> 1.10 s, next
      0.64 -> 0.60 s, same night unchanged.
    The reference runs on PostgreSQL's parallel workers (three processes at 10,000); a batch's statement
    cannot (it writes), so the first night stays several times the reference while it writes these rows.
    Since (issue 16), the figures: EXPLAIN ANALYZE of a first-night batch (2,000 of 10,000, rolled back, load
    ~1) gave ~33 ms for them (~16 us a share; ~87 ms the statement): reading the shares ~6 ms and rewriting
    them ~15 ms (each a hash over the whole table, and every rewrite a non-HOT update: no room on its page,
    so both indexes got an entry), the summary upsert ~12 ms. The shares are now read and rewritten by index
    over the moved enterprises' bounds, and their table keeps half of each page free (enterprises migration
    0011, fillfactor 50: all of a run's 20,024 rewrites HOT, 249 of 20,018 before): 35 -> 29 ms for the
    figures' CTEs, the rewrite step ~14 -> ~5-7 ms. Bench (10,000 / 200,000, figures table VACUUM FULLed
    before each run, runs alternated, load 1-2): first night 0.543-0.641 s (3.00-3.86x, 8 runs) -> 0.493-0.652 s
    (3.02-4.23x, 7 runs; medians 0.575 -> 0.504 s), next night 0.269-0.396 -> 0.268-0.310 s. Since (issue
    16), the summary upsert takes each moved share's old and new value of each key out of the JSON once, as
    integers, sums them per place and only then makes one row per fact (it crossed every share with the four
    keys and grouped those rows): same rows in the same order, stored values checked equal. EXPLAIN ANALYZE as
    above, old and new alternated (three rounds of 6-8, load 2-4): the aggregation under the upsert 4.9-7.5
    -> 2.1-2.4 ms (medians) of a batch; the insert of its ~556 rows (~6-10 ms) is what is left of the upsert.
    Bench (10,000 / 200,000, figures table VACUUM FULLed before each run, alternated, 9 runs each, load ~4 from
    other work): first night 0.822-1.024 s (3.39-4.60x, median 0.926) before vs 0.850-1.192 s (3.61-5.12x,
    median 0.961) after; the same night, where this SQL does not run, 0.232-0.306 vs 0.226-0.305 s (medians
    0.250 vs 0.292): ~3 ms a batch (~15 ms a first night) is below that noise, not a visible bench gain.

    Returns (enterprises graded, [(history id, enterprise id, grade, score, previous grade) per change],
    [enterprises whose figures have no stored share yet: the caller recounts them]).
    """
    return _grade_pg(
        rule_set,
        as_of,
        id_from=id_from,
        id_to=id_to,
        ids=ids,
        write=(trigger, run_id, now),
        mostly_new=mostly_new,
    )


def changed_pg(rule_set: RuleSet, as_of: dt.date, *, id_from: int | None, id_to: int | None) -> tuple[int, list[int]]:
    """PostgreSQL: grade a range and compare with the current grades, writing nothing and locking nothing.

    Returns (enterprises graded, [enterprises whose result differs from their current grade]): the
    same comparison `grade_and_write_pg` makes before it writes. A quiet night's batch ends here.
    """
    total, changed, _missing = _grade_pg(rule_set, as_of, id_from=id_from, id_to=id_to, ids=None, write=None)
    return total, [row[0] for row in changed]


def _pg_range(
    column: str, id_from: int | None, id_to: int | None, ids: Sequence[int] | None, *, bounds_only: bool = False
) -> tuple[str, list[Any]]:
    """The range, or the ids. `bounds_only`: just the ids' bounds, for a table joined on these ids anyway (the
    grades): read by index over the batch's range, where a few hundred ids of an array make the planner
    misjudge the rows and join the next CTE in a loop, or read the whole table."""
    if ids is not None:
        if bounds_only:
            return (f"{column} BETWEEN %s AND %s", [min(ids), max(ids)]) if ids else ("FALSE", [])
        return f"{column} = ANY(%s::bigint[])", [list(ids)]
    return _range_sql(column, id_from, id_to, None)


def _grade_pg(
    rule_set: RuleSet,
    as_of: dt.date,
    *,
    id_from: int | None,
    id_to: int | None,
    ids: Sequence[int] | None,
    write: tuple[str, int | None, dt.datetime] | None,
    mostly_new: bool = False,
) -> tuple[int, list[tuple[Any, ...]], list[int]]:
    """`grade_and_write_pg` (write = (trigger, run id, now)) or `changed_pg` (write = None: nothing is
    written, and the changes are the (enterprise id,) of each enterprise whose result differs)."""
    from .enterprise_hooks import credit_facts_follow_sql
    from .models import CreditRating, CreditRatingHistory

    dialect = _Dialect("postgresql")
    cte, params = _rules_cte(rule_set, as_of, dialect)
    record_range, record_params = _pg_range("r.enterprise_id", id_from, id_to, ids)
    enterprise_range, enterprise_params = _pg_range("e.id", id_from, id_to, ids)
    # The range again on the grades, so the planner reads them by index, whatever its statistics.
    rating_range, rating_params = _pg_range("c.enterprise_id", id_from, id_to, ids, bounds_only=True)
    target_range, target_params = _pg_range("t.enterprise_id", id_from, id_to, ids, bounds_only=True)
    blacklist_cap = int(rule_set.blacklist_grade_cap or 0)
    records = CreditRecord._meta.db_table
    ratings = CreditRating._meta.db_table
    history = CreditRatingHistory._meta.db_table
    counted = f"""
            SELECT r.enterprise_id AS eid, r.id AS rid, ru.criterion AS criterion, ru.points AS points,
                   ru.cap AS cap
            FROM {records} r JOIN ru ON ru.code = r.rule_code
            WHERE r.status = 'active' AND {{range}}
              AND r.occurred_on > ru.since AND r.occurred_on <= CAST(%s AS DATE)"""
    day = as_of.isoformat()
    counted_where = f"""
            FROM {records} r JOIN ru ON ru.code = r.rule_code
            WHERE r.status = 'active' AND {record_range}
              AND r.occurred_on > ru.since AND r.occurred_on <= CAST(%s AS DATE)"""
    # `pk(eid, pts, cap, n, s1, s2[, crit][, txt])`: per enterprise with counted records, its points after the
    # criteria's limits, worst cap, count and id sums (the fingerprint), when writing the subtotals (`crit`).
    inline_list = write is not None and (mostly_new or ids is not None)
    if write is None:
        # A comparison: per (enterprise, criterion), then per enterprise (hashed, then a small sort).
        clamped = "CASE WHEN pc.pts < lim.lo THEN lim.lo WHEN pc.pts > lim.hi THEN lim.hi ELSE pc.pts END"
        scored = f"""
        pc AS (
            SELECT r.enterprise_id AS eid, ru.criterion AS criterion, SUM(ru.points) AS pts, MIN(ru.cap) AS cap,
                   COUNT(*) AS n, SUM(CAST(r.id %% 1000003 AS INTEGER)) AS s1,
                   SUM(CAST(r.id * 7919 %% 1000003 AS INTEGER)) AS s2{counted_where}
            GROUP BY r.enterprise_id, ru.criterion
        ),
        pk AS (
            SELECT pc.eid AS eid, SUM({clamped}) AS pts, MIN(pc.cap) AS cap, SUM(pc.n) AS n,
                   SUM(pc.s1) AS s1, SUM(pc.s2) AS s2
            FROM pc JOIN lim ON lim.criterion = pc.criterion
            GROUP BY pc.eid
        ),"""
        params += [*record_params, day]
    else:
        # Writing: one pass over the counted records, grouped by enterprise only, each criterion's subtotal a
        # FILTERed sum (the criteria are fixed); records whose rule's criterion has no limit row count in
        # nothing but the list, as the join on `lim` has them. When (nearly) every grade of the batch is
        # written — the first night, or the enterprises `changed_pg` found — the list of records is built in
        # the same pass, in record id order: the records come sorted by (enterprise, id) from one sort, and
        # string_agg keeps its input's order (an ORDER BY inside the aggregate would sort each enterprise's
        # records on its own, several times the cost). Otherwise it is read again for the changed grades (`co`).
        keys = list(Criterion.values)
        limits = ", ".join(
            f"MAX(lim.lo) FILTER (WHERE lim.criterion = %s) AS lo{i}, "
            f"MAX(lim.hi) FILTER (WHERE lim.criterion = %s) AS hi{i}"
            for i in range(len(keys))
        )
        subtotals = ", ".join(f"SUM(rr.points) FILTER (WHERE rr.criterion = %s) AS p{i}" for i in range(len(keys)))
        listed = ", string_agg(CAST(rr.rid AS TEXT) || ':' || CAST(rr.points AS TEXT), ',') AS txt"
        clamped = ", ".join(
            f"CASE WHEN pe.p{i} < lp.lo{i} THEN lp.lo{i} WHEN pe.p{i} > lp.hi{i} THEN lp.hi{i} ELSE pe.p{i} END AS c{i}"
            for i in range(len(keys))
        )
        scored = f"""
        lp AS (SELECT {limits} FROM lim),
        pe AS (
            SELECT rr.eid AS eid, {subtotals},
                   MIN(rr.cap) FILTER (WHERE rr.kept) AS cap, COUNT(*) FILTER (WHERE rr.kept) AS n,
                   SUM(CAST(rr.rid %% 1000003 AS INTEGER)) FILTER (WHERE rr.kept) AS s1,
                   SUM(CAST(rr.rid * 7919 %% 1000003 AS INTEGER)) FILTER (WHERE rr.kept) AS s2
                   {listed if inline_list else ""}
            FROM (
                SELECT r.enterprise_id AS eid, r.id AS rid, ru.criterion AS criterion, ru.points AS points,
                       ru.cap AS cap, ru.criterion IN (SELECT criterion FROM lim) AS kept{counted_where}
                {"ORDER BY r.enterprise_id, r.id" if inline_list else ""}
            ) AS rr
            GROUP BY rr.eid
        ),
        pk AS (
            SELECT pe.eid, pe.cap, pe.n, pe.s1, pe.s2{", pe.txt" if inline_list else ""},
                   {" + ".join(f"COALESCE(pe.c{i}, 0)" for i in range(len(keys)))} AS pts,
                   jsonb_strip_nulls(jsonb_build_object({", ".join(f"%s, pe.c{i}" for i in range(len(keys)))})) AS crit
            FROM (SELECT pe.*, {clamped} FROM pe CROSS JOIN lp) AS pe
        ),"""
        params += [key for key in keys for _twice in range(2)]
        params += [*keys, *record_params, day, *keys]
    sql = f"""
        WITH {cte},{scored}
        sc AS (
            SELECT e.id AS eid,
                   CASE WHEN e.status = 'closed' THEN 'withdrawn' ELSE 'active' END AS status,
                   LEAST(GREATEST(%s + COALESCE(pk.pts, 0), 0), %s)::int AS score,
                   pk.cap::int AS cap,
                   EXISTS (SELECT 1 FROM {BlacklistEntry._meta.db_table} b
                           WHERE b.enterprise_id = e.id AND b.status = 'active') AS bl,
                   COALESCE(pk.n, 0)::int AS n,
                   CASE WHEN COALESCE(pk.n, 0) > 0 THEN pk.n::text || ':' || pk.s1::text || ':' || pk.s2::text
                        ELSE '' END AS fp,
                   {"COALESCE(pk.crit, '{}'::jsonb)" if write is not None else "CAST(NULL AS jsonb)"} AS crit
                   {", COALESCE(pk.txt, '') AS txt" if inline_list else ""}
            FROM {Enterprise._meta.db_table} e LEFT JOIN pk ON pk.eid = e.id
            WHERE {enterprise_range}
        ),
        gr AS (
            SELECT sc.*, GREATEST(
                       CASE WHEN sc.score >= %s THEN 1 WHEN sc.score >= %s THEN 2 ELSE 3 END,
                       COALESCE(sc.cap, 0),
                       CASE WHEN sc.bl THEN %s ELSE 0 END) AS grade
            FROM sc
        ),
        ch AS (
            SELECT gr.*, c.id AS rating_id, c.grade AS prev_grade, c.score AS prev_score, c.blacklisted AS prev_bl
            FROM gr LEFT JOIN {ratings} c ON c.enterprise_id = gr.eid AND {rating_range}
            WHERE (c.id IS NULL AND gr.status <> 'withdrawn')
               OR (c.id IS NOT NULL AND
                   (c.grade, c.score, c.rule_set_id, c.cap_grade, c.blacklisted, c.record_count, c.fingerprint,
                    c.status)
                   IS DISTINCT FROM
                   (gr.grade::smallint, gr.score::smallint, %s::bigint, gr.cap::smallint, gr.bl, gr.n, gr.fp::varchar,
                    gr.status::varchar))
        )
    """
    params += [rule_set.base_score, rule_set.max_score, *enterprise_params]
    params += [rule_set.grade_one_min, rule_set.grade_two_min, blacklist_cap]
    params += [*rating_params, rule_set.pk]
    if write is None:
        sql += "SELECT (SELECT count(*) FROM sc), (SELECT array_agg(eid ORDER BY eid) FROM ch)"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            total, changed = cursor.fetchone()
        return int(total), [(int(eid),) for eid in changed or []], []
    trigger, run_id, now = write
    if inline_list:
        listed_cte, listed_text, listed_join = "", "ch.txt", ""
    else:
        listed_cte = f"""
        co AS (
            SELECT rr.eid AS eid, string_agg(rr.rid::text || ':' || rr.points::text, ',' ORDER BY rr.rid) AS txt
            FROM ({counted.format(range="r.enterprise_id IN (SELECT eid FROM ch WHERE n > 0)")}) AS rr
            GROUP BY rr.eid
        ),"""
        listed_text, listed_join = "COALESCE(co.txt, '')", "LEFT JOIN co ON co.eid = ch.eid"
        params.append(day)
    sql += f"""
        ,
        fig_src AS (
            SELECT ch.eid, ch.grade, ch.bl FROM ch
            WHERE ch.prev_grade IS NULL OR ch.prev_grade <> ch.grade OR ch.prev_bl IS DISTINCT FROM ch.bl
        ),{credit_facts_follow_sql("fig_src")},
{listed_cte}
        hi AS (
            INSERT INTO {history} (enterprise_id, grade, score, previous_grade, previous_score, rule_set_id, as_of,
                                   computed_at, cap_grade, blacklisted, status, record_count, fingerprint, criteria,
                                   contributions, trigger, run_id)
            SELECT ch.eid, ch.grade, ch.score, ch.prev_grade, ch.prev_score, %s, CAST(%s AS DATE), %s, ch.cap, ch.bl,
                   ch.status, ch.n, ch.fp, ch.crit, {listed_text}, %s, %s
            FROM ch {listed_join}
            RETURNING id, enterprise_id, grade, score, previous_grade
        ),
        up AS (
            UPDATE {ratings} t
            SET grade = ch.grade, score = ch.score, rule_set_id = %s, as_of = CAST(%s AS DATE), computed_at = %s,
                cap_grade = ch.cap, blacklisted = ch.bl, record_count = ch.n, fingerprint = ch.fp,
                status = ch.status, latest_id = hi.id, updated_at = %s
            FROM ch JOIN hi ON hi.enterprise_id = ch.eid
            WHERE t.id = ch.rating_id AND {target_range}
            RETURNING t.id
        ),
        ins AS (
            INSERT INTO {ratings} (enterprise_id, grade, score, rule_set_id, as_of, computed_at, cap_grade,
                                   blacklisted, record_count, fingerprint, status, latest_id, updated_at)
            SELECT ch.eid, ch.grade, ch.score, %s, CAST(%s AS DATE), %s, ch.cap, ch.bl, ch.n, ch.fp, ch.status,
                   hi.id, %s
            FROM ch JOIN hi ON hi.enterprise_id = ch.eid
            WHERE ch.rating_id IS NULL
            RETURNING id
        )
        SELECT total.n, hi.id, hi.enterprise_id, hi.grade, hi.score, hi.previous_grade,
               (SELECT count(*) FROM up) + (SELECT count(*) FROM ins), (SELECT array_agg(eid) FROM fig_missing)
        FROM (SELECT count(*) AS n FROM sc) AS total LEFT JOIN hi ON true
    """
    params += [rule_set.pk, day, now, trigger, run_id]
    params += [rule_set.pk, day, now, now, *target_params]
    params += [rule_set.pk, day, now, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = int(rows[0][0]) if rows else 0
    changes = [(row[1], row[2], row[3], row[4], row[5]) for row in rows if row[1] is not None]
    if changes and int(rows[0][6]) != len(changes):  # every history row must have moved its grade row
        raise RuntimeError("credit grading wrote history without its current grade")
    missing = [int(pk) for pk in (rows[0][7] or [])] if rows else []
    return total, changes, missing
