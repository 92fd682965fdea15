"""A plan's next drill stands on the statutory clock: opened when the plan is filed, met and moved by each
drill, cancelled when the plan is withdrawn, escalated like any legal deadline; its interval comes from the
rule book and the plan keeps the version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client

from emergency.choices import PlanKind, PlanStatus
from emergency.models import EmergencyPlan
from emergency.services import drill_record, plan_create, plan_update
from emergency.services.plans import DRILL_DEADLINE_KIND
from safety_platform.models import Notification, StatutoryDeadline
from safety_platform.models.deadlines import EscalationLevel
from safety_platform.services import deadlines_escalate
from tests.clock import frozen, shanghai
from tests.platform.rule_book import new_version

pytestmark = pytest.mark.django_db


def clock(plan: EmergencyPlan) -> StatutoryDeadline:
    return StatutoryDeadline.objects.get(
        source_type=ContentType.objects.get_for_model(EmergencyPlan), source_id=plan.pk, kind=DRILL_DEADLINE_KIND
    )


def file_plan(users: dict[str, Any], enterprise: Any, kind: str, filed_on: dt.date) -> EmergencyPlan:
    return plan_create(
        actor=users["committee"],
        data={"title": f"{enterprise.name}预案", "kind": kind, "enterprise": enterprise, "filed_on": filed_on},
    )


def test_filing_a_plan_opens_its_drill_clock(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        plan = file_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2026, 11, 30))
    deadline = clock(plan)
    assert deadline.is_open
    assert deadline.due_at == shanghai(2027, 5, 30, 23, 59).replace(second=59)  # six months, end of the day
    assert (deadline.enterprise_id, deadline.jurisdiction_id) == (xinluo_chem.pk, xinluo_chem.jurisdiction_id)
    assert deadline.url == plan.get_absolute_url()
    plan.refresh_from_db()
    assert (plan.drill_due_on, plan.drill_rule_version) == (dt.date(2027, 5, 30), "2026")


def test_a_drill_meets_the_clock_and_starts_the_next(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        plan = file_plan(users, xinluo_chem, PlanKind.COMPREHENSIVE, dt.date(2026, 1, 10))
        drill_record(actor=users["committee"], plan=plan, held_on=dt.date(2026, 12, 1), scenario="储罐泄漏演练")
    deadline = clock(plan)
    assert deadline.is_open and deadline.escalation_level == EscalationLevel.NONE
    assert deadline.due_at.date() == dt.date(2027, 12, 1)


def test_an_overdue_drill_escalates_like_any_legal_deadline(users: dict[str, Any], xinluo_chem: Any) -> None:
    with frozen(shanghai(2026, 12, 4)):
        plan = file_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2026, 11, 30))
    with frozen(shanghai(2027, 6, 1, 10)):
        assert deadlines_escalate() == 1
        assert clock(plan).escalation_level == EscalationLevel.RESPONSIBLE
        assert Notification.objects.filter(recipient=users["inspector_town"], url=plan.get_absolute_url()).exists()
    with frozen(shanghai(2027, 6, 1, 12)):
        # The drill held late meets the clock; the next runs from it and nothing more escalates.
        drill_record(actor=users["committee"], plan=plan, held_on=dt.date(2027, 6, 1), scenario="补做演练")
        assert deadlines_escalate() == 0
    assert clock(plan).due_at.date() == dt.date(2027, 12, 1)


def test_withdrawing_the_plan_cancels_the_clock(users: dict[str, Any], xinluo_chem: Any) -> None:
    plan = file_plan(users, xinluo_chem, PlanKind.SPECIAL, dt.date(2026, 11, 1))
    plan_update(actor=users["committee"], plan=plan, data={"status": PlanStatus.WITHDRAWN})
    assert not clock(plan).is_open


def test_a_longer_interval_in_a_new_version_applies_to_drills_held_under_it(
    users: dict[str, Any], xinluo_chem: Any, client: Client
) -> None:
    plan = file_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2026, 11, 1))
    new_version("2026.2", dt.date(2026, 11, 15), emergency__drill_interval_months__on_site=3)
    drill_record(actor=users["committee"], plan=plan, held_on=dt.date(2026, 11, 20), scenario="演练")
    plan.refresh_from_db()
    assert (plan.drill_due_on, plan.drill_rule_version) == (dt.date(2027, 2, 20), "2026.2")
    client.force_login(users["committee"])
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "依据规则版本 2026.2" in page and "2027-02-20" in page


def test_the_backfill_opens_clocks_for_plans_made_before_and_is_idempotent(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    plan = file_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2026, 11, 1))
    StatutoryDeadline.objects.all().delete()
    EmergencyPlan.objects.filter(pk=plan.pk).update(drill_due_on=None, drill_rule_version="")
    call_command("open_rule_clocks")
    call_command("open_rule_clocks")
    assert clock(plan).due_at.date() == dt.date(2027, 5, 1)
    assert StatutoryDeadline.objects.filter(kind=DRILL_DEADLINE_KIND).count() == 1
