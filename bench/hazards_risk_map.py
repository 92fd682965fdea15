"""Risk map and hazard list at city scale vs. hand-written SQL returning the same figures.

    createdb -h 127.0.0.1 -U postgres sp_bench_hazards
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench_hazards \\
        .venv/bin/python bench/hazards_risk_map.py --enterprises 20000 --per-enterprise 5

Use a database of its own: the script migrates it and, once, creates the enterprises (spread over
every grid of the Longyan reference tree), their risk sources (random LEC factors, graded by the
active banding) and hazards (random states); later runs reuse them.

Timed (median of 5), each against its reference measured in the same run:
  risk map, city level    – `hazards.selectors.risk_map` (two GROUP BY queries over the child prefix
                            of the materialized path) vs. one hand-written GROUP BY joining
                            risk sources to their enterprise's county;
  risk map, county level  – the same one level down, for an inspector scoped to that county;
  hazard list API page 1  – `/api/v1/hazards/?open=true` for committee staff vs. the raw SQL page + count.
The figures of the map are compared with the reference's before timing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def median_time(fn: Callable[[], Any], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def populate(enterprises: int, per_enterprise: int) -> None:
    from decimal import Decimal

    from enterprises.models import Enterprise
    from hazards.choices import LEC_C_VALUES, LEC_E_VALUES, LEC_L_VALUES
    from hazards.models import Hazard, RiskBanding, RiskSource
    from safety_platform.management.commands.seed_reference import load_reference_data
    from safety_platform.models import Industry, Jurisdiction
    from tests.factories import next_credit_code

    load_reference_data()
    have = Enterprise.objects.count()
    if have >= enterprises:
        print(f"reusing {have} enterprises")
        return
    rng = random.Random(7)
    grids = list(Jurisdiction.objects.filter(level="grid"))
    industries = list(Industry.objects.filter(level="class"))
    rows = [
        Enterprise(
            credit_code=next_credit_code(),
            name=f"基准企业{n}",
            legal_representative="张三",
            jurisdiction=rng.choice(grids),
            industry=rng.choice(industries),
        )
        for n in range(have, enterprises)
    ]
    Enterprise.objects.bulk_create(rows, batch_size=2000)
    banding = RiskBanding.objects.active("lec")
    assert banding is not None
    sources, hazards = [], []
    year = timezone.localdate().year
    for enterprise in Enterprise.objects.filter(name__startswith="基准企业").only("pk").iterator():
        for k in range(per_enterprise):
            factors = [Decimal(rng.choice(v)) for v in (LEC_L_VALUES, LEC_E_VALUES, LEC_C_VALUES)]
            score = factors[0] * factors[1] * factors[2]
            sources.append(
                RiskSource(
                    enterprise_id=enterprise.pk,
                    name=f"岗位{k}",
                    method="lec",
                    lec_l=factors[0],
                    lec_e=factors[1],
                    lec_c=factors[2],
                    score=score,
                    level=banding.level_for(score),
                    banding=banding,
                    control_measures="措施",
                    responsible_person="李四",
                )
            )
            state = rng.choice(["registered", "assessed", "rectifying", "remediated", "closed"])
            hazards.append(
                Hazard(
                    code=f"YH-BENCH-{year}-{enterprise.pk:07d}-{k}",
                    enterprise_id=enterprise.pk,
                    title="基准隐患",
                    source="inspection",
                    state=state,
                    grade="" if state == "registered" else rng.choice(["general", "general", "major"]),
                    closed_at=timezone.now() if state == "closed" else None,
                )
            )
        if len(sources) >= 20000:
            RiskSource.objects.bulk_create(sources)
            Hazard.objects.bulk_create(hazards)
            sources, hazards = [], []
    RiskSource.objects.bulk_create(sources)
    Hazard.objects.bulk_create(hazards)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


REFERENCE_MAP_SQL = """
SELECT child.path, rs.level, COUNT(*)
FROM hazards_risksource rs
JOIN enterprises_enterprise e ON e.id = rs.enterprise_id
JOIN safety_platform_jurisdiction j ON j.id = e.jurisdiction_id
JOIN safety_platform_jurisdiction child ON child.parent_id = %s AND j.path LIKE child.path || '%%'
GROUP BY child.path, rs.level
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--per-enterprise", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    populate(args.enterprises, args.per_enterprise)

    from rest_framework.test import APIClient

    from hazards.selectors import risk_map
    from safety_platform.models import Jurisdiction, User

    committee, _ = User.objects.get_or_create(username="bench_committee", defaults={"role": "committee"})
    county = Jurisdiction.objects.get(code="350802")
    inspector, _ = User.objects.get_or_create(username="bench_inspector", defaults={"role": "inspector"})
    inspector.jurisdictions.set([county])
    inspector = User.objects.get(pk=inspector.pk)
    city = Jurisdiction.objects.get(parent__isnull=True)

    def reference(node: Jurisdiction) -> dict[tuple[str, str], int]:
        with connection.cursor() as cursor:
            cursor.execute(REFERENCE_MAP_SQL, [node.pk])
            return {(path, level): n for path, level, n in cursor.fetchall()}

    def ours(user: Any, node: Jurisdiction) -> dict[tuple[str, str], int]:
        data = risk_map(user, node)
        return {(row.key, level): n for row in data["rows"] for level, n in row.levels.items() if n}

    assert ours(committee, city) == reference(city), "the risk map disagrees with the reference"
    assert ours(inspector, county) == reference(county), "the county map disagrees with the reference"

    client = APIClient()
    client.force_authenticate(committee)

    def api_page() -> None:
        response = client.get("/api/v1/hazards/", {"open": "true"})
        assert response.status_code == 200

    def raw_page() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM hazards_hazard WHERE state IN "
                "('registered','assessed','reported','rectifying','remediated')"
            )
            cursor.fetchone()
            cursor.execute(
                "SELECT h.*, e.name, e.credit_code, e.jurisdiction_id FROM hazards_hazard h "
                "JOIN enterprises_enterprise e ON e.id = h.enterprise_id WHERE h.state IN "
                "('registered','assessed','reported','rectifying','remediated') "
                "ORDER BY h.found_at DESC, h.id DESC LIMIT 50"
            )
            cursor.fetchall()

    print(f"enterprises={args.enterprises} risk sources and hazards per enterprise={args.per_enterprise}")
    for label, fn, ref in [
        ("risk map, city", lambda: risk_map(committee, city), lambda: reference(city)),
        ("risk map, county (inspector)", lambda: risk_map(inspector, county), lambda: reference(county)),
        ("hazard list API page 1", api_page, raw_page),
    ]:
        t_ref = median_time(ref)
        t_ours = median_time(fn)
        print(
            f"{label:32s} reference {t_ref * 1000:8.1f} ms   ours {t_ours * 1000:8.1f} ms   ratio {t_ours / t_ref:5.2f}"
        )


if __name__ == "__main__":
    main()
