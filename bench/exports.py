"""Exports at city scale: the ratings CSV of 100,000 grades vs. the same rows written directly with csv.writer.

    createdb -h 127.0.0.1 -U postgres sp_bench_exports
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench_exports \\
        .venv/bin/python bench/exports.py --ratings 100000

Use a database of its own: the script migrates it, creates the enterprises (Django bulk_create) and one
grade each (one INSERT … SELECT), and reuses them on the next run.

Measured in the same run, median of `--repeat` runs each, the two taking turns (reference, export, reference,
export …) so that a load that comes and goes on the machine weighs on both alike:
  export     – `GET /api/v1/credit/ratings/?format=csv` through the Django test client with a department's
               API key (authentication, scoping, filters, cursor, the values_list rows formatted as the JSON
               feed formats them, formula escaping, the streamed response read to the end; the rows are
               built by `credit.api.exports.rating_csv_rows`);
  reference  – the same query (`values_list` over the same queryset, `.iterator(chunk_size=2000)`) written
               directly with `csv.writer` into a buffer emptied every 64 KB: no HTTP, no formatting, no escaping.
Goal (issue 16): export ≤ 2× the reference.

Also printed: the Excel export of the same rows (SpreadsheetML written into a temporary file, then streamed) and the
Python heap peak (tracemalloc) of a CSV export of the first `--memory-rows` grades, streamed and held whole, to
show that the streamed export's memory does not grow with the rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench._data import ensure_bench_enterprises  # noqa: E402
from bench._report import record  # noqa: E402

BENCH_PREFIX = "导出基准企业"
URL = "/api/v1/credit/ratings/"


def enterprise_name(i: int) -> str:
    """Every 1,000th name is one a spreadsheet would run: the export must escape it."""
    name = f"{BENCH_PREFIX}{i:06d}有限公司"
    if i % 1000 == 7:
        return f'=HYPERLINK("http://x.example/{i}","{name}")'  # escaped by the export
    return name


def ensure_data(ratings: int) -> None:
    from credit.models import CreditRating, RuleSet

    ensure_bench_enterprises(ratings, BENCH_PREFIX, name=enterprise_name)
    if CreditRating.objects.count() < ratings:
        print("creating the grades …", flush=True)
        rule_set = RuleSet.objects.get(version="LY-2016.1")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE credit_creditrating, credit_creditratinghistory")
            cursor.execute(
                """
                INSERT INTO credit_creditrating (
                    enterprise_id, grade, score, rule_set_id, as_of, computed_at, cap_grade, blacklisted,
                    record_count, fingerprint, status, latest_id, updated_at
                )
                SELECT e.id, 1 + (e.id %% 3), 100 - (e.id %% 60), %s, current_date, now(), NULL, e.id %% 50 = 0,
                       e.id %% 7, '', 'active', NULL,
                       now() - make_interval(secs => (e.id %% 86400)::float)
                FROM enterprises_enterprise e
                """,
                [rule_set.pk],
            )
        cursor = connection.cursor()
        cursor.execute("ANALYZE credit_creditrating")
        cursor.execute("ANALYZE enterprises_enterprise")


def api_key() -> str:
    from safety_platform.choices import ApiScope
    from safety_platform.models import Department
    from safety_platform.services import api_key_create

    _key, raw = api_key_create(
        name="导出基准", department=Department.objects.order_by("pk").first(), scopes=[ApiScope.RATINGS_READ]
    )
    return raw


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def median_times_in_turn(fns: list[Callable[[], Any]], repeat: int) -> list[tuple[float, Any]]:
    """median_time of each function, the functions run in turn (a b a b …) rather than one after the other."""
    times: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            results[i] = fn()
            times[i].append(time.perf_counter() - start)
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)]


def export_csv(client: Client, auth: dict[str, str], params: dict[str, str] | None = None) -> tuple[int, int]:
    response = client.get(URL, {"format": "csv", **(params or {})}, **auth)
    assert response.status_code == 200, response.status_code
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return size, lines - 1


def export_xlsx(client: Client, auth: dict[str, str]) -> int:
    response = client.get(URL, {"format": "xlsx"}, **auth)
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


def reference_csv() -> tuple[int, int]:
    """The same rows, straight from the same query into csv.writer."""
    from credit.api.feed import RATING_COLUMNS
    from credit.models import CreditRating

    queryset = CreditRating.objects.order_by("updated_at", "pk").values_list(*RATING_COLUMNS)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    size = rows = 0
    for row in queryset.iterator(chunk_size=2000):
        writer.writerow(row)
        rows += 1
        if buffer.tell() >= 64 * 1024:
            size += len(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    return size + len(buffer.getvalue().encode()), rows


def heap_peak(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-rows", type=int, default=20_000, help="rows for the tracemalloc comparison")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the (slower) Excel measurement")
    args = parser.parse_args()

    ensure_data(args.ratings)
    from credit.models import CreditRating

    n = CreditRating.objects.count()
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {api_key()}"}
    export_csv(client, auth, {"page_size": "10"})  # warm-up: imports, key cache, plans

    (reference, (ref_size, ref_rows)), (export, (size, rows)) = median_times_in_turn(
        [reference_csv, lambda: export_csv(client, auth)], args.repeat
    )
    assert rows == ref_rows == n, (rows, ref_rows, n)

    print(f"\nratings CSV export, {n:,} rows, PostgreSQL, median of {args.repeat}")
    print("| what | time | rows/s | size |")
    print("|---|---:|---:|---:|")
    ref_rate = ref_rows / reference
    print(f"| reference: same query → csv.writer | {reference:.2f} s | {ref_rate:,.0f} | {ref_size / 1e6:.1f} MB |")
    print(f"| export: GET ?format=csv (streamed) | {export:.2f} s | {rows / export:,.0f} | {size / 1e6:.1f} MB |")
    print(f"| **ratio export / reference** | **{export / reference:.2f}×** | goal ≤ 2× | |")
    record("ratings CSV export, every grade", export, reference, goal="≤ 2×", goal_ratio=2.0)
    if not args.no_xlsx:
        xlsx, xlsx_size = median_time(lambda: export_xlsx(client, auth), 1)
        print(
            f"| Excel: GET ?format=xlsx (temp file, streamed) | {xlsx:.2f} s | {n / xlsx:,.0f} | "
            f"{xlsx_size / 1e6:.1f} MB |"
        )
        record("ratings Excel export, every grade, vs the CSV reference", xlsx, reference)

    # Heap peak of the CSV export of the last k rows (updated_since), streamed as served vs. held whole.
    def since(k: int) -> dict[str, str]:
        stamp = CreditRating.objects.order_by("-updated_at", "-pk").values_list("updated_at", flat=True)[k - 1]
        return {"updated_since": stamp.isoformat()}

    def streamed(params: dict[str, str]) -> None:
        response = client.get(URL, {"format": "csv", **params}, **auth)
        for _chunk in response.streaming_content:
            pass
        response.close()

    def whole(params: dict[str, str]) -> None:
        response = client.get(URL, {"format": "csv", **params}, **auth)
        assert response.getvalue()
        response.close()

    small, large = max(1, args.memory_rows // 4), min(args.memory_rows, n)
    print("\nPython heap peak (tracemalloc) of a ratings CSV export")
    print("| rows | streamed (as served) | the same file held whole |")
    print("|---:|---:|---:|")
    for k in (small, large):
        params = since(k)
        streamed_mb = heap_peak(lambda p=params: streamed(p))
        whole_mb = heap_peak(lambda p=params: whole(p))
        print(f"| {k:,} | {streamed_mb:.2f} MB | {whole_mb:.2f} MB |")
        record(
            f"CSV export heap peak, streamed vs held whole, {'--memory-rows / 4' if k == small else '--memory-rows'}",
            streamed_mb,
            whole_mb,
            unit="MB",
            goal="constant memory",
            extra={"rows": k},
        )
    print(f"\nmachine: {os.cpu_count()} CPUs, PostgreSQL {connection.pg_version}")


if __name__ == "__main__":
    main()
