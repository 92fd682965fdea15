"""The hazards API: the whole loop by the roles that own each step, idempotent push, errors, filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hazards.models import Hazard
from tests.clock import shanghai
from tests.hazards.factories import fake_image_upload, image_upload, make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_whole_loop_through_the_api_by_the_roles_that_own_each_step(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    api_client.force_authenticate(users["inspector"])
    created = api_client.post(
        "/api/v1/hazards/",
        {
            "enterprise": xinluo_chem.pk,
            "title": "反应釜安全阀未校验",
            "description": "安全阀校验报告过期两个月。",
            "photos": [image_upload()],
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    hazard = created.json()
    pk = hazard["id"]
    assert hazard["code"].startswith("YH-350802-") and hazard["state"] == "registered"
    assert len(hazard["transitions"][0]["attachments"]) == 1

    def step(user: str, name: str, data: dict[str, Any] | None = None, fmt: str = "json") -> Any:
        api_client.force_authenticate(users[user])
        return api_client.post(f"/api/v1/hazards/{pk}/{name}/", data or {}, format=fmt)

    response = step("inspector", "assess", {"grade": "major", "deadline": later, "responsible_person": "王五"})
    assert response.status_code == 200 and response.json()["state"] == "assessed"
    # A major hazard without a plan cannot be reported: 409 naming the plan.
    response = step("enterprise", "report")
    assert response.status_code == 409 and "plan" in response.json()["errors"]
    api_client.force_authenticate(users["enterprise"])
    plan = {
        "goal": "消除",
        "measures": "更换",
        "funds_and_materials": "3万元",
        "responsible_people": "李四",
        "deadline": later,
        "safety_measures": "警戒",
    }
    response = api_client.put(f"/api/v1/hazards/{pk}/plan/", plan, format="json")
    assert response.status_code == 200 and response.json()["is_complete"]
    assert step("enterprise", "report").json()["state"] == "reported"
    assert step("committee", "list-supervision", {"note": "挂牌督办"}).json()["is_listed"]
    assert step("enterprise", "start").json()["state"] == "rectifying"
    response = step("enterprise", "progress", {"note": "更换中", "photos": [image_upload()]}, "multipart")
    assert response.status_code == 200
    response = step(
        "enterprise", "submit", {"before": [image_upload()], "after": [image_upload(color="green")]}, "multipart"
    )
    assert response.json()["state"] == "remediated"
    response = step("inspector", "reject", {"note": "仍有泄漏"})
    assert response.json()["state"] == "rectifying"
    step("enterprise", "submit", {"after": [image_upload()]}, "multipart")
    response = step("inspector_town", "close", {"note": "复核通过"})
    body = response.json()
    assert body["state"] == "closed" and body["closed_at"]
    assert [t["action"] for t in body["transitions"]] == [
        "register",
        "assess",
        "report",
        "list",
        "start",
        "progress",
        "submit",
        "reject",
        "submit",
        "close",
    ]
    assert body["allowed_actions"] == []


def test_illegal_step_is_409_and_wrong_role_is_403(api_client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(f"/api/v1/hazards/{hazard.pk}/close/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["detail"]
    api_client.force_authenticate(users["enterprise"])
    assert api_client.post(f"/api/v1/hazards/{hazard.pk}/refuse/", {"note": "x"}, format="json").status_code == 403
    api_client.force_authenticate(users["committee"])
    assert api_client.post(f"/api/v1/hazards/{hazard.pk}/progress/", {"note": "x"}, format="json").status_code == 403


def test_bad_input_is_400_naming_the_field(api_client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    hazard = make_hazard(xinluo_chem, inspector=users["inspector"])
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(f"/api/v1/hazards/{hazard.pk}/assess/", {"grade": "huge"}, format="json")
    assert response.status_code == 400 and {"grade", "deadline", "responsible_person"} <= set(response.json()["errors"])
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = api_client.post(
        f"/api/v1/hazards/{hazard.pk}/assess/",
        {"grade": "general", "deadline": past, "responsible_person": "x"},
        format="json",
    )
    assert response.status_code == 400 and "deadline" in response.json()["errors"]
    response = api_client.post("/api/v1/hazards/", {"title": ""}, format="json")
    assert response.status_code == 400 and "title" in response.json()["errors"]
    assert api_client.get("/api/v1/hazards/", {"overdue": "maybe"}).status_code == 400
    assert api_client.get("/api/v1/hazards/", {"page": "0"}).status_code == 400


def test_renamed_non_image_is_refused_by_the_api(api_client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(
        "/api/v1/hazards/",
        {"enterprise": xinluo_chem.pk, "title": "x", "photos": [fake_image_upload()]},
        format="multipart",
    )
    assert response.status_code == 400
    assert any(field.startswith("photos") for field in response.json()["errors"])
    assert not Hazard.objects.exists()


def test_filters_of_the_ui_work_in_the_api(api_client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    inspector = users["inspector"]
    open_general = make_hazard(world["xinluo_chem"], state="assessed", inspector=inspector, title="一般")
    major = make_hazard(world["xinluo_site"], state="reported", grade="major", inspector=inspector, title="重大")
    overdue = make_hazard(world["xinluo_chem"], state="assessed", inspector=inspector, title="逾期")
    Hazard.objects.filter(pk=overdue.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    api_client.force_authenticate(users["committee"])

    def titles(**params: Any) -> set[str]:
        response = api_client.get("/api/v1/hazards/", params)
        assert response.status_code == 200, response.json()
        return {row["title"] for row in response.json()["results"]}

    assert titles(grade="major") == {"重大"}
    assert titles(overdue="true") == {"逾期"}
    assert titles(state="reported") == {"重大"}
    assert titles(industry="E47") == {"重大"}
    assert titles(enterprise=world["xinluo_chem"].pk) == {"一般", "逾期"}
    assert titles(q=open_general.code) == {"一般"}
    assert titles(jurisdiction=world["xinluo_site"].jurisdiction_id) == {"重大"}
    assert major.code


def test_push_with_idempotency_key_never_duplicates(api_client: Any, push_key: str, xinluo_chem: Any) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {push_key}", "HTTP_IDEMPOTENCY_KEY": "DCS-2026-0042"}
    body = {"title": "DCS报警：2号泵出口压力异常", "description": "连续三次高压报警", "location": "泵房"}
    first = api_client.post("/api/v1/hazards/push/", body, format="json", **headers)
    assert first.status_code == 201, first.json()
    retry = api_client.post("/api/v1/hazards/push/", body, format="json", **headers)
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"] and retry.json()["code"] == first.json()["code"]
    assert Hazard.objects.count() == 1
    hazard = Hazard.objects.get()
    assert hazard.source == "api_push" and hazard.enterprise == xinluo_chem
    assert hazard.transitions.get().actor_label.startswith("api-key:")
    other = api_client.post(
        "/api/v1/hazards/push/",
        body,
        format="json",
        HTTP_AUTHORIZATION=f"Api-Key {push_key}",
        HTTP_IDEMPOTENCY_KEY="DCS-2026-0043",
    )
    assert other.status_code == 201 and Hazard.objects.count() == 2


def test_push_key_reused_for_another_hazard_is_409(api_client: Any, push_key: str) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {push_key}", "HTTP_IDEMPOTENCY_KEY": "k1"}
    api_client.post("/api/v1/hazards/push/", {"title": "A"}, format="json", **headers)
    response = api_client.post("/api/v1/hazards/push/", {"title": "B"}, format="json", **headers)
    assert response.status_code == 409 and Hazard.objects.count() == 1


def test_push_needs_the_key_header_and_scope(
    api_client: Any, push_key: str, dept_read_key: str, users: dict[str, Any]
) -> None:
    response = api_client.post(
        "/api/v1/hazards/push/", {"title": "A"}, format="json", HTTP_AUTHORIZATION=f"Api-Key {push_key}"
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]
    response = api_client.post(
        "/api/v1/hazards/push/",
        {"title": "A"},
        format="json",
        HTTP_AUTHORIZATION=f"Api-Key {dept_read_key}",
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert response.status_code == 403
    api_client.force_authenticate(users["enterprise"])
    assert (
        api_client.post("/api/v1/hazards/push/", {"title": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="x").status_code
        == 403
    )
    assert not Hazard.objects.exists()


def test_two_enterprises_may_use_the_same_idempotency_key(api_client: Any, push_key: str, shanghang_site: Any) -> None:
    from safety_platform.choices import ApiScope
    from safety_platform.services import api_key_create

    _key, other = api_key_create(name="other", enterprise=shanghang_site, scopes=[ApiScope.HAZARDS_PUSH])
    for raw in (push_key, other):
        response = api_client.post(
            "/api/v1/hazards/push/",
            {"title": "A"},
            format="json",
            HTTP_AUTHORIZATION=f"Api-Key {raw}",
            HTTP_IDEMPOTENCY_KEY="same",
        )
        assert response.status_code == 201
    assert Hazard.objects.count() == 2


def test_inspector_logging_twice_with_the_same_client_key_creates_one_hazard(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    api_client.force_authenticate(users["inspector"])
    data = {"enterprise": xinluo_chem.pk, "title": "配电箱未接地", "client_key": "draft-7f3c"}
    first = api_client.post("/api/v1/hazards/", data, format="json")
    second = api_client.post("/api/v1/hazards/", data, format="json")
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and Hazard.objects.count() == 1


def test_risk_source_api_grades_by_the_active_banding(api_client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/risk-sources/",
        {
            "name": "储罐区",
            "method": "lec",
            "lec_l": "6",
            "lec_e": "6",
            "lec_c": "15",
            "control_measures": "报警仪",
            "responsible_person": "赖",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["score"] == 540 and body["level"] == "red" and body["banding_version"] == 1
    assert body["enterprise"] == xinluo_chem.pk
    response = api_client.patch(f"/api/v1/risk-sources/{body['id']}/", {"lec_l": "1"}, format="json")
    assert response.status_code == 200 and response.json()["level"] == "yellow"  # 1×6×15 = 90
    response = api_client.post(
        "/api/v1/risk-sources/",
        {
            "name": "x",
            "method": "lec",
            "lec_l": "7",
            "lec_e": "6",
            "lec_c": "15",
            "control_measures": "m",
            "responsible_person": "r",
        },
        format="json",
    )
    assert response.status_code == 400 and "lec_l" in response.json()["errors"]
    api_client.force_authenticate(users["committee"])
    valid = {
        "enterprise": xinluo_chem.pk,
        "name": "y",
        "method": "matrix",
        "likelihood": 2,
        "severity": 3,
        "control_measures": "m",
        "responsible_person": "r",
    }
    assert api_client.post("/api/v1/risk-sources/", valid, format="json").status_code == 403
