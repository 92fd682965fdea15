"""Scheduled jobs: registered in the database schedule, thin, and safe to run twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from emergency.models import StockAlert
from emergency.services import stock_receive
from emergency.tasks import drills_notify_overdue_task, stock_alerts_refresh_task, warning_notify_targets_task
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_emergency_jobs_are_in_the_database_schedule(db: Any) -> None:
    from django_celery_beat.models import PeriodicTask

    from safety_platform.schedules import ensure_schedules

    ensure_schedules()
    tasks = dict(PeriodicTask.objects.values_list("task", "name"))
    assert {"emergency.stock_alerts_refresh", "emergency.drills_notify_overdue"} <= set(tasks)


def test_stock_job_flags_once_and_reports_a_consistent_ledger(
    users: dict[str, Any], xinluo_store: Any, tent: Any
) -> None:
    stock_receive(
        actor=users["committee"],
        warehouse=xinluo_store,
        item=tent,
        quantity=2,
        expires_on=timezone.localdate() + dt.timedelta(days=3),
    )
    first = stock_alerts_refresh_task.apply().get()
    second = stock_alerts_refresh_task.apply().get()
    assert first["raised"] == 2 and second["raised"] == 0  # expiring + under the minimum of 20 tents
    assert first["ledger_mismatches"] == second["ledger_mismatches"] == 0
    assert StockAlert.objects.open().count() == 2


def test_other_jobs_run_twice_without_effect(users: dict[str, Any], org: Any, xinluo_chem: Any) -> None:
    from emergency.services import plan_create, warning_issue

    plan_create(actor=users["enterprise"], data={"title": "旧预案", "kind": "on_site", "filed_on": dt.date(2020, 1, 1)})
    assert drills_notify_overdue_task.apply().get() == 1
    assert drills_notify_overdue_task.apply().get() == 0
    warning = warning_issue(
        actor=users["committee"],
        title="大风预警",
        kind="weather",
        level="blue",
        content="大风",
        jurisdictions=[org.jurisdiction("新罗区")],
    )
    assert warning_notify_targets_task.apply(args=[warning.pk]).get() == 1
    assert warning_notify_targets_task.apply(args=[999999]).get() == 0
