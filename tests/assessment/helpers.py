"""Builders for assessment tests: records written straight to the tables, so each figure can be counted
by hand (the apps' own services are tested in their folders)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from emergency.models import Accident, GradingRuleSet
from hazards.models import Hazard

_codes = itertools.count(1)

Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """An aware moment in local time (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def hazard(
    enterprise: Any,
    *,
    found_at: dt.datetime,
    state: str = "rectifying",
    grade: str = "general",
    deadline: dt.date | None = None,
    closed_at: dt.datetime | None = None,
    is_listed: bool = False,
    source: str = "inspection",
    submitted_at: dt.datetime | None = None,
) -> Hazard:
    if closed_at is not None:
        state = "closed"
    return Hazard.objects.create(
        code=f"T-{next(_codes)}",
        enterprise=enterprise,
        title="隐患",
        source=source,
        state=state,
        grade=grade if state != "registered" else "",
        found_at=found_at,
        deadline=deadline,
        closed_at=closed_at,
        is_listed=is_listed,
        submitted_at=submitted_at,
    )


def accident(
    jurisdiction: Any,
    reporter: Any,
    *,
    occurred_at: dt.datetime,
    deaths: int = 0,
    grade: str = "general",
    reported_after: dt.timedelta = dt.timedelta(minutes=30),
    concealed: bool = False,
    enterprise: Any = None,
) -> Accident:
    return Accident.objects.create(
        title=f"事故{next(_codes)}",
        category="industrial",
        occurred_at=occurred_at,
        reported_at=occurred_at + reported_after,
        location="某地",
        jurisdiction=jurisdiction,
        enterprise=enterprise,
        deaths=deaths,
        grade=grade,
        rule_set=GradingRuleSet.objects.in_force(),
        reported_by=reporter,
        concealed=concealed,
        direct_loss_yuan=Decimal(0),
    )
