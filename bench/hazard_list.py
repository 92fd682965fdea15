"""Hazard list API (inspector scope) and credit overview at 1,000,000 hazards vs. hand-written SQL.

    createdb -h 127.0.0.1 -U postgres sp_bench_list
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench_list \\
        .venv/bin/python bench/hazard_list.py --enterprises 100000 --hazards 1000000

Use a database of its own: the script migrates it and, once, fills it with set-based SQL
(`INSERT … SELECT … FROM generate_series`, a few minutes at 1,000,000 hazards): enterprises over every
grid of the Longyan reference tree, hazards over three years in every state (deadlines, close-out
times, grades, a share in campaigns) and one credit grade per enterprise. Later runs reuse the data.

Timed (median and p95 of --runs), each against its reference measured in the same run, the two (and the SQL our
request sent, alone) run in turn, so that a load that comes and goes on the machine weighs on each alike:
  hazard list API page 1, inspector scope (新罗区) – `GET /api/v1/hazards/` as the inspector's phone asks for it,
      signed in with a session cookie, through the WSGI application gunicorn serves (`safety_platform.wsgi`: the
      session, the user, the filters, the rows and the JSON — the server's whole answer, given by hazards/api/fast.py
      ahead of the middleware and DRF but for the one request a minute that stamps the session) for each filter the
      list offers, vs. a minimal WSGI app giving the same answer by hand, as bench/credit_feeds.py's reference does
      for the feeds: on a plain psycopg2 connection it reads the session row (one SELECT, decoded as the session
      format is), the user with their jurisdictions' paths (one SELECT; active, the session's password hash), then
      one capped count (`COUNT(*)` over `LIMIT 1001`) and the page's rows (the same 27 columns), and writes the same
      JSON with `json.dumps`. Both are called in-process with the same WSGI environ (no HTTP server on either side)
      and persistent database connections (`DJANGO_CONN_MAX_AGE=60`), as in production; their first answers are
      compared before timing: the same bytes. The reference does not look up the enterprise, campaign or town a
      filter names (the platform does, to refuse one the inspector may not see with a 400 naming the field);
  credit overview – the `/credit/` page for committee staff (100,000 grades), vs. the same top
      page and capped count by hand.
Until 2026-12-07 the reference was lighter than the answer it stood for (no sign-in, 14 of the columns, every value
sent as `str`) and the platform was called through Django's test client (its own signals and cookie handling);
that ratio is still printed ("bare SQL"), without a goal.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")  # persistent connections, as in production

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench._hazard_api import (  # noqa: E402
    REFERENCE_COUNT_SQL,
    call,
    reference_app,
    reference_connection,
    session_cookie,
)
from bench._report import record  # noqa: E402

COUNTY = "350802"  # 新罗区: the inspector's jurisdiction


def timed_in_turn(fns: list[Callable[[], Any]], runs: int) -> list[tuple[float, float]]:
    """Median and p95 of each function, the functions run in turn (a b c a b c …): a load that comes and goes on
    the machine weighs on each alike."""
    for fn in fns:
        fn()  # warm
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    result = []
    for spent in times:
        spent.sort()
        result.append((statistics.median(spent), spent[min(len(spent) - 1, round(0.95 * (len(spent) - 1)))]))
    return result


def _copy_rows(table: str, template_id: int, n: int, overrides: dict[str, str], series: str = "g") -> None:
    """Insert n rows into `table`, each a copy of the template row with `overrides` (SQL over g = 1…n)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        columns = [c for (c,) in cursor.fetchall() if c != "id"]
        select = ", ".join(overrides.get(c, f"t.{c}") for c in columns).replace("%", "%%")  # params follow
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} "
            f"FROM generate_series(1, %s) AS {series}, (SELECT * FROM {table} WHERE id = %s) AS t",
            [n, template_id],
        )


def populate(enterprises: int, hazards: int) -> None:
    from enterprises.models import Enterprise

    if Enterprise.objects.filter(name__startswith="基准企业").exists():
        print("reusing the data of an earlier run")
        return
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # the platform's per-request limit is not for a bulk fill
    with transaction.atomic():  # all or nothing: a failed fill leaves nothing a later run would reuse
        _fill(enterprises, hazards)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"data ready in {time.perf_counter() - start:.0f} s")


def _fill(enterprises: int, hazards: int) -> None:
    from credit.models import CreditRating, RuleSet
    from enterprises.models import Enterprise
    from hazards.models import Campaign, Hazard
    from safety_platform.management.commands.seed_reference import load_reference_data
    from safety_platform.models import Industry, Jurisdiction
    from tests.factories import next_credit_code

    load_reference_data()
    start = time.perf_counter()
    grids = list(Jurisdiction.objects.filter(level="grid").values_list("pk", flat=True))
    industries = list(Industry.objects.filter(level="class").values_list("pk", flat=True))
    template = Enterprise.objects.create(
        credit_code=next_credit_code(),
        name="基准企业0",
        legal_representative="张三",
        jurisdiction_id=grids[0],
        industry_id=industries[0],
    )
    # Credit codes need not pass the check character here (never validated on read); they must be unique.
    _copy_rows(
        "enterprises_enterprise",
        template.pk,
        enterprises - 1,
        {
            "credit_code": "'91350800B' || lpad(g::text, 9, '0')",
            "name": "'基准企业' || g",
            "jurisdiction_id": f"(ARRAY{grids})[1 + (g::bigint * 7919) % {len(grids)}]",
            "industry_id": f"(ARRAY{industries})[1 + (g::bigint * 104729) % {len(industries)}]",
        },
    )
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    assert ids[-1] - ids[0] + 1 == len(ids), "enterprise ids must be contiguous (a fresh database)"
    print(f"{len(ids)} enterprises in {time.perf_counter() - start:.0f} s")

    today = timezone.localdate()
    campaigns = [
        Campaign.objects.create(name=f"基准专项行动{k}", starts_on=today.replace(month=1, day=1), ends_on=today)
        for k in range(20)
    ]
    template_h = Hazard.objects.create(
        code="YH-BENCH-0",
        enterprise_id=ids[0],
        title="基准隐患",
        source="inspection",
        state="closed",
        grade="general",
        closed_at=timezone.now(),
    )
    # r: a reproducible pseudo-random number in [0, 1) per row; states weighted like a running city
    # (most hazards closed out, a long tail in every open state, a few voided worker reports).
    state = (
        "(CASE WHEN r < 0.62 THEN 'closed' WHEN r < 0.70 THEN 'registered' WHEN r < 0.78 THEN 'assessed' "
        "WHEN r < 0.81 THEN 'reported' WHEN r < 0.91 THEN 'rectifying' WHEN r < 0.99 THEN 'remediated' "
        "ELSE 'voided' END)"
    )
    found = "(now() - (r2 * interval '1095 days'))"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_h AS SELECT g, random() AS r, random() AS r2, random() AS r3 "
            "FROM generate_series(1, %s) AS g",
            [hazards - 1],
        )
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'hazards_hazard' "
            "ORDER BY ordinal_position"
        )
        columns = [c for (c,) in cursor.fetchall() if c != "id"]
        overrides = {
            "code": "'YH-BENCH-' || g",
            "enterprise_id": f"{ids[0]} + (g::bigint * 7919) % {len(ids)}",
            "state": state,
            "grade": f"(CASE WHEN {state} IN ('registered', 'voided') THEN '' WHEN r3 < 0.1 THEN 'major' "
            "ELSE 'general' END)",
            "found_at": found,
            "deadline": f"(CASE WHEN {state} IN ('registered', 'voided') THEN NULL "
            f"ELSE ({found} + interval '30 days')::date END)",
            "closed_at": f"(CASE WHEN {state} = 'closed' THEN {found} + interval '20 days' ELSE NULL END)",
            "campaign_id": f"(CASE WHEN r3 > 0.9 THEN (ARRAY{[c.pk for c in campaigns]})[1 + g % 20] ELSE NULL END)",
            "is_listed": "(r3 < 0.02)",
            "created_at": found,
            "updated_at": found,
        }
        select = ", ".join(overrides.get(c, f"t.{c}") for c in columns).replace("%", "%%")  # params follow
        cursor.execute(
            f"INSERT INTO hazards_hazard ({', '.join(columns)}) SELECT {select} "
            "FROM bench_h, (SELECT * FROM hazards_hazard WHERE id = %s) AS t",
            [template_h.pk],
        )
        cursor.execute("DROP TABLE bench_h")
    print(f"{Hazard.objects.count()} hazards in {time.perf_counter() - start:.0f} s")

    rule_set = RuleSet.objects.order_by("pk").first()
    if rule_set is None:
        rule_set = RuleSet.objects.create(version="bench", name="基准规则", effective_from=today, status="published")
    template_r = CreditRating.objects.create(
        enterprise_id=ids[0],
        grade=2,
        score=80,
        rule_set=rule_set,
        as_of=today,
        computed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'credit_creditrating' "
            "ORDER BY ordinal_position"
        )
        columns = [c for (c,) in cursor.fetchall() if c != "id"]
        # Most enterprises sit at the base score; a tail of deductions and a few top scores.
        overrides = {
            "enterprise_id": "e.id",
            "score": "(CASE WHEN e.id % 10 < 6 THEN 80 WHEN e.id % 10 < 9 THEN 60 + e.id % 20 ELSE 90 + e.id % 10 END)",
            "grade": "(CASE WHEN e.id % 10 < 6 THEN 2 WHEN e.id % 10 < 9 THEN (CASE WHEN 60 + e.id % 20 >= 70 "
            "THEN 2 ELSE 3 END) ELSE 1 END)",
            "updated_at": "now() - (e.id % 1000) * interval '1 hour'",
        }
        select = ", ".join(overrides.get(c, f"t.{c}") for c in columns).replace("%", "%%")  # params follow
        cursor.execute(
            f"INSERT INTO credit_creditrating ({', '.join(columns)}) SELECT {select} "
            "FROM enterprises_enterprise e, (SELECT * FROM credit_creditrating WHERE id = %s) AS t WHERE e.id <> %s",
            [template_r.pk, ids[0]],
        )


# The earlier, lighter reference (no sign-in; 14 columns, each sent as text): printed beside, no goal.
BARE_LIST_SQL = """
SELECT h.id, h.code, h.title, h.state, h.grade, h.source, h.found_at, h.deadline, h.closed_at, h.is_listed,
       h.enterprise_id, e.name, e.credit_code, j.name
FROM hazards_hazard h
JOIN enterprises_enterprise e ON e.id = h.enterprise_id
JOIN safety_platform_jurisdiction j ON j.id = e.jurisdiction_id
WHERE j.path LIKE %s AND h.state <> 'voided' {extra}
ORDER BY h.found_at DESC, h.id DESC LIMIT 50
"""

REFERENCE_CREDIT_SQL = """
SELECT r.id, r.enterprise_id, r.grade, r.score, r.blacklisted, r.as_of, e.name, e.credit_code, j.name
FROM credit_creditrating r
JOIN enterprises_enterprise e ON e.id = r.enterprise_id
JOIN safety_platform_jurisdiction j ON j.id = e.jurisdiction_id
ORDER BY r.grade DESC, r.score, r.id LIMIT 25
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    populate(args.enterprises, args.hazards)

    from django.test import Client

    from hazards.models import Campaign, Hazard
    from safety_platform.models import Jurisdiction, User

    county = Jurisdiction.objects.get(code=COUNTY)
    inspector, _ = User.objects.get_or_create(username="bench_inspector", defaults={"role": "inspector"})
    inspector.jurisdictions.set([county])
    inspector = User.objects.get(pk=inspector.pk)
    committee, _ = User.objects.get_or_create(username="bench_committee", defaults={"role": "committee"})
    in_county = Hazard.objects.visible_to(inspector).exclude(state="voided")
    enterprise_id = in_county.order_by("-found_at").values_list("enterprise_id", flat=True).first()
    campaign_id = Campaign.objects.filter(name__startswith="基准专项行动").values_list("pk", flat=True).first()
    today = timezone.localdate().isoformat()
    town = Jurisdiction.objects.filter(parent=county).order_by("pk").first()
    assert town is not None
    rectification = "('assessed','reported','rectifying')"
    open_states = "('registered','assessed','reported','rectifying','remediated')"
    cases: list[tuple[str, dict[str, str], str, list[Any]]] = [
        ("no filter", {}, "", []),
        ("state=rectifying", {"state": "rectifying"}, "AND h.state = 'rectifying'", []),
        ("open=true", {"open": "true"}, f"AND h.state IN {open_states}", []),
        ("grade=major", {"grade": "major"}, "AND h.grade = 'major'", []),
        ("overdue=true", {"overdue": "true"}, f"AND h.state IN {rectification} AND h.deadline < %s", [today]),
        ("enterprise", {"enterprise": str(enterprise_id)}, "AND h.enterprise_id = %s", [enterprise_id]),
        ("campaign", {"campaign": str(campaign_id)}, "AND h.campaign_id = %s", [campaign_id]),
        ("jurisdiction (a town)", {"jurisdiction": str(town.pk)}, "AND j.path LIKE %s", [f"{town.path}%"]),
    ]
    print(
        f"enterprises={args.enterprises} hazards={Hazard.objects.count()} "
        f"in the inspector's county={in_county.count()} runs={args.runs}"
    )
    from safety_platform.wsgi import application as platform_app  # what gunicorn serves

    # Signed in for real, as an inspector's phone is: a session cookie, read on every request.
    cookie = session_cookie(inspector)
    filters = {urlencode(params): (extra, extra_args) for _label, params, extra, extra_args in cases}
    ref_app = reference_app(reference_connection(), filters)
    print(
        f"{'hazard list API page 1, inspector':36s} {'reference ms':>15s} {'our SQL':>6s} {'ours ms':>15s} "
        f"{'ratio':>6s} {'SQL ratio':>9s} {'bare SQL ms':>11s} {'ratio':>6s}"
    )
    for label, params, extra, extra_args in cases:
        query = urlencode(params)

        def ours(query: str = query) -> bytes:
            return call(platform_app, query, cookie)

        def reference(query: str = query) -> bytes:
            return call(ref_app, query, cookie)

        def bare(extra: str = extra, extra_args: list[Any] = extra_args) -> None:
            # The earlier reference: the rows' SQL and a capped count, 14 columns sent as text, no sign-in.
            sql_args = [f"{county.path}%", *extra_args]
            with connection.cursor() as cursor:
                cursor.execute(REFERENCE_COUNT_SQL.format(scope="j.path LIKE %s", extra=extra), sql_args)
                count = cursor.fetchone()[0]
                cursor.execute(BARE_LIST_SQL.format(extra=extra), sql_args)
                rows = cursor.fetchall()
            json.dumps({"count": count, "results": [list(map(str, row)) for row in rows]})

        if ours() != reference():
            raise SystemExit(f"{label}: the reference's answer differs from the platform's")
        with CaptureQueriesContext(connection) as ctx:
            ours()
        statements = [q["sql"] for q in ctx.captured_queries]

        def our_sql(statements: list[str] = statements) -> None:
            # The SQL our request sent, alone: what the database costs, without Django and DRF.
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        (ref_med, ref_p95), (sql_med, _), (our_med, our_p95), (bare_med, _) = timed_in_turn(
            [reference, our_sql, ours, bare], args.runs
        )
        print(
            f"  {label:34s} {ref_med * 1000:6.1f} (p95 {ref_p95 * 1000:5.1f}) {sql_med * 1000:6.1f} "
            f"{our_med * 1000:6.1f} (p95 {our_p95 * 1000:5.1f}) {our_med / ref_med:5.2f}× {sql_med / ref_med:5.2f}× "
            f"{bare_med * 1000:11.1f} {our_med / bare_med:5.2f}×"
        )
        figure = f"hazard list API page 1, inspector, {label}"
        record(f"{figure}, median", our_med * 1000, ref_med * 1000, unit="ms", goal="≤ 1.2×", goal_ratio=1.2)
        record(f"{figure}, p95", our_p95 * 1000, ref_p95 * 1000, unit="ms", goal="p95 < 100 ms", goal_value=100)

    web = Client()
    web.force_login(committee)

    def overview() -> None:
        response = web.get("/credit/")
        assert response.status_code == 200

    def credit_reference() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM (SELECT 1 FROM credit_creditrating LIMIT 1001) AS sub")
            cursor.fetchone()
            cursor.execute(REFERENCE_CREDIT_SQL)
            cursor.fetchall()

    (ref_med, ref_p95), (our_med, our_p95) = timed_in_turn([credit_reference, overview], args.runs)
    print(
        f"{'credit overview page (committee, whole page)':44s} {ref_med * 1000:6.1f} (p95 {ref_p95 * 1000:5.1f}) "
        f"{our_med * 1000:6.1f} (p95 {our_p95 * 1000:5.1f}) {our_med / ref_med:5.2f}×  goal < 50 ms"
    )
    record(
        "credit overview page (committee), median",
        our_med * 1000,
        ref_med * 1000,
        unit="ms",
        goal="< 50 ms",
        goal_value=50,
    )


if __name__ == "__main__":
    main()
