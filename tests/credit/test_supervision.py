"""Differentiated supervision: the due-inspection list follows grade and blacklist status."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from credit.choices import BlacklistOrigin, BlacklistStatus
from credit.models import BlacklistEntry, RuleSet, SupervisionVisit, add_months
from credit.selectors import due_inspections
from credit.services import credit_rating_recalculate, rule_set_copy, rule_set_publish, supervision_visit_record
from safety_platform.services import DomainError
from tests.credit.factories import record
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprises(org: Any) -> dict[str, Any]:
    """One enterprise per grade, one never graded, one blacklisted; all in 新罗区/东城街道."""

    def make(name: str, *codes: str) -> Any:
        enterprise = EnterpriseFactory(
            name=name, jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614")
        )
        for code in codes:
            record(enterprise, code, months_before=1)
        return enterprise

    made = {
        "grade_1": make("一级企业", "STD-1"),
        "grade_2": make("二级企业"),
        "grade_3": make("三级企业", "ACC-LARGER"),
        "ungraded": make("未评级企业"),
        "blacklisted": make("黑名单企业", "STD-1"),
    }
    rule_set = RuleSet.objects.get(version="LY-2016.1")
    BlacklistEntry.objects.create(
        enterprise=made["blacklisted"],
        status=BlacklistStatus.ACTIVE,
        origin=BlacklistOrigin.DEPARTMENT,
        case="unlicensed",
        rule_set=rule_set,
        reason="x",
        legal_basis="x",
        listed_on=timezone.localdate(),
        ends_on=add_months(timezone.localdate(), 36),
    )
    for key, enterprise in made.items():
        if key != "ungraded":
            credit_rating_recalculate(enterprise_id=enterprise.pk)
    return made


def due_dates(user: Any, **kwargs: Any) -> dict[str, Any]:
    return {e.name: (e.current_grade, e.due_on) for e in due_inspections(user, **kwargs)}


def visit_all(enterprises: dict[str, Any], on: dt.date) -> None:
    for enterprise in enterprises.values():
        SupervisionVisit.objects.create(enterprise=enterprise, visited_on=on)


def test_due_dates_follow_the_grade(users: dict[str, Any], enterprises: dict[str, Any]) -> None:
    last = timezone.localdate() - dt.timedelta(days=10)
    visit_all(enterprises, last)
    due = due_dates(users["inspector"], within_days=None)
    assert due["一级企业"] == (1, last + dt.timedelta(days=365))
    assert due["二级企业"] == (2, last + dt.timedelta(days=180))
    assert due["三级企业"] == (3, last + dt.timedelta(days=90))
    assert due["未评级企业"] == (None, last + dt.timedelta(days=180))
    assert due["黑名单企业"] == (3, last + dt.timedelta(days=90))  # capped to grade 3 while listed


def test_blacklisted_enterprises_are_inspected_at_least_every_half_year(
    users: dict[str, Any], enterprises: dict[str, Any], rule_set: Any
) -> None:
    # A later version inspects grade-3 enterprises only yearly; the blacklist still forces a half-year.
    draft = rule_set_copy(rule_set=rule_set, version="LY-2026.2", effective_from=timezone.localdate())
    RuleSet.objects.filter(pk=draft.pk).update(inspection_days_grade_three=365)
    rule_set_publish(rule_set=draft)
    last = timezone.localdate() - dt.timedelta(days=10)
    visit_all(enterprises, last)
    due = due_dates(users["committee"], within_days=None)
    assert due["三级企业"][1] == last + dt.timedelta(days=365)
    assert due["黑名单企业"][1] == last + dt.timedelta(days=182)


def test_never_inspected_enterprises_are_due_now_and_listed_first(
    users: dict[str, Any], enterprises: dict[str, Any]
) -> None:
    SupervisionVisit.objects.create(enterprise=enterprises["grade_1"], visited_on=timezone.localdate())
    names = [e.name for e in due_inspections(users["inspector"], within_days=None)]
    assert names[-1] == "一级企业"
    assert set(names[:4]) == {"二级企业", "三级企业", "未评级企业", "黑名单企业"}
    assert all(e.due_on is None for e in due_inspections(users["inspector"], within_days=0))


def test_within_filter_and_a_visit_moves_the_due_date(
    users: dict[str, Any], enterprises: dict[str, Any], xinluo_chem: Any
) -> None:
    today = timezone.localdate()
    visit_all({**enterprises, "chem": xinluo_chem}, today - dt.timedelta(days=85))
    # Grade 3 and the blacklisted enterprise (90 days) are due within 30 days; the others are not.
    assert set(due_dates(users["inspector"], within_days=30)) == {"三级企业", "黑名单企业"}
    supervision_visit_record(actor=users["inspector"], enterprise=enterprises["grade_3"], visited_on=today)
    assert set(due_dates(users["inspector"], within_days=30)) == {"黑名单企业"}


def test_due_list_follows_the_inspectors_jurisdiction(
    users: dict[str, Any], enterprises: dict[str, Any], shanghang_site: Any, org: Any
) -> None:
    assert shanghang_site.name not in due_dates(users["inspector"], within_days=None)
    assert shanghang_site.name in due_dates(users["committee"], within_days=None)
    only_xinluo = due_dates(users["committee"], within_days=None, jurisdiction=org.jurisdiction("新罗区"))
    assert shanghang_site.name not in only_xinluo and "一级企业" in only_xinluo


def test_visits_only_within_scope_and_not_in_the_future(users: dict[str, Any], shanghang_site: Any) -> None:
    with pytest.raises(DomainError) as refused:
        supervision_visit_record(actor=users["inspector"], enterprise=shanghang_site, visited_on=timezone.localdate())
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as refused:
        supervision_visit_record(
            actor=users["committee"], enterprise=shanghang_site, visited_on=timezone.localdate() + dt.timedelta(1)
        )
    assert refused.value.code == "invalid"
    assert refused.value.field == "visited_on"
