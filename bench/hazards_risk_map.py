"""Risk map and hazard list at city scale vs. hand-written SQL returning the same figures.

    createdb -h 127.0.0.1 -U postgres sp_bench_hazards
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench_hazards \\
        .venv/bin/python bench/hazards_risk_map.py --enterprises 20000 --per-enterprise 5

Use a database of its own: the script migrates it and, once, builds the city with the data generator
(`manage.py generate_city`, assessment/datagen.py: enterprises over every grid of the Longyan reference
tree, 1–4 risk sources each graded by the active banding, `--per-enterprise` hazards per enterprise with
their whole closed loop); later runs reuse it.

Timed (median of 5), each against its reference measured in the same run:
  risk map, city level    – `hazards.selectors.risk_map` for committee staff (risk points by colour and open
                            and major open hazards per jurisdiction, read from the dashboards' summaries
                            `EnterpriseFigureSummary` and `HazardMonthSummary` and added up to the
                            children in Python) vs. one hand-written GROUP BY joining risk sources to
                            their enterprise's county (risk points only);
  risk map, county level  – the same one level down, for an inspector scoped to that county;
  risk map API / page     – the same maps as served: `/api/v1/risk-map/` (committee, city) and the HTML
                            page `/hazards/risk-map/` (the inspector's county), vs. the same references;
  hazard list API page 1  – `/api/v1/hazards/?open=true` for committee staff, signed in, through the WSGI
                            application, vs. bench/_hazard_api.py's minimal WSGI app giving the same answer
                            (the same bytes, compared first). Until 2026-12-07 the reference was the raw SQL
                            page with an uncapped count and no JSON or sign-in.
The figures of the map (risk points by colour; open and open major hazards per child) are compared with
hand-written SQL over the records before timing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")  # persistent connections, as in production

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench._hazard_api import call, reference_app, reference_connection, session_cookie  # noqa: E402
from bench._report import record  # noqa: E402
from bench._timing import median_time  # noqa: E402


def populate(enterprises: int, per_enterprise: int) -> None:
    """The city from `manage.py generate_city` (assessment/datagen.py), once: later runs reuse it."""
    from assessment.datagen import generate_city
    from enterprises.models import Enterprise
    from safety_platform.management.commands.seed_reference import load_reference_data

    load_reference_data()
    have = Enterprise.objects.count()
    if have >= enterprises:
        print(f"reusing {have} enterprises")
        return
    if have > DEMO_ENTERPRISES_AT_MOST:
        raise SystemExit(f"the database holds {have} enterprises from an earlier run: drop it to build {enterprises}")
    # Empty, or only the demo's few enterprises (the load test seeds the demo first for its logins): add the city.
    generate_city(enterprises=enterprises, hazards=enterprises * per_enterprise, ratings=False, log=print)


# The demo (seed_demo) holds a few dozen enterprises; more than this is an earlier bulk.
DEMO_ENTERPRISES_AT_MOST = 200

REFERENCE_MAP_SQL = """
SELECT child.path, rs.level, COUNT(*)
FROM hazards_risksource rs
JOIN enterprises_enterprise e ON e.id = rs.enterprise_id
JOIN safety_platform_jurisdiction j ON j.id = e.jurisdiction_id
JOIN safety_platform_jurisdiction child ON child.parent_id = %s AND j.path LIKE child.path || '%%'
GROUP BY child.path, rs.level
"""

REFERENCE_OPEN_SQL = """
SELECT child.path, COUNT(*), COUNT(*) FILTER (WHERE h.grade = 'major')
FROM hazards_hazard h
JOIN enterprises_enterprise e ON e.id = h.enterprise_id
JOIN safety_platform_jurisdiction j ON j.id = e.jurisdiction_id
JOIN safety_platform_jurisdiction child ON child.parent_id = %s AND j.path LIKE child.path || '%%'
WHERE h.state IN ('registered', 'assessed', 'reported', 'rectifying', 'remediated')
GROUP BY child.path
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument(
        "--per-enterprise", type=int, default=5, help="Hazards per enterprise (risk sources: 1–4 each)."
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    populate(args.enterprises, args.per_enterprise)

    from django.test import Client
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

    def open_reference(node: Jurisdiction) -> dict[str, tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(REFERENCE_OPEN_SQL, [node.pk])
            return {path: (n, major) for path, n, major in cursor.fetchall()}

    def open_ours(user: Any, node: Jurisdiction) -> dict[str, tuple[int, int]]:
        data = risk_map(user, node)
        return {row.key: (row.open_hazards, row.major_open) for row in data["rows"] if row.open_hazards}

    assert open_ours(committee, city) == open_reference(city), "the map's open hazards disagree with the records"
    assert open_ours(inspector, county) == open_reference(county), "the county's open hazards disagree"

    client = APIClient()
    client.force_authenticate(committee)
    page_client = Client()
    page_client.force_login(inspector)

    def api_map() -> None:
        response = client.get("/api/v1/risk-map/")
        assert response.status_code == 200 and response.json()["jurisdiction"]["id"] == city.pk

    def page_map() -> None:
        response = page_client.get("/hazards/risk-map/")
        assert response.status_code == 200 and county.name in response.content.decode()

    from safety_platform.wsgi import application as platform_app  # what gunicorn serves

    committee_cookie = session_cookie(committee)
    open_states = "('registered','assessed','reported','rectifying','remediated')"
    list_reference = reference_app(reference_connection(), {"open=true": (f"AND h.state IN {open_states}", [])})

    def api_page() -> None:
        call(platform_app, "open=true", committee_cookie)

    def raw_page() -> None:
        call(list_reference, "open=true", committee_cookie)

    if call(platform_app, "open=true", committee_cookie) != call(list_reference, "open=true", committee_cookie):
        raise SystemExit("hazard list API page 1: the reference's answer differs from the platform's")

    print(f"enterprises={args.enterprises} hazards per enterprise={args.per_enterprise}")
    for label, fn, ref in [
        ("risk map, city", lambda: risk_map(committee, city), lambda: reference(city)),
        ("risk map, county (inspector)", lambda: risk_map(inspector, county), lambda: reference(county)),
        ("risk map API, city", api_map, lambda: reference(city)),
        ("risk map page, county", page_map, lambda: reference(county)),
        ("hazard list API page 1", api_page, raw_page),
    ]:
        t_ref = median_time(ref)
        t_ours = median_time(fn)
        print(
            f"{label:32s} reference {t_ref * 1000:8.1f} ms   ours {t_ours * 1000:8.1f} ms   ratio {t_ours / t_ref:5.2f}"
        )
        goal = 1.2 if label.startswith("hazard list") else 1.5
        record(label, t_ours, t_ref, goal=f"≤ {goal}×", goal_ratio=goal)


if __name__ == "__main__":
    main()
