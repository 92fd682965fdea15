"""The closed loop's state machine: every step per role, illegal steps, the major-hazard plan, side effects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hazards.choices import HazardGrade, HazardState, TransitionAction
from hazards.models import Hazard, HazardTransition
from hazards.services import (
    RULES,
    hazard_assess,
    hazard_close,
    hazard_report,
    hazard_start,
    remediation_plan_save,
)
from hazards.services import hazard_step as run_action
from safety_platform.models import Fact, Notification, StatutoryDeadline
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.hazards.factories import COMPLETE_PLAN, image_upload, make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

ROLES = ["admin", "committee", "county_office", "inspector", "inspector_town", "department", "enterprise"]

# The state a hazard must be in (and its grade) for each step to be legal.
SETUP = {
    TransitionAction.ASSESS: ("registered", HazardGrade.GENERAL),
    TransitionAction.REPORT: ("assessed", HazardGrade.MAJOR),
    TransitionAction.LIST: ("reported", HazardGrade.MAJOR),
    TransitionAction.START: ("assessed", HazardGrade.GENERAL),
    TransitionAction.PROGRESS: ("rectifying", HazardGrade.GENERAL),
    TransitionAction.SUBMIT: ("rectifying", HazardGrade.GENERAL),
    TransitionAction.CLOSE: ("remediated", HazardGrade.GENERAL),
    TransitionAction.REJECT: ("remediated", HazardGrade.GENERAL),
    TransitionAction.REFUSE: ("rectifying", HazardGrade.GENERAL),
    TransitionAction.EXTEND: ("rectifying", HazardGrade.GENERAL),
}

ALLOWED_ROLES = {
    TransitionAction.ASSESS: {"inspector", "inspector_town"},  # enterprise only for self-reported hazards
    TransitionAction.REPORT: {"inspector", "inspector_town", "enterprise"},
    TransitionAction.LIST: {"committee", "county_office"},
    TransitionAction.START: {"inspector", "inspector_town", "enterprise"},
    TransitionAction.PROGRESS: {"inspector", "inspector_town", "enterprise"},
    TransitionAction.SUBMIT: {"inspector", "inspector_town", "enterprise"},
    TransitionAction.CLOSE: {"inspector", "inspector_town"},
    TransitionAction.REJECT: {"inspector", "inspector_town"},
    TransitionAction.REFUSE: {"inspector", "inspector_town"},
    TransitionAction.EXTEND: {"inspector", "inspector_town"},
}


def step_data(action: str) -> dict[str, Any]:
    later = timezone.localdate() + dt.timedelta(days=60)
    return {
        TransitionAction.ASSESS: {"grade": "general", "deadline": later, "responsible_person": "王五"},
        TransitionAction.PROGRESS: {"note": "进展过半", "photos": [image_upload()]},
        TransitionAction.SUBMIT: {"after": [image_upload()]},
        TransitionAction.REJECT: {"note": "整改不到位"},
        TransitionAction.REFUSE: {"note": "拒不整改"},
        TransitionAction.EXTEND: {"deadline": later, "note": "需采购设备"},
    }.get(action, {})


@pytest.mark.parametrize("action", list(SETUP))
def test_each_step_is_allowed_only_to_its_roles(action: str, users: dict[str, Any], xinluo_chem: Any) -> None:
    """Every role tries the step on a hazard in the right state: the owners succeed, the others are refused."""
    state, grade = SETUP[action]
    for role in ROLES:
        hazard = make_hazard(xinluo_chem, state=state, grade=grade, inspector=users["inspector"])
        if action == TransitionAction.REPORT:
            plan = {**COMPLETE_PLAN, "deadline": hazard.deadline}
            remediation_plan_save(hazard_id=hazard.pk, actor=users["inspector"], data=plan)
        before = HazardTransition.objects.filter(hazard=hazard).count()
        if role in ALLOWED_ROLES[action]:
            run_action(action, hazard.pk, users[role], step_data(action))
            step = HazardTransition.objects.filter(hazard=hazard).latest("id")
            assert (step.action, step.from_state, step.actor) == (action, state, users[role]), role
            assert step.to_state == (RULES[action].target or state), role
        else:
            with pytest.raises(DomainError) as exc:
                run_action(action, hazard.pk, users[role], step_data(action))
            assert exc.value.code in ("forbidden", "not_found"), role
            assert HazardTransition.objects.filter(hazard=hazard).count() == before, role
            assert Hazard.objects.get(pk=hazard.pk).state == state, role


@pytest.mark.parametrize("action", list(SETUP))
def test_each_step_is_refused_from_every_other_state(action: str, users: dict[str, Any], xinluo_chem: Any) -> None:
    actor_name = sorted(ALLOWED_ROLES[action])[0]
    legal_from = RULES[action].sources
    for state in ["registered", "assessed", "reported", "rectifying", "remediated", "closed"]:
        if state in legal_from:
            continue
        grade = HazardGrade.MAJOR if state == "reported" or action in ("report", "list") else HazardGrade.GENERAL
        hazard = make_hazard(
            xinluo_chem, state=state if state != "closed" else "remediated", grade=grade, inspector=users["inspector"]
        )
        if state == "closed":
            hazard = hazard_close(hazard_id=hazard.pk, actor=users["inspector"])
        with pytest.raises(DomainError) as exc:
            run_action(action, hazard.pk, users[actor_name], step_data(action))
        assert exc.value.code == "conflict", (action, state)
        assert Hazard.objects.get(pk=hazard.pk).state == state


def test_enterprise_assesses_only_its_own_reports(users: dict[str, Any], xinluo_chem: Any) -> None:
    later = timezone.localdate() + dt.timedelta(days=10)
    found_by_inspector = make_hazard(xinluo_chem, inspector=users["inspector"])
    with pytest.raises(DomainError) as exc:
        hazard_assess(
            hazard_id=found_by_inspector.pk,
            actor=users["enterprise"],
            grade="general",
            deadline=later,
            responsible_person="赖",
        )
    assert exc.value.code == "forbidden"
    self_reported = make_hazard(xinluo_chem, source="self_check", inspector=None)
    hazard = hazard_assess(
        hazard_id=self_reported.pk, actor=users["enterprise"], grade="general", deadline=later, responsible_person="赖"
    )
    assert hazard.state == HazardState.ASSESSED


# Whether the enterprise may grade a hazard itself, per way it was found (SAWS Order 16: its own finds;
# a regulator's find or a worker's report is graded by an inspector).
ENTERPRISE_GRADES = {
    "inspection": False,
    "self_check": True,
    "joint_inspection": False,
    "equipment_match": False,
    "api_push": True,
    "worker_report": False,
}


@pytest.mark.parametrize("source", sorted(ENTERPRISE_GRADES))
def test_who_grades_a_hazard_depends_on_how_it_was_found(source: str, users: dict[str, Any], xinluo_chem: Any) -> None:
    from hazards.choices import HazardSource

    assert set(ENTERPRISE_GRADES) == set(HazardSource.values)  # a new source must be decided here
    later = timezone.localdate() + dt.timedelta(days=10)
    hazard = make_hazard(xinluo_chem, source=source, inspector=None)
    grade = {"grade": "general", "deadline": later, "responsible_person": "赖"}
    if ENTERPRISE_GRADES[source]:
        assert hazard_assess(hazard_id=hazard.pk, actor=users["enterprise"], **grade).state == HazardState.ASSESSED
        return
    with pytest.raises(DomainError) as exc:
        hazard_assess(hazard_id=hazard.pk, actor=users["enterprise"], **grade)
    assert exc.value.code == "forbidden"
    assert hazard_assess(hazard_id=hazard.pk, actor=users["inspector"], **grade).state == HazardState.ASSESSED


def test_enterprise_cannot_act_on_another_enterprises_hazard(users: dict[str, Any], shanghang_site: Any) -> None:
    hazard = make_hazard(shanghang_site)
    with pytest.raises(DomainError) as exc:
        hazard_start(hazard_id=hazard.pk, actor=users["enterprise"])
    assert exc.value.code == "not_found"


def test_major_hazard_cannot_move_on_without_a_complete_plan(users: dict[str, Any], xinluo_chem: Any) -> None:
    inspector = users["inspector"]
    hazard = make_hazard(xinluo_chem, state="assessed", grade=HazardGrade.MAJOR, inspector=inspector)
    with pytest.raises(DomainError) as exc:
        hazard_report(hazard_id=hazard.pk, actor=inspector)
    assert exc.value.code == "plan_incomplete"
    assert exc.value.field == "plan"
    with pytest.raises(DomainError) as exc:
        hazard_start(hazard_id=hazard.pk, actor=users["enterprise"])
    assert exc.value.code == "major_hazard_not_reported"
    assert "report" in exc.value.message.lower() or "报告" in exc.value.message
    remediation_plan_save(
        hazard_id=hazard.pk, actor=users["enterprise"], data={**COMPLETE_PLAN, "safety_measures": "", "deadline": None}
    )
    with pytest.raises(DomainError) as exc:
        hazard_report(hazard_id=hazard.pk, actor=inspector)
    assert exc.value.code == "plan_incomplete"
    assert exc.value.field == "plan"
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.ASSESSED
    remediation_plan_save(
        hazard_id=hazard.pk,
        actor=users["enterprise"],
        data={"safety_measures": "设置警戒区", "deadline": timezone.localdate() + dt.timedelta(days=20)},
    )
    hazard = hazard_report(hazard_id=hazard.pk, actor=users["enterprise"])
    assert hazard.state == HazardState.REPORTED
    assert hazard_start(hazard_id=hazard.pk, actor=users["enterprise"]).state == HazardState.RECTIFYING


def test_reporting_a_major_hazard_notifies_department_and_committee_at_once(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    hazard = make_hazard(xinluo_chem, state="reported", grade=HazardGrade.MAJOR, inspector=users["inspector"])
    notified = set(Notification.objects.filter(category="major_hazard").values_list("recipient__username", flat=True))
    assert notified == {"dept_yjj", "committee", "county_office"}  # the city, and the county office of 新罗区
    assert hazard.code in Notification.objects.filter(recipient=users["committee"]).get().title


def test_listed_supervision_marks_the_hazard_and_tells_the_enterprise(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="reported", grade=HazardGrade.MAJOR, inspector=users["inspector"])
    run_action("list", hazard.pk, users["committee"], {"note": "挂牌"})
    hazard.refresh_from_db()
    assert hazard.is_listed and hazard.state == HazardState.REPORTED
    assert Notification.objects.filter(recipient=users["enterprise"], category="major_hazard").exists()
    with pytest.raises(DomainError) as exc:
        run_action("list", hazard.pk, users["committee"], {})
    assert exc.value.code == "hazard_already_listed"


def test_a_general_hazard_cannot_be_reported_or_listed(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="assessed", inspector=users["inspector"])
    with pytest.raises(DomainError) as exc:
        hazard_report(hazard_id=hazard.pk, actor=users["inspector"])
    assert exc.value.code == "hazard_not_major"


def test_assessment_opens_the_rectification_clock_and_close_stops_it(
    users: dict[str, Any], xinluo_chem: Any, time_machine: Any
) -> None:
    time_machine.move_to(shanghai(2026, 12, 31, 23, 30), tick=False)  # the 10 days run into the next year
    hazard = make_hazard(xinluo_chem, state="assessed", inspector=users["inspector"])
    clock = StatutoryDeadline.objects.get(kind="hazard_rectification", source_id=hazard.pk)
    assert clock.is_open and clock.due_at == hazard.due_at and clock.responsible == users["inspector"]
    hazard = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])
    assert not StatutoryDeadline.objects.get(kind="hazard_rectification", source_id=hazard.pk).is_open
    verification = StatutoryDeadline.objects.get(kind="hazard_verification", source_id=hazard.pk)
    assert verification.is_open
    assert verification.due_at == shanghai(2027, 1, 10, 23, 30)
    hazard_close(hazard_id=hazard.pk, actor=users["inspector_town"])
    assert not StatutoryDeadline.objects.filter(source_id=hazard.pk).open().filter(kind__startswith="hazard_").exists()


def test_failed_verification_returns_the_hazard_to_remediation_with_the_reason(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    hazard = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])
    with pytest.raises(DomainError) as exc:
        run_action("reject", hazard.pk, users["inspector"], {"note": ""})
    assert exc.value.code == "invalid"
    assert exc.value.field == "note"
    run_action("reject", hazard.pk, users["inspector"], {"note": "法兰仍有渗漏"})
    hazard.refresh_from_db()
    assert hazard.state == HazardState.RECTIFYING and hazard.submitted_at is None
    step = hazard.transitions.latest("id")
    assert (step.from_state, step.to_state, step.note) == ("remediated", "rectifying", "法兰仍有渗漏")
    assert StatutoryDeadline.objects.get(kind="hazard_rectification", source_id=hazard.pk).is_open
    assert Notification.objects.filter(recipient=users["enterprise"], title__contains=hazard.code).exists()


def test_close_out_records_the_fact_once(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="remediated", inspector=users["inspector"])
    hazard_close(hazard_id=hazard.pk, actor=users["inspector"], note="已核查")
    fact = Fact.objects.get(kind="hazard_closed")
    assert fact.dedup_key == f"hazard:{hazard.pk}:closed"
    assert fact.enterprise == xinluo_chem and fact.payload["code"] == hazard.code and fact.payload["on_time"]
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED and hazard.closed_at is not None


def test_refusal_to_rectify_is_a_fact(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    run_action("refuse", hazard.pk, users["inspector"], {"note": "拒绝停产整改"})
    assert Fact.objects.get(kind="rectification_refused").dedup_key == f"hazard:{hazard.pk}:refused"


def test_submitting_needs_evidence_and_a_past_deadline_is_refused(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    with pytest.raises(DomainError) as exc:
        run_action("submit", hazard.pk, users["enterprise"], {"note": "done"})
    assert exc.value.code == "invalid"
    assert exc.value.field == "files"
    registered = make_hazard(xinluo_chem, inspector=users["inspector"])
    with pytest.raises(DomainError) as exc:
        hazard_assess(
            hazard_id=registered.pk,
            actor=users["inspector"],
            grade="general",
            deadline=timezone.localdate() - dt.timedelta(days=1),
            responsible_person="x",
        )
    assert exc.value.field == "deadline" and exc.value.code == "invalid"


def test_extend_moves_the_deadline_and_the_clock(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    new = hazard.deadline + dt.timedelta(days=30)
    run_action("extend", hazard.pk, users["inspector"], {"deadline": new, "note": "设备到货延迟"})
    hazard.refresh_from_db()
    assert hazard.deadline == new
    assert StatutoryDeadline.objects.get(kind="hazard_rectification", source_id=hazard.pk).due_at == hazard.due_at
    with pytest.raises(DomainError) as exc:
        run_action("extend", hazard.pk, users["inspector"], {"deadline": new, "note": "again"})
    assert exc.value.code == "invalid" and exc.value.field == "deadline"


def test_timeline_records_every_step_of_the_whole_loop(users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(
        xinluo_chem,
        state="remediated",
        grade=HazardGrade.MAJOR,
        inspector=users["inspector"],
        enterprise_user=users["enterprise"],
    )
    hazard_close(hazard_id=hazard.pk, actor=users["inspector"])
    steps = list(hazard.transitions.order_by("id").values_list("action", "from_state", "to_state"))
    assert steps == [
        ("register", "", "registered"),
        ("assess", "registered", "assessed"),
        ("report", "assessed", "reported"),
        ("start", "reported", "rectifying"),
        ("submit", "rectifying", "remediated"),
        ("close", "remediated", "closed"),
    ]
    assert hazard.transitions.get(action="submit").attachments.count() == 1
