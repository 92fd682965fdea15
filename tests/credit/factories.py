"""Helpers to build credit data the way the platform does (records under rules, facts)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from credit.models import CreditRecord, Rule, RuleSet, add_months
from safety_platform.services import fact_record

_keys = itertools.count(1)


def default_rule_set() -> RuleSet:
    return RuleSet.objects.get(version="LY-2016.1")


def record(
    enterprise: Any,
    code: str,
    *,
    on: dt.date | None = None,
    days_before: int | None = None,
    months_before: int | None = None,
    as_of: dt.date | None = None,
    rule_set: RuleSet | None = None,
    **fields: Any,
) -> CreditRecord:
    """A credit record under rule `code` (of the default rule set unless given), dated relative to `as_of`."""
    as_of = as_of or timezone.localdate()
    if on is None:
        on = as_of
        if months_before is not None:
            on = add_months(as_of, -months_before)
        if days_before is not None:
            on = on - dt.timedelta(days=days_before)
    rule = Rule.objects.get(rule_set=rule_set or default_rule_set(), code=code)
    return CreditRecord.objects.create(
        enterprise=enterprise,
        rule=rule,
        rule_code=rule.code,
        behaviour=rule.behaviour,
        occurred_on=on,
        evidence=fields.pop("evidence", f"test evidence {code}"),
        department=fields.pop("department", enterprise.supervising_department),
        **fields,
    )


def fact(enterprise: Any, kind: str, *, dedup_key: str | None = None, occurred_at: Any = None, **payload: Any) -> Any:
    created, _new = fact_record(
        kind=kind,
        dedup_key=dedup_key or f"test:{kind}:{next(_keys)}",
        occurred_at=occurred_at or timezone.now(),
        enterprise=enterprise,
        payload=payload,
    )
    return created
