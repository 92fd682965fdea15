"""A listing's end stands on the statutory clock (DESIGN §3b): opened at approval, due the period's last day
(the day the daily expiry job removes the entry), met by that removal or by an approved credit repair, and
escalated like any legal deadline when the entry stays listed past its end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from credit.choices import BlacklistStatus
from credit.models import BlacklistEntry, add_months
from credit.services import blacklist_approve, blacklist_expire_due, blacklist_propose, blacklist_serve_notice
from credit.services.blacklist import PERIOD_END_DEADLINE_KIND
from safety_platform.models import StatutoryDeadline
from safety_platform.models.deadlines import EscalationLevel
from safety_platform.services import deadlines_escalate
from tests.clock import frozen, shanghai

pytestmark = pytest.mark.django_db


def clock(entry: BlacklistEntry) -> StatutoryDeadline:
    return StatutoryDeadline.objects.get(
        source_type=ContentType.objects.get_for_model(BlacklistEntry), source_id=entry.pk, kind=PERIOD_END_DEADLINE_KIND
    )


@pytest.fixture
def listed(users: dict[str, Any], xinluo_chem: Any) -> BlacklistEntry:
    with frozen(shanghai(2026, 12, 4, 10)):
        entry = blacklist_propose(
            actor=users["department"], enterprise=xinluo_chem, case="unlicensed", reason="暂扣许可证期间擅自生产"
        )
        entry = blacklist_serve_notice(actor=users["department"], entry=entry)
        BlacklistEntry.objects.filter(pk=entry.pk).update(objection_deadline=dt.date(2026, 12, 3))
        entry.refresh_from_db()
        return blacklist_approve(actor=users["committee"], entry=entry)


def test_approval_opens_the_clock_of_the_periods_end(listed: BlacklistEntry, xinluo_chem: Any) -> None:
    assert listed.ends_on == add_months(dt.date(2026, 12, 4), 36)
    deadline = clock(listed)
    assert deadline.is_open
    assert timezone.localtime(deadline.due_at).date() == listed.ends_on
    assert (deadline.enterprise_id, deadline.url) == (xinluo_chem.pk, listed.get_absolute_url())
    assert "第11号" in deadline.legal_basis


def test_the_expiry_job_removes_the_entry_on_its_last_day_and_meets_the_clock(listed: BlacklistEntry) -> None:
    with frozen(shanghai(2029, 12, 3, 12)):
        assert blacklist_expire_due() == 0  # the day before
        assert clock(listed).is_open
    with frozen(shanghai(2029, 12, 4, 1)):
        assert blacklist_expire_due() == 1
    listed.refresh_from_db()
    assert listed.status == BlacklistStatus.REMOVED
    deadline = clock(listed)
    assert deadline.met_at is not None and not deadline.is_overdue


def test_an_entry_left_listed_past_its_end_escalates(listed: BlacklistEntry, users: dict[str, Any]) -> None:
    # The expiry job did not run: the clock passes and the escalation tells the responsible inspectors.
    with frozen(shanghai(2029, 12, 5, 10)):
        assert deadlines_escalate() == 1
    assert clock(listed).escalation_level == EscalationLevel.RESPONSIBLE
    with frozen(shanghai(2029, 12, 12, 10)):
        deadlines_escalate()
    assert clock(listed).escalation_level == EscalationLevel.COMMITTEE


def test_the_backfill_opens_clocks_for_entries_listed_before(listed: BlacklistEntry) -> None:
    StatutoryDeadline.objects.filter(kind=PERIOD_END_DEADLINE_KIND).delete()
    call_command("open_rule_clocks")
    call_command("open_rule_clocks")
    assert timezone.localtime(clock(listed).due_at).date() == listed.ends_on
    assert StatutoryDeadline.objects.filter(kind=PERIOD_END_DEADLINE_KIND).count() == 1
