"""Assessment pages: who sees which run, ranking and county breakdown; starting a run; query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import services
from assessment.models import AssessmentResult, AssessmentRun
from assessment.services import assessment_period_get_or_create, assessment_run_execute, assessment_run_start
from tests.factories import EnterpriseFactory, UserFactory

from .helpers import at, hazard

pytestmark = pytest.mark.django_db

NOW = at(2026, 11, 20)


@pytest.fixture
def run(org: Any) -> AssessmentRun:
    with time_machine.travel(NOW, tick=False):
        firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        hazard(firm, found_at=at(2026, 7, 1), deadline=dt.date(2026, 8, 1), closed_at=at(2026, 7, 5))
        period = assessment_period_get_or_create(kind="quarter", year=2026, number=3)
        return assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)


@pytest.fixture
def other_inspector(org: Any) -> Any:
    user = UserFactory(username="insp_sh", role="inspector")
    user.jurisdictions.add(org.jurisdiction("上杭县"))
    return user


def _rows(client: Any, user: Any, run: AssessmentRun) -> int:
    client.force_login(user)
    response = client.get(f"/assessment/runs/{run.pk}/")
    assert response.status_code == 200
    return response.content.decode().count('data-testid="ranking-row"')


def test_ranking_shows_each_role_what_it_may_see(
    client: Any, users: dict[str, Any], run: AssessmentRun, other_inspector: Any
) -> None:
    assert _rows(client, users["committee"], run) == 8
    assert _rows(client, users["inspector"], run) == 1  # their county's preliminary result
    assert _rows(client, other_inspector, run) == 1
    assert _rows(client, users["department"], run) == 0  # preliminary: not yet for departments
    services.assessment_run_publish(run=run, user=users["committee"])
    assert _rows(client, users["department"], run) == 8


def test_enterprises_are_refused(client: Any, users: dict[str, Any], run: AssessmentRun) -> None:
    client.force_login(users["enterprise"])
    result = run.results.first()
    for url in ("/assessment/", f"/assessment/runs/{run.pk}/", f"/assessment/results/{result.pk}/"):
        assert client.get(url).status_code == 403


def test_a_county_result_page_shows_the_breakdown_with_openable_records(
    client: Any, org: Any, users: dict[str, Any], run: AssessmentRun, other_inspector: Any
) -> None:
    result = run.results.get(jurisdiction=org.jurisdiction("新罗区"))
    client.force_login(users["inspector"])
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/assessment/results/{result.pk}/").content.decode()
    assert html.count('data-testid="indicator-row"') == result.indicators.count()
    assert "/hazards/" in html  # the hazard behind the closure figures is a link
    assert 'data-testid="objection-form"' in html
    client.force_login(other_inspector)
    assert client.get(f"/assessment/results/{result.pk}/").status_code == 404


def test_the_committee_files_no_objection_but_answers(
    client: Any, org: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    result = run.results.get(jurisdiction=org.jurisdiction("新罗区"))
    client.force_login(users["committee"])
    assert client.post(f"/assessment/results/{result.pk}/objection/", {"text": "x"}).status_code == 403
    with time_machine.travel(NOW, tick=False):
        objection = services.objection_file(result=result, user=users["inspector"], text="漏计")
    response = client.post(
        f"/assessment/objections/{objection.pk}/answer/",
        {f"o{objection.pk}-decision": "reject", f"o{objection.pk}-answer": ""},
    )
    assert response.status_code == 400
    assert 'data-field="answer"' in response.content.decode()
    response = client.post(
        f"/assessment/objections/{objection.pk}/answer/",
        {f"o{objection.pk}-decision": "reject", f"o{objection.pk}-answer": "证据不足"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == "rejected"


def test_inspector_files_an_objection_on_the_page(
    client: Any, org: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    result = run.results.get(jurisdiction=org.jurisdiction("新罗区"))
    client.force_login(users["inspector"])
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        empty = client.post(f"/assessment/results/{result.pk}/objection/", {"text": ""})
        assert empty.status_code == 400 and 'data-field="text"' in empty.content.decode()
        assert client.post(f"/assessment/results/{result.pk}/objection/", {"text": "漏计整改"}).status_code == 302
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        client.force_login(users["inspector"])
        late = client.post(f"/assessment/results/{result.pk}/objection/", {"text": "再次"})
    assert late.status_code == 400 and 'data-field="text"' in late.content.decode()
    assert result.objections.count() == 1


def test_publish_from_the_page_by_committee_only(client: Any, users: dict[str, Any], run: AssessmentRun) -> None:
    client.force_login(users["inspector"])
    assert client.post(f"/assessment/runs/{run.pk}/publish/").status_code == 403
    client.force_login(users["committee"])
    assert client.post(f"/assessment/runs/{run.pk}/publish/").status_code == 302
    assert set(AssessmentResult.objects.filter(run=run).values_list("status", flat=True)) == {"published"}


def test_starting_a_run_for_a_future_period_names_the_field(client: Any, users: dict[str, Any], db: Any) -> None:
    client.force_login(users["committee"])
    with time_machine.travel(NOW, tick=False):
        response = client.post("/assessment/", {"kind": "quarter", "year": 2027, "number": 1})
        bad = client.post("/assessment/", {"kind": "quarter", "year": "abc", "number": 1})
    assert response.status_code == 400
    assert 'data-field="number"' in response.content.decode()
    assert bad.status_code == 400 and 'data-field="year"' in bad.content.decode()
    assert not AssessmentRun.objects.exists()


def test_starting_a_run_by_committee_and_not_by_inspectors(client: Any, users: dict[str, Any], db: Any) -> None:
    client.force_login(users["inspector"])
    with time_machine.travel(NOW, tick=False):
        assert client.post("/assessment/", {"kind": "month", "year": 2026, "number": 10}).status_code == 403
        client.force_login(users["committee"])
        response = client.post("/assessment/", {"kind": "month", "year": 2026, "number": 10})
    assert response.status_code == 302
    assert AssessmentRun.objects.get().period.label


def test_a_failed_run_says_why(client: Any, users: dict[str, Any], run: AssessmentRun) -> None:
    AssessmentRun.objects.filter(pk=run.pk).update(status="failed", error="新罗区: 除数为零")
    client.force_login(users["committee"])
    html = client.get("/assessment/").content.decode()
    assert "除数为零" in html


def test_list_pages_cost_a_fixed_number_of_queries(
    client: Any, org: Any, users: dict[str, Any], run: AssessmentRun
) -> None:
    client.force_login(users["committee"])

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count("/assessment/")  # warm up the session and the menu
    runs_before, ranking_before = count("/assessment/"), count(f"/assessment/runs/{run.pk}/")
    with time_machine.travel(NOW, tick=False):
        period = assessment_period_get_or_create(kind="month", year=2026, number=9)
        second = assessment_run_execute(run_id=assessment_run_start(period=period, enqueue=False).pk)
    assert count("/assessment/") == runs_before
    assert count(f"/assessment/runs/{second.pk}/") == ranking_before
    schemes = count("/assessment/schemes/")
    services.scheme_copy(scheme=run.scheme, version="2027.1", valid_from=dt.date(2027, 1, 1))
    assert count("/assessment/schemes/") == schemes


def test_the_menu_has_a_top_assessment_entry_for_committee_and_county_staff(users: dict[str, Any]) -> None:
    from safety_platform.navigation import nav_for

    def top_urls(user: Any) -> list[str]:
        return [group["url"] for group in nav_for(user)]

    assert "/assessment/" in top_urls(users["committee"])
    assert "/assessment/" in top_urls(users["inspector"])
    assert "/assessment/" not in top_urls(users["enterprise"])
