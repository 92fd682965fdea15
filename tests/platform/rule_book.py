"""Test helper: put a new version of the rule book in force (as the admin does: a draft, its numbers, in force)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from safety_platform.models.rules import RuleBookStatus, RuleBookVersion, RuleNumber
from safety_platform.rules import rule_spec


def new_version(label: str, in_force_from: dt.date, **numbers: int | str) -> RuleBookVersion:
    """`numbers` by key with dots written as double underscores: training__new_staff_hours=30."""
    version = RuleBookVersion.objects.create(label=label, in_force_from=in_force_from)
    for name, value in numbers.items():
        key = name.replace("__", ".")
        RuleNumber.objects.create(version=version, key=key, value=Decimal(str(value)), unit=rule_spec(key).unit)
    version.status = RuleBookStatus.ACTIVE
    version.save()
    return version
