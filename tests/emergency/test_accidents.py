"""Accidents: report, re-grading on supplement (with a new fact revision), the statutory clocks,
forwarding level by level, investigation extension, response log, evaluation and measures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from emergency.choices import AccidentGrade, AccidentStatus, MeasureStatus, Readiness, ReportLevel
from emergency.models import AccidentRevision, RescueTeam
from emergency.services import (
    accident_close,
    accident_extend_investigation,
    accident_forward,
    accident_mark_concealed,
    accident_report,
    accident_submit_investigation,
    accident_supplement,
    accountability_add,
    evaluation_conclude,
    evaluation_save,
    measure_add,
    measure_progress,
    response_log_add,
)
from emergency.services.accidents import (
    CLOCK_FORWARD,
    CLOCK_INVESTIGATION,
    CLOCK_MEASURE,
    CLOCK_REPORT,
    CLOCK_SUPPLEMENT,
)
from safety_platform.models import Fact, Notification, StatutoryDeadline
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.emergency.factories import RescueTeamFactory, hours_ago

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def clocks(accident: Any) -> dict[str, StatutoryDeadline]:
    return {
        d.kind: d
        for d in StatutoryDeadline.objects.filter(source_id=accident.pk, kind__startswith="emergency.accident")
    }


@pytest.fixture
def reported(users: dict[str, Any], xinluo_chem: Any) -> Any:
    return accident_report(
        actor=users["enterprise"],
        title="反应釜泄漏灼伤事故",
        category="hazardous_chemicals",
        occurred_at=hours_ago(0.5),
        location="二车间",
        deaths=1,
        serious_injuries=2,
        direct_loss_yuan="800000",
    )


def test_enterprise_report_is_graded_recorded_as_fact_and_starts_the_clocks(reported: Any, xinluo_chem: Any) -> None:
    assert reported.enterprise == xinluo_chem
    assert reported.grade == AccidentGrade.GENERAL
    assert reported.rule_set.version == "decree-493-2007"
    fact = Fact.objects.get(dedup_key=f"accident:{reported.pk}:1")
    assert fact.kind == "accident"
    assert fact.enterprise == xinluo_chem
    assert fact.payload == {
        "accident_id": reported.pk,
        "grade": "general",
        "deaths": 1,
        "serious_injuries": 2,
        "direct_loss_yuan": 800000,
    }
    running = clocks(reported)
    # Reported on the platform within the hour: the 1-hour clock is met on time.
    assert running[CLOCK_REPORT].met_at is not None and running[CLOCK_REPORT].met_at <= running[CLOCK_REPORT].due_at
    forward = running[CLOCK_FORWARD.format(level="city")]
    assert forward.is_open and forward.due_at == reported.reported_at + dt.timedelta(hours=2)
    assert running[CLOCK_SUPPLEMENT].due_at == reported.occurred_at + dt.timedelta(days=30)
    assert running[CLOCK_INVESTIGATION].due_at == reported.occurred_at + dt.timedelta(days=60)
    assert not reported.reported_late


def test_a_report_notifies_the_inspectors_of_the_area_only(
    users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.factories import UserFactory

    other = UserFactory(username="inspector_shanghang", role="inspector")
    other.jurisdictions.add(xinluo_chem.jurisdiction.ancestors().get(name="龙岩市").children.get(name="上杭县"))
    with django_capture_on_commit_callbacks(execute=True):
        accident = accident_report(
            actor=users["enterprise"],
            title="火灾",
            category="fire",
            occurred_at=hours_ago(0.2),
            location="仓库",
        )
    notified = set(
        Notification.objects.filter(dedup_key=f"accident:{accident.pk}:reported").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"inspector", "inspector_town", "county_office"}  # the area's, and its county office


def test_a_report_after_one_hour_is_late_and_the_clock_shows_it(users: dict[str, Any], xinluo_chem: Any) -> None:
    accident = accident_report(
        actor=users["inspector"],
        enterprise=xinluo_chem,
        title="高处坠落",
        category="industrial",
        occurred_at=hours_ago(5),
        reported_at=hours_ago(3),
        location="仓库",
        deaths=1,
    )
    clock = clocks(accident)[CLOCK_REPORT]
    assert accident.reported_late
    assert clock.met_at > clock.due_at


@pytest.mark.parametrize(("category", "days"), [("road_traffic", 7), ("fire", 7), ("mining", 30), ("construction", 30)])
def test_supplement_window_is_seven_days_for_road_traffic_and_fire(
    users: dict[str, Any], org: Any, category: str, days: int
) -> None:
    accident = accident_report(
        actor=users["inspector"],
        jurisdiction=org.jurisdiction("新罗区/西陂街道"),
        title="事故",
        category=category,
        occurred_at=hours_ago(1),
        location="319国道",
        deaths=1,
    )
    assert clocks(accident)[CLOCK_SUPPLEMENT].due_at == accident.occurred_at + dt.timedelta(days=days)


def test_supplemented_casualties_regrade_and_record_a_new_fact_revision(reported: Any, users: dict[str, Any]) -> None:
    updated = accident_supplement(actor=users["inspector"], accident=reported, deaths=3, note="两名伤员抢救无效")
    assert updated.grade == AccidentGrade.LARGER
    assert updated.revision == 2
    assert list(AccidentRevision.objects.filter(accident=reported).values_list("revision", "grade")) == [
        (1, "general"),
        (2, "larger"),
    ]
    facts = Fact.objects.filter(kind="accident", source_id=reported.pk).order_by("recorded_at", "id")
    assert [f.dedup_key for f in facts] == [f"accident:{reported.pk}:1", f"accident:{reported.pk}:2"]
    assert facts.last().payload["grade"] == "larger" and facts.last().payload["deaths"] == 3
    # Serious injuries and loss were kept from before.
    assert updated.serious_injuries == 2 and updated.direct_loss_yuan == Decimal("800000.00")


def test_regrade_to_larger_requires_forwarding_to_the_province(reported: Any, users: dict[str, Any]) -> None:
    accident_forward(actor=users["inspector"], accident=reported, level=ReportLevel.CITY)
    running = clocks(reported)
    assert not running[CLOCK_FORWARD.format(level="city")].is_open
    # A general accident goes no further than the city.
    assert CLOCK_FORWARD.format(level="province") not in running
    accident_supplement(actor=users["inspector"], accident=reported, serious_injuries=12)
    province = clocks(reported)[CLOCK_FORWARD.format(level="province")]
    assert province.is_open
    assert province.due_at <= timezone.now() + dt.timedelta(hours=2, seconds=5)


def test_regrade_does_not_move_a_forward_clock_that_is_running(reported: Any, users: dict[str, Any]) -> None:
    due = clocks(reported)[CLOCK_FORWARD.format(level="city")].due_at
    accident_supplement(actor=users["inspector"], accident=reported, deaths=10)
    assert clocks(reported)[CLOCK_FORWARD.format(level="city")].due_at == due


def test_supplement_without_change_is_refused_but_confirming_meets_the_clock(
    reported: Any, users: dict[str, Any]
) -> None:
    with pytest.raises(DomainError) as exc:
        accident_supplement(actor=users["enterprise"], accident=reported, deaths=1)
    assert exc.value.code == "figures_unchanged"
    confirmed = accident_supplement(actor=users["enterprise"], accident=reported, final=True)
    assert confirmed.figures_confirmed_at is not None
    assert not clocks(reported)[CLOCK_SUPPLEMENT].is_open
    assert Fact.objects.filter(kind="accident", source_id=reported.pk).count() == 1


def test_forwarding_goes_one_level_at_a_time(reported: Any, users: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as exc:
        accident_forward(actor=users["committee"], accident=reported, level=ReportLevel.PROVINCE)
    assert exc.value.code == "report_level_skipped"
    accident_forward(actor=users["committee"], accident=reported, level=ReportLevel.CITY)
    with pytest.raises(DomainError) as exc:
        accident_forward(actor=users["committee"], accident=reported, level=ReportLevel.CITY)
    assert exc.value.code == "report_already_at_level"


def test_enterprise_cannot_forward_or_handle_the_investigation(reported: Any, users: dict[str, Any]) -> None:
    for call in (
        lambda: accident_forward(actor=users["enterprise"], accident=reported, level=ReportLevel.CITY),
        lambda: accident_extend_investigation(actor=users["enterprise"], accident=reported, days=10, reason="x"),
        lambda: accident_mark_concealed(actor=users["enterprise"], accident=reported, note="x"),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "forbidden"


def test_staff_outside_the_area_cannot_touch_the_accident(reported: Any, users: dict[str, Any]) -> None:
    from tests.factories import UserFactory

    shanghang = UserFactory(username="sh", role="inspector")
    shanghang.jurisdictions.add(reported.jurisdiction.ancestors().get(name="龙岩市").children.get(name="上杭县"))
    with pytest.raises(DomainError) as exc:
        accident_supplement(actor=shanghang, accident=reported, deaths=5)
    assert exc.value.code == "forbidden"


def test_investigation_extends_once_by_at_most_sixty_days(reported: Any, users: dict[str, Any]) -> None:
    due = reported.investigation_due_at
    with pytest.raises(ValidationError):
        accident_extend_investigation(actor=users["inspector"], accident=reported, days=61, reason="复杂")
    extended = accident_extend_investigation(actor=users["inspector"], accident=reported, days=60, reason="技术鉴定")
    assert extended.investigation_due_at == due + dt.timedelta(days=60)
    assert clocks(reported)[CLOCK_INVESTIGATION].due_at == extended.investigation_due_at
    with pytest.raises(DomainError) as exc:
        accident_extend_investigation(actor=users["inspector"], accident=reported, days=1, reason="again")
    assert exc.value.code == "investigation_already_extended"


def test_concealment_records_its_fact_once(reported: Any, users: dict[str, Any]) -> None:
    accident_mark_concealed(actor=users["inspector"], accident=reported, note="少报一名死亡人员")
    assert Fact.objects.filter(kind="accident_concealed", dedup_key=f"accident:{reported.pk}:concealed").count() == 1
    with pytest.raises(DomainError) as exc:
        accident_mark_concealed(actor=users["inspector"], accident=reported, note="again")
    assert exc.value.code == "concealment_already_recorded"


def test_response_log_deploys_teams_and_starts_the_response(reported: Any, users: dict[str, Any], org: Any) -> None:
    team = RescueTeamFactory(jurisdiction=org.jurisdiction("新罗区"))
    entry = response_log_add(
        actor=users["inspector"],
        accident=reported,
        action="调派危化品救援队处置泄漏",
        actor_name="新罗区应急局",
        kind="rescue",
        teams=[team],
    )
    reported.refresh_from_db()
    assert reported.status == AccidentStatus.RESPONDING
    assert list(entry.teams.all()) == [team]
    assert RescueTeam.objects.get(pk=team.pk).readiness == Readiness.DEPLOYED


def test_accident_closes_only_after_investigation_evaluation_and_verified_measures(
    reported: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    inspector = users["inspector"]
    with pytest.raises(DomainError) as exc:
        accident_close(actor=inspector, accident=reported)
    assert exc.value.code == "investigation_report_missing"
    accident_submit_investigation(actor=inspector, accident=reported, summary="违章作业导致泄漏")
    evaluation = evaluation_save(actor=inspector, accident=reported, causes="阀门老化；未执行操作规程")
    accountability_add(
        actor=inspector,
        evaluation=evaluation,
        party_kind="person",
        party_name="车间主任王某",
        responsibility="direct",
        finding="未落实交接班检查",
        sanction="建议给予撤职处分",
    )
    measure = measure_add(
        actor=inspector,
        evaluation=evaluation,
        description="更换二车间全部老化阀门",
        responsible="东城化工",
        responsible_enterprise=xinluo_chem,
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    assert StatutoryDeadline.objects.get(source_id=measure.pk, kind=CLOCK_MEASURE).is_open
    evaluation_conclude(actor=inspector, evaluation=evaluation)
    with pytest.raises(DomainError) as exc:
        accident_close(actor=inspector, accident=reported)
    assert exc.value.code == "measures_not_verified"
    # The enterprise reports it done; only staff may verify.
    measure_progress(actor=users["enterprise"], measure=measure, to_status=MeasureStatus.DONE, note="已更换")
    assert not StatutoryDeadline.objects.get(source_id=measure.pk, kind=CLOCK_MEASURE).is_open
    with pytest.raises(DomainError) as exc:
        measure_progress(actor=users["enterprise"], measure=measure, to_status=MeasureStatus.VERIFIED, note="x")
    assert exc.value.code == "forbidden"
    measure_progress(actor=inspector, measure=measure, to_status=MeasureStatus.VERIFIED, note="现场核查")
    closed = accident_close(actor=inspector, accident=reported)
    assert closed.status == AccidentStatus.CLOSED
    assert (
        not StatutoryDeadline.objects.filter(source_id=reported.pk, kind__startswith="emergency.accident")
        .open()
        .exists()
    )
    assert list(measure.progress.values_list("to_status", flat=True)) == ["done", "verified"]


def test_a_measure_sent_back_restarts_its_clock(reported: Any, users: dict[str, Any]) -> None:
    evaluation = evaluation_save(actor=users["inspector"], accident=reported, causes="x")
    measure = measure_add(
        actor=users["inspector"],
        evaluation=evaluation,
        description="培训",
        responsible="企业",
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    measure_progress(actor=users["inspector"], measure=measure, to_status=MeasureStatus.DONE, note="完成")
    measure_progress(actor=users["inspector"], measure=measure, to_status=MeasureStatus.IN_PROGRESS, note="不合格")
    assert StatutoryDeadline.objects.get(source_id=measure.pk, kind=CLOCK_MEASURE).is_open


def test_bad_figures_are_field_errors(users: dict[str, Any], xinluo_chem: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        accident_report(
            actor=users["enterprise"],
            title="x",
            category="industrial",
            occurred_at=hours_ago(1),
            location="x",
            deaths=-1,
        )
    assert "deaths" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        accident_report(
            actor=users["enterprise"],
            title="x",
            category="industrial",
            occurred_at=timezone.now() + dt.timedelta(hours=2),
            location="x",
        )
    assert "occurred_at" in exc.value.message_dict


def test_a_time_up_to_five_minutes_ahead_of_the_server_is_taken_and_a_later_one_is_refused(
    users: dict[str, Any], xinluo_chem: Any, reported: Any
) -> None:
    given: dict[str, Any] = {
        "actor": users["inspector"],
        "enterprise": xinluo_chem,
        "title": "储罐泄漏",
        "category": "industrial",
        "location": "罐区",
    }
    ahead = timezone.now() + dt.timedelta(minutes=4)  # a phone whose clock runs a little fast
    assert accident_report(occurred_at=ahead, reported_at=ahead, **given).occurred_at == ahead
    later = timezone.now() + dt.timedelta(minutes=6)
    with pytest.raises(ValidationError) as excinfo:
        accident_report(occurred_at=later, **given)
    assert set(excinfo.value.message_dict) == {"occurred_at"}
    with pytest.raises(ValidationError) as excinfo:
        response_log_add(actor=users["inspector"], accident=reported, action="到场", at=later)
    assert set(excinfo.value.message_dict) == {"at"}
