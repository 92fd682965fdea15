"""Benchmark data the scripts share: a PostgreSQL database of the benchmark's own and its enterprises."""

from __future__ import annotations

import sys
from collections.abc import Callable


def ensure_bench_enterprises(count: int, prefix: str, *, name: Callable[[int], str] | None = None) -> None:
    """Migrate the benchmark's database, load the reference data and bring its enterprises up to `count`.

    Refuses anything but PostgreSQL, and a database holding an enterprise whose name does not contain `prefix`
    (not benchmark data). Enterprise `i` is named `name(i)`, by default `<prefix><i, six digits>有限公司`, and
    spread over the grids and the industry classes; they are written by bulk_create, 5,000 a statement, and
    reused by the next run.
    """
    from django.core.management import call_command
    from django.db import connection

    from enterprises.models import Enterprise
    from safety_platform.management.commands.seed_reference import load_reference_data
    from safety_platform.models import Department, Industry, Jurisdiction
    from tests.factories import next_credit_code

    if connection.vendor != "postgresql":
        sys.exit("Run this benchmark on PostgreSQL: DATABASE_URL=postgres://…/<a database of its own>")
    call_command("migrate", verbosity=0)
    load_reference_data()
    if Enterprise.objects.exclude(name__contains=prefix).exists():
        sys.exit("This database holds enterprises that are not benchmark data: use a database of its own.")
    have = Enterprise.objects.count()
    if have >= count:
        return
    print(f"creating {count - have} enterprises …", flush=True)
    grids = list(Jurisdiction.objects.filter(level="grid"))
    industries = list(Industry.objects.filter(level="class"))
    departments = {i.pk: Department.objects.supervising_for_industry(i) for i in industries}
    for _ in range(have):
        next_credit_code()  # keep the serials unique across reruns
    batch = []
    for i in range(have, count):
        industry = industries[i % len(industries)]
        batch.append(
            Enterprise(
                credit_code=next_credit_code(f"3508{i % 90:02d}"),
                name=name(i) if name else f"{prefix}{i:06d}有限公司",
                legal_representative="张三",
                jurisdiction=grids[i % len(grids)],
                industry=industry,
                supervising_department=departments[industry.pk],
            )
        )
        if len(batch) == 5000:
            Enterprise.objects.bulk_create(batch)
            batch.clear()
    Enterprise.objects.bulk_create(batch)
