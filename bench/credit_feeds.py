"""The departments' credit feeds vs a minimal WSGI app running the same SQL and JSON (issue 16).

    createdb -h 127.0.0.1 -U postgres sp_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench .venv/bin/python bench/credit_feeds.py

Builds (once; re-runs reuse them) 100,000 enterprises with a credit grade each and 10,000 published
blacklist entries, by bulk inserts; `updated_at` comes in runs of 20 rows sharing one instant, as a
nightly recalculation stamps them, so page boundaries fall inside ties. Then, in one process and on the
same PostgreSQL:

1. requests/s of `GET /api/v1/credit/ratings/` and `/blacklist/` (100-row pages, first page and a page
   half-way through by cursor) through Django's WSGI handler with a department API key, against a
   minimal WSGI app that checks the same key with one SELECT, runs the same page SELECT (row comparison
   on (updated_at, id)) on a plain psycopg2 connection and writes the same JSON with `json.dumps`. Both
   are called in-process with the same WSGI environ (no HTTP server on either side, which would only
   add the same cost to both and pull the ratio towards 1). The first answers of both are compared:
   the same bytes.
2. the full incremental sync of every rating (following `next` from an empty cursor to the last page)
   through both, and the time of the first and the last tenth of the pages (deep pages must not slow
   down); plus one deep page's SQL alone with the old cursor filter `updated_at > X OR (updated_at = X
   AND id > Y)` and with the row comparison.
3. the database round trips of one platform page (queries, plus `SELECT 1` connection health checks, which
   CaptureQueriesContext does not see): the reference makes two (key, page). The key lookup now serves as
   the connection's health check (safety_platform/db_first_read.py), so the platform makes two as well.

Each figure is printed beside its reference and the ratio; goals: requests/s ≥ 0.7× the reference,
sync time ≤ 1.3× the reference. Persistent database connections (`DJANGO_CONN_MAX_AGE=60`) as in
production.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")

import django

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _wsgi as wsgi  # noqa: E402
from bench._report import record  # noqa: E402
from credit.api.feed import datetime_formatter  # noqa: E402
from credit.api.pagination import decode_cursor, encode_cursor  # noqa: E402
from credit.api.serializers import GRADE_LABELS  # noqa: E402

RATINGS = "/api/v1/credit/ratings/"
BLACKLIST = "/api/v1/credit/blacklist/"
TIE = 20  # rows sharing one updated_at
BASE_STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


# Data ---------------------------------------------------------------------------------------------


def ensure_data(ratings: int, entries: int) -> None:
    from credit.models import BlacklistEntry, CreditRating, RuleSet
    from enterprises.models import Enterprise
    from safety_platform.models import Department, Industry, Jurisdiction

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from enterprise_api import ensure_data as ensure_enterprises  # the registry benchmark's bulk generator

    ensure_enterprises(ratings)
    _ = (Department, Industry, Jurisdiction)
    rule_set = RuleSet.objects.get(version="LY-2016.1")
    have = CreditRating.objects.count()
    if have < ratings:
        missing = Enterprise.objects.exclude(credit_rating__isnull=False).order_by("id").values_list("id", flat=True)
        batch: list[CreditRating] = []
        for i, enterprise_id in enumerate(missing[: ratings - have].iterator(chunk_size=5000), start=have):
            stamp = BASE_STAMP + dt.timedelta(seconds=i // TIE)
            batch.append(
                CreditRating(
                    enterprise_id=enterprise_id,
                    grade=1 + i % 3,
                    score=60 + i % 40,
                    rule_set=rule_set,
                    as_of=dt.date(2026, 6, 30),
                    computed_at=stamp,
                    blacklisted=i % 50 == 0,
                    record_count=i % 7,
                    status="active" if i % 100 else "withdrawn",
                    updated_at=stamp,
                )
            )
            if len(batch) == 5000:
                CreditRating.objects.bulk_create(batch)
                batch.clear()
        CreditRating.objects.bulk_create(batch)
    have = BlacklistEntry.objects.published().count()
    if have < entries:
        targets = (
            Enterprise.objects.exclude(blacklist__isnull=False)
            .order_by("id")
            .values_list("id", "supervising_department_id")[: entries - have]
        )
        blist: list[BlacklistEntry] = []
        for i, (enterprise_id, department_id) in enumerate(targets.iterator(chunk_size=5000), start=have):
            stamp = BASE_STAMP + dt.timedelta(seconds=i // TIE)
            removed = i % 4 == 0
            blist.append(
                BlacklistEntry(
                    enterprise_id=enterprise_id,
                    status="removed" if removed else "active",
                    origin="department",
                    case="unlicensed",
                    rule_set=rule_set,
                    reason="暂扣期间擅自生产经营，拒不整改",
                    legal_basis="《安全生产严重失信主体名单管理办法》（应急管理部令第11号）第七条",
                    department_id=department_id if i % 10 else None,
                    listed_on=dt.date(2024, 1, 1) + dt.timedelta(days=i % 300),
                    ends_on=dt.date(2027, 1, 1) + dt.timedelta(days=i % 300),
                    removed_on=dt.date(2026, 3, 1) if removed else None,
                    removal_reason="repaired" if removed else "",
                    updated_at=stamp,
                )
            )
            if len(blist) == 5000:
                BlacklistEntry.objects.bulk_create(blist)
                blist.clear()
        BlacklistEntry.objects.bulk_create(blist)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def api_key() -> str:
    from safety_platform.models import ApiKey, Department
    from safety_platform.services import api_key_create

    ApiKey.objects.filter(name="bench credit feeds").update(revoked_at=timezone.now())
    _key, raw = api_key_create(
        name="bench credit feeds",
        department=Department.objects.order_by("id").first(),
        scopes=["blacklist:read", "ratings:read"],
    )
    return raw


# The reference: a minimal WSGI app, same SQL, same JSON -------------------------------------------

KEY_SQL = (
    "SELECT id, hashed_secret, revoked_at, expires_at, scopes FROM safety_platform_apikey WHERE prefix = %s LIMIT 1"
)
RATING_SQL = """
SELECT r.id, e.credit_code, e.name, r.grade, r.score, r.blacklisted, s.version, r.as_of, r.computed_at,
       r.status, r.updated_at
FROM credit_creditrating r
JOIN enterprises_enterprise e ON e.id = r.enterprise_id
JOIN credit_ruleset s ON s.id = r.rule_set_id
WHERE {where}
ORDER BY r.updated_at, r.id LIMIT %s"""
BLACKLIST_SQL = """
SELECT b.id, e.credit_code, e.name, b.status, b."case", b.reason, b.legal_basis, d.name, s.version,
       b.listed_on, b.ends_on, b.removed_on, b.removal_reason, b.created_at, b.updated_at
FROM credit_blacklistentry b
JOIN enterprises_enterprise e ON e.id = b.enterprise_id
LEFT JOIN safety_platform_department d ON d.id = b.department_id
JOIN credit_ruleset s ON s.id = b.rule_set_id
WHERE b.status IN ('active', 'removed') AND {where}
ORDER BY b.updated_at, b.id LIMIT %s"""


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def reference_app(conn: Any) -> Callable[..., Iterable[bytes]]:
    def rating_row(row: tuple[Any, ...], fmt: Callable[[Any], Any]) -> dict[str, Any]:
        pk, code, name, grade, score, blacklisted, version, as_of, computed_at, status, updated_at = row
        return {
            "id": pk,
            "credit_code": code,
            "enterprise_name": name,
            "grade": grade,
            "grade_label": GRADE_LABELS.get(grade, ""),
            "score": score,
            "blacklisted": blacklisted,
            "rule_set_version": version,
            "as_of": _date(as_of),
            "computed_at": fmt(computed_at),
            "status": status,
            "updated_at": fmt(updated_at),
        }

    def blacklist_row(row: tuple[Any, ...], fmt: Callable[[Any], Any]) -> dict[str, Any]:
        return {
            "id": row[0],
            "credit_code": row[1],
            "enterprise_name": row[2],
            "status": row[3],
            "case": row[4],
            "reason": row[5],
            "legal_basis": row[6],
            "listing_department": row[7],
            "rule_set_version": row[8],
            "listed_on": _date(row[9]),
            "ends_on": _date(row[10]),
            "removed_on": _date(row[11]),
            "removal_reason": row[12],
            "created_at": fmt(row[13]),
            "updated_at": fmt(row[14]),
        }

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        prefix, _dot, secret = environ["HTTP_AUTHORIZATION"].split()[1].partition(".")
        size = int(query.get("page_size", 100))
        with conn.cursor() as cur:
            cur.execute(KEY_SQL, [prefix])
            key = cur.fetchone()
            if key is None or not hmac.compare_digest(key[1], hashlib.sha256(secret.encode()).hexdigest()):
                start_response("401 Unauthorized", [("Content-Type", "application/json")])
                return [b'{"detail":"Unknown API key."}']
            sql, to_row, alias = (
                (RATING_SQL, rating_row, "r") if path == RATINGS else (BLACKLIST_SQL, blacklist_row, "b")
            )
            if "cursor" in query:
                stamp, pk = decode_cursor(query["cursor"])
                cur.execute(sql.format(where=f"({alias}.updated_at, {alias}.id) > (%s, %s)"), [stamp, pk, size + 1])
            else:
                cur.execute(sql.format(where="TRUE"), [size + 1])
            rows = cur.fetchall()
        fmt = datetime_formatter()
        page = rows[:size]
        next_link = sync_cursor = None
        if len(rows) > size:
            query["cursor"] = encode_cursor(page[-1][-1], page[-1][0])
            next_link = f"http://{environ['HTTP_HOST']}{path}?{urlencode(sorted(query.items()))}"
        else:
            horizon = timezone.now() - dt.timedelta(seconds=5)
            last = (page[-1][-1], page[-1][0]) if page else None
            sync_cursor = encode_cursor(*(last if last and last[0] <= horizon else (horizon, 0)))
        body = json.dumps(
            {"next": next_link, "sync_cursor": sync_cursor, "results": [to_row(row, fmt) for row in page]},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
        start_response("200 OK", [("Content-Type", "application/json"), ("ETag", etag)])
        return [body]

    return app


# Driving both -------------------------------------------------------------------------------------


def environ_for(url: str, auth: str) -> dict[str, Any]:
    parts = urlsplit(url)
    return wsgi.environ_for(parts.path, parts.query, HTTP_AUTHORIZATION=f"Api-Key {auth}")


def call(app: Callable[..., Any], url: str, auth: str) -> bytes:
    return wsgi.call(app, environ_for(url, auth))


def requests_per_second(app: Callable[..., Any], url: str, auth: str, seconds: float) -> float:
    call(app, url, auth)  # warm-up
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        call(app, url, auth)
        count += 1
    return count / elapsed


def sync(app: Callable[..., Any], auth: str, page_size: int) -> tuple[float, list[float], int]:
    """Follow `next` from the start: total seconds, seconds per page, rows."""
    url: str | None = f"http://testserver{RATINGS}?page_size={page_size}"
    times: list[float] = []
    rows = 0
    start = time.perf_counter()
    while url:
        t = time.perf_counter()
        body = json.loads(call(app, url, auth))
        times.append(time.perf_counter() - t)
        rows += len(body["results"])
        url = body["next"]
    return time.perf_counter() - start, times, rows


def deep_page_sql_ms(repeat: int = 5) -> tuple[float, float]:
    """One page of 101 rows 90% of the way through, by the old OR filter and by the row comparison."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT updated_at, id FROM credit_creditrating ORDER BY updated_at, id OFFSET %s LIMIT 1",
            [int(0.9 * count_ratings())],
        )
        stamp, pk = cursor.fetchone()
        old = RATING_SQL.format(where="(r.updated_at > %s OR (r.updated_at = %s AND r.id > %s))")
        new = RATING_SQL.format(where="(r.updated_at, r.id) > (%s, %s)")

        def timed(sql: str, params: list[Any]) -> float:
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                samples.append((time.perf_counter() - t) * 1000)
            return statistics.median(samples)

        return timed(old, [stamp, stamp, pk, 101]), timed(new, [stamp, pk, 101])


def round_trips(app: Callable[..., Any], url: str, auth: str) -> int:
    """Statements one platform request sends, counting Django's `SELECT 1` connection health checks."""
    call(app, url, auth)  # connected: the next request reuses the connection, as in production
    wrapper = type(connections["default"])
    usable = wrapper.is_usable
    checks: list[int] = []

    def counted(self: Any) -> bool:
        checks.append(1)
        return usable(self)

    wrapper.is_usable = counted  # type: ignore[method-assign]
    try:
        with CaptureQueriesContext(connection) as queries:
            call(app, url, auth)
    finally:
        wrapper.is_usable = usable  # type: ignore[method-assign]
    return len(queries.captured_queries) + len(checks)


def count_ratings() -> int:
    from credit.models import CreditRating

    return CreditRating.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--blacklist", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per throughput measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating platform/reference rounds (median)")
    parser.add_argument("--sync-page-size", type=int, default=1000)
    parser.add_argument("--sync-rounds", type=int, default=2, help="alternating full syncs (fastest of each side)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL.")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    ensure_data(args.ratings, args.blacklist)
    auth = api_key()
    from safety_platform.wsgi import application as platform_app  # what gunicorn serves (gc.freeze included)

    ref_app = reference_app(wsgi.plain_connection())

    total = count_ratings()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT updated_at, id FROM credit_creditrating ORDER BY updated_at, id OFFSET %s LIMIT 1", [total // 2]
        )
        half = encode_cursor(*cursor.fetchone())
        cursor.execute(
            "SELECT updated_at, id FROM credit_blacklistentry WHERE status IN ('active', 'removed') "
            "ORDER BY updated_at, id OFFSET %s LIMIT 1",
            [args.blacklist // 2],
        )
        half_blacklist = encode_cursor(*cursor.fetchone())

    print(f"# Credit feeds vs a minimal WSGI app (same SQL, same JSON) — {total:,} ratings, {args.blacklist:,} entries")
    print(
        f"machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"PostgreSQL {connection.pg_version // 10000}"
    )
    print()
    print("| what | platform | reference | ratio | goal |")
    print("|---|---|---|---|---|")
    cases = [
        ("ratings feed, 100-row page 1", f"{RATINGS}?page_size=100"),
        ("ratings feed, 100-row page half-way (cursor)", f"{RATINGS}?page_size=100&cursor={half}"),
        ("blacklist feed, 100-row page 1", f"{BLACKLIST}?page_size=100"),
        ("blacklist feed, 100-row page half-way (cursor)", f"{BLACKLIST}?page_size=100&cursor={half_blacklist}"),
    ]
    for name, url in cases:
        ours, theirs = call(platform_app, url, auth), call(ref_app, url, auth)
        same = "same bytes" if ours == theirs else "DIFFERENT BYTES"
        if json.loads(ours)["results"] != json.loads(theirs)["results"]:
            raise SystemExit(f"{name}: the reference's rows differ from the platform's")
        platform_rps, reference_rps = [], []
        for _ in range(args.rounds):
            platform_rps.append(requests_per_second(platform_app, url, auth, args.seconds))
            reference_rps.append(requests_per_second(ref_app, url, auth, args.seconds))
        p, r = statistics.median(platform_rps), statistics.median(reference_rps)
        print(f"| {name} ({same}) | {p:.0f} req/s | {r:.0f} req/s | {p / r:.2f}× | ≥ 0.7× |")
        record(name, p, r, unit="req/s", goal="≥ 0.7×", goal_ratio=0.7, higher_is_better=True)

    # Round trips of one page, SELECT 1 health checks included (a reused connection, as in production).
    for name, url in (cases[0], cases[2]):
        trips = round_trips(platform_app, url, auth)
        print(f"| {name}: database round trips per page | {trips} | 2 | | = the reference |")
        record(f"{name}: database round trips per page", trips, 2, unit="round trips", goal="= the reference")

    # Alternating rounds; each side's fastest sync (the machine's other load only ever adds time).
    ours_runs, ref_runs = [], []
    for _ in range(args.sync_rounds):
        ours_runs.append(sync(platform_app, auth, args.sync_page_size))
        ref_runs.append(sync(ref_app, auth, args.sync_page_size))
    ours_s, ours_pages, ours_rows = min(ours_runs, key=lambda run: run[0])
    ref_s, ref_pages, ref_rows = min(ref_runs, key=lambda run: run[0])
    assert ours_rows == ref_rows == total, (ours_rows, ref_rows, total)
    print(
        f"| full sync of {total:,} ratings, {len(ours_pages)} pages of {args.sync_page_size} | {ours_s:.2f} s | "
        f"{ref_s:.2f} s | {ours_s / ref_s:.2f}× | ≤ 1.3× |"
    )
    record(
        f"full incremental sync of every rating ({args.sync_page_size}-row pages)",
        ours_s,
        ref_s,
        goal="≤ 1.3×",
        goal_ratio=1.3,
    )
    tenth = max(1, len(ours_pages) // 10)
    for label, pages in (("platform", ours_pages), ("reference", ref_pages)):
        first, last = statistics.median(pages[:tenth]) * 1000, statistics.median(pages[-tenth:]) * 1000
        print(
            f"| {label}: median page, first tenth → last tenth of the sync | {first:.1f} ms | {last:.1f} ms | "
            f"{last / first:.2f}× | ≈ 1× (linear) |"
        )
        record(f"sync, {label}: median page, last tenth vs first tenth", last, first, unit="ms", goal="≈ 1× (linear)")
    old_ms, new_ms = deep_page_sql_ms()
    print(
        f"| one page 90% deep, SQL alone: `updated_at > X OR (…)` vs `(updated_at, id) > (X, Y)` | {old_ms:.1f} ms | "
        f"{new_ms:.1f} ms | {old_ms / new_ms:.1f}× | (why the row comparison) |"
    )
    record("deep page SQL, row comparison vs old OR cursor filter", new_ms, old_ms, unit="ms")
    print()
    print(
        "In-process WSGI calls, one thread, alternating rounds; req/s = median of the rounds, sync = fastest of its "
        "rounds. The platform's page "
        "includes DRF's authentication, permission, filter and content negotiation, and the key use log (buffered: "
        "no write per request)."
    )


if __name__ == "__main__":
    main()
