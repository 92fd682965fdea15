"""Scoped enterprise list at city scale: the API and the web page vs. hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench \
        .venv/bin/python bench/enterprise_api.py --enterprises 100000

Creates the enterprises once (re-runs reuse them), then times, for an inspector scoped to one
county and for committee staff (whole city): page 1 and a deep page of `/api/v1/enterprises/`, the
same filtered by category, and the HTML list page. The reference is one raw SQL statement returning
the same page (plus the count), run on the same connection. Prints median times and ratios.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench._report import record  # noqa: E402
from bench._timing import median_ms  # noqa: E402


def ensure_data(n: int) -> None:
    from enterprises.models import Enterprise
    from safety_platform.management.commands.seed_reference import load_reference_data
    from safety_platform.models import Department, Industry, Jurisdiction
    from tests.factories import next_credit_code

    call_command("migrate", verbosity=0)
    load_reference_data()
    have = Enterprise.objects.count()
    if have >= n:
        return
    grids = list(Jurisdiction.objects.filter(level="grid"))
    industries = list(Industry.objects.filter(level="class"))
    departments = {i.pk: Department.objects.supervising_for_industry(i) for i in industries}
    categories = ["mining", "hazardous_chemicals", "fireworks", "metallurgy", "industry_trade", "construction"]
    batch = []
    for i in range(have, n):
        industry = industries[i % len(industries)]
        batch.append(
            Enterprise(
                credit_code=next_credit_code(f"3508{i % 90:02d}"),
                name=f"基准企业{i:06d}有限公司",
                legal_representative="张三",
                jurisdiction=grids[i % len(grids)],
                industry=industry,
                risk_category=categories[i % len(categories)],
                supervising_department=departments[industry.pk],
                employees=i % 500,
            )
        )
        if len(batch) == 5000:
            Enterprise.objects.bulk_create(batch)
            batch.clear()
    Enterprise.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    ensure_data(args.enterprises)

    from safety_platform.models import Jurisdiction, User

    county = Jurisdiction.objects.get(code="350802")
    inspector, _ = User.objects.get_or_create(username="bench_inspector", defaults={"role": "inspector"})
    inspector.jurisdictions.set([county])
    committee, _ = User.objects.get_or_create(username="bench_committee", defaults={"role": "committee"})

    def reference(path_prefix: str | None, offset: int, category: str | None = None) -> None:
        where, params = ["TRUE"], []
        if path_prefix:
            where.append("j.path LIKE %s")
            params.append(path_prefix + "%")
        if category:
            where.append("e.risk_category = %s")
            params.append(category)
        sql_where = " AND ".join(where)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM enterprises_enterprise e JOIN safety_platform_jurisdiction j "
                f"ON j.id = e.jurisdiction_id WHERE {sql_where}",
                params,
            )
            cursor.fetchone()
            cursor.execute(
                f"SELECT e.*, j.name, i.code, i.name, d.name FROM enterprises_enterprise e "
                f"JOIN safety_platform_jurisdiction j ON j.id = e.jurisdiction_id "
                f"JOIN safety_platform_industry i ON i.id = e.industry_id "
                f"LEFT JOIN safety_platform_department d ON d.id = e.supervising_department_id "
                f"WHERE {sql_where} ORDER BY e.name, e.id LIMIT 50 OFFSET %s",
                [*params, offset],
            )
            cursor.fetchall()

    client = Client()
    print(f"enterprises: {args.enterprises}, repeat: {args.repeat} (median ms; ratio = platform / reference SQL)")
    print(f"{'case':58} {'platform':>9} {'SQL':>8} {'ratio':>6}")
    for user, prefix, label in [(inspector, county.path, "inspector, 新罗区"), (committee, None, "committee, city")]:
        client.force_login(user)
        with connection.cursor() as cursor:  # page 40, or the last page where the scope holds fewer (small runs)
            cursor.execute(
                "SELECT count(*) FROM enterprises_enterprise e JOIN safety_platform_jurisdiction j "
                "ON j.id = e.jurisdiction_id WHERE j.path LIKE %s",
                [(prefix or "") + "%"],
            )
            deep = max(1, min(40, -(-cursor.fetchone()[0] // 50)))
        cases = [
            ("API page 1", "/api/v1/enterprises/", 0, None),
            ("API page 40 (or the last)", f"/api/v1/enterprises/?page={deep}", (deep - 1) * 50, None),
            ("API page 1, category filter", "/api/v1/enterprises/?risk_category=mining", 0, "mining"),
            ("HTML list page 1 (25 rows)", "/enterprises/", 0, None),
        ]
        for name, url, offset, category in cases:

            def hit(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            platform = median_ms(hit, args.repeat)
            ref = median_ms(lambda o=offset, c=category, p=prefix: reference(p, o, c), args.repeat)
            print(f"{label + ' — ' + name:58} {platform:9.1f} {ref:8.1f} {platform / ref:6.1f}")
            record(f"enterprise list, {label} — {name}, median", platform, ref, unit="ms")


if __name__ == "__main__":
    main()
