"""The demo seeder: targets for every county, a finished run for last quarter and for the running month;
safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from assessment.choices import RunStatus
from assessment.demo import seed_assessment_demo
from assessment.models import AssessmentResult, AssessmentRun, CountyInput, Objection, ObjectionStatus

from .helpers import at

pytestmark = pytest.mark.django_db


def test_the_demo_has_targets_and_two_finished_runs_and_is_idempotent(reference: Any, org: Any) -> None:
    from safety_platform.models import User

    staff = User.objects.create_user(username="inspector_shanghang", password="x", role="inspector")
    staff.jurisdictions.add(org.jurisdiction("上杭县"))
    with time_machine.travel(at(2026, 11, 20), tick=False):
        seed_assessment_demo()
        first = (CountyInput.objects.count(), AssessmentRun.objects.count(), AssessmentResult.objects.count())
        seed_assessment_demo()
    assert first == (16, 2, 16)  # 8 counties × 2 years; last quarter and this month, 8 results each
    assert (CountyInput.objects.count(), AssessmentRun.objects.count(), AssessmentResult.objects.count()) == first
    periods = {(run.period.kind, run.period.number) for run in AssessmentRun.objects.select_related("period")}
    assert periods == {("quarter", 3), ("month", 11)}
    assert set(AssessmentRun.objects.values_list("status", flat=True)) == {RunStatus.DONE}
    zone = AssessmentResult.objects.filter(jurisdiction__name__startswith="龙岩经济技术开发区").first()
    assert zone is not None
    per_workers = [i for i in zone.indicators.all() if "十万" in i.label]
    assert per_workers and not per_workers[0].scored and per_workers[0].reason  # no workforce entered: says so
    # The committee has one objection to answer: 上杭县's staff on the running month's preliminary result.
    objection = Objection.objects.select_related("result__run__period", "result__jurisdiction").get()
    assert objection.status == ObjectionStatus.OPEN
    assert objection.result.jurisdiction.name == "上杭县" and objection.result.run.period.kind == "month"
    assert objection.filed_by.username == "inspector_shanghang"
