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
    return RuleSet.objects.get(version="LY-2021.1")  # the version in force (LY-2016.1 and the penalty rules)


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


def confirm(*records: CreditRecord, actor: Any = None, reason: str = "经核实属实") -> list[CreditRecord]:
    """Confirm proposed records the way the department does (a committee member unless `actor` is given)."""
    from credit.services import credit_proposals_decide
    from safety_platform.models import User
    from tests.factories import UserFactory

    if actor is None:
        actor = User.objects.filter(role="committee", is_active=True).first() or UserFactory(role="committee")
    return credit_proposals_decide(
        actor=actor, record_ids=[record.pk for record in records], decision="confirm", reason=reason
    )


def confirm_pending(enterprise: Any, *, actor: Any = None) -> list[CreditRecord]:
    """Confirm every proposal about `enterprise` still waiting for a decision."""
    pending = list(CreditRecord.objects.filter(enterprise=enterprise, status="proposed"))
    return confirm(*pending, actor=actor) if pending else []
