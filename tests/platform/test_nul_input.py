"""A NUL character in a form or an address is a 400 naming the field, never a server error
(safety_platform.middleware.NulCharacterMiddleware). PostgreSQL cannot store the character in text: a cancelled
joint inspection's reason, posted as it came, was a 500 there (found by tests/platform/test_form_fuzz.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from enterprises.models import JointInspection
from enterprises.responsibility.services import joint_inspection_create
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def planned(users: dict[str, Any], org: Any, xinluo_chem: Any) -> JointInspection:
    return joint_inspection_create(
        actor=users["inspector"],
        enterprise=xinluo_chem,
        title="节前联合检查",
        lead_department=org.department("yjj"),
        departments=[org.department("yjj"), org.department("zjj")],
        planned_on=dt.date(2026, 12, 10),
    )


def test_a_reason_with_a_nul_is_refused_on_the_page_naming_it_and_nothing_changes(
    client: Any, users: dict[str, Any], planned: JointInspection
) -> None:
    client.force_login(users["inspector"])
    url = reverse("enterprises:joint_inspection_act", args=[planned.pk, "cancel"])
    response = client.post(url, {"reason": "改期\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“reason”含有空字符（NUL），无法保存：请删除后重新提交。" in page
    assert 'lang="zh-hans"' in page and str(users["inspector"]) in page  # the platform's page, signed in
    planned.refresh_from_db()
    assert planned.status == "planned"
    # The same reason without the character cancels it.
    assert client.post(url, {"reason": "改期"}).status_code == 302
    planned.refresh_from_db()
    assert planned.status == "cancelled"


def test_a_nul_in_a_filter_or_its_name_is_a_400(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    assert client.get("/hazards/", {"q": "液氯"}).status_code == 200
    refused = client.get("/hazards/", {"q": "液\x00氯"})
    assert refused.status_code == 400 and "“q”含有空字符" in refused.content.decode()
    assert client.get("/hazards/", {"q\x00": "x"}).status_code == 400


def test_a_form_encoded_api_call_with_a_nul_gets_the_apis_error_naming_the_field(
    api_client: Any, users: dict[str, Any], planned: JointInspection
) -> None:
    api_client.force_authenticate(users["inspector"])
    url = f"/api/v1/joint-inspections/{planned.pk}/cancel/"
    refused = api_client.post(url, {"reason": "改期\x00"})  # multipart, as a form posts it
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "invalid" and list(body["errors"]) == ["reason"]
    # A JSON body is checked by the serializer's field: a 400 naming it too.
    as_json = api_client.post(url, {"reason": "改期\x00"}, format="json")
    assert as_json.status_code == 400 and "reason" in as_json.json()["errors"]
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_a_forged_form_with_a_nul_is_refused_as_forged_first(users: dict[str, Any], planned: JointInspection) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["inspector"])
    url = reverse("enterprises:joint_inspection_act", args=[planned.pk, "cancel"])
    assert client.post(url, {"reason": "改期\x00"}).status_code == 403
