"""The departments' duty check (履责检查) at city scale: the time of each department indicator over a year for
every member department, beside plain SQL counting the same hazard figures. Read-only: it computes the
figures, it stores no run.

Point it at a database the city-scale generators have filled (e.g. the one `bench/assessment_dashboard.py`
builds):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench_assessment \\
        .venv/bin/python bench/assessment_departments.py --year 2026

Measured 2026-12-03 on 100,000 enterprises and 1,000,000 hazards (a loaded 2-core machine, two runs): credit
records 0.09 s, blacklist proposals 0.2 s, hazards closed 5.5–6.3 s, hazards closed on time 6.3–8.6 s — 12–15 s
for all 8 departments; the plain SQL counts of the two hazard figures 2.4–2.6 s. The difference is the ids of the
records behind each figure, which a result keeps (a published report lists them whatever changes later).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=dt.date.today().year)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from assessment.indicators import registry
    from assessment.indicators.registry import Window
    from assessment.services import assessees

    window = Window(start=dt.date(args.year, 1, 1), end=dt.date(args.year, 12, 31), months=12)
    departments = assessees("department")
    total = 0.0
    for name, _label in registry.choices("department"):
        spec = registry.get(name)
        if spec is None or spec.func is None:
            print(f"{name}: not yet measurable")
            continue
        started = time.perf_counter()
        for department in departments:
            extra = {"days": spec.default_days} if spec.default_days is not None else {}
            spec.func(department, window, **extra)
        elapsed = time.perf_counter() - started
        total += elapsed
        print(f"{name}: {elapsed:.2f} s for {len(departments)} departments")
    print(f"all department indicators: {total:.2f} s")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.supervising_department_id, count(*), count(*) FILTER (WHERE h.closed_at < %s) "
            "FROM hazards_hazard h JOIN enterprises_enterprise e ON e.id = h.enterprise_id "
            "WHERE h.state <> 'voided' AND h.found_at >= %s AND h.found_at < %s GROUP BY 1",
            [window.end_at, window.start_at, window.end_at],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT e.supervising_department_id, count(*), count(*) FILTER (WHERE h.closed_at IS NOT NULL "
            "AND (h.closed_at AT TIME ZONE 'Asia/Shanghai')::date <= h.deadline) "
            "FROM hazards_hazard h JOIN enterprises_enterprise e ON e.id = h.enterprise_id "
            "WHERE h.state <> 'voided' AND h.deadline >= %s AND h.deadline <= %s GROUP BY 1",
            [window.start, window.as_of],
        )
        cursor.fetchall()
    print(f"plain SQL, the two hazard figures of every department (counts only): {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
