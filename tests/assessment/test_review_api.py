"""POST actions of the assessment API: objection, answer, publish — scoped like the pages, refusals by code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from assessment.models import AssessmentRun
from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from tests.factories import EnterpriseFactory

from .helpers import at, hazard

pytestmark = pytest.mark.django_db

BASE = "/api/v1/assessment/"
NOW = at(2026, 11, 20)


@pytest.fixture
def run(org: Any) -> AssessmentRun:
    with time_machine.travel(NOW, tick=False):
        firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        hazard(firm, found_at=at(2026, 7, 1), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 5))
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        return assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)


def test_object_answer_publish_through_the_api(
    api_client: Any, org: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    xinluo = run.results.get(jurisdiction=org.jurisdiction("新罗区"))
    shanghang = run.results.get(jurisdiction=org.jurisdiction("上杭县"))
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        api_client.force_authenticate(users["inspector"])
        assert api_client.post(f"{BASE}results/{shanghang.pk}/objection/", {"text": "x"}).status_code == 404
        empty = api_client.post(f"{BASE}results/{xinluo.pk}/objection/", {"text": ""})
        assert empty.status_code == 400 and "text" in empty.json()["errors"]
        filed = api_client.post(f"{BASE}results/{xinluo.pk}/objection/", {"text": "漏计整改"})
        assert filed.status_code == 201, filed.content
        objection_id = filed.json()["id"]
        assert (
            api_client.post(f"{BASE}objections/{objection_id}/answer/", {"accept": True, "answer": "x"}).status_code
            == 403
        )
        assert api_client.post(f"{BASE}runs/{run.pk}/publish/").status_code == 403
        api_client.force_authenticate(users["committee"])
        blocked = api_client.post(f"{BASE}runs/{run.pk}/publish/")
        assert blocked.status_code == 409 and blocked.json()["code"] == "open_objections"
        answered = api_client.post(f"{BASE}objections/{objection_id}/answer/", {"accept": False, "answer": "证据不足"})
        assert answered.status_code == 200 and answered.json()["status"] == "rejected"
        assert api_client.post(f"{BASE}runs/{run.pk}/publish/").status_code == 200
        again = api_client.post(f"{BASE}runs/{run.pk}/publish/")
        assert again.status_code == 409 and again.json()["code"] == "already_published"


def test_a_late_objection_answers_409_window_closed(
    api_client: Any, org: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    xinluo = run.results.get(jurisdiction=org.jurisdiction("新罗区"))
    api_client.force_authenticate(users["inspector"])
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        response = api_client.post(f"{BASE}results/{xinluo.pk}/objection/", {"text": "迟到"})
    assert response.status_code == 409 and response.json()["code"] == "window_closed"


def test_departments_and_enterprises_cannot_act(api_client: Any, users: dict[str, Any], run: AssessmentRun) -> None:
    result = run.results.first()
    for role in ("department", "enterprise"):
        api_client.force_authenticate(users[role])
        assert api_client.post(f"{BASE}results/{result.pk}/objection/", {"text": "x"}).status_code in (403, 404)
        assert api_client.post(f"{BASE}runs/{run.pk}/publish/").status_code in (403, 404)
