"""One path for refusals (issue 17): a `DomainError` is answered by safety_platform/refusals.py only.

- pages: `refusal_into(form)` puts the message on the named field, else on the form (or, given the request,
  into the messages); `refusal_message(request)` for pages without a form and the admin; "forbidden" is the
  403 page and a field-less "not_found" the 404 page;
- the API: the exception handler answers the JSON error body with the code, the field and the status the
  code sets (docs/api.md);
- a check over the source: no `except DomainError` (or a subclass, e.g. StaleEdit) outside the mapping
  module and the few places listed below with their reason, so a ninth re-mapping fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from rest_framework.exceptions import ValidationError as DrfValidationError

from safety_platform.api.exceptions import exception_handler
from safety_platform.concurrency import StaleEdit
from safety_platform.refusals import add_refusal, refusal_fields, refusal_into, refusal_message, status_for
from safety_platform.services import DomainError

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "var", "static", "__pycache__", ".git", "tests", "bench"}
MAPPING = "safety_platform/refusals.py"
# Where catching a refusal is the point and no page or API answers it. A new entry needs its reason.
ALLOWED = {
    "safety_platform/management/commands/apikey.py": "a management command prints the refusal (CommandError)",
    "hazards/demo_positions.py": "demo seeding: a point the rules refuse is left out",
    "supervision/demo_inspections.py": "demo seeding: an inspection the rules refuse is skipped",
    "supervision/demo_enforcement.py": "demo seeding: stops where another app's demo data changed under it",
    "safety_platform/concurrency.py": "adds the serializer's view of the current values to a stale edit, re-raises",
    "supervision/services/plans.py": "a background task: the refused generation is recorded on the plan",
    "credit/services/blacklist.py": "a service: a proposal made concurrently by someone else is the same outcome",
    "emergency/views/ack_link.py": "a public page (no login): an expired link is its 410 page, any other its 404 page",
    "enterprises/registry/services.py": "the import: a refused row is a problem line of the import report",
}


def _error_names(trees: list[ast.Module]) -> set[str]:
    """DomainError and the names of the classes derived from it (transitively)."""
    names = {"DomainError"}
    bases: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases}
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in names and parents & names:
                names.add(name)
                grew = True
    return names


def catches(tree: ast.Module, errors: set[str]) -> list[int]:
    """The lines of the `except` clauses of `tree` that name one of `errors` (alone, dotted or in a tuple)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            named = {t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else "" for t in types}
            if named & errors:
                lines.append(node.lineno)
    return lines


def _app_trees() -> dict[str, ast.Module]:
    trees = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIPPED_DIRS.intersection(relative.parts):
            trees[relative.as_posix()] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return trees


def test_no_refusal_is_caught_outside_the_one_mapping() -> None:
    trees = _app_trees()
    errors = _error_names(list(trees.values()))
    assert "StaleEdit" in errors  # a subclass counts: the walker sees through the class tree
    found = {where: catches(tree, errors) for where, tree in trees.items()}
    stray = [f"{where}:{line}" for where, lines in found.items() for line in lines if where not in {MAPPING, *ALLOWED}]
    assert stray == [], (
        "A refusal is answered by safety_platform/refusals.py (refusal_into / refusal_message on pages; the API's "
        "exception handler): use those instead of `except DomainError` here:\n" + "\n".join(stray)
    )
    unused = [where for where in ALLOWED if not found.get(where)]
    assert unused == [], f"listed as allowed but catching no refusal any more (take them off the list): {unused}"


def test_the_source_check_sees_tuples_dotted_names_and_subclasses() -> None:
    tree = ast.parse(
        "class Late(DomainError): ...\n"
        "try: x()\nexcept (ValueError, services.DomainError): pass\n"
        "try: x()\nexcept Late as e: pass\n"
        "try: x()\nexcept ValueError: pass\n"
    )
    assert catches(tree, _error_names([tree])) == [3, 5]


# Pages ----------------------------------------------------------------------------------------------


class PlaceForm(forms.Form):
    name = forms.CharField()
    phone = forms.CharField(required=False)


def _request() -> Any:
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _form() -> PlaceForm:
    form = PlaceForm({"name": "新罗化工", "phone": ""})
    assert form.is_valid()
    return form


def test_a_refusal_naming_a_field_of_the_form_goes_on_that_field_with_its_code() -> None:
    form = _form()
    with refusal_into(form) as refused:
        raise DomainError("号码不是大陆手机号。", code="invalid", field="phone")
    assert refused and refused.on_form and refused.code == "invalid"
    assert form.errors.get_json_data() == {"phone": [{"message": "号码不是大陆手机号。", "code": "invalid"}]}


def test_a_refusal_naming_no_field_of_the_form_is_a_non_field_error() -> None:
    form = _form()
    with refusal_into(form) as refused:
        raise DomainError("计划已完成，不能再修改。", code="plan_not_editable", field="deadline")
    assert refused.status == 409
    assert form.non_field_errors() == ["计划已完成，不能再修改。"] and "name" not in form.errors


def test_a_field_map_renames_the_services_field_to_the_forms() -> None:
    form = _form()
    with refusal_into(form, field_map={"enterprise": "name"}):
        raise DomainError("企业不在名录中。", code="invalid", field="enterprise")
    assert form.errors["name"] == ["企业不在名录中。"]


def test_with_the_request_a_refusal_off_the_form_is_a_message_for_the_redirect() -> None:
    form, request = _form(), _request()
    with refusal_into(form, request=request) as refused:
        raise DomainError("隐患状态不允许此操作。", code="conflict")
    assert refused and not refused.on_form and not form.errors
    assert [str(m) for m in get_messages(request)] == ["隐患状态不允许此操作。"]


def test_a_block_that_runs_through_is_no_refusal() -> None:
    form = _form()
    with refusal_into(form) as refused:
        pass
    assert not refused and refused.code == "" and form.is_valid()


def test_forbidden_and_a_missing_object_are_the_403_and_404_pages() -> None:
    with pytest.raises(PermissionDenied), refusal_into(_form()):
        raise DomainError("无权操作。", code="forbidden")
    with pytest.raises(Http404), refusal_message(_request()):
        raise DomainError("记录不存在。", code="not_found")
    form = _form()  # a "not_found" naming a field is bad input on that field
    with refusal_into(form):
        raise DomainError("所选记录不存在。", code="not_found", field="name")
    assert form.errors["name"] == ["所选记录不存在。"]


def test_a_script_asking_for_json_keeps_forbidden_on_the_form_with_its_status() -> None:
    form = _form()
    with refusal_into(form, pages=False) as refused:
        raise DomainError("无权操作。", code="forbidden")
    assert refused.status == 403 and form.errors.get_json_data()["__all__"][0]["code"] == "forbidden"


def test_a_page_without_a_form_shows_the_refusal_as_a_message() -> None:
    request = _request()
    with refusal_message(request) as refused:
        raise DomainError("只有发送失败的消息才能重发。", code="outbound_not_failed")
    assert refused.code == "outbound_not_failed"
    assert [str(m) for m in get_messages(request)] == ["只有发送失败的消息才能重发。"]


def test_other_errors_pass_through_the_mapping() -> None:
    with pytest.raises(ValueError), refusal_into(_form()):
        raise ValueError("a programming error is not a refusal")


def test_add_refusal_without_a_form_or_request_changes_nothing_and_says_so() -> None:
    assert add_refusal(None, DomainError("x", code="conflict")) is False


# The API --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "field", "status"),
    [
        ("invalid", "credit_code", 400),
        ("forbidden", None, 403),
        ("not_found", None, 404),
        ("plan_incomplete", None, 409),
    ],
)
def test_the_api_answers_a_refusal_with_its_code_field_and_the_status_the_code_sets(
    code: str, field: str | None, status: int
) -> None:
    response = exception_handler(DomainError("拒绝的原因。", code=code, field=field), {})
    assert response is not None and response.status_code == status == status_for(code)
    expected: dict[str, Any] = {"detail": "拒绝的原因。", "code": code}
    if field:
        expected["errors"] = {field: ["拒绝的原因。"]}
    assert response.data == expected


def test_the_api_answers_bad_input_with_the_same_shape() -> None:
    response = exception_handler(DrfValidationError({"credit_code": ["格式不正确。"]}), {})
    assert response is not None and response.status_code == 400
    assert response.data["code"] == "invalid" and response.data["errors"] == {"credit_code": ["格式不正确。"]}


def test_a_models_validation_error_takes_the_same_path_field_by_field() -> None:
    form, request = _form(), _request()
    with refusal_into(form) as refused:
        raise ValidationError({"phone": ["号码太短。"], "__all__": ["名称已存在。"]})
    assert refused.code == "invalid" and refused.status == 400
    assert form.errors["phone"] == ["号码太短。"] and form.non_field_errors() == ["名称已存在。"]
    with refusal_message(request):
        raise ValidationError("日期不能晚于今天。")
    assert [str(m) for m in get_messages(request)] == ["日期不能晚于今天。"]


def test_a_stale_edit_on_a_versioned_form_shows_what_changed() -> None:
    class VersionedForm(PlaceForm):
        stale: Any = None

        def refuse_stale(self, exc: Any) -> None:
            self.stale = exc
            self.add_error(None, exc.message)

    form = VersionedForm({"name": "新罗化工"})
    assert form.is_valid()
    stale = StaleEdit.__new__(StaleEdit)
    DomainError.__init__(stale, "他人已修改此记录。", code="stale")
    with refusal_into(form) as refused:
        raise stale
    assert form.stale is stale and refused.on_form and form.non_field_errors() == ["他人已修改此记录。"]


def test_an_admin_action_over_several_objects_names_the_one_refused() -> None:
    request = _request()
    with refusal_message(request, prefix="2024-1: "):
        raise DomainError("规则集为空。", code="rule_set_empty")
    assert [str(m) for m in get_messages(request)] == ["2024-1: 规则集为空。"]


def test_the_api_names_the_requests_field_where_the_service_names_its_own() -> None:
    with pytest.raises(DomainError) as caught, refusal_fields({"enterprise": "credit_code"}):
        raise DomainError("企业未列入。", code="invalid", field="enterprise")
    assert caught.value.code == "invalid" and caught.value.field == "credit_code"
    response = exception_handler(caught.value, {})
    assert response is not None and response.data["errors"] == {"credit_code": ["企业未列入。"]}


@pytest.mark.django_db
def test_the_api_answers_a_rule_refusing_the_person_with_the_documented_code(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    """A step the rules refuse this person: a 403 with the documented code `forbidden` (no view maps it to DRF's
    `permission_denied` any more); a step the hazard's state refuses is a 409 with its rule's code."""
    from tests.hazards.factories import make_hazard

    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    api_client.force_authenticate(users["committee"])
    response = api_client.post(f"/api/v1/hazards/{hazard.pk}/progress/", {"note": "x"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden", response.json()
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(f"/api/v1/hazards/{hazard.pk}/close/", {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
