"""Plans and drills: overdue-drill flags computed in SQL (yearly for comprehensive and special plans,
half-yearly for on-site plans), per plan and per enterprise; who may keep which plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from emergency.choices import PlanKind, PlanStatus
from emergency.models import EmergencyPlan
from emergency.models.plans import months_before
from emergency.selectors import enterprises_overdue_for_drill, plans_visible_to
from emergency.services import drill_record, drills_notify_overdue, plan_create, plan_update
from safety_platform.models import Notification
from safety_platform.rules import rule_number, rules_cached
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

TODAY = dt.date(2026, 6, 30)


def make_plan(
    users: dict[str, Any], enterprise: Any, kind: str, filed_on: dt.date, drills: list[dt.date] = ()
) -> EmergencyPlan:  # type: ignore[assignment]
    plan = plan_create(
        actor=users["committee"],
        data={
            "title": f"{enterprise.name}{kind}{filed_on}",
            "kind": kind,
            "enterprise": enterprise,
            "filed_on": filed_on,
        },
    )
    for day in drills:
        drill_record(actor=users["committee"], plan=plan, held_on=day, scenario="演练")
    return plan


def overdue(plan: EmergencyPlan) -> bool:
    return EmergencyPlan.objects.with_drill_status(TODAY).get(pk=plan.pk).drill_overdue


@pytest.mark.parametrize(
    ("kind", "last_drill", "expected"),
    [
        (PlanKind.COMPREHENSIVE, dt.date(2025, 6, 30), False),  # exactly a year ago: still on time
        (PlanKind.COMPREHENSIVE, dt.date(2025, 6, 29), True),
        (PlanKind.SPECIAL, dt.date(2025, 7, 1), False),
        (PlanKind.SPECIAL, dt.date(2025, 6, 29), True),
        (PlanKind.ON_SITE, dt.date(2025, 12, 30), False),  # exactly six months ago
        (PlanKind.ON_SITE, dt.date(2025, 12, 29), True),
        (PlanKind.ON_SITE, dt.date(2026, 3, 1), False),
    ],
)
def test_drill_overdue_flag_at_the_interval_boundary(
    users: dict[str, Any], xinluo_chem: Any, kind: str, last_drill: dt.date, expected: bool
) -> None:
    plan = make_plan(users, xinluo_chem, kind, dt.date(2024, 1, 1), [dt.date(2024, 3, 1), last_drill])
    assert overdue(plan) is expected


def test_a_plan_never_drilled_counts_from_its_filing_date(users: dict[str, Any], xinluo_chem: Any) -> None:
    fresh = make_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2026, 2, 1))
    old = make_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2025, 11, 1))
    assert (overdue(fresh), overdue(old)) == (False, True)


def test_plans_no_longer_in_force_are_not_flagged(users: dict[str, Any], xinluo_chem: Any) -> None:
    plan = make_plan(users, xinluo_chem, PlanKind.COMPREHENSIVE, dt.date(2020, 1, 1))
    assert overdue(plan)
    plan_update(actor=users["committee"], plan=plan, data={"status": PlanStatus.SUPERSEDED})
    assert not overdue(plan)


def test_enterprises_overdue_for_a_drill_in_one_query_and_scoped(
    users: dict[str, Any], org: Any, xinluo_chem: Any, shanghang_site: Any, django_assert_num_queries: Any
) -> None:
    on_time = EnterpriseFactory(
        name="按时演练企业", jurisdiction=xinluo_chem.jurisdiction, industry=org.industry("C2614")
    )
    make_plan(users, xinluo_chem, PlanKind.COMPREHENSIVE, dt.date(2024, 1, 1), [dt.date(2025, 1, 1)])
    make_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2024, 1, 1), [dt.date(2026, 6, 1)])
    make_plan(users, shanghang_site, PlanKind.ON_SITE, dt.date(2024, 1, 1), [dt.date(2025, 10, 1)])
    make_plan(users, on_time, PlanKind.SPECIAL, dt.date(2024, 1, 1), [dt.date(2026, 1, 1)])
    users["committee"].jurisdiction_paths  # noqa: B018
    with rules_cached():
        rule_number("emergency.drill_interval_months.on_site")  # the rule book: read once per request in real use
        with django_assert_num_queries(1):
            names = set(enterprises_overdue_for_drill(users["committee"], today=TODAY).values_list("name", flat=True))
    assert names == {xinluo_chem.name, shanghang_site.name}
    assert set(enterprises_overdue_for_drill(users["inspector"], today=TODAY).values_list("name", flat=True)) == {
        xinluo_chem.name
    }


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 8, 31), 6) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)


def test_overdue_owners_are_notified_once_per_period(users: dict[str, Any], xinluo_chem: Any) -> None:
    make_plan(users, xinluo_chem, PlanKind.COMPREHENSIVE, dt.date(2020, 1, 1))
    assert drills_notify_overdue(today=TODAY) == 1
    assert drills_notify_overdue(today=TODAY) == 0
    assert Notification.objects.filter(recipient=users["enterprise"], category="emergency.drill").count() == 1


def test_who_keeps_which_plan(users: dict[str, Any], org: Any, xinluo_chem: Any, shanghang_site: Any) -> None:
    own = plan_create(actor=users["enterprise"], data={"title": "自有预案", "kind": PlanKind.ON_SITE})
    assert own.enterprise == xinluo_chem
    with pytest.raises(DomainError) as caught:  # an inspector of 新罗区 cannot keep a 上杭 enterprise's plan
        plan_create(actor=users["inspector"], data={"title": "x", "kind": "special", "enterprise": shanghang_site})
    assert caught.value.code == "forbidden"
    dept = plan_create(actor=users["department"], data={"title": "应急局预案", "kind": "special"})
    assert dept.department == org.department("yjj")
    with pytest.raises(DomainError) as caught:
        drill_record(actor=users["department_zjj"], plan=dept, held_on=TODAY, scenario="x")
    assert caught.value.code == "forbidden"
    with pytest.raises(ValidationError):
        drill_record(actor=users["department"], plan=dept, held_on=dt.date(2999, 1, 1), scenario="x")


def test_plan_list_flags_overdue_plans_and_enterprise_records_a_drill_on_the_page(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    plan = make_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2020, 1, 1))
    client.force_login(users["enterprise"])
    page = client.get(reverse("emergency:plan_list")).content.decode()
    assert 'data-testid="drill-overdue"' in page
    response = client.post(
        reverse("emergency:drill_add", args=[plan.pk]),
        {"held_on": dt.date.today().isoformat(), "kind": "functional", "scenario": "泄漏处置", "participants": 20},
        follow=True,
    )
    assert response.status_code == 200
    assert not plans_visible_to(users["enterprise"]).get(pk=plan.pk).drill_overdue
    assert 'data-testid="drill-overdue"' not in client.get(reverse("emergency:plan_list")).content.decode()


def test_the_plan_page_labels_its_filing_number(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    """The filing number beside the filing date says what it is (a bare number read like part of the date)."""
    plan = make_plan(users, xinluo_chem, PlanKind.ON_SITE, dt.date(2020, 1, 1))
    type(plan).objects.filter(pk=plan.pk).update(filed_on=dt.date(2024, 9, 27), filing_number="35080800")
    client.force_login(users["enterprise"])
    page = client.get(reverse("emergency:plan_detail", args=[plan.pk])).content.decode()
    assert "2024-09-27 · 备案编号 35080800" in page
