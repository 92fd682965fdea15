"""The read-only assessment API: who sees which results, a fixed number of queries, the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import AssessmentResult, AssessmentRun
from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from tests.factories import EnterpriseFactory

from .helpers import at, hazard

pytestmark = pytest.mark.django_db

BASE = "/api/v1/assessment/"


@pytest.fixture
def run(org: Any) -> AssessmentRun:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        hazard(firm, found_at=at(2026, 7, 1), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 5))
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        return assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)


def names(api_client: Any, user: Any, query: str = "") -> set[str]:
    api_client.force_authenticate(user)
    response = api_client.get(f"{BASE}results/{query}")
    assert response.status_code == 200, response.content
    return {row["jurisdiction_name"] for row in response.json()["results"]}


def test_committee_sees_every_countys_result_with_its_breakdown(
    api_client: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    api_client.force_authenticate(users["committee"])
    rows = api_client.get(f"{BASE}results/").json()["results"]
    assert len(rows) == 8
    xinluo = next(r for r in rows if r["jurisdiction_name"] == "新罗区")
    assert len(xinluo["indicators"]) == 13
    on_time = next(i for i in xinluo["indicators"] if i["indicator"] == "hazard_on_time_closure_rate")
    assert (on_time["numerator"], on_time["denominator"], on_time["scored"]) == (1, 1, True)
    plan = next(i for i in xinluo["indicators"] if i["indicator"] == "inspections_against_plan")
    assert plan["scored"] is False and plan["reason"]


def test_a_countys_inspectors_see_only_their_countys_results(
    api_client: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    assert names(api_client, users["inspector"]) == {"新罗区"}
    assert names(api_client, users["inspector_town"]) == {"新罗区"}  # a township inspector sees their county


def test_departments_see_published_results_only(api_client: Any, users: dict[str, Any], run: AssessmentRun) -> None:
    assert names(api_client, users["department"]) == set()
    AssessmentResult.objects.filter(run=run, jurisdiction__name="上杭县").update(status="published")
    assert names(api_client, users["department"]) == {"上杭县"}


def test_enterprises_see_no_results_runs_or_periods(api_client: Any, users: dict[str, Any], run: AssessmentRun) -> None:
    api_client.force_authenticate(users["enterprise"])
    for path in ("results/", "runs/", "periods/", "schemes/"):
        assert api_client.get(f"{BASE}{path}").json()["results"] == []
    result = run.results.first()
    assert api_client.get(f"{BASE}results/{result.pk}/").status_code == 404


def test_a_result_outside_the_users_scope_is_not_found(
    api_client: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    api_client.force_authenticate(users["inspector"])
    other = run.results.get(jurisdiction__name="上杭县")
    assert api_client.get(f"{BASE}results/{other.pk}/").status_code == 404


def test_runs_show_status_and_progress(api_client: Any, users: dict[str, Any], run: AssessmentRun) -> None:
    api_client.force_authenticate(users["committee"])
    row = api_client.get(f"{BASE}runs/{run.pk}/").json()
    assert (row["status"], row["done"], row["total"], row["progress_percent"]) == ("done", 8, 8, 100)


def test_the_default_scheme_is_listed_with_its_parts(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["inspector"])
    schemes = api_client.get(f"{BASE}schemes/").json()["results"]
    default = next(s for s in schemes if s["version"] == "2026.1")
    assert sum(float(i["weight"]) for i in default["indicators"]) == 100
    assert {v["kind"] for v in default["vetoes"]} == {
        "major_accident",
        "larger_concealed_or_late",
        "deaths_over_target",
    }


def test_a_bad_filter_is_a_400_naming_it(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.get(f"{BASE}results/?period=abc")
    assert response.status_code == 400 and "period" in response.json()["errors"]


@pytest.mark.parametrize("path", ["results/", "runs/", "periods/", "schemes/"])
def test_lists_run_a_fixed_number_of_queries(api_client: Any, users: dict[str, Any], org: Any, path: str) -> None:
    api_client.force_authenticate(users["committee"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(f"{BASE}{path}").status_code == 200
        return len(queries)

    with time_machine.travel(at(2026, 11, 20), tick=False):
        q2 = assessment_period_get_or_create(kind="quarter", year=2026, number=2)
        assessment_run_execute(run_id=assessment_run_start(period=q2, enqueue=False).pk)
        few = count()
        q3 = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        assessment_run_execute(run_id=assessment_run_start(period=q3, enqueue=False).pk)
        assert count() == few


def test_the_endpoints_are_in_the_openapi_schema(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["committee"])
    schema = api_client.get("/api/schema/?format=json").json()
    for path in ("results/", "results/{id}/", "runs/", "periods/", "schemes/"):
        operation = schema["paths"][f"{BASE}{path}"]["get"]
        assert "200" in operation["responses"]
        assert {"401", "403"} & set(operation["responses"]), operation["responses"].keys()
