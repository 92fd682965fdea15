from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safety_platform.schedules import SCHEDULES, ensure_schedules


class Command(BaseCommand):
    help = "Create the periodic jobs (django-celery-beat) that are missing. Changed schedules are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        created = ensure_schedules()
        self.stdout.write(self.style.SUCCESS(f"{created} schedules created, {len(SCHEDULES)} registered."))
