"""Issue 6 writes that had no end-to-end check, through the web UI and the API, each by the role that
may do it and refused to a role that may not: demonstration enterprises, the banned-equipment catalog,
population-dense places, special-operation certificates kept through the portal, department duty lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import CatalogEntry, Demonstration, DensePlace, ResponsibilityItem, SpecialOperationCertificate
from tests.clock import shanghai
from tests.enterprises.topic_factories import EmployeeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


# Demonstration enterprises (§4.1) ---------------------------------------------------------------------


def test_department_designates_a_demonstration_enterprise_through_the_web(
    client: Any, users: Any, xinluo_chem: Any
) -> None:
    client.force_login(users["department"])  # 应急管理局 supervises the chemical works
    response = client.post(
        reverse("enterprises:demonstration_new"),
        {
            "enterprise": xinluo_chem.pk,
            "designated_on": "2025-03-01",
            "summary": "投料工序自动化",
            "m-kind": "automation",
            "m-description": "DCS 远程投料",
            "m-post": "投料工",
            "m-people_moved": "6",
        },
    )
    demo = Demonstration.objects.get(enterprise=xinluo_chem)
    assert response.status_code == 302 and response["Location"] == demo.get_absolute_url()
    client.post(
        reverse("enterprises:demonstration_act", args=[demo.pk, "measure"]),
        {"m-kind": "mechanization", "m-description": "机械手装卸", "m-people_moved": "4"},
    )
    page = client.get(demo.get_absolute_url())
    assert page.context["demo"].people_moved == 10 and page.context["demo"].measure_count == 2
    # 住建局 does not supervise chemicals; the enterprise itself never designates.
    client.force_login(users["department_zjj"])
    assert client.get(demo.get_absolute_url()).status_code == 404
    client.force_login(users["enterprise"])
    assert client.get(reverse("enterprises:demonstration_new")).status_code == 403


def test_demonstration_through_the_api(api_client: Any, users: Any, xinluo_chem: Any) -> None:
    api_client.force_authenticate(users["committee"])
    body = {
        "enterprise": xinluo_chem.pk,
        "designated_on": "2025-03-01",
        "summary": "巡检机器人",
        "measures": [{"kind": "automation", "description": "机器人巡检", "people_moved": 3}],
    }
    created = api_client.post("/api/v1/demonstration-enterprises/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["people_moved"] == 3
    demo_id = created.json()["id"]
    more = api_client.post(
        f"/api/v1/demonstration-enterprises/{demo_id}/measures/",
        {"kind": "mechanization", "description": "自动包装", "people_moved": 2},
        format="json",
    )
    assert more.status_code == 200 and more.json()["people_moved"] == 5
    api_client.force_authenticate(users["enterprise"])
    assert api_client.get(f"/api/v1/demonstration-enterprises/{demo_id}/").json()["people_moved"] == 5
    assert api_client.post("/api/v1/demonstration-enterprises/", body, format="json").status_code == 403


# Banned-equipment catalog (§2.2) -----------------------------------------------------------------------


def test_committee_keeps_the_catalog_through_the_web_and_the_api(client: Any, api_client: Any, users: Any) -> None:
    client.force_login(users["committee"])
    response = client.post(
        reverse("enterprises:catalog_new"),
        {
            "name": "KJ-2型隔爆开关",
            "kind": "equipment",
            "status": "banned",
            "model_numbers": "KJ-2",
            "reason": "无漏电保护",
            "source_document": "淘汰落后安全技术装备目录",
            "batch": "2016-1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    entry = CatalogEntry.objects.get(name="KJ-2型隔爆开关")
    assert entry.source_document == "淘汰落后安全技术装备目录" and entry.batch == "2016-1"
    api_client.force_authenticate(users["department"])
    created = api_client.post(
        "/api/v1/banned-equipment-catalog/",
        {
            "name": "氨直排工艺",
            "kind": "process",
            "status": "restricted",
            "reason": "泄漏风险",
            "replacement": "闭式回收",
            "source_document": "目录",
            "batch": "2016-2",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (
        api_client.patch(
            f"/api/v1/banned-equipment-catalog/{entry.pk}/", {"replacement": "KJ-5"}, format="json"
        ).json()["replacement"]
        == "KJ-5"
    )
    # Inspectors and enterprises read it, but may not edit it.
    complete = {"name": "越权条目", "kind": "equipment", "status": "banned", "source_document": "目录"}
    for role in ("inspector", "enterprise"):
        api_client.force_authenticate(users[role])
        assert api_client.get(f"/api/v1/banned-equipment-catalog/{entry.pk}/").status_code == 200
        assert api_client.post("/api/v1/banned-equipment-catalog/", complete, format="json").status_code == 403
        assert (
            api_client.patch(
                f"/api/v1/banned-equipment-catalog/{entry.pk}/", {"replacement": "x"}, format="json"
            ).status_code
            == 403
        )
        client.force_login(users[role])
        assert client.get(reverse("enterprises:catalog_new")).status_code == 403
    assert not CatalogEntry.objects.filter(name="越权条目").exists()
    entry.refresh_from_db()
    assert entry.replacement == "KJ-5"


# Population-dense places (§2.1) ------------------------------------------------------------------------


def test_inspector_registers_places_in_their_jurisdiction_only(
    client: Any, api_client: Any, users: Any, org: Any
) -> None:
    place = {
        "name": "东城中学",
        "kind": "school",
        "jurisdiction": org.jurisdiction("新罗区/东城街道").pk,
        "longitude": "117.031",
        "latitude": "25.101",
        "population": "1200",
        "is_active": "on",
    }
    client.force_login(users["inspector"])
    assert client.post(reverse("enterprises:place_new"), place).status_code == 302
    outside = {**place, "name": "上杭医院", "kind": "hospital", "jurisdiction": org.jurisdiction("上杭县").pk}
    refused = client.post(reverse("enterprises:place_new"), outside)
    assert refused.status_code == 200 and "jurisdiction" in refused.context["form"].errors
    api_client.force_authenticate(users["inspector"])
    created = api_client.post("/api/v1/dense-places/", {**place, "name": "东城市场", "kind": "market"}, format="json")
    assert created.status_code == 201, created.content
    assert api_client.post("/api/v1/dense-places/", outside, format="json").status_code in (400, 403)
    assert set(DensePlace.objects.values_list("name", flat=True)) == {"东城中学", "东城市场"}
    client.force_login(users["enterprise"])
    assert client.get(reverse("enterprises:place_new")).status_code in (403, 404)


# Special-operation certificates kept through the portal (§4.3) ---------------------------------------


def test_enterprise_records_a_special_operation_certificate_and_sees_it_flagged(
    client: Any, api_client: Any, users: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    today = timezone.localdate()
    welder = EmployeeFactory(enterprise=xinluo_chem, post="焊工", special_operation="welding")
    client.force_login(users["enterprise"])
    soon = today + dt.timedelta(days=30)
    response = client.post(
        reverse("enterprises:opcert_add", args=[welder.pk]),
        {
            "operation": "welding",
            "certificate_number": "T350802199001010011",
            "issued_on": (today - dt.timedelta(days=2000)).isoformat(),
            "expires_on": soon.isoformat(),
        },
    )
    assert response.status_code == 302
    certificate = SpecialOperationCertificate.objects.get(employee=welder)
    page = client.get(reverse("enterprises:training_enterprise", args=[xinluo_chem.pk]))
    assert [c.pk for c in page.context["expiring"]] == [certificate.pk]  # flagged: expires within 90 days
    # Through the API for its own people; not for another enterprise's; staff read but do not write.
    other = EmployeeFactory(enterprise=shanghang_site)
    api_client.force_authenticate(users["enterprise"])
    body = {"employee": welder.pk, "operation": "electrical", "certificate_number": "T2", "issued_on": "2024-01-01"}
    assert api_client.post("/api/v1/special-operation-certificates/", body, format="json").status_code == 201
    foreign = api_client.post(
        "/api/v1/special-operation-certificates/", {**body, "employee": other.pk, "certificate_number": "T3"}
    )
    assert foreign.status_code == 400 and "employee" in foreign.json()["errors"]
    client.force_login(users["inspector"])
    assert client.post(reverse("enterprises:opcert_add", args=[welder.pk]), {}).status_code == 403


# Department duty lists (§1) -----------------------------------------------------------------------------


def test_department_keeps_its_duty_list_through_the_api(api_client: Any, users: Any, org: Any) -> None:
    yjj, zjj = org.department("yjj"), org.department("zjj")
    api_client.force_authenticate(users["department"])
    created = api_client.post(
        "/api/v1/responsibility-items/",
        {"department": yjj.pk, "duty": "危险化学品安全监管", "legal_basis": "《危险化学品安全管理条例》"},
        format="json",
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    revised = api_client.post(
        f"/api/v1/responsibility-items/{item_id}/revise/", {"department": yjj.pk, "duty": "危化品监管"}, format="json"
    )
    assert revised.status_code == 201
    old = ResponsibilityItem.objects.get(pk=item_id)
    assert old.retired_on is not None and ResponsibilityItem.objects.current().get(department=yjj).duty == "危化品监管"
    assert (
        api_client.post("/api/v1/responsibility-items/review/", {"department": yjj.pk}, format="json").status_code
        == 201
    )
    # Another department's list is not theirs to write.
    refused = api_client.post("/api/v1/responsibility-items/", {"department": zjj.pk, "duty": "x"}, format="json")
    assert refused.status_code == 403
    assert (
        api_client.post("/api/v1/responsibility-items/review/", {"department": zjj.pk}, format="json").status_code
        == 403
    )
