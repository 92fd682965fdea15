"""Rescue-team search by distance: bounding box in SQL, then the exact haversine, vs. the haversine alone.

    createdb -h 127.0.0.1 -U postgres sp_bench_emergency
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench_emergency \\
        .venv/bin/python bench/emergency_team_search.py --teams 50000 --radius 20

Use a database of its own: the script migrates it and, once, creates the teams (random points over
Fujian and its neighbours); later runs reuse them.

Timed (median of 5), against a reference measured in the same run:
  `emergency.selectors.teams_search(near=…, radius_km=…)` — the latitude/longitude range the index can
  use, then the exact distance — vs. the same query without the box (the exact distance computed for
  every team). The two answers are compared before timing; a ratio below 1 means the box pays off.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench._report import record  # noqa: E402
from bench._timing import median_time  # noqa: E402

LONGYAN = (25.0751, 117.0174)


def populate(teams: int) -> None:
    from emergency.models import RescueTeam
    from safety_platform.management.commands.seed_reference import load_reference_data
    from safety_platform.models import Jurisdiction

    load_reference_data()
    have = RescueTeam.objects.filter(name__startswith="基准队伍").count()
    if have >= teams:
        print(f"reusing {have} teams")
        return
    rng = random.Random(11)
    counties = list(Jurisdiction.objects.filter(level="county"))
    rows = [
        RescueTeam(
            name=f"基准队伍{n}",
            kind="social",
            jurisdiction=rng.choice(counties),
            latitude=Decimal(str(round(rng.uniform(23.5, 28.5), 6))),
            longitude=Decimal(str(round(rng.uniform(115.5, 120.5), 6))),
        )
        for n in range(have, teams)
    ]
    RescueTeam.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE emergency_rescueteam")
        else:
            cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teams", type=int, default=50000)
    parser.add_argument("--radius", type=float, default=20.0, help="search radius in km")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    populate(args.teams)

    from emergency.models import RescueTeam
    from emergency.selectors import teams_search
    from safety_platform.geo import distance_km_expression
    from safety_platform.models import User

    committee, _ = User.objects.get_or_create(username="bench_committee", defaults={"role": "committee"})

    def boxed() -> list[int]:
        return list(teams_search(committee, near=LONGYAN, radius_km=args.radius).values_list("pk", flat=True))

    def reference() -> list[int]:
        return list(
            RescueTeam.objects.filter(is_active=True, latitude__isnull=False)
            .annotate(distance_km=distance_km_expression(*LONGYAN))
            .filter(distance_km__lte=args.radius)
            .order_by("distance_km", "name", "id")
            .values_list("pk", flat=True)
        )

    found, expected = boxed(), reference()
    assert found == expected, "the bounding box changed the answer"
    print(f"{connection.vendor}: {RescueTeam.objects.count()} teams, {len(found)} within {args.radius} km")
    t_ref = median_time(reference)
    t_box = median_time(boxed)
    print(f"haversine over every team (reference): 1.00  ({t_ref * 1000:.1f} ms)")
    print(f"bounding box, then haversine:          {t_box / t_ref:.2f}")
    record(f"rescue-team search within {args.radius:g} km, bounding box vs haversine over every team", t_box, t_ref)


if __name__ == "__main__":
    main()
