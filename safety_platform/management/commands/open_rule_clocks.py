"""Open the statutory clocks the legal numbers set for records made before they were on the clock."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safety_platform.rules import run_clock_backfills


class Command(BaseCommand):
    help = "Open the drill-due and blacklist-period-end clocks of existing plans and listings (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in run_clock_backfills().items():
            self.stdout.write(f"{name}: {count}")
