"""The links the grading statement writes (a grade's rule set and latest history row, a history row's rule set
and run) have no database constraint since migration 0012 (issue 16: a trigger and a lookup per row at
commit); the ORM still refuses to delete what they point to, and the enterprise links keep theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import ProtectedError

from credit.choices import RecalcTrigger
from credit.models import CreditRating, CreditRatingHistory
from credit.services import credit_rating_recalculate, credit_recalculate_all
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.credit.factories import record

pytestmark = [pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def _foreign_keys(table: str) -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {info["columns"][0]: info["foreign_key"] for info in constraints.values() if info["foreign_key"]}


@pytest.mark.postgres
def test_only_the_enterprise_links_of_grades_and_history_are_constrained(db: Any) -> None:
    assert _foreign_keys(CreditRating._meta.db_table) == {"enterprise_id": ("enterprises_enterprise", "id")}
    assert _foreign_keys(CreditRatingHistory._meta.db_table) == {"enterprise_id": ("enterprises_enterprise", "id")}


def test_what_the_grading_links_point_to_cannot_be_deleted(db: Any, xinluo_chem: Any) -> None:
    record(xinluo_chem, "ACC-GENERAL", months_before=1)
    run = credit_recalculate_all(trigger=RecalcTrigger.MANUAL)
    rating = CreditRating.objects.select_related("latest", "rule_set").get(enterprise=xinluo_chem)
    assert rating.latest.run_id == run.pk and rating.latest.rule_set_id == rating.rule_set_id
    with pytest.raises(DomainError) as refused:  # a rule set graded under is frozen (and protected besides)
        rating.rule_set.delete()
    assert refused.value.code == "rule_version_frozen"
    with pytest.raises(ProtectedError):
        run.delete()
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)  # unchanged: still the run's history row
    assert CreditRating.objects.get(pk=rating.pk).latest_id == rating.latest_id
