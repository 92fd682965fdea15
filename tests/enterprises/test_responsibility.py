"""Responsibility system: department lists kept current, joint inspections whose findings become hazards and facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enterprises.models import JointInspectionFinding, ResponsibilityItem
from enterprises.responsibility.selectors import departments_with_lists, enterprises_without_department, list_is_stale
from enterprises.responsibility.services import (
    joint_finding_add,
    joint_findings_sync_hazards,
    joint_inspection_cancel,
    joint_inspection_complete,
    joint_inspection_create,
    responsibility_item_create,
    responsibility_item_revise,
    responsibility_review_record,
)
from hazards.models import Hazard
from safety_platform.models import Fact
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


# Responsibility lists ---------------------------------------------------------------------------------


def test_department_staff_keep_their_own_list_and_revisions_keep_history(users: Any, org: Any) -> None:
    yjj = org.department("yjj")
    item = responsibility_item_create(
        actor=users["department"], department=yjj, duty="危险化学品安全监管", industry=org.industry("C26")
    )
    with pytest.raises(DomainError) as exc:
        responsibility_item_create(actor=users["department_zjj"], department=yjj, duty="x")
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        responsibility_item_create(actor=users["inspector"], department=yjj, duty="x")
    assert exc.value.code == "forbidden"
    with pytest.raises(ValidationError):
        responsibility_item_create(actor=users["department"], department=yjj, duty="  ")
    successor = responsibility_item_revise(
        actor=users["committee"],
        item=item,
        duty="危险化学品生产储存安全监管",
        kind="supervision",
        industry=org.industry("C26"),
    )
    item.refresh_from_db()
    assert item.retired_on == timezone.localdate() and item.replaced_by == successor
    assert list(ResponsibilityItem.objects.filter(department=yjj).current()) == [successor]
    with pytest.raises(DomainError) as exc:
        responsibility_item_revise(actor=users["committee"], item=item, duty="again", kind="supervision")
    assert exc.value.code == "duty_already_retired"


def test_a_list_not_confirmed_for_a_year_is_flagged(users: Any, org: Any) -> None:
    now = timezone.now()
    assert list_is_stale(None)
    assert list_is_stale(now - dt.timedelta(days=366), now=now)
    assert not list_is_stale(now - dt.timedelta(days=365), now=now)
    responsibility_review_record(actor=users["department"], department=org.department("yjj"), note="年度确认")
    rows = {d.code: d for d in departments_with_lists(users["committee"])}
    assert rows["yjj"].last_reviewed_at is not None and rows["zjj"].last_reviewed_at is None


def test_enterprises_without_a_supervising_department_are_counted(users: Any, org: Any) -> None:
    EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
    assert enterprises_without_department(users["committee"]) == 0
    orphan = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("H6110"))
    type(orphan).objects.filter(pk=orphan.pk).update(supervising_department=None, department_set_manually=True)
    assert enterprises_without_department(users["committee"]) == 1
    assert enterprises_without_department(users["inspector_town"]) == 0  # not in 东城街道


def test_responsibility_pages(client: Any, users: Any, org: Any) -> None:
    yjj = org.department("yjj")
    client.force_login(users["department"])
    response = client.post(
        reverse("enterprises:responsibility_item_new", args=[yjj.pk]),
        {"kind": "supervision", "duty": "非煤矿山安全监管", "legal_basis": "安全生产法", "effective_on": "2025-01-01"},
    )
    assert response.status_code == 302
    item = ResponsibilityItem.objects.get()
    client.post(reverse("enterprises:responsibility_review", args=[yjj.pk]), {"note": "ok"})
    page = client.get(reverse("enterprises:responsibility_department", args=[yjj.pk])).content.decode()
    assert "非煤矿山安全监管" in page
    client.force_login(users["department_zjj"])
    assert client.get(reverse("enterprises:responsibility_item_edit", args=[item.pk])).status_code == 403
    assert client.post(reverse("enterprises:responsibility_item_retire", args=[item.pk])).status_code == 403
    list_page = client.get(reverse("enterprises:responsibility_list")).content.decode()
    assert "龙岩市应急管理局" in list_page


# Joint inspections -------------------------------------------------------------------------------------


@pytest.fixture
def inspection(users: Any, org: Any, xinluo_chem: Any) -> Any:
    return joint_inspection_create(
        actor=users["department"],
        enterprise=xinluo_chem,
        title="危化品联合执法",
        lead_department=org.department("yjj"),
        departments=[org.department("scjgj")],
        planned_on=timezone.localdate() - dt.timedelta(days=1),
        team="张三、李四",
    )


def test_a_joint_inspection_needs_two_departments_and_the_enterprise_in_scope(
    users: Any, org: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        joint_inspection_create(
            actor=users["committee"],
            enterprise=xinluo_chem,
            title="x",
            lead_department=org.department("yjj"),
            departments=[org.department("yjj")],
            planned_on=timezone.localdate(),
        )
    assert "departments" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        joint_inspection_create(
            actor=users["inspector"],
            enterprise=shanghang_site,
            title="x",
            lead_department=org.department("zjj"),
            departments=[org.department("yjj")],
            planned_on=timezone.localdate(),
        )
    assert "enterprise" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        joint_inspection_create(
            actor=users["department"],
            enterprise=xinluo_chem,
            title="x",
            lead_department=org.department("zjj"),
            departments=[org.department("yjj")],
            planned_on=timezone.localdate(),
        )
    assert "lead_department" in exc.value.message_dict


def test_completing_turns_every_finding_into_one_hazard_and_one_credit_fact(
    users: Any, org: Any, inspection: Any
) -> None:
    scjgj_staff = UserFactory(username="dept_scjgj", role="department", department=org.department("scjgj"))
    first = joint_finding_add(
        actor=users["department"],
        inspection=inspection,
        department=org.department("yjj"),
        title="可燃气体报警器未校验",
        location="甲类仓库",
        legal_basis="GB/T 50493",
    )
    second = joint_finding_add(
        actor=scjgj_staff,
        inspection=inspection,
        department=org.department("scjgj"),
        title="压力容器超期未检",
        suspected_major=True,
    )
    with pytest.raises(ValidationError):  # department staff record for their own department
        joint_finding_add(actor=scjgj_staff, inspection=inspection, department=org.department("yjj"), title="x")
    joint_inspection_complete(actor=users["department"], inspection=inspection, summary="两项问题")
    hazards = Hazard.objects.filter(source="joint_inspection").order_by("id")
    assert [h.external_key for h in hazards] == [first.external_key, second.external_key]
    assert hazards[0].title == "可燃气体报警器未校验" and hazards[0].location == "甲类仓库"
    assert hazards[0].enterprise_id == inspection.enterprise_id
    first.refresh_from_db()
    assert first.hazard_id == hazards[0].pk
    facts = Fact.objects.filter(kind="joint_inspection_finding").order_by("id")
    assert [f.dedup_key for f in facts] == [f"joint:{inspection.pk}:{first.pk}", f"joint:{inspection.pk}:{second.pk}"]
    assert facts[1].payload["suspected_major"] is True and facts[1].payload["department"] == "scjgj"
    assert facts[0].payload["hazard_id"] == hazards[0].pk
    # Completed: nothing more can be added, and it cannot be completed twice.
    with pytest.raises(DomainError) as exc:
        joint_finding_add(actor=users["department"], inspection=inspection, department=org.department("yjj"), title="y")
    assert exc.value.code == "inspection_not_planned"
    with pytest.raises(DomainError) as exc:
        joint_inspection_complete(actor=users["department"], inspection=inspection)
    assert exc.value.code == "inspection_not_planned"
    # The sweep finds nothing left to register.
    assert joint_findings_sync_hazards() == 0
    assert Hazard.objects.filter(source="joint_inspection").count() == 2


def test_findings_wait_for_the_hazards_app_and_the_sweep_registers_them_once(
    users: Any, org: Any, inspection: Any, monkeypatch: Any
) -> None:
    from enterprises.common import hazard_link

    finding = joint_finding_add(
        actor=users["department"], inspection=inspection, department=org.department("yjj"), title="消防通道堵塞"
    )
    monkeypatch.setattr(hazard_link, "_register_function", lambda: None)
    joint_inspection_complete(actor=users["department"], inspection=inspection)
    finding.refresh_from_db()
    assert finding.hazard_id is None and not Hazard.objects.exists()
    assert Fact.objects.filter(kind="joint_inspection_finding").count() == 1
    monkeypatch.undo()
    assert joint_findings_sync_hazards() == 1
    assert joint_findings_sync_hazards() == 0
    finding.refresh_from_db()
    assert finding.hazard_id == Hazard.objects.get().pk
    assert Fact.objects.filter(kind="joint_inspection_finding").count() == 1


def test_an_inspection_in_the_future_cannot_be_completed_and_one_with_findings_cannot_be_cancelled(
    users: Any, org: Any, xinluo_chem: Any, inspection: Any
) -> None:
    future = joint_inspection_create(
        actor=users["committee"],
        enterprise=xinluo_chem,
        title="下周检查",
        lead_department=org.department("yjj"),
        departments=[org.department("zjj")],
        planned_on=timezone.localdate() + dt.timedelta(days=7),
    )
    with pytest.raises(DomainError) as exc:
        joint_inspection_complete(actor=users["committee"], inspection=future)
    assert exc.value.code == "inspection_date_not_reached"
    joint_inspection_cancel(actor=users["committee"], inspection=future, reason="改期")
    joint_finding_add(actor=users["department"], inspection=inspection, department=org.department("yjj"), title="z")
    with pytest.raises(DomainError) as exc:
        joint_inspection_cancel(actor=users["department"], inspection=inspection, reason="x")
    assert exc.value.code == "inspection_has_findings"


def test_joint_inspection_web_flow(client: Any, users: Any, org: Any, xinluo_chem: Any) -> None:
    client.force_login(users["inspector"])
    response = client.post(
        reverse("enterprises:joint_inspection_new"),
        {
            "enterprise": xinluo_chem.pk,
            "title": "节前联合检查",
            "lead_department": org.department("yjj").pk,
            "departments": [org.department("yjj").pk, org.department("zjj").pk],
            "planned_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    detail = response["Location"]
    pk = int(detail.rstrip("/").split("/")[-1])
    client.post(
        reverse("enterprises:joint_finding_new", args=[pk]),
        {"department": org.department("zjj").pk, "title": "脚手架未验收", "description": "西侧"},
    )
    client.post(reverse("enterprises:joint_inspection_act", args=[pk, "complete"]), {"summary": "完成"})
    page = client.get(detail).content.decode()
    assert "脚手架未验收" in page and Hazard.objects.filter(source="joint_inspection").count() == 1
    assert JointInspectionFinding.objects.get().hazard_id is not None


def test_joint_inspection_api_flow(
    api_client: Any, users: Any, org: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    api_client.force_authenticate(users["department"])
    payload = {
        "enterprise": xinluo_chem.pk,
        "title": "API联合检查",
        "lead_department": org.department("yjj").pk,
        "departments": [org.department("scjgj").pk],
        "planned_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
    }
    response = api_client.post("/api/v1/joint-inspections/", payload, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert (
        api_client.post(
            "/api/v1/joint-inspections/", {**payload, "enterprise": shanghang_site.pk}, format="json"
        ).status_code
        == 400
    )
    bad = api_client.post(
        f"/api/v1/joint-inspections/{pk}/findings/", {"department": org.department("yjj").pk}, format="json"
    )
    assert bad.status_code == 400 and "title" in bad.json()["errors"]
    ok = api_client.post(
        f"/api/v1/joint-inspections/{pk}/findings/",
        {"department": org.department("yjj").pk, "title": "未设置警示标志"},
        format="json",
    )
    assert ok.status_code == 201
    done = api_client.post(f"/api/v1/joint-inspections/{pk}/complete/", {}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert done.json()["findings"][0]["hazard_id"] is not None
    assert api_client.post(f"/api/v1/joint-inspections/{pk}/complete/", {}, format="json").status_code == 409
    api_client.force_authenticate(users["enterprise"])
    assert api_client.get(f"/api/v1/joint-inspections/{pk}/").status_code == 200
    assert api_client.post(f"/api/v1/joint-inspections/{pk}/cancel/", {"reason": "x"}, format="json").status_code == 403
