"""Every page each role can reach, timed on a generated city (issue 16: "every page fast at 100,000 enterprises
and 1,000,000 hazards").

    createdb -h 127.0.0.1 -U postgres sp_bench_city
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench_city \\
        .venv/bin/python bench/page_sweep.py --enterprises 100000 --per-enterprise 10

The other benchmarks time the pages the issue names; this one looks for the page nobody named. On the city of
`manage.py generate_city` (assessment/datagen.py: enterprises over every grid of the Longyan reference tree, hazards
over three years in every state with their histories and deadlines, credit records, accidents, certificates,
training, stock; the database `hazards_risk_map.py` fills, reused when it holds the city already, and given its
credit grades here when it has none) each role signs in with a session cookie, as a browser does, and walks the
site breadth-first from its home page: every same-site link of every page it is shown (the pages' own filter,
sort and paging links included), at most `--per-route` URLs of one route and one set of query parameters (a
thousand hazard pages cost the same), at most `--pages` pages a role. Not followed: logout, downloads and exports
(streamed files: exports.py times them), the API (its own benchmarks), static files. Only GET: nothing is written
(`tests/platform/test_get_writes_nothing.py`).

Each page is fetched once on the walk, then timed `--runs` times (median): the whole answer of the server in
process (Django's test client: middleware, session, view, template), as the phone or browser waits for it minus
the network. Printed: the slowest pages, the largest, the most queries; recorded for bench/run_all.py: the number
of pages over 300 ms and over 200 KB (goal: none), the slowest page and the 95th percentile of the pages'
medians. The roles: platform administrator (with Django's admin), city committee, a county office, an inspector
of a county and one of a town, department staff, and the enterprise with the most hazards.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from bench._report import record  # noqa: E402

SLOW_MS = 300
LARGE_KB = 200
# Not followed: they sign out, download a file, change the language (a POST), or are not pages.
SKIP = re.compile(
    r"logout|/static/|/media/|/api/|/i18n/|/healthz|export|download|/attachment|/file/|[?&]format=|\.(csv|xlsx|docx|pdf)\b"
)
HREF = re.compile(r'href="([^"#][^"]*)"')


def ensure_city(enterprises: int, per_enterprise: int) -> None:
    """The generated city (as hazards_risk_map.py fills it) with its credit grades."""
    from bench.hazards_risk_map import populate
    from credit.models import CreditRating
    from credit.services.grading import credit_recalculate_all

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…): a database of its own, or the risk map's.")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    populate(enterprises, per_enterprise)
    if not CreditRating.objects.exists():
        started = time.perf_counter()
        credit_recalculate_all()
        with connection.cursor() as cursor:
            # As autovacuum would soon: without statistics the planner takes 100,000 new grades for a few hundred
            # (a filtered credit list: 1.1 s with them missing, 48 ms after).
            cursor.execute("ANALYZE")
        print(f"credit grades in {time.perf_counter() - started:.0f} s")


def sweep_users() -> list[tuple[str, Any]]:
    """(label, user) per role, on the generated city's people; the ones it has no one for are created once."""
    from django.db.models import Count

    from enterprises.models import Enterprise
    from safety_platform.models import Department, Jurisdiction, User

    county = Jurisdiction.objects.get(code="350802")  # 新罗区, the largest county
    town = Jurisdiction.objects.filter(parent=county).order_by("pk").first()
    busiest = Enterprise.objects.annotate(n=Count("hazards")).order_by("-n", "pk").values_list("pk", flat=True).first()

    def user(username: str, jurisdictions: list[Any] | None = None, **fields: Any) -> Any:
        found, created = User.objects.get_or_create(username=username, defaults=fields)
        if created and jurisdictions:
            found.jurisdictions.set(jurisdictions)
        return found

    department = Department.objects.filter(code="yjj").first() or Department.objects.order_by("pk").first()
    inspector = User.objects.filter(role="inspector", jurisdictions=county).order_by("pk").first()
    return [
        ("admin", user("sweep_admin", role="admin", is_staff=True, is_superuser=True)),
        ("committee", user("sweep_committee", role="committee")),
        ("county office", user("sweep_county_office", [county], role="county_office")),
        ("inspector (county)", inspector or user("sweep_inspector", [county], role="inspector")),
        ("inspector (town)", user("sweep_inspector_town", [town], role="inspector")),
        ("department", user("sweep_department", role="department", department=department)),
        ("enterprise", user("sweep_enterprise", role="enterprise", enterprise_id=busiest)),
    ]


def route_of(path: str, query: str) -> tuple[str, frozenset[str]] | None:
    """The URL's route and the names of its query parameters: URLs alike in both cost alike."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name, frozenset(k for k, _v in parse_qsl(query, keep_blank_values=True))


def walk(client: Client, pages: int, per_route: int) -> list[str]:
    """The URLs the role is shown, breadth-first from the home page, each route (and query shape) a few times."""
    seen: set[str] = set()
    per: dict[tuple[str, frozenset[str]], int] = {}
    queue: deque[str] = deque(["/"])
    found: list[str] = []
    while queue and len(found) < pages:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        route = route_of(parts.path, parts.query)
        if route is None or per.get(route, 0) >= per_route:
            continue
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        per[route] = per.get(route, 0) + 1
        found.append(url)
        for href in HREF.findall(response.content.decode()):
            target = urldefrag(urljoin(url, href.replace("&amp;", "&")))[0]
            same_site = target.startswith("/") and not target.startswith("//")
            if same_site and not SKIP.search(target) and target not in seen:
                queue.append(target)
    return found


def time_page(client: Client, url: str, runs: int) -> tuple[float, int, int]:
    """(median ms, bytes, queries) of one page."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(times), len(response.content), len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--per-enterprise", type=int, default=10, help="hazards per enterprise")
    parser.add_argument("--pages", type=int, default=250, help="pages a role at the most")
    parser.add_argument("--per-route", type=int, default=2, help="URLs of one route and query shape at the most")
    parser.add_argument("--runs", type=int, default=3, help="timed fetches of each page (median)")
    parser.add_argument("--show", type=int, default=15, help="rows of each list printed")
    args = parser.parse_args()
    ensure_city(args.enterprises, args.per_enterprise)

    rows: list[tuple[float, int, int, str, str]] = []  # (median ms, bytes, queries, role, url)
    for label, user in sweep_users():
        client = Client()
        client.force_login(user)
        started = time.perf_counter()
        urls = walk(client, args.pages, args.per_route)
        for url in urls:
            median, size, queries = time_page(client, url, args.runs)
            rows.append((median, size, queries, label, url))
        print(f"{label}: {len(urls)} pages in {time.perf_counter() - started:.0f} s", flush=True)

    if not rows:
        sys.exit("no page answered: is the city there?")
    medians = sorted(r[0] for r in rows)
    p95 = medians[min(len(medians) - 1, int(0.95 * len(medians)))]
    slow = [r for r in rows if r[0] > SLOW_MS]
    large = [r for r in rows if r[1] > LARGE_KB * 1024]
    print(f"\n{len(rows)} pages; median of the pages {statistics.median(medians):.0f} ms, p95 {p95:.0f} ms")
    for title, key in (("slowest", lambda r: -r[0]), ("largest", lambda r: -r[1]), ("most queries", lambda r: -r[2])):
        print(f"\n{title}:\n{'ms':>7s} {'KB':>6s} {'queries':>7s}  role / page")
        for median, size, queries, label, url in sorted(rows, key=key)[: args.show]:
            print(f"{median:7.0f} {size / 1024:6.0f} {queries:7d}  {label}: {url}")

    worst = max(rows)
    biggest = max(rows, key=lambda r: r[1])
    record(
        f"page sweep: pages over {SLOW_MS} ms (median), of every page 7 roles reach",
        len(slow),
        None,
        unit="pages",
        goal="none",
        goal_value=0,
        extra={"pages": len(rows), "slow": [f"{r[3]}: {r[4]} {r[0]:.0f} ms" for r in slow[:20]]},
    )
    record(
        f"page sweep: pages over {LARGE_KB} KB",
        len(large),
        None,
        unit="pages",
        goal="none",
        goal_value=0,
        extra={"large": [f"{r[3]}: {r[4]} {r[1] // 1024} KB" for r in large[:20]]},
    )
    record(
        "page sweep: slowest page, median",
        worst[0],
        None,
        unit="ms",
        goal=f"< {SLOW_MS} ms",
        goal_value=SLOW_MS,
        extra={"page": f"{worst[3]}: {worst[4]}"},
    )
    record("page sweep: p95 of the pages' medians", p95, None, unit="ms", goal=f"< {SLOW_MS} ms", goal_value=SLOW_MS)
    record(
        "page sweep: largest page",
        biggest[1] / 1024,
        None,
        unit="KB",
        goal=f"< {LARGE_KB} KB",
        goal_value=LARGE_KB,
        extra={"page": f"{biggest[3]}: {biggest[4]}"},
    )


if __name__ == "__main__":
    main()
