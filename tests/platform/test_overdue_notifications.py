"""One overdue event notifies a person once, whichever escalation levels that person is on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from safety_platform.models import Notification
from safety_platform.services import deadline_open, deadlines_escalate
from tests.clock import shanghai
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def county_inspector(org: Any) -> Any:
    user = UserFactory(username="county_insp", role="inspector")
    user.jurisdictions.add(org.jurisdiction("新罗区"))
    return user


def _open(enterprise: Any, due_at: dt.datetime, responsible: Any) -> Any:
    return deadline_open(
        source=enterprise,
        kind="test_rectification",
        title="限期整改",
        due_at=due_at,
        enterprise=enterprise,
        responsible=responsible,
        url="/x/",
    )


def test_a_responsible_county_inspector_is_told_once_when_two_levels_escalate_together(
    xinluo_chem: Any, county_inspector: Any
) -> None:
    # Five days overdue at the first run: level 1 (the responsible inspector) and level 2 (the county's
    # inspectors, who include the same person) are reached at once.
    _open(xinluo_chem, timezone.now() - dt.timedelta(days=5), county_inspector)
    deadlines_escalate()
    deadlines_escalate()
    notes = Notification.objects.filter(recipient=county_inspector, category="deadline")
    assert [n.title for n in notes] == ["[逾期] 限期整改"]


def test_a_responsible_inspector_is_not_told_again_when_the_county_level_is_reached(
    xinluo_chem: Any, county_inspector: Any
) -> None:
    now = timezone.now()
    _open(xinluo_chem, now - dt.timedelta(hours=1), county_inspector)
    deadlines_escalate(now=now)
    deadlines_escalate(now=now + dt.timedelta(days=3, hours=1))
    assert Notification.objects.filter(recipient=county_inspector).count() == 1


def test_a_moved_deadline_that_passes_again_is_a_new_event(xinluo_chem: Any, county_inspector: Any) -> None:
    now = timezone.now()
    _open(xinluo_chem, now - dt.timedelta(hours=1), county_inspector)
    deadlines_escalate(now=now)
    _open(xinluo_chem, now + dt.timedelta(days=2), county_inspector)  # extended
    deadlines_escalate(now=now + dt.timedelta(days=2, hours=1))
    assert Notification.objects.filter(recipient=county_inspector).count() == 2


def test_the_database_refuses_a_second_notification_of_one_event_for_one_person(county_inspector: Any) -> None:
    key = "deadline:1:overdue:2026-12-10T15:59:59+00:00"
    Notification.objects.create(recipient=county_inspector, title="[逾期] 限期整改", dedup_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=county_inspector, title="[逾期] 限期整改", dedup_key=key)
