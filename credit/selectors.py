"""Reads of the credit app: grades and their explanation, distributions."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Count,
    DateTimeField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.registry.choices import EnterpriseStatus
from safety_platform.choices import Role
from safety_platform.permissions import is_city_staff, role_of
from safety_platform.scoping import enterprise_scope_q, in_own_areas

from .choices import Grade, RatingStatus, RecordStatus
from .explain import explain_records
from .models import (
    BlacklistEntry,
    CreditRating,
    CreditRatingHistory,
    CreditRecord,
    Rule,
)


def ratings_visible_to(user: Any) -> QuerySet[CreditRating]:
    return CreditRating.objects.visible_to(user).select_related(
        "enterprise", "enterprise__jurisdiction", "enterprise__supervising_department", "rule_set"
    )


DISTRIBUTION_TTL = 600  # seconds: a bound for changes the stamp cannot see (a row deleted, a bulk update)


def grade_distribution(user: Any) -> dict[str, int]:
    """Counts per grade of the enterprises the user sees and how many are ungraded, cached per scope.

    Counting is two scans of every grade and enterprise in scope (~70 ms at 100,000 enterprises) and
    the grades page and every staff home page show it. The cache key carries the newest change of a
    grade and of an enterprise (two index lookups), so a recalculation or a new enterprise shows at once.
    """
    scope = enterprise_scope_q(user)
    scope_key = "all" if scope is None else hashlib.sha1(str(scope).encode(), usedforsecurity=False).hexdigest()
    newest_rating = CreditRating.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    newest_enterprise = Enterprise.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    stamp = "-".join(value.isoformat() if value else "none" for value in (newest_rating, newest_enterprise))
    key = f"credit:distribution:{scope_key}:{stamp}"
    counts = cache.get(key)
    if counts is None:
        counts = _grade_distribution(user)
        cache.set(key, counts, DISTRIBUTION_TTL)
    return counts


def _grade_distribution(user: Any) -> dict[str, int]:
    counts = (
        CreditRating.objects.visible_to(user)
        .filter(status=RatingStatus.ACTIVE)
        .aggregate(
            total=Count("id"),
            grade_1=Count("id", filter=Q(grade=Grade.ONE)),
            grade_2=Count("id", filter=Q(grade=Grade.TWO)),
            grade_3=Count("id", filter=Q(grade=Grade.THREE)),
            blacklisted=Count("id", filter=Q(blacklisted=True)),
        )
    )
    counts["ungraded"] = (
        Enterprise.objects.visible_to(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .filter(credit_rating__isnull=True)
        .count()
    )
    return counts


@dataclass
class Reason:
    """One record counted in a grade, with the weight the grading rule set gave it."""

    record: CreditRecord
    rule: Rule | None
    points: int


def rating_reasons(history: CreditRatingHistory | None) -> list[Reason]:
    """The records that made a grade (two queries), most weighty first."""
    if history is None:
        return []
    points = history.contribution_points()
    if not points:
        return []
    records = list(
        CreditRecord.objects.filter(pk__in=list(points)).select_related("rule", "department", "recorded_by", "fact")
    )
    rules = {
        rule.code: rule
        for rule in Rule.objects.filter(rule_set_id=history.rule_set_id, code__in={r.rule_code for r in records})
    }
    reasons = [Reason(record=r, rule=rules.get(r.rule_code), points=points[r.pk]) for r in records]
    reasons.sort(key=lambda reason: (reason.points, -reason.record.occurred_on.toordinal()))
    return reasons


def enterprise_credit(enterprise: Enterprise, user: Any) -> dict[str, Any]:
    """Everything the enterprise credit page shows (a fixed number of queries)."""
    rating = (
        CreditRating.objects.filter(enterprise=enterprise)
        .select_related("rule_set", "latest", "latest__rule_set")
        .first()
    )
    latest = rating.latest if rating else None
    reasons = rating_reasons(latest)
    capping = [reason for reason in reasons if reason.rule and reason.rule.cap_grade]
    records = list(
        CreditRecord.objects.filter(enterprise=enterprise)
        .select_related("rule", "rule__rule_set", "department", "recorded_by", "revoked_by", "decided_by", "fact")
        .order_by("-occurred_on", "-id")[:200]
    )
    _explain(records + [reason.record for reason in reasons], user)
    return {
        "rating": rating,
        "reasons": reasons,
        "capping": capping,
        # Proposals have their own section: they do not count until a person confirms them.
        "proposals": [record for record in records if record.is_proposed],
        "history": list(
            CreditRatingHistory.objects.filter(enterprise=enterprise)
            .select_related("rule_set")
            .order_by("-computed_at", "-id")[:30]
        ),
        "records": [record for record in records if not record.is_proposed],
        "blacklist": list(
            BlacklistEntry.objects.visible_to(user)
            .filter(enterprise=enterprise)
            .select_related("department", "rule_set")
            .order_by("-proposed_at", "-id")
        ),
    }


def explained_records(records: Any, user: Any) -> list[CreditRecord]:
    """The records, each with its reason in words (see `_explain`)."""
    loaded = list(records)
    _explain(loaded, user)
    return loaded


def _explain(records: list[CreditRecord], user: Any) -> None:
    """Give each record `reason_text` (a sentence, never the event's keys) and `reason_url` (the event's
    own page, only if the user may open it); a record replaced by a later event about the same thing
    gets `replaced_by` (the record that replaced it), so its revocation reads as words too."""
    explained = explain_records(records, user)
    active_by_key = {r.source_key: r for r in records if r.source_key and r.is_active}
    for record in records:
        found = explained.get(record.pk)
        record.reason_text = found.sentence if found else record.evidence  # type: ignore[attr-defined]
        record.reason_url = found.url if found else ""  # type: ignore[attr-defined]
        # Revoked by the system (no person): replaced by a later event. Proposals and rejected ones are not.
        by_system = record.status == RecordStatus.REVOKED and record.revoked_by_id is None
        record.replaced_by = (  # type: ignore[attr-defined]
            active_by_key.get(record.source_key) if by_system and record.source_key else None
        )
        record.replaced = by_system and bool(record.fact_id)  # type: ignore[attr-defined]


# Proposed records (credit follows events, a person confirms) ----------------------------------


def proposals_to_decide_q(user: Any) -> Q | None:
    """The proposals a user decides, as a filter on CreditRecord (None: every one; a department: its own)."""
    if is_city_staff(user):
        return None
    if role_of(user) == Role.COUNTY_OFFICE:
        return in_own_areas(user, "enterprise__jurisdiction__path")
    if role_of(user) == Role.DEPARTMENT and user.department_id is not None:
        return Q(department_id=user.department_id)
    return Q(pk__in=[])


def proposals_to_decide(user: Any) -> QuerySet[CreditRecord]:
    """Proposed records the user decides (a department: its own; the committee: all), each with `due_at`,
    the end of its statutory clock (after it the proposal is escalated). One query for a page of them."""
    from safety_platform.models import StatutoryDeadline

    from .services.proposals import PROPOSAL_DEADLINE_KIND

    queryset = CreditRecord.objects.visible_to(user).proposed()
    scope = proposals_to_decide_q(user)
    if scope is not None:
        queryset = queryset.filter(scope)
    clock = StatutoryDeadline.objects.of(CreditRecord, PROPOSAL_DEADLINE_KIND).filter(source_id=OuterRef("pk"))
    due = clock.values("due_at")[:1]
    return queryset.select_related(
        "enterprise", "enterprise__jurisdiction", "rule", "rule__rule_set", "department", "fact"
    ).annotate(due_at=Subquery(due, output_field=DateTimeField()))


def days_left(due_at: dt.datetime | None, now: dt.datetime | None = None) -> int | None:
    """Whole days until `due_at` (0 on its last day, negative once passed); None without a clock."""
    if due_at is None:
        return None
    now = now or timezone.now()
    return (timezone.localdate(due_at) - timezone.localdate(now)).days
