"""End-to-end flows through the web UI and the API: the enterprise portal, siting, catalog import, exits, demo data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from enterprises.models import CatalogEntry, DeclaredEquipment, Employee, EquipmentMatch, ExitProposal, SitingReview
from hazards.models import Hazard
from tests.clock import shanghai
from tests.enterprises.topic_factories import CatalogEntryFactory, PlaceFactory, ProjectFactory, SeparationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


# The enterprise portal -------------------------------------------------------------------------------


def test_enterprise_keeps_its_training_records_through_the_portal(client: Any, users: Any, xinluo_chem: Any) -> None:
    client.force_login(users["enterprise"])
    response = client.post(
        reverse("enterprises:employee_new"),
        {"name": "王五", "role": "staff", "post": "装卸工", "posted_on": "2025-03-01", "special_operation": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Employee.objects.get(name="王五")
    assert person.enterprise_id == xinluo_chem.pk
    for category in ("company", "workshop", "team"):
        client.post(
            reverse("enterprises:training_add", args=[person.pk]),
            {"category": category, "hours": "24", "completed_on": "2025-02-27", "passed": "on"},
        )
    page = client.get(reverse("enterprises:employee_detail", args=[person.pk])).content.decode()
    assert 'data-testid="compliance"' in page and "alert-success" in page
    # Moving to another post: the repeat is now due.
    client.post(
        reverse("enterprises:employee_post", args=[person.pk]),
        {"action": "change", "on": "2025-05-01", "post": "叉车工", "post_is_high_risk": "on"},
    )
    person.refresh_from_db()
    assert (person.post, person.post_is_high_risk, person.repeat_due_on) == ("叉车工", True, dt.date(2025, 5, 1))
    summary = client.get(reverse("enterprises:training_enterprise", args=[xinluo_chem.pk])).content.decode()
    assert "王五" in summary and 'data-testid="noncompliant"' in summary
    # Bad input is a message, not an error page, and nothing is saved.
    response = client.post(
        reverse("enterprises:training_add", args=[person.pk]),
        {"category": "team", "hours": "-3", "completed_on": "2025-02-30"},
        follow=True,
    )
    assert response.status_code == 200 and person.trainings.count() == 3


def test_training_api_for_the_enterprise(api_client: Any, users: Any, xinluo_chem: Any) -> None:
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/employees/",
        {"name": "赵六", "post": "电工", "posted_on": "2025-01-10", "special_operation": "electrical"},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    for category in ("company", "workshop", "team"):
        assert (
            api_client.post(
                "/api/v1/training-records/",
                {"employee": pk, "category": category, "hours": "24", "completed_on": "2025-01-09"},
                format="json",
            ).status_code
            == 201
        )
    compliance = api_client.get(f"/api/v1/employees/{pk}/compliance/", {"on": "2025-06-30"}).json()
    assert compliance["reasons"] == [{"code": "special_certificate", "message": compliance["reasons"][0]["message"]}]
    response = api_client.post(
        "/api/v1/special-operation-certificates/",
        {"employee": pk, "operation": "electrical", "certificate_number": "T1", "issued_on": "2024-01-01"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["expires_on"] == "2030-01-01"
    assert api_client.get(f"/api/v1/employees/{pk}/compliance/", {"on": "2025-06-30"}).json()["compliant"] is True
    bad = api_client.post(
        "/api/v1/training-records/",
        {"employee": pk, "category": "team", "hours": "0", "completed_on": "2099-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()["errors"]) >= {"hours"}
    moved = api_client.post(
        f"/api/v1/employees/{pk}/post-change/", {"action": "change", "on": "2025-01-09", "post": "x"}
    )
    assert moved.status_code == 400 and "on" in moved.json()["errors"]  # before the current post started
    away = api_client.post(f"/api/v1/employees/{pk}/post-change/", {"action": "away", "on": "2025-04-01"})
    assert away.status_code == 200 and away.json()["status"] == "away"
    again = api_client.post(f"/api/v1/employees/{pk}/post-change/", {"action": "away", "on": "2025-04-02"})
    assert again.status_code == 409
    events = api_client.get(f"/api/v1/employees/{pk}/post-events/").json()
    assert [e["kind"] for e in events] == ["posted", "away"]


def test_enterprise_declares_equipment_and_sees_the_match(
    client: Any, users: Any, xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entry = CatalogEntryFactory(name="J-15型手动液压釜", model_numbers="J-15")
    from enterprises.admission.services import _sync_model_rows

    _sync_model_rows(entry)
    client.force_login(users["enterprise"])
    response = client.post(
        reverse("enterprises:equipment_new"),
        {"kind": "equipment", "name": "液压釜", "model_number": "j-15", "quantity": "2", "in_use": "on"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="match"' in page and "J-15型手动液压釜" in page
    item = DeclaredEquipment.objects.get()
    assert item.enterprise_id == xinluo_chem.pk
    hazard = Hazard.objects.get(source="equipment_match")
    # Saving the item again (no change) does not make a second hazard.
    client.post(
        reverse("enterprises:equipment_edit", args=[item.pk]),
        {"kind": "equipment", "name": "液压釜", "model_number": "J-15", "quantity": "3", "in_use": "on"},
    )
    assert list(Hazard.objects.values_list("pk", flat=True)) == [hazard.pk]
    assert EquipmentMatch.objects.count() == 1


def test_equipment_api(api_client: Any, users: Any, xinluo_chem: Any) -> None:
    entry = CatalogEntryFactory(name="氨直排", kind="process", status="restricted")
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/declared-equipment/", {"name": "冷库", "kind": "process", "catalog_entry": entry.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enterprise"] == xinluo_chem.pk
    assert body["matches"][0]["entry"] == entry.pk and body["matches"][0]["hazard_id"] is not None
    bad = api_client.post("/api/v1/declared-equipment/", {"name": "x", "quantity": -1}, format="json")
    assert bad.status_code == 400 and "quantity" in bad.json()["errors"]


# Staff flows ------------------------------------------------------------------------------------------


def test_siting_review_through_the_web(client: Any, users: Any, org: Any) -> None:
    SeparationFactory(distance_m=Decimal("1000"))
    project = ProjectFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"))
    PlaceFactory(name="东城小学", jurisdiction=org.jurisdiction("新罗区"), latitude="25.104000", longitude="117.030000")
    client.force_login(users["inspector"])
    response = client.post(reverse("enterprises:project_review", args=[project.pk]), follow=True)
    page = response.content.decode()
    assert "东城小学" in page and "444.78" in page  # 0.004° of latitude
    review = SitingReview.objects.get()
    client.post(reverse("enterprises:siting_decide", args=[review.pk]), {"decision": "approved"})
    review.refresh_from_db()
    assert review.decision == "pending"  # approval refused with a place inside the distance
    client.post(
        reverse("enterprises:siting_decide", args=[review.pk]), {"decision": "conditional", "decision_note": "迁移学校"}
    )
    project.refresh_from_db()
    assert project.status == "conditional"


def test_siting_review_through_the_api(api_client: Any, users: Any, org: Any) -> None:
    SeparationFactory(distance_m=Decimal("500"))
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(
        "/api/v1/high-risk-projects/",
        {
            "name": "储罐",
            "category": "hazchem_storage",
            "jurisdiction": org.jurisdiction("新罗区/东城街道").pk,
            "longitude": "117.030000",
            "latitude": "25.100000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    outside = api_client.post(
        "/api/v1/high-risk-projects/",
        {
            "name": "外县",
            "category": "mine",
            "jurisdiction": org.jurisdiction("上杭县").pk,
            "longitude": "116.4",
            "latitude": "25.0",
        },
        format="json",
    )
    assert outside.status_code == 400 and "jurisdiction" in outside.json()["errors"]
    bad = api_client.post(
        "/api/v1/high-risk-projects/",
        {
            "name": "坏坐标",
            "category": "mine",
            "jurisdiction": org.jurisdiction("新罗区").pk,
            "longitude": "190",
            "latitude": "25.0",
        },
        format="json",
    )
    assert bad.status_code == 400 and "longitude" in bad.json()["errors"]
    PlaceFactory(jurisdiction=org.jurisdiction("新罗区"), latitude="25.102000", longitude="117.030000")
    review = api_client.post(f"/api/v1/high-risk-projects/{pk}/siting-review/").json()
    assert review["conflicts"][0]["distance_m"] == 222.39
    decided = api_client.post(f"/api/v1/siting-reviews/{review['id']}/decide/", {"decision": "rejected"})
    assert decided.status_code == 400  # a rejection needs its reason
    decided = api_client.post(
        f"/api/v1/siting-reviews/{review['id']}/decide/", {"decision": "rejected", "note": "近学校"}
    )
    assert decided.status_code == 200 and decided.json()["decision"] == "rejected"


def test_catalog_import_through_the_web(client: Any, users: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["department"])
    upload = SimpleUploadedFile(
        "目录.csv", "name,status,source_document,batch,model_numbers\n老式开关,banned,目录,1,KB-1；KB-2\n".encode("gbk")
    )
    response = client.post(reverse("enterprises:catalog_import"), {"file": upload})
    assert response.status_code == 200
    entry = CatalogEntry.objects.get()
    assert entry.model_keys() == ["KB-1", "KB-2"]
    client.force_login(users["enterprise"])
    assert client.get(reverse("enterprises:catalog_import")).status_code == 403
    assert client.get(reverse("enterprises:catalog_list")).status_code == 200


def test_exit_proposal_through_the_web(client: Any, users: Any, xinluo_chem: Any) -> None:
    client.force_login(users["inspector"])
    response = client.post(
        reverse("enterprises:exit_new"),
        {"enterprise": xinluo_chem.pk, "kind": "guided_exit", "reasons": "无安全管理机构", "exit_by": "2030-01-01"},
    )
    assert response.status_code == 302
    proposal = ExitProposal.objects.get()
    assert client.post(reverse("enterprises:exit_act", args=[proposal.pk, "approve"])).status_code == 403
    client.force_login(users["committee"])
    client.post(reverse("enterprises:exit_act", args=[proposal.pk, "approve"]), {"note": "同意"})
    client.post(reverse("enterprises:exit_act", args=[proposal.pk, "execute"]), {"note": "已退出"})
    xinluo_chem.refresh_from_db()
    assert xinluo_chem.status == "closed"
    page = client.get(reverse("enterprises:exit_detail", args=[proposal.pk])).content.decode()
    assert page.count('data-testid="transition"') == 3


def test_exit_api(api_client: Any, users: Any, xinluo_chem: Any) -> None:
    api_client.force_authenticate(users["department"])
    response = api_client.post(
        "/api/v1/exit-proposals/", {"enterprise": xinluo_chem.pk, "kind": "closure", "reasons": "无证"}, format="json"
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api_client.post(f"/api/v1/exit-proposals/{pk}/decide/", {"approve": True}).status_code == 403
    api_client.force_authenticate(users["committee"])
    assert api_client.post(f"/api/v1/exit-proposals/{pk}/execute/", {}).status_code == 409  # not approved yet
    assert api_client.post(f"/api/v1/exit-proposals/{pk}/decide/", {"approve": False}).status_code == 400
    rejected = api_client.post(f"/api/v1/exit-proposals/{pk}/decide/", {"approve": False, "note": "条件已整改"})
    assert rejected.json()["status"] == "rejected" and len(rejected.json()["transitions"]) == 2


# Demo data ------------------------------------------------------------------------------------------------


def test_demo_seeder_is_idempotent(reference: Any, monkeypatch: Any) -> None:
    from enterprises.admission.demo import seed_admission_demo
    from enterprises.models import JointInspection, StandardizationCertificate
    from enterprises.responsibility.demo import seed_responsibility_demo
    from enterprises.standardization.demo import seed_standardization_demo
    from enterprises.training.demo import seed_training_demo
    from safety_platform import demo
    from safety_platform.management.commands.seed_demo import seed_demo

    seeders = [seed_responsibility_demo, seed_admission_demo, seed_standardization_demo, seed_training_demo]
    monkeypatch.setattr(demo, "DEMO_SEEDERS", seeders)
    monkeypatch.setattr("safety_platform.management.commands.seed_demo.DEMO_SEEDERS", seeders)
    seed_demo()
    counts = (
        Employee.objects.count(),
        StandardizationCertificate.objects.count(),
        JointInspection.objects.count(),
        Hazard.objects.count(),
    )
    assert all(counts)
    seed_demo()
    assert counts == (
        Employee.objects.count(),
        StandardizationCertificate.objects.count(),
        JointInspection.objects.count(),
        Hazard.objects.count(),
    )


def test_topic_pages_speak_simplified_chinese_by_default(client: Any, users: Any, xinluo_chem: Any) -> None:
    client.force_login(users["enterprise"])
    body = client.get(reverse("enterprises:training_enterprise", args=[xinluo_chem.pk])).content.decode()
    assert "先培训后上岗" in body and "Train before posting" not in body
    body = client.get(reverse("enterprises:equipment_list")).content.decode()
    assert "企业在用设备和工艺" in body
