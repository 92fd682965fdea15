"""Bad input found by fuzzing the API (schemathesis): a 400 naming the field, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from enterprises.models import JointInspection
from enterprises.responsibility.services import joint_inspection_create
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def inspection(users: Any, org: Any, xinluo_chem: Any) -> JointInspection:
    return joint_inspection_create(
        actor=users["department"],
        enterprise=xinluo_chem,
        title="联合检查",
        lead_department=org.department("yjj"),
        departments=[org.department("scjgj")],
        planned_on=timezone.localdate() - dt.timedelta(days=1),
    )


@pytest.mark.parametrize("step", ["complete", "cancel"])
@pytest.mark.parametrize("body", [[], ["summary"], "x"])
def test_joint_inspection_step_with_a_body_that_is_not_an_object_is_a_400(
    api_client: Any, users: Any, inspection: JointInspection, step: str, body: Any
) -> None:
    api_client.force_authenticate(users["department"])
    response = api_client.post(f"/api/v1/joint-inspections/{inspection.pk}/{step}/", body, format="json")
    assert response.status_code == 400, response.content
    assert "non_field_errors" in response.json()["errors"]
    inspection.refresh_from_db()
    assert inspection.status == "planned"


def test_joint_inspection_summary_must_be_text(api_client: Any, users: Any, inspection: JointInspection) -> None:
    api_client.force_authenticate(users["department"])
    response = api_client.post(
        f"/api/v1/joint-inspections/{inspection.pk}/complete/", {"summary": {"a": 1}}, format="json"
    )
    assert response.status_code == 400 and "summary" in response.json()["errors"]
    inspection.refresh_from_db()
    assert inspection.status == "planned"


@pytest.mark.parametrize("value", ["1.5", "4.06e43", str(10**30), "0"])
def test_training_record_employee_filter_refuses_what_is_not_an_id(api_client: Any, users: Any, value: str) -> None:
    api_client.force_authenticate(users["enterprise"])
    response = api_client.get("/api/v1/training-records/", {"employee": value})
    assert response.status_code == 400, response.content
    assert "employee" in response.json()["errors"]


def test_training_compliance_enterprise_parameter_like_a_superscript_digit_is_a_400(
    api_client: Any, users: Any
) -> None:
    # "²".isdigit() is True, but int("²") fails.
    api_client.force_authenticate(users["committee"])
    response = api_client.get("/api/v1/training-compliance/", {"enterprise": "²"})
    assert response.status_code == 400 and "enterprise" in response.json()["errors"]


@pytest.mark.parametrize("body", [[], ["reason"], {"reason": ["撤销"]}, {}])
def test_demonstration_revoke_with_a_body_that_is_not_a_reason_is_a_400(
    api_client: Any, users: Any, xinluo_chem: Any, body: Any
) -> None:
    from enterprises.standardization.services import demonstration_designate

    demo = demonstration_designate(
        actor=users["department"],
        enterprise=xinluo_chem,
        designated_on=dt.date(2025, 1, 1),
        summary="自动化装车",
        measures=[{"kind": "automation", "description": "自动装车系统", "people_moved": 6}],
    )
    api_client.force_authenticate(users["department"])
    response = api_client.post(f"/api/v1/demonstration-enterprises/{demo.pk}/revoke/", body, format="json")
    assert response.status_code == 400, response.content
    demo.refresh_from_db()
    assert demo.status == "active"
    ok = api_client.post(f"/api/v1/demonstration-enterprises/{demo.pk}/revoke/", {"reason": "整改不力"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "revoked"


@pytest.mark.parametrize("people", [10**30, 2**31])
def test_demonstration_with_more_people_moved_than_the_column_holds_is_a_400(
    api_client: Any, users: Any, xinluo_chem: Any, people: int
) -> None:
    api_client.force_authenticate(users["department"])
    response = api_client.post(
        "/api/v1/demonstration-enterprises/",
        {
            "enterprise": xinluo_chem.pk,
            "designated_on": "2025-01-01",
            "summary": "自动化装车",
            "measures": [{"kind": "automation", "description": "自动装车系统", "people_moved": people}],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert any("people_moved" in field for field in response.json()["errors"])


def test_demonstration_service_refuses_people_moved_beyond_the_column_range(users: Any, xinluo_chem: Any) -> None:
    from django.core.exceptions import ValidationError

    from enterprises.standardization.services import demonstration_designate

    with pytest.raises(ValidationError) as exc:
        demonstration_designate(
            actor=users["department"],
            enterprise=xinluo_chem,
            designated_on=dt.date(2025, 1, 1),
            summary="自动化装车",
            measures=[{"kind": "automation", "description": "自动装车系统", "people_moved": 2**31}],
        )
    assert "measures[0].people_moved" in exc.value.message_dict
