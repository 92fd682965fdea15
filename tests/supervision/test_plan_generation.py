"""Plan generation out of the web request (issue 13 item 1): the page records the request and queues it through
the task outbox; a worker generates; asking twice queues once; a failure shows why and can be retried; a
generation left running by a killed worker is finished by running it again. And the classification of many
enterprises at once (one match per distinct combination of facts, only changed entries written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safety_platform.models import TaskOutbox
from supervision.models import InspectionPlan, InspectionPlanEntry, InspectionRuleSet, PlanGenerationStatus
from supervision.services.classes import enterprise_class
from supervision.services.plans import (
    GENERATION_STALE,
    generate_plan,
    plan_generation_request,
    plan_generation_run,
    plan_generations_resume,
    seed_default_rule_set,
)
from tests.clock import frozen, shanghai
from tests.factories import EnterpriseFactory

from .test_plans import _blacklist, _certificate, _rating, _risk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _moment() -> Iterator[None]:
    """Every test here runs at a fixed moment (the clock runs on from it)."""
    with time_machine.travel(shanghai(2026, 5, 6, 9, 30), tick=True):
        yield


TASK = "supervision.plan_generation_run"


@pytest.fixture
def rules() -> InspectionRuleSet:
    return seed_default_rule_set()


@pytest.fixture
def county(org: Any) -> Any:
    return org.jurisdiction("新罗区")


@pytest.fixture
def firms(org: Any) -> list[Any]:
    return [
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        for _ in range(3)
    ]


def _post(client: Any, county: Any, follow: bool = False) -> Any:
    return client.post(
        reverse("supervision:plan_generate"),
        {"year": "2026", "quarter": "", "jurisdiction": county.pk},
        follow=follow,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def test_the_page_records_the_request_and_queues_it_without_touching_the_broker(
    client: Any, rules: Any, county: Any, firms: list[Any], users: dict[str, Any]
) -> None:
    client.force_login(users["county_office"])
    broker = mock.patch("celery.app.task.Task.apply_async", side_effect=AssertionError("the request called the broker"))
    with broker, frozen(shanghai(2026, 5, 6, 9, 41)):
        response = _post(client, county)
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:plan_detail", args=[plan.pk])
    assert plan.generation_status == PlanGenerationStatus.QUEUED
    assert plan.requested_by == users["county_office"] and plan.generated_at is None
    assert not plan.entries.exists()  # nothing generated inside the request
    queued = TaskOutbox.objects.pending().get()
    assert (queued.task, queued.args) == (TASK, [plan.pk])

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "正在生成" in html and "2026-05-06 09:41" in html  # the time asked, in Beijing time
    assert 'http-equiv="refresh"' in html


def test_the_worker_generates_and_the_page_shows_the_result(
    client: Any,
    rules: Any,
    county: Any,
    firms: list[Any],
    users: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(users["county_office"])
    with django_capture_on_commit_callbacks(execute=True):  # the outbox publishes; tests run the task eagerly
        response = _post(client, county)
    plan = InspectionPlan.objects.get()
    assert plan.generation_status == PlanGenerationStatus.DONE
    assert plan.generated_by == users["county_office"] and plan.generated_at is not None
    assert set(plan.entries.values_list("enterprise_id", flat=True)) >= {f.pk for f in firms}
    assert TaskOutbox.objects.pending().count() == 0
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in html and 'http-equiv="refresh"' not in html and firms[0].name in html


def test_asking_twice_queues_once(client: Any, rules: Any, county: Any, users: dict[str, Any]) -> None:
    client.force_login(users["county_office"])
    _post(client, county)
    response = _post(client, county, follow=True)
    assert InspectionPlan.objects.count() == 1 and TaskOutbox.objects.count() == 1
    assert "未重复提交" in response.content.decode()


def test_the_task_is_idempotent(rules: Any, county: Any, firms: list[Any], users: dict[str, Any]) -> None:
    plan, queued = plan_generation_request(year=2026, quarter=None, jurisdiction=county, actor=users["committee"])
    assert queued
    added = plan_generation_run(plan_id=plan.pk)
    entries = list(plan.entries.order_by("pk").values_list("pk", "enterprise_id", "required"))
    assert added == len(entries) >= 3
    assert plan_generation_run(plan_id=plan.pk) == 0  # a repeated message: done already, nothing changes
    assert list(plan.entries.order_by("pk").values_list("pk", "enterprise_id", "required")) == entries


def test_a_generation_left_running_by_a_killed_worker_is_resumed_and_finished(
    rules: Any, county: Any, firms: list[Any], users: dict[str, Any]
) -> None:
    plan, _queued = plan_generation_request(year=2026, quarter=None, jurisdiction=county, actor=users["committee"])
    started = timezone.now()
    # The worker took it and died (its transaction rolled back: no entry written).
    InspectionPlan.objects.filter(pk=plan.pk).update(generation_status="running", generation_started_at=started)
    assert plan_generations_resume(now=started + dt.timedelta(minutes=5)) == 0  # may still be working
    assert plan_generations_resume(now=started + GENERATION_STALE + dt.timedelta(minutes=1)) == 1
    assert TaskOutbox.objects.filter(task=TASK, args=[plan.pk]).count() == 2
    assert plan_generation_run(plan_id=plan.pk) >= 3
    plan.refresh_from_db()
    assert plan.generation_status == PlanGenerationStatus.DONE
    assert plan.entries.count() == len(set(plan.entries.values_list("enterprise_id", flat=True)))


def test_a_stalled_generation_is_queued_again_when_asked(rules: Any, county: Any, users: dict[str, Any]) -> None:
    plan, _ = plan_generation_request(year=2026, quarter=None, jurisdiction=county, actor=users["committee"])
    InspectionPlan.objects.filter(pk=plan.pk).update(requested_at=timezone.now() - GENERATION_STALE * 2)
    _again, queued = plan_generation_request(year=2026, quarter=None, jurisdiction=county, actor=users["committee"])
    assert queued and TaskOutbox.objects.count() == 2


def test_a_failed_generation_shows_why_and_can_be_retried(
    client: Any, rules: Any, county: Any, firms: list[Any], users: dict[str, Any]
) -> None:
    client.force_login(users["county_office"])
    _post(client, county)
    plan = InspectionPlan.objects.get()
    InspectionRuleSet.objects.update(status="retired")  # withdrawn between the request and the worker
    assert plan_generation_run(plan_id=plan.pk) == 0
    plan.refresh_from_db()
    assert plan.generation_status == PlanGenerationStatus.FAILED
    html = client.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    assert "生成失败" in html and "检查频次规则" in html and 'data-testid="generation-retry"' in html
    assert 'http-equiv="refresh"' not in html

    InspectionRuleSet.objects.update(status="active")
    response = _post(client, county)  # the retry form posts the same period, county and department
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.generation_status == PlanGenerationStatus.QUEUED
    assert plan.generation_error == ""
    assert plan_generation_run(plan_id=plan.pk) >= 3
    plan.refresh_from_db()
    assert plan.generation_status == PlanGenerationStatus.DONE


def test_an_unexpected_error_is_recorded_not_raised(rules: Any, county: Any, users: dict[str, Any]) -> None:
    plan, _ = plan_generation_request(year=2026, quarter=None, jurisdiction=county, actor=users["committee"])
    with mock.patch("supervision.services.plans.sync_plan_clocks", side_effect=RuntimeError("disk full")):
        assert plan_generation_run(plan_id=plan.pk) == 0
    plan.refresh_from_db()
    assert plan.generation_status == PlanGenerationStatus.FAILED
    assert "disk full" not in plan.generation_error and "管理员" in plan.generation_error
    assert not plan.entries.exists()  # rolled back whole


def test_the_request_is_refused_before_anything_is_recorded(
    client: Any, org: Any, rules: Any, users: dict[str, Any]
) -> None:
    InspectionRuleSet.objects.update(status="retired")
    client.force_login(users["committee"])
    response = _post(client, org.jurisdiction("新罗区"))
    assert response.status_code == 302 and response["Location"] == reverse("supervision:plans")
    assert not InspectionPlan.objects.exists() and not TaskOutbox.objects.exists()


def test_the_plans_list_shows_a_generation_in_progress(
    client: Any, rules: Any, county: Any, users: dict[str, Any]
) -> None:
    plan_generation_request(year=2026, quarter=None, jurisdiction=county, actor=users["committee"])
    client.force_login(users["committee"])
    html = client.get(reverse("supervision:plans")).content.decode()
    assert 'data-testid="plan-generation"' in html and "等待生成" in html


# Classifying many at once --------------------------------------------------------------------------


def test_every_entry_has_the_class_the_enterprise_page_shows(org: Any, rules: Any, county: Any) -> None:
    """The batched classification agrees with the one-enterprise path for every combination in the fixture."""
    today = dt.date(2026, 5, 1)
    town = org.jurisdiction("新罗区/东城街道")
    made = []
    for std in (0, 1, 3):
        for colour in ("", "red", "blue"):
            firm = EnterpriseFactory(
                jurisdiction=town,
                industry=org.industry("C2614"),
                risk_category="hazardous_chemicals" if colour != "blue" else "industry_trade",
            )
            if std:
                _certificate(org, firm, std, expires=dt.date(2027, 12, 31))
            if colour:
                _risk(firm, colour)
            made.append(firm)
    _rating(made[0], 3)
    _blacklist(made[1])
    plan, _ = generate_plan(year=2026, quarter=None, jurisdiction=county, today=today)
    entries = {e.enterprise_id: e for e in plan.entries.all()}
    for firm in made:
        klass = enterprise_class(firm, today)
        entry = entries[firm.pk]
        assert (entry.rule_id, entry.min_per_year, entry.max_per_year) == (
            klass.rule.pk if klass.rule else None,
            klass.min_per_year,
            klass.max_per_year or 0,
        ), firm.name


def _entry_writes(queries: list[dict[str, Any]]) -> list[str]:
    table = '"supervision_inspectionplanentry"'
    return [q["sql"] for q in queries if q["sql"].startswith((f"UPDATE {table}", f"INSERT INTO {table}"))]


def test_generating_again_writes_only_what_changed_and_costs_the_same_for_more_enterprises(
    org: Any, rules: Any, county: Any, firms: list[Any]
) -> None:
    today = dt.date(2026, 5, 1)
    generate_plan(year=2026, quarter=None, jurisdiction=county, today=today)
    with CaptureQueriesContext(connection) as unchanged:
        generate_plan(year=2026, quarter=None, jurisdiction=county, today=today)
    assert _entry_writes(unchanged.captured_queries) == []

    for _ in range(20):
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/西陂街道"), industry=org.industry("C2614"))
    _blacklist(firms[0])  # its class changes: one entry updated
    generate_plan(year=2026, quarter=None, jurisdiction=county, today=today)
    with CaptureQueriesContext(connection) as more:
        generate_plan(year=2026, quarter=None, jurisdiction=county, today=today)
    assert len(more.captured_queries) == len(unchanged.captured_queries)  # no query per enterprise
    entry = InspectionPlanEntry.objects.get(plan__year=2026, enterprise=firms[0])
    assert entry.min_per_year == 2
