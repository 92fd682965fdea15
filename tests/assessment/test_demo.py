"""The demo seeder: targets for every county, a published run for last quarter and a preliminary one for
the running month; safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from assessment.choices import ResultStatus, RunStatus
from assessment.demo import seed_assessment_demo
from assessment.models import AssessmentResult, AssessmentRun, CountyInput, Objection, ObjectionStatus

from .helpers import at

pytestmark = pytest.mark.django_db


def test_the_demo_has_targets_and_two_finished_runs_and_is_idempotent(reference: Any, org: Any) -> None:
    from safety_platform.models import User

    staff = User.objects.create_user(username="inspector_shanghang", password="x", role="inspector")
    staff.jurisdictions.add(org.jurisdiction("上杭县"))
    User.objects.create_user(username="committee", password="x", role="committee")
    with time_machine.travel(at(2026, 11, 20), tick=False):
        seed_assessment_demo()
        first = (CountyInput.objects.count(), AssessmentRun.objects.count(), AssessmentResult.objects.count())
        seed_assessment_demo()
    # 8 counties × 2 years; last quarter and this month for the counties and for the 8 member departments.
    assert first == (16, 4, 32)
    assert (CountyInput.objects.count(), AssessmentRun.objects.count(), AssessmentResult.objects.count()) == first
    periods = {(run.period.kind, run.period.number) for run in AssessmentRun.objects.select_related("period")}
    assert periods == {("quarter", 3), ("month", 11)}
    assert set(AssessmentRun.objects.values_list("status", flat=True)) == {RunStatus.DONE}
    # Last quarter is published (frozen) by the committee login; the running month stays preliminary.
    statuses = {
        kind: set(AssessmentResult.objects.filter(period__kind=kind).values_list("status", flat=True))
        for kind in ("quarter", "month")
    }
    assert statuses == {"quarter": {ResultStatus.PUBLISHED}, "month": {ResultStatus.PRELIMINARY}}
    published_at = set(AssessmentResult.objects.filter(period__kind="quarter").values_list("published_at", flat=True))
    assert len(published_at) == 1 and None not in published_at  # published once, not again by the second seed
    zone = AssessmentResult.objects.filter(jurisdiction__name__startswith="龙岩经济技术开发区").first()
    assert zone is not None
    per_workers = [i for i in zone.indicators.all() if "十万" in i.label]
    assert per_workers and not per_workers[0].scored and per_workers[0].reason  # no workforce entered: says so
    # The committee has one objection to answer: 上杭县's staff on the running month's preliminary result.
    objection = Objection.objects.select_related("result__run__period", "result__jurisdiction").get()
    assert objection.status == ObjectionStatus.OPEN
    assert objection.result.jurisdiction.name == "上杭县" and objection.result.run.period.kind == "month"
    assert objection.filed_by.username == "inspector_shanghang"
