"""The home page's hazard figures for staff come from the hazard summary (issue 16: counting a department's or a
county's hazards took 0.6 s at 1,000,000 hazards on every home page): the same figures as counting the hazards,
for every staff scope, kept so by the changes themselves (no rebuild in between)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from hazards.choices import OPEN_STATES, RECTIFICATION_STATES, HazardGrade, HazardState
from hazards.models import Hazard
from hazards.selectors import hazard_counts
from hazards.services import hazard_close, hazard_list_supervision
from tests.clock import shanghai
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 14, 10))]


def counted(user: Any) -> dict[str, int]:
    """The figures counted from the hazards themselves (what the home page showed before)."""
    today = timezone.localdate()
    is_open = Q(state__in=OPEN_STATES)
    totals = Hazard.objects.visible_to(user).aggregate(
        open=Count("pk", filter=is_open),
        major_open=Count("pk", filter=is_open & Q(grade=HazardGrade.MAJOR)),
        overdue=Count("pk", filter=Q(state__in=RECTIFICATION_STATES, deadline__lt=today)),
        to_verify=Count("pk", filter=Q(state=HazardState.REMEDIATED)),
        to_assess=Count("pk", filter=Q(state=HazardState.REGISTERED)),
        listed=Count("pk", filter=is_open & Q(is_listed=True)),
        closed=Count("pk", filter=Q(state=HazardState.CLOSED)),
    )
    return {key: int(value) for key, value in totals.items()}


@pytest.fixture
def hazards(users: dict[str, Any], world: dict[str, Any]) -> None:
    inspector, chem, site = users["inspector"], world["xinluo_chem"], world["xinluo_site"]
    today = timezone.localdate()
    make_hazard(chem)  # registered
    make_hazard(site, inspector=inspector)
    make_hazard(chem, state="assessed", inspector=inspector)
    listed = make_hazard(chem, state="reported", grade=HazardGrade.MAJOR, inspector=inspector)
    hazard_list_supervision(hazard_id=listed.pk, actor=users["committee"], note="挂牌")
    make_hazard(site, state="rectifying", inspector=inspector, deadline=today + dt.timedelta(days=3))
    for state in ("remediated", "remediated"):
        make_hazard(chem, state=state, inspector=inspector)
    done = make_hazard(site, state="remediated", inspector=inspector)
    hazard_close(hazard_id=done.pk, actor=inspector, note="验收合格")
    # Overdue: due before this month, and due this month before today (the part read from the hazards).
    last_month = make_hazard(chem, state="rectifying", inspector=inspector, deadline=today + dt.timedelta(days=5))
    this_month = make_hazard(site, state="assessed", inspector=inspector, deadline=today + dt.timedelta(days=5))
    Hazard.objects.filter(pk=last_month.pk).update(deadline=today.replace(day=1) - dt.timedelta(days=3))
    Hazard.objects.filter(pk=this_month.pk).update(deadline=today - dt.timedelta(days=2))
    from hazards.services.summary import hazard_summary_rebuild

    hazard_summary_rebuild()  # the two deadlines moved behind the services' back


@pytest.mark.parametrize("role", ["committee", "inspector", "county_office", "department", "department_zjj"])
def test_staff_home_figures_from_the_summary_equal_the_hazards_counted(
    hazards: None, users: dict[str, Any], role: str
) -> None:
    user = users[role]
    assert hazard_counts(user) == counted(user)


def test_the_figures_follow_each_change_without_a_rebuild(
    hazards: None, users: dict[str, Any], world: dict[str, Any]
) -> None:
    committee, inspector = users["committee"], users["inspector"]
    before = hazard_counts(committee)
    new = make_hazard(world["xinluo_chem"], state="remediated", inspector=inspector)
    assert hazard_counts(committee) == counted(committee)
    hazard_close(hazard_id=new.pk, actor=inspector, note="验收合格")
    after = hazard_counts(committee)
    assert after == counted(committee)
    assert after["closed"] == before["closed"] + 1 and after["to_verify"] == before["to_verify"]


def test_the_figures_show_on_the_home_page(client: Any, hazards: None, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    page = client.get(reverse("home")).content.decode()
    figures = counted(users["inspector"])
    assert figures["to_verify"] >= 2 and figures["overdue"] == 2
    assert f'data-testid="widget-open">{figures["open"]}<' in page
    assert f'data-testid="widget-overdue">{figures["overdue"]}<' in page
