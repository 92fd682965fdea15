"""manage.py generate_city — a realistic city or province of data, fast (see assessment/datagen.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from assessment.datagen import PORTABLE_MAX_ENTERPRISES, generate_city


class Command(BaseCommand):
    help = (
        "Generate enterprises, risk sources, hazards with their whole closed loop and deadlines, credit records "
        "and ratings, accidents, certificates, training and emergency stock on top of the reference data. "
        "PostgreSQL (COPY) for a city or a province; other databases up to "
        f"{PORTABLE_MAX_ENTERPRISES} enterprises. Deterministic for a seed, sizes and --today."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=1000)
        parser.add_argument("--hazards", type=int, default=10000)
        parser.add_argument("--years", type=int, default=3, help="Hazards and accidents over this many years.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--no-ratings", action="store_true", help="Skip the credit recalculation at the end.")
        parser.add_argument(
            "--allow-existing",
            action="store_true",
            help="Add to a database that already holds enterprises (otherwise refused: use a database of its own).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from enterprises.models import Enterprise
        from safety_platform.models import Jurisdiction

        if options["enterprises"] < 1 or options["hazards"] < 0 or options["years"] < 1:
            raise CommandError("--enterprises and --years must be at least 1, --hazards at least 0.")
        if connection.vendor != "postgresql" and options["enterprises"] > PORTABLE_MAX_ENTERPRISES:
            raise CommandError(
                f"On {connection.vendor} the generator writes with plain INSERTs and stops at "
                f"{PORTABLE_MAX_ENTERPRISES} enterprises: run it on PostgreSQL (DATABASE_URL=postgres://…)."
            )
        if not Jurisdiction.objects.filter(level="grid").exists():
            raise CommandError("No jurisdiction grids: run `manage.py seed_reference` first.")
        if Enterprise.objects.exists() and not options["allow_existing"]:
            raise CommandError(
                "This database already holds enterprises: generate into a database of its own, "
                "or pass --allow-existing to add to them."
            )
        report = generate_city(
            enterprises=options["enterprises"],
            hazards=options["hazards"],
            years=options["years"],
            seed=options["seed"],
            today=options["today"],
            ratings=not options["no_ratings"],
            log=lambda line: self.stdout.write(line),
        )
        self.stdout.write(f"total: {report.total_seconds:.1f} s")
