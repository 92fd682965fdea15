"""Decree 493 grading: every boundary, lower bounds inclusive, the highest criterion wins, versioned rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from emergency.choices import AccidentGrade
from emergency.models import GradingRuleSet

pytestmark = pytest.mark.django_db

G, L, M, E = (
    AccidentGrade.GENERAL,
    AccidentGrade.LARGER,
    AccidentGrade.MAJOR,
    AccidentGrade.ESPECIALLY_MAJOR,
)


@pytest.fixture
def rules() -> GradingRuleSet:
    return GradingRuleSet.objects.in_force()


@pytest.mark.parametrize(("deaths", "grade"), [(0, G), (2, G), (3, L), (9, L), (10, M), (29, M), (30, E), (31, E)])
def test_grade_by_deaths_at_every_boundary(rules: GradingRuleSet, deaths: int, grade: str) -> None:
    assert rules.grade_for(deaths=deaths, serious_injuries=0, direct_loss_yuan=Decimal(0)) == grade


@pytest.mark.parametrize(
    ("injuries", "grade"), [(0, G), (9, G), (10, L), (49, L), (50, M), (99, M), (100, E), (150, E)]
)
def test_grade_by_serious_injuries_at_every_boundary(rules: GradingRuleSet, injuries: int, grade: str) -> None:
    assert rules.grade_for(deaths=0, serious_injuries=injuries, direct_loss_yuan=Decimal(0)) == grade


@pytest.mark.parametrize(
    ("loss", "grade"),
    [
        ("0", G),
        ("9999999.99", G),
        ("10000000", L),
        ("49999999.99", L),
        ("50000000", M),
        ("99999999.99", M),
        ("100000000", E),
        ("250000000", E),
    ],
)
def test_grade_by_direct_loss_at_every_boundary(rules: GradingRuleSet, loss: str, grade: str) -> None:
    assert rules.grade_for(deaths=0, serious_injuries=0, direct_loss_yuan=Decimal(loss)) == grade


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "grade"),
    [
        (2, 9, "9999999.99", G),  # every criterion just below "larger"
        (2, 10, "0", L),  # injuries alone lift it
        (1, 0, "10000000", L),  # loss alone lifts it
        (3, 50, "0", M),  # deaths say larger, injuries say major: major
        (10, 0, "100000000", E),  # deaths say major, loss says especially major
        (30, 9, "0", E),
        (9, 49, "49999999.99", L),  # all three at the top of "larger"
    ],
)
def test_grade_is_the_highest_of_the_three_criteria(
    rules: GradingRuleSet, deaths: int, injuries: int, loss: str, grade: str
) -> None:
    assert rules.grade_for(deaths=deaths, serious_injuries=injuries, direct_loss_yuan=Decimal(loss)) == grade


def test_a_newer_rule_version_applies_from_its_date_and_old_accidents_keep_theirs(db: Any) -> None:
    original = GradingRuleSet.objects.in_force(dt.date(2020, 1, 1))
    assert original.version == "decree-493-2007"
    stricter = GradingRuleSet.objects.create(
        version="test-2030", name="stricter", effective_from=dt.date(2030, 1, 1), larger_deaths=2
    )
    assert GradingRuleSet.objects.in_force(dt.date(2029, 12, 31)) == original
    assert GradingRuleSet.objects.in_force(dt.date(2030, 1, 1)) == stricter
    assert original.grade_for(deaths=2, serious_injuries=0, direct_loss_yuan=Decimal(0)) == G
    assert stricter.grade_for(deaths=2, serious_injuries=0, direct_loss_yuan=Decimal(0)) == L
