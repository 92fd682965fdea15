"""One permission registry: `can(user, action, obj)` answers every "may this person do this".

The matrix below is the table of who may do what, one row per registered action, for the standard cast of the
suite (`users`: an administrator, committee staff, 新罗区's county office and inspector, a township inspector,
应急管理局 and 住建局 staff, the user of 东城化工 — an enterprise of 新罗区 supervised by 应急管理局) acting on an
object of 东城化工 or 新罗区. A new rule without a row, a row without a rule, a `can("…")` naming an unknown
action, or a `def can_…`/`def may_…` outside `*/permissions.py` fails here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from safety_platform.permissions import can, register, registered_actions, require, rule
from safety_platform.services import DomainError
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

ROOT = Path(__file__).resolve().parents[2]
APPS = ("safety_platform", "enterprises", "hazards", "credit", "emergency", "assessment", "supervision")
CAST = (
    "admin",
    "committee",
    "county_office",
    "inspector",
    "inspector_town",
    "department",
    "department_zjj",
    "enterprise",
)
EVERYONE = frozenset(CAST)
STAFF = EVERYONE - {"enterprise"}
# Staff who see 东城化工 (新罗区, supervised by 应急管理局): all but 住建局's.
SEE_XINLUO = STAFF - {"department_zjj"}


def _none(world: dict[str, Any]) -> Any:
    return None


def _enterprise(world: dict[str, Any]) -> Any:
    return world["enterprise"]


def _county(world: dict[str, Any]) -> Any:
    return world["org"].jurisdiction("新罗区")


def _credit_record(world: dict[str, Any]) -> Any:
    from credit.models import CreditRecord

    return CreditRecord(enterprise=world["enterprise"], department=world["org"].department("yjj"))


def _blacklist_entry(world: dict[str, Any]) -> Any:
    from credit.models import BlacklistEntry

    return BlacklistEntry(enterprise=world["enterprise"], department=world["org"].department("yjj"))


def _warehouse(world: dict[str, Any]) -> Any:
    from tests.emergency.factories import WarehouseFactory

    return WarehouseFactory(jurisdiction=_county(world), enterprise=world["enterprise"], level="enterprise")


def _contact(world: dict[str, Any]) -> Any:
    from emergency.models import WarningContact

    return WarningContact(name="张三", jurisdiction=_county(world), mobile="13800000000")


def _emergency_plan(world: dict[str, Any]) -> Any:
    from emergency.models import EmergencyPlan

    return EmergencyPlan(title="综合应急预案", enterprise=world["enterprise"], created_by=world["users"]["enterprise"])


def _accident(world: dict[str, Any]) -> Any:
    import datetime as dt

    from django.utils import timezone

    from emergency.services import accident_report

    return accident_report(
        actor=world["users"]["inspector"],
        title="储罐泄漏",
        category="hazardous_chemicals",
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        reported_at=timezone.now() - dt.timedelta(hours=1),
        location="储罐区",
        enterprise=world["enterprise"],
    )


def _dispatch_order(world: dict[str, Any]) -> Any:
    from emergency.models import DispatchOrder

    return DispatchOrder(title="调拨救援物资", requesting_jurisdiction=_county(world), destination="新罗区应急指挥部")


def _measure(world: dict[str, Any]) -> Any:
    import datetime as dt

    from emergency.models import AccidentEvaluation, CorrectiveMeasure

    evaluation = AccidentEvaluation(accident=_accident(world))
    return CorrectiveMeasure(
        evaluation=evaluation, description="更换储罐阀门", responsible="设备部", due_on=dt.date(2026, 12, 31)
    )


def _campaign(world: dict[str, Any]) -> Any:
    from hazards.models import Campaign

    return Campaign(name="汛期专项检查", created_by=world["users"]["inspector"])


def _document(world: dict[str, Any]) -> Any:
    from supervision.models import EnforcementDocument

    return EnforcementDocument(enterprise=world["enterprise"], issued_by=world["users"]["inspector_town"])


def _department(world: dict[str, Any]) -> Any:
    return world["org"].department("yjj")


def _joint_inspection(world: dict[str, Any]) -> Any:
    import datetime as dt

    from enterprises.models import JointInspection

    inspection = JointInspection.objects.create(
        enterprise=world["enterprise"],
        title="联合检查",
        lead_department=_department(world),
        planned_on=dt.date(2025, 5, 1),
    )
    inspection.departments.set([world["org"].department("zjj")])
    return inspection


def _notice(world: dict[str, Any]) -> Any:
    from credit.models import JointNotice

    return JointNotice(department=world["org"].department("yjj"))


def _exit_proposal(world: dict[str, Any]) -> Any:
    from enterprises.models import ExitProposal

    return ExitProposal(enterprise=world["enterprise"], proposed_by=world["users"]["inspector"])


def _department_result(world: dict[str, Any]) -> Any:
    from assessment.models import AssessmentResult

    return AssessmentResult(department=world["org"].department("yjj"))


# action -> (the object it is asked about, the members of the cast who may)
MATRIX: dict[str, tuple[Callable[[dict[str, Any]], Any], frozenset[str]]] = {
    # credit
    "credit.record": (_none, frozenset({"admin", "committee", "department", "department_zjj"})),
    "credit.revoke_record": (_credit_record, frozenset({"admin", "committee", "department"})),
    "credit.decide_proposals": (
        _none,
        frozenset({"admin", "committee", "county_office", "department", "department_zjj"}),
    ),
    "credit.decide_proposal": (_credit_record, frozenset({"admin", "committee", "county_office", "department"})),
    "credit.propose_blacklist": (_none, frozenset({"admin", "committee", "department", "department_zjj"})),
    "credit.handle_proposal": (_blacklist_entry, frozenset({"admin", "committee", "department"})),
    "credit.register_webhook": (_none, frozenset({"department", "department_zjj"})),
    "credit.decide_listing": (_blacklist_entry, frozenset({"admin", "committee", "county_office"})),
    "credit.answer_listing": (_blacklist_entry, frozenset({"enterprise"})),
    "credit.record_measure": (_none, frozenset({"department", "department_zjj"})),
    "credit.read_notices": (_none, frozenset({"admin", "committee", "department", "department_zjj"})),
    "credit.issue_notices": (_none, frozenset({"admin", "committee"})),
    "credit.acknowledge_notice": (_notice, frozenset({"department"})),
    "credit.see_feed_usage": (_none, frozenset({"admin", "committee"})),
    "credit.see_webhooks": (_none, frozenset({"admin", "committee", "department", "department_zjj"})),
    # emergency
    "emergency.manage_resource": (
        _warehouse,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town", "department", "enterprise"}),
    ),
    "emergency.keep_government_resource": (_none, STAFF),
    "emergency.transfer_into": (
        _warehouse,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town", "department", "enterprise"}),
    ),
    "emergency.register_resource": (_none, EVERYONE),
    "emergency.read_contacts": (_none, STAFF),
    "emergency.approve_dispatch": (_none, frozenset({"admin", "committee", "department", "department_zjj"})),
    "emergency.request_dispatch": (_none, STAFF),
    # The requesting side (新罗区; the township inspector acts only for his township) and the city.
    "emergency.receive_dispatch": (
        _dispatch_order,
        frozenset({"admin", "committee", "county_office", "inspector", "department", "department_zjj"}),
    ),
    "emergency.cancel_dispatch": (
        _dispatch_order,
        frozenset({"admin", "committee", "county_office", "inspector", "department", "department_zjj"}),
    ),
    "emergency.manage_contacts": (
        _none,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town"}),
    ),
    "emergency.edit_contact": (_contact, frozenset({"admin", "committee", "county_office", "inspector"})),
    "emergency.issue_warning": (_none, STAFF),
    "emergency.record_acknowledgement": (_none, STAFF),
    "emergency.manage_plan": (
        _emergency_plan,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town", "department", "enterprise"}),
    ),
    "emergency.report_accident": (_none, EVERYONE),
    "emergency.handle_accident": (
        _accident,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town", "department"}),
    ),
    "emergency.follow_accident": (_accident, SEE_XINLUO | {"enterprise"}),
    "emergency.progress_measure": (_measure, SEE_XINLUO | {"enterprise"}),
    # enterprises (the registry and its domains)
    "enterprises.manage": (_none, STAFF),
    "enterprises.keep_records": (_enterprise, frozenset({"admin", "enterprise"})),
    "enterprises.manage_equipment": (_enterprise, SEE_XINLUO | {"enterprise"}),
    "enterprises.supervise": (_enterprise, SEE_XINLUO),
    "enterprises.edit_responsibility": (_department, frozenset({"admin", "committee", "department"})),
    "enterprises.create_joint_inspection": (_none, STAFF),
    "enterprises.work_on_inspection": (
        _joint_inspection,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town", "department_zjj"}),
    ),
    "enterprises.record_certificate": (_enterprise, SEE_XINLUO | {"enterprise"}),
    "enterprises.verify_certificate": (_enterprise, SEE_XINLUO),
    "enterprises.designate": (_enterprise, frozenset({"admin", "committee", "department"})),
    "enterprises.manage_planning": (
        _county,
        frozenset({"admin", "committee", "county_office", "inspector", "department", "department_zjj"}),
    ),
    "enterprises.edit_catalog": (_none, frozenset({"admin", "committee", "department", "department_zjj"})),
    "enterprises.revoke_certificate": (_enterprise, frozenset({"admin", "committee", "county_office", "department"})),
    "enterprises.read_registers": (_none, STAFF),
    "enterprises.propose_exit": (_enterprise, SEE_XINLUO),
    "enterprises.decide_exit": (_none, frozenset({"admin", "committee"})),
    "enterprises.withdraw_exit": (_exit_proposal, frozenset({"admin", "committee", "inspector"})),
    # hazards
    "hazards.log": (_none, frozenset({"inspector", "inspector_town", "enterprise"})),
    "hazards.edit_risk": (_none, frozenset({"inspector", "inspector_town", "enterprise"})),
    "hazards.edit_plan": (_none, frozenset({"inspector", "inspector_town", "enterprise"})),
    "hazards.edit_campaign": (_campaign, frozenset({"committee", "inspector"})),
    "hazards.see_reporter": (_none, STAFF),
    "hazards.see_risk_map": (_none, STAFF),
    "hazards.see_plausibility": (_none, STAFF),
    "hazards.self_check": (_none, frozenset({"enterprise"})),
    "hazards.file_statistics": (_none, frozenset({"enterprise"})),
    # supervision
    "supervision.inspect": (_none, STAFF),
    "supervision.manage_plans": (_county, frozenset({"admin", "committee", "county_office", "inspector"})),
    "supervision.issue_documents": (_none, frozenset({"inspector", "inspector_town"})),
    "supervision.issue_document": (_enterprise, frozenset({"inspector", "inspector_town"})),
    "supervision.open_cases": (
        _none,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town"}),
    ),
    "supervision.act_on_case": (
        _enterprise,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town"}),
    ),
    "supervision.decide_case": (_enterprise, frozenset({"admin", "committee", "county_office", "inspector"})),
    "supervision.void_document": (
        _document,
        frozenset({"admin", "committee", "county_office", "inspector", "inspector_town"}),
    ),
    "supervision.set_authority": (_enterprise, frozenset({"admin", "committee", "county_office"})),
    # assessment
    "assessment.view": (_none, STAFF),
    "assessment.see_dashboard": (_none, STAFF),
    "assessment.administer": (_none, frozenset({"admin", "committee"})),
    "assessment.object_to_result": (_department_result, frozenset({"department"})),
}


# Rules that also answer without an object ("may this person do it to any?": the pages' buttons).
WITHOUT_OBJECT: dict[str, frozenset[str]] = {
    "enterprises.manage_equipment": EVERYONE,
    "enterprises.record_certificate": EVERYONE,
    "enterprises.propose_exit": STAFF,
    "enterprises.designate": frozenset({"admin", "committee", "department", "department_zjj"}),
}


@pytest.fixture
def world(org: Any, users: dict[str, Any], xinluo_chem: Any) -> dict[str, Any]:
    return {"org": org, "users": users, "enterprise": xinluo_chem}


def test_every_registered_action_has_a_row_in_the_matrix_and_every_row_a_rule() -> None:
    registered = {a for a in registered_actions() if not a.startswith("test.")}
    assert sorted(registered - set(MATRIX)) == [], "a rule without a row in MATRIX"
    assert sorted(set(MATRIX) - registered) == [], "a row in MATRIX for an action nobody registers"


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_the_permission_matrix(action: str, world: dict[str, Any]) -> None:
    build, allowed = MATRIX[action]
    obj = build(world)
    answers = {name for name in CAST if can(world["users"][name], action, obj)}
    assert answers == set(allowed)


@pytest.mark.parametrize("action", sorted(WITHOUT_OBJECT))
def test_the_rules_asked_without_an_object(action: str, world: dict[str, Any]) -> None:
    answers = {name for name in CAST if can(world["users"][name], action)}
    assert answers == set(WITHOUT_OBJECT[action])


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_nobody_signed_in_may_do_anything(action: str, world: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    build, _allowed = MATRIX[action]
    assert not can(AnonymousUser(), action, build(world))


def test_an_unknown_action_is_a_programming_error_not_a_no(users: dict[str, Any]) -> None:
    with pytest.raises(KeyError, match=r"credit\.decide_propsal"):
        can(users["admin"], "credit.decide_propsal")


def test_require_refuses_with_the_forbidden_code_and_a_chinese_message(users: dict[str, Any]) -> None:
    from django.utils import translation

    require(users["committee"], "credit.record")  # allowed: nothing raised
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        require(users["enterprise"], "credit.record")
    assert refused.value.code == "forbidden"
    assert refused.value.message == "您无权执行此操作。"
    with pytest.raises(DomainError) as named:
        require(users["enterprise"], "credit.record", message="只有部门记录信用行为。")
    assert (named.value.code, named.value.message) == ("forbidden", "只有部门记录信用行为。")


def test_an_action_has_one_rule() -> None:
    @rule("test.only_once")
    def first(user: Any, obj: Any) -> bool:
        return True

    register("test.only_once", first)  # the same rule again (a module imported twice) is harmless

    def second(user: Any, obj: Any) -> bool:
        return False

    with pytest.raises(ValueError, match="already registered"):
        register("test.only_once", second)
    with pytest.raises(ValueError, match="lower case"):
        register("NoApp", second)


def test_the_template_tag_asks_the_registry(users: dict[str, Any], xinluo_chem: Any) -> None:
    from django.template import Context, Template

    template = Template(
        "{% load platform_permissions %}{% if user|can:'credit.record' %}R{% endif %}"
        "{% can user 'supervision.decide_case' enterprise as decides %}{% if decides %}D{% endif %}"
    )
    assert template.render(Context({"user": users["committee"], "enterprise": xinluo_chem})) == "RD"
    assert template.render(Context({"user": users["inspector_town"], "enterprise": xinluo_chem})) == ""


# The code keeps to the registry -------------------------------------------------------------------


def _python_files() -> list[Path]:
    return [path for app in APPS for path in sorted((ROOT / app).rglob("*.py")) if "migrations" not in path.parts]


def _actions_named(path: Path) -> list[tuple[int, str]]:
    """(line, action) of every `can(...)`/`require(...)`/`permissions.can(...)` asking a registry action."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in ("can", "require", "permitted", "permitted_on"):
            continue
        for const in ast.walk(node.args[1]):
            if (
                isinstance(const, ast.Constant)
                and isinstance(const.value, str)
                and re.fullmatch(r"[a-z_]+\.[a-z_]+", const.value)
            ):
                found.append((node.lineno, const.value))
    return found


def _template_actions() -> list[tuple[str, str]]:
    pattern = re.compile(r"""(?:\|can:|\{%\s*can\s+\S+\s+)["']([a-z_]+\.[a-z_]+)["']""")
    found = []
    for folder in (ROOT / "templates", *(ROOT / app / "templates" for app in APPS)):
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
            found.extend((str(path.relative_to(ROOT)), m.group(1)) for m in pattern.finditer(path.read_text("utf-8")))
    return found


def test_every_action_the_code_asks_is_registered() -> None:
    registered = registered_actions()
    unknown = [
        f"{path.relative_to(ROOT)}:{line}: {action}"
        for path in _python_files()
        for line, action in _actions_named(path)
        if action not in registered
    ]
    unknown += [f"{where}: {action}" for where, action in _template_actions() if action not in registered]
    assert unknown == [], (
        "asked but never registered (typo, or a rule missing from <app>/permissions.py):\n" + "\n".join(unknown)
    )


def test_the_code_asks_the_registry_for_every_action_it_knows() -> None:
    asked = {action for path in _python_files() for _line, action in _actions_named(path)}
    asked |= {action for _where, action in _template_actions()}
    assert sorted(set(MATRIX) - asked) == [], "a rule nothing asks for"


def test_no_permission_function_outside_the_permissions_modules() -> None:
    """A `def can_…`/`def may_…` elsewhere is a second copy of a rule: declare it in `<app>/permissions.py`."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}"
        for path in _python_files()
        if not path.name.startswith("permissions")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and re.match(r"(can|may)_", node.name)
    ]
    assert found == [], "\n".join(found)


def test_role_groups_are_defined_once() -> None:
    """`STAFF_ROLES = frozenset({...})` and its kin live in safety_platform/permissions.py only."""
    found = []
    for path in _python_files():
        if path == ROOT / "safety_platform" / "permissions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets.append(node.target.id)
            value = getattr(node, "value", None)
            literal = isinstance(value, ast.Call) and getattr(value.func, "id", "") == "frozenset" and value.args
            if any(t.endswith("_ROLES") for t in targets) and literal and "Role." in ast.unparse(value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {', '.join(targets)}")
    assert found == [], "define role groups in safety_platform/permissions.py:\n" + "\n".join(found)


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    """The AST walkers find a call and a definition (a check that cannot fail proves nothing)."""
    source = tmp_path / "views.py"
    source.write_text(
        'def can_x(u):\n    return can(u, "credit.nope")\n\n'
        'def f(u):\n    permissions.require(u, "a.b" if u else "c.d")\n',
        encoding="utf-8",
    )
    assert _actions_named(source) == [(2, "credit.nope"), (5, "a.b"), (5, "c.d")]


def test_the_hazard_transition_table_takes_its_roles_from_the_role_groups() -> None:
    """The hazard loop's table names the permission module's groups; it writes no set of roles of its own."""
    from hazards.services.loop import RULES
    from safety_platform import permissions

    groups = [value for name, value in vars(permissions).items() if name.endswith("_ROLES")]
    assert all(any(rule.roles is group for group in groups) for rule in RULES.values())
