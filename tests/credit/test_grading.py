"""Grading against hand-worked cases: each criterion, each limit, each cap, the validity windows.

Rule set LY-2021.1 (LY-2016.1 of credit/migrations/0002, copied by 0011): base 80, grade 1 from 90, grade 2
from 70, score
clamped to 0..100. Criterion limits (bonus/deduction): standardization +15/−15, organization +5/−15,
responsibility +5/−25, accidents 0/−40, occupational +3/−10, hazard reporting +5/−20.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from credit.choices import BlacklistOrigin, BlacklistStatus, RatingStatus, RecordStatus
from credit.engine import reference_sql, score_range
from credit.models import BlacklistEntry, CreditRating, CreditRatingHistory, Rule, add_months
from credit.services import credit_rating_recalculate, rule_set_copy, rule_set_publish
from enterprises.registry.choices import EnterpriseStatus
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.credit.factories import record

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def grade(enterprise: Any, as_of: dt.date) -> CreditRating:
    rating = credit_rating_recalculate(enterprise_id=enterprise.pk, as_of=as_of)
    assert rating is not None
    return rating


# (records as (rule code, months before the grading day), expected score, expected grade)
CASES = {
    "no records: the base score": ([], 80, 2),
    # Standardization (+15/−15)
    "standardization grade-1 certificate": ([("STD-1", 1)], 95, 1),
    "standardization grade-2 certificate reaches the grade-1 threshold exactly": ([("STD-2", 1)], 90, 1),
    "standardization grade-3 certificate": ([("STD-3", 1)], 85, 2),
    "two certificates are limited to +15": ([("STD-1", 1), ("STD-2", 2)], 95, 1),
    "revoked certificate costs 10 and caps at grade 2": ([("STD-REVOKED", 1)], 70, 2),
    "standardization deductions are limited to −15": (
        [("STD-REVOKED", 1), ("STD-EXPIRED", 2), ("STD-EXPIRED", 3)],
        65,
        3,
    ),
    # Safety management organization and staff (+5/−15)
    "complete safety organization": ([("ORG-COMPLETE", 1)], 85, 2),
    "missing safety staff reaches the grade-2 threshold exactly": ([("ORG-MISSING", 1)], 70, 2),
    "organization deductions are limited to −15": ([("ORG-MISSING", 1), ("ORG-MISSING", 2)], 65, 3),
    # Main responsibility (+5/−25)
    "training bonuses are limited to +5": ([("RESP-TRAINING-OK", 1)] * 3, 85, 2),
    "untrained staff and a joint-inspection finding": ([("RESP-TRAINING-FAIL", 1), ("RESP-JOINT", 2)], 73, 2),
    "refused rectification caps at grade 3": ([("STD-1", 1), ("ORG-COMPLETE", 1), ("RESP-REFUSED", 1)], 85, 3),
    "responsibility deductions are limited to −25": ([("RESP-LICENCE", 1), ("RESP-REFUSED", 1)], 55, 3),
    # Accidents (0/−40)
    "general accident caps a grade-1 score at grade 2": (
        [("STD-1", 1), ("ORG-COMPLETE", 1), ("ACC-GENERAL", 3)],
        90,
        2,
    ),
    "larger accident within 12 months caps a grade-2 score at grade 3": (
        [("STD-1", 1), ("ORG-COMPLETE", 1), ("RESP-TRAINING-OK", 1), ("ACC-LARGER", 11)],
        77,
        3,
    ),
    "accident deductions are limited to −40": ([("ACC-MAJOR", 2), ("ACC-LARGER", 3)], 40, 3),
    # Occupational hazards (+3/−10)
    "occupational-hazard monitoring": ([("OCC-MONITORED", 1)], 83, 2),
    "occupational deductions are limited to −10": ([("OCC-VIOLATION", 1)] * 3, 70, 2),
    # Hazard inspection and information reporting (+5/−20)
    "overdue major hazard caps a grade-1 score at grade 2": (
        [("STD-1", 1), ("ORG-COMPLETE", 1), ("HAZ-REPORT-ONTIME", 1), ("HAZ-MAJOR-OVERDUE", 1)],
        91,
        2,
    ),
    "hazard deductions are limited to −20": ([("HAZ-OVERDUE", 1)] * 12, 60, 3),
    "statistics on time, four quarters": ([("HAZ-REPORT-ONTIME", m) for m in (1, 4, 7, 10)], 84, 2),
    # Score limits
    "every deduction at its limit floors at 0": (
        [
            ("STD-REVOKED", 1),
            ("STD-REVOKED", 2),
            ("ORG-MISSING", 1),
            ("ORG-MISSING", 2),
            ("RESP-LICENCE", 1),
            ("RESP-REFUSED", 1),
            ("ACC-MAJOR", 1),
            ("OCC-VIOLATION", 1),
            ("OCC-VIOLATION", 2),
            ("HAZ-OVERDUE", 1),
        ]
        + [("HAZ-MAJOR-OVERDUE", 1)] * 2,
        0,
        3,
    ),
    "every bonus at its limit tops out at 100": (
        [("STD-1", 1), ("ORG-COMPLETE", 1), ("RESP-TRAINING-OK", 1)] * 3
        + [("OCC-MONITORED", 1)]
        + [("HAZ-REPORT-ONTIME", 1)] * 5,
        100,
        1,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hand_worked_grade(name: str, xinluo_chem: Any, as_of: dt.date) -> None:
    records, expected_score, expected_grade = CASES[name]
    for code, months in records:
        record(xinluo_chem, code, as_of=as_of, months_before=months)
    rating = grade(xinluo_chem, as_of)
    assert (rating.score, rating.grade) == (expected_score, expected_grade)
    assert rating.record_count == len(records)


@pytest.mark.parametrize(
    ("months", "days", "counts"),
    [
        (12, -1, True),  # one day inside the 12-month window
        (12, 0, False),  # exactly 12 months before: no longer counts
        (12, 1, False),
    ],
)
def test_larger_accident_caps_only_within_its_12_month_window(
    months: int, days: int, counts: bool, xinluo_chem: Any, as_of: dt.date
) -> None:
    record(xinluo_chem, "STD-1", as_of=as_of, months_before=1)
    record(xinluo_chem, "ACC-LARGER", as_of=as_of, months_before=months, days_before=days)
    rating = grade(xinluo_chem, as_of)
    assert (rating.score, rating.grade) == ((70, 3) if counts else (95, 1))


def test_windows_are_calendar_months(as_of: dt.date) -> None:
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), -12) == dt.date(2023, 2, 28)
    assert add_months(as_of, -36) == dt.date(2023, 6, 30)


def test_revoked_and_future_records_do_not_count(xinluo_chem: Any, as_of: dt.date) -> None:
    revoked = record(xinluo_chem, "ACC-LARGER", as_of=as_of, months_before=1)
    revoked.status = RecordStatus.REVOKED
    revoked.revoked_at = revoked.created_at
    revoked.revoke_reason = "entered for the wrong enterprise"
    revoked.save()
    record(xinluo_chem, "ACC-GENERAL", on=as_of + dt.timedelta(days=1))
    rating = grade(xinluo_chem, as_of)
    assert (rating.score, rating.grade, rating.record_count) == (80, 2, 0)


def test_blacklisted_enterprise_is_at_best_grade_3(xinluo_chem: Any, rule_set: Any, as_of: dt.date) -> None:
    record(xinluo_chem, "STD-1", as_of=as_of, months_before=1)
    BlacklistEntry.objects.create(
        enterprise=xinluo_chem,
        status=BlacklistStatus.ACTIVE,
        origin=BlacklistOrigin.DEPARTMENT,
        case="unlicensed",
        rule_set=rule_set,
        reason="test",
        legal_basis="test",
        listed_on=as_of,
        ends_on=add_months(as_of, 36),
    )
    rating = grade(xinluo_chem, as_of)
    assert (rating.score, rating.grade, rating.blacklisted) == (95, 3, True)


def test_closed_enterprise_grade_is_withdrawn(xinluo_chem: Any, as_of: dt.date) -> None:
    assert grade(xinluo_chem, as_of).status == RatingStatus.ACTIVE
    xinluo_chem.status = EnterpriseStatus.CLOSED
    xinluo_chem.save()
    assert grade(xinluo_chem, as_of).status == RatingStatus.WITHDRAWN


def test_grade_lists_the_records_that_made_it(xinluo_chem: Any, as_of: dt.date) -> None:
    certificate = record(xinluo_chem, "STD-1", as_of=as_of, months_before=1)
    accident = record(xinluo_chem, "ACC-LARGER", as_of=as_of, months_before=2)
    record(xinluo_chem, "ACC-GENERAL", as_of=as_of, months_before=13)  # outside its window
    rating = grade(xinluo_chem, as_of)
    assert rating.latest.contribution_points() == {certificate.pk: 15, accident.pk: -25}
    assert rating.latest.criteria == {"accident": -25, "standardization": 15}
    assert rating.latest.rule_set == rating.rule_set
    assert rating.cap_grade == 3


def test_new_rule_set_version_regrades_without_rewriting_old_results(
    xinluo_chem: Any, rule_set: Any, as_of: dt.date
) -> None:
    accident = record(xinluo_chem, "ACC-GENERAL", as_of=as_of, months_before=1)
    first = grade(xinluo_chem, as_of)
    assert (first.score, first.grade, first.rule_set.version) == (70, 2, "LY-2021.1")
    old_result = CreditRatingHistory.objects.get(pk=first.latest_id)

    # The city makes general accidents weigh more from a new version on.
    draft = rule_set_copy(rule_set=rule_set, version="LY-2026.1", effective_from=as_of - dt.timedelta(days=10))
    Rule.objects.filter(rule_set=draft, code="ACC-GENERAL").update(points=-20)
    rule_set_publish(rule_set=draft)

    second = grade(xinluo_chem, as_of)
    assert (second.score, second.grade, second.rule_set.version) == (60, 3, "LY-2026.1")
    # The old result still says what it said, under the version that produced it.
    old_result.refresh_from_db()
    assert (old_result.score, old_result.grade, old_result.rule_set.version) == (70, 2, "LY-2021.1")
    assert old_result.contribution_points() == {accident.pk: -10}
    assert Rule.objects.get(rule_set=rule_set, code="ACC-GENERAL").points == -10
    # A grade computed for a day before the new version still uses the old one.
    earlier = grade(xinluo_chem, as_of - dt.timedelta(days=20))
    assert earlier.rule_set.version == "LY-2021.1"


def test_published_rule_set_is_frozen(rule_set: Any) -> None:
    rule = Rule.objects.get(rule_set=rule_set, code="ACC-LARGER")
    rule.points = -5
    with pytest.raises(DomainError) as refused:
        rule.save()
    assert refused.value.code == "rule_version_frozen"
    assert "published and frozen" in refused.value.message
    rule_set.base_score = 100
    with pytest.raises(DomainError) as refused:
        rule_set.save()
    assert (refused.value.code, refused.value.field) == ("rule_version_frozen", "base_score")
    with pytest.raises(DomainError) as refused:
        rule_set.limits.first().delete()
    assert refused.value.code == "rule_version_frozen"


def test_recalculating_twice_changes_nothing(xinluo_chem: Any, as_of: dt.date) -> None:
    record(xinluo_chem, "ACC-LARGER", as_of=as_of, months_before=1)
    first = grade(xinluo_chem, as_of)
    second = grade(xinluo_chem, as_of)
    assert CreditRatingHistory.objects.filter(enterprise=xinluo_chem).count() == 1
    assert (second.updated_at, second.latest_id, second.computed_at) == (
        first.updated_at,
        first.latest_id,
        first.computed_at,
    )


def test_a_record_expiring_changes_the_grade_on_the_day_it_expires(xinluo_chem: Any, as_of: dt.date) -> None:
    record(xinluo_chem, "ACC-LARGER", on=add_months(as_of, -12) + dt.timedelta(days=1))
    assert grade(xinluo_chem, as_of).grade == 3
    after = grade(xinluo_chem, as_of + dt.timedelta(days=1))
    assert (after.score, after.grade) == (80, 2)
    history = list(CreditRatingHistory.objects.filter(enterprise=xinluo_chem).order_by("id"))
    assert [(h.previous_grade, h.grade) for h in history] == [(None, 3), (3, 2)]


def test_batched_engine_matches_the_single_statement_reference(org: Any, rule_set: Any, as_of: dt.date) -> None:
    import random

    from django.db import connection

    from tests.factories import EnterpriseFactory

    rng = random.Random(7)
    codes = list(Rule.objects.filter(rule_set=rule_set).values_list("code", flat=True))
    jurisdiction = org.jurisdiction("新罗区/东城街道")
    industry = org.industry("C2614")
    enterprises = [EnterpriseFactory(jurisdiction=jurisdiction, industry=industry) for _ in range(15)]
    for enterprise in enterprises:
        for _ in range(rng.randint(0, 12)):
            record(enterprise, rng.choice(codes), as_of=as_of, days_before=rng.randint(-20, 1300))
    batched = {r.enterprise_id: (r.score, r.grade) for r in score_range(rule_set, as_of, id_from=0, id_to=None)}
    sql, params = reference_sql(rule_set, as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        reference = {eid: (score, grade_) for eid, score, grade_ in cursor.fetchall()}
    assert batched == reference
    assert len(set(batched.values())) > 3  # the data really spreads over scores
