"""The dashboards' enterprise figures (`EnterpriseFigureSummary`) equal direct counts of the records — the
enterprise list's own conditions — after every kind of change: a self-check, a statistics report filed, a
warning acknowledged, a risk point added or removed, a credit grade written (also by the credit engine's
set-based path), an enterprise closed or moved; and the nightly rebuild gives the same rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from assessment.dashboards import build, parse_period, stat_quarter
from credit.models import CreditRating, RuleSet
from emergency.enterprise_hooks import warning_unacknowledged_q
from emergency.models import WarningRecipient
from enterprises.figures.services import enterprise_figures_rebuild
from enterprises.figures.tasks import enterprise_figures_rebuild_task
from enterprises.models import Enterprise, EnterpriseFigureSummary
from enterprises.registry.choices import EnterpriseStatus
from hazards.enterprise_hooks import self_check_missing_q, stat_report_missing_q
from hazards.models import RiskBanding, RiskSource
from tests.assessment.helpers import at
from tests.assessment.test_dashboard_compliance import _firm, _self_check, _stats, _warning

pytestmark = pytest.mark.django_db

PERIOD = "2026Q4"


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        yield


def by_hand() -> dict[str, int]:
    """The city's figures counted from the records with the enterprise list's conditions."""
    period = parse_period(PERIOD)
    quarter = stat_quarter(period, dt.date(2026, 11, 20))
    operating = Enterprise.objects.filter(status=EnterpriseStatus.OPERATING)
    return {
        "enterprises": operating.count(),
        "stats_missing": operating.filter(stat_report_missing_q(quarter.year, quarter.quarter)).count(),
        "self_check_missing": operating.filter(self_check_missing_q(period.start, period.end)).count(),
        "warning_unacknowledged": operating.filter(warning_unacknowledged_q(period.start, period.end)).count(),
        **{level: RiskSource.objects.filter(level=level).count() for level in ("red", "orange", "yellow", "blue")},
        **{f"grade_{g}": CreditRating.objects.filter(grade=g).count() for g in (1, 2, 3)},
        "blacklisted": CreditRating.objects.filter(blacklisted=True).count(),
    }


def on_dashboard(user: Any, city: Any) -> dict[str, int]:
    board = build(user, city, parse_period(PERIOD))
    total = {**board.table("by_area").total, **board.table("compliance").total}
    return {key: total[key].value for key in by_hand()}


def _risk(firm: Enterprise, level: str) -> RiskSource:
    return RiskSource.objects.create(
        enterprise=firm,
        name="罐区",
        lec_l=1,
        lec_e=10,
        lec_c=10,
        score=100,
        level=level,
        banding=RiskBanding.objects.active("lec"),
        control_measures="巡检",
        responsible_person="张三",
    )


def _rating(firm: Enterprise, grade: int, blacklisted: bool = False) -> CreditRating:
    return CreditRating.objects.create(
        enterprise=firm,
        grade=grade,
        score=60,
        rule_set=RuleSet.objects.published().first(),
        as_of=dt.date(2026, 11, 1),
        computed_at=at(2026, 11, 1),
        updated_at=at(2026, 11, 1),
        blacklisted=blacklisted,
    )


def test_each_change_of_a_record_keeps_the_figures_equal_to_the_records(org: Any, users: Any, frozen: Any) -> None:
    committee, city = users["committee"], org.jurisdiction("新罗区").parent
    firm = _firm(org, name="甲公司")
    other = _firm(org, "上杭县/临江镇/临江第一网格", "E4710", name="乙公司")
    assert on_dashboard(committee, city) == by_hand()

    _self_check(firm, at(2026, 11, 2))
    _self_check(firm, at(2026, 11, 3))  # a second one in the period: still one enterprise
    _stats(other, 2026, 3, at(2026, 10, 10))
    late = _stats(firm, 2026, 3, None)
    _warning(at(2026, 11, 5), {firm: None, other: None})
    assert on_dashboard(committee, city) == by_hand()
    assert on_dashboard(committee, city)["self_check_missing"] == by_hand()["enterprises"] - 1

    late.status, late.submitted_at = "submitted", at(2026, 10, 16, 9)  # filed a day late: still missing
    late.save()
    acknowledged = WarningRecipient.objects.get(enterprise=firm)
    acknowledged.acknowledged_at = at(2026, 11, 6)
    acknowledged.save()
    red = _risk(firm, "red")
    _risk(other, "blue")
    rating = _rating(firm, 3, blacklisted=True)
    assert on_dashboard(committee, city) == by_hand()
    assert on_dashboard(committee, city)["warning_unacknowledged"] == 1  # 乙 only

    red.level = "orange"
    red.save()
    rating.grade, rating.blacklisted = 1, False
    rating.save()
    firm.status = EnterpriseStatus.CLOSED
    firm.save(update_fields=["status", "updated_at"])
    assert on_dashboard(committee, city) == by_hand()

    other.jurisdiction = org.jurisdiction("新罗区/东城街道/东城第一网格")
    other.save()
    red.delete()
    assert on_dashboard(committee, city) == by_hand()
    assert on_dashboard(users["department_zjj"], city)["enterprises"] == 1  # 乙 (construction) is 住建局's


def test_rebuild_gives_the_same_rows_and_repairs_a_bulk_update(org: Any, users: Any, frozen: Any) -> None:
    firm = _firm(org, name="甲公司")
    _self_check(firm, at(2026, 10, 2))
    _stats(firm, 2026, 3, at(2026, 10, 10))
    _risk(firm, "yellow")
    _warning(at(2026, 7, 5), {firm: None})

    def rows() -> list[tuple]:
        return sorted(
            EnterpriseFigureSummary.objects.filter(n__gt=0).values_list(
                "jurisdiction_id", "industry_id", "department_ref", "fact", "period", "n"
            )
        )

    before = rows()
    assert ("self_checked" in {r[3] for r in before}) and ("unacknowledged" in {r[3] for r in before})
    assert enterprise_figures_rebuild_task.delay().get() > 0
    assert rows() == before

    Enterprise.objects.filter(pk=firm.pk).update(status=EnterpriseStatus.SUSPENDED)  # no signal
    assert on_dashboard(users["committee"], firm.jurisdiction.parent.parent.parent) != by_hand()
    enterprise_figures_rebuild()
    assert on_dashboard(users["committee"], firm.jurisdiction.parent.parent.parent) == by_hand()


def test_a_warning_issued_to_many_enterprises_is_counted_once_its_task_ran(
    org: Any, users: Any, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from emergency.services import warning_acknowledge, warning_issue

    firms = [_firm(org, name=f"企业{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        warning = warning_issue(
            actor=users["committee"],
            title="暴雨预警",
            kind="weather",
            level="orange",
            content="注意防范",
            jurisdictions=[org.jurisdiction("新罗区")],
        )
    committee, city = users["committee"], org.jurisdiction("新罗区").parent
    assert on_dashboard(committee, city)["warning_unacknowledged"] == by_hand()["warning_unacknowledged"] >= 3
    warning_acknowledge(actor=committee, warning=warning, enterprise=firms[0], measures_taken="已转移人员")
    assert on_dashboard(committee, city) == by_hand()
