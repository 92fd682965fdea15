"""Periodic jobs, stored in the database (django-celery-beat) so staff can change them in the admin.

Apps declare their jobs with `register_schedule(...)` in `AppConfig.ready()`. After every
`migrate` (and with `manage.py setup_schedules`) missing jobs are created; a schedule a person has
changed in the admin is left as they set it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str = "*"
    hour: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"
    every_seconds: int | None = None
    kwargs: str = "{}"
    description: str = ""


SCHEDULES: dict[str, Schedule] = {}


def register_schedule(schedule: Schedule) -> None:
    SCHEDULES[schedule.name] = schedule


def ensure_schedules(**_: Any) -> int:
    """Create every registered periodic task that is missing. Returns how many were created."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for schedule in SCHEDULES.values():
        if PeriodicTask.objects.filter(name=schedule.name).exists():
            continue
        fields: dict[str, Any] = {
            "task": schedule.task,
            "kwargs": schedule.kwargs or json.dumps({}),
            "description": schedule.description,
        }
        if schedule.every_seconds:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=schedule.every_seconds, period=IntervalSchedule.SECONDS
            )
            fields["interval"] = interval
        else:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=schedule.minute,
                hour=schedule.hour,
                day_of_month=schedule.day_of_month,
                month_of_year=schedule.month_of_year,
                day_of_week=schedule.day_of_week,
                timezone=settings.TIME_ZONE,
            )
            fields["crontab"] = crontab
        PeriodicTask.objects.create(name=schedule.name, **fields)
        created += 1
    return created
