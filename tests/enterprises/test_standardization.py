"""Standardization certificates: levels, validity, re-review reminders once, facts, share certified; demonstrations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from enterprises.models import StandardizationCertificate
from enterprises.standardization.models import add_months
from enterprises.standardization.selectors import standardization_coverage
from enterprises.standardization.services import (
    demonstration_designate,
    demonstration_revoke,
    standardization_sweep,
    stdcert_apply_rereview,
    stdcert_record,
    stdcert_revoke,
    stdcert_verify,
)
from enterprises.training.services import special_certificates_sweep
from safety_platform.models import Fact, Notification, StatutoryDeadline
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.enterprises.topic_factories import EmployeeFactory, OperationCertificateFactory, StdCertificateFactory
from tests.factories import EnterpriseFactory, UserFactory

NOW = shanghai(2026, 12, 4, 10)
pytestmark = [pytest.mark.django_db, pytest.mark.clock(NOW)]

# Certificates recorded by staff must not be expired already: these stand 300 days before the chosen day.
ISSUED = NOW.date() - dt.timedelta(days=300)
EXPIRES = add_months(ISSUED, 36)


def record(users: Any, enterprise: Any, org: Any, **kwargs: Any) -> StandardizationCertificate:
    values = {
        "level": 3,
        "industry": org.industry("C2614"),
        "certificate_number": "闽AQBWHIII-2024-001",
        "issued_on": ISSUED,
    }
    values.update(kwargs)
    return stdcert_record(actor=users["department"], enterprise=enterprise, **values)


def test_add_months_keeps_the_day_or_falls_to_month_end() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 5, 15), -3) == dt.date(2024, 2, 15)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)


def test_a_certificate_is_valid_three_years_and_its_issuer_follows_the_level(
    users: Any, xinluo_chem: Any, org: Any
) -> None:
    cert = record(users, xinluo_chem, org, level=2)
    assert cert.expires_on == EXPIRES
    assert (cert.status, cert.issuing_level) == ("valid", "provincial")
    with pytest.raises(ValidationError) as exc:
        record(users, xinluo_chem, org, level=1, issuing_level="city", certificate_number="X-2")
    assert "issuing_level" in exc.value.message_dict


def test_granting_records_a_fact_and_opens_the_rereview_clock(users: Any, xinluo_chem: Any, org: Any) -> None:
    cert = record(users, xinluo_chem, org)
    fact = Fact.objects.get(dedup_key=f"stdcert:{cert.pk}:granted")
    assert fact.kind == "standardization_granted"
    assert fact.payload == {"certificate_id": cert.pk, "level": 3, "expires_on": EXPIRES.isoformat()}
    deadline = StatutoryDeadline.objects.get(kind="standardization_rereview")
    assert deadline.is_open and deadline.due_at.date() == EXPIRES
    stdcert_apply_rereview(actor=users["enterprise"], certificate=cert, applied_on=add_months(EXPIRES, -2))
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    with pytest.raises(DomainError) as exc:
        stdcert_apply_rereview(actor=users["enterprise"], certificate=cert)
    assert exc.value.code == "rereview_already_applied"


def test_enterprise_declarations_wait_for_verification(users: Any, xinluo_chem: Any, org: Any) -> None:
    declared = stdcert_record(
        actor=users["enterprise"],
        enterprise=xinluo_chem,
        level=3,
        industry=org.industry("C2614"),
        certificate_number="DECL-1",
        issued_on=ISSUED,
    )
    assert declared.status == "pending"
    assert not Fact.objects.filter(kind="standardization_granted").exists()
    with pytest.raises(DomainError) as exc:
        stdcert_verify(actor=users["enterprise"], certificate=declared, accept=True)
    assert exc.value.code == "forbidden"
    stdcert_verify(actor=users["inspector"], certificate=declared, accept=True)
    declared.refresh_from_db()
    assert declared.status == "valid"
    assert Fact.objects.filter(kind="standardization_granted", dedup_key=f"stdcert:{declared.pk}:granted").exists()


def test_a_newer_certificate_supersedes_the_older_one(users: Any, xinluo_chem: Any, org: Any) -> None:
    old = record(users, xinluo_chem, org, issued_on=ISSUED, certificate_number="OLD")
    new = record(users, xinluo_chem, org, issued_on=ISSUED + dt.timedelta(days=200), certificate_number="NEW", level=2)
    old.refresh_from_db()
    assert old.status == "superseded" and new.status == "valid"
    assert list(old.events.values_list("to_status", flat=True)) == ["valid", "superseded"]


def test_revocation_is_a_fact_and_only_valid_certificates_can_be_revoked(
    users: Any, xinluo_chem: Any, org: Any
) -> None:
    cert = record(users, xinluo_chem, org)
    with pytest.raises(DomainError) as exc:
        stdcert_revoke(actor=users["inspector"], certificate=cert, reason="x")
    assert exc.value.code == "forbidden"  # inspectors find problems; the department revokes
    stdcert_revoke(actor=users["department"], certificate=cert, reason="发生较大事故", revoked_on=dt.date(2025, 3, 1))
    fact = Fact.objects.get(dedup_key=f"stdcert:{cert.pk}:revoked")
    assert fact.kind == "standardization_revoked" and fact.payload["level"] == 3
    assert fact.occurred_at.date() == dt.date(2025, 3, 1)
    with pytest.raises(DomainError) as exc:
        stdcert_revoke(actor=users["department"], certificate=cert, reason="again")
    assert exc.value.code == "certificate_not_valid"


def test_the_sweep_expires_certificates_once_with_a_fact(users: Any, xinluo_chem: Any, org: Any) -> None:
    cert = StdCertificateFactory(
        enterprise=xinluo_chem, industry=org.industry("C2614"), expires_on=dt.date(2025, 6, 30)
    )
    assert standardization_sweep(today=dt.date(2025, 6, 30))["expired"] == 0  # valid through its last day
    assert standardization_sweep(today=dt.date(2025, 7, 1))["expired"] == 1
    assert standardization_sweep(today=dt.date(2025, 7, 2))["expired"] == 0
    cert.refresh_from_db()
    assert cert.status == "expired"
    facts = Fact.objects.filter(kind="standardization_expired")
    assert [f.dedup_key for f in facts] == [f"stdcert:{cert.pk}:expired"]


def test_rereview_reminder_is_sent_once_three_months_before_expiry(users: Any, xinluo_chem: Any, org: Any) -> None:
    cert = StdCertificateFactory(
        enterprise=xinluo_chem, industry=org.industry("C2614"), expires_on=dt.date(2025, 9, 30)
    )
    assert standardization_sweep(today=dt.date(2025, 6, 29))["reminded"] == 0  # 3 months + 1 day before
    assert standardization_sweep(today=dt.date(2025, 6, 30))["reminded"] == 1
    for day in (dt.date(2025, 6, 30), dt.date(2025, 7, 15), dt.date(2025, 9, 1)):
        assert standardization_sweep(today=day)["reminded"] == 0
    reminders = Notification.objects.filter(dedup_key=f"stdcert:{cert.pk}:rereview-reminder")
    # The enterprise's user and the supervising department's staff, once each.
    assert sorted(n.recipient.username for n in reminders) == ["dept_yjj", "enterprise"]


def test_no_reminder_once_rereview_is_applied(users: Any, xinluo_chem: Any, org: Any) -> None:
    StdCertificateFactory(
        enterprise=xinluo_chem,
        industry=org.industry("C2614"),
        expires_on=dt.date(2025, 9, 30),
        rereview_applied_on=dt.date(2025, 6, 1),
    )
    assert standardization_sweep(today=dt.date(2025, 7, 1))["reminded"] == 0


def test_special_operation_certificate_reminders_are_sent_exactly_once(users: Any, xinluo_chem: Any) -> None:
    person = EmployeeFactory(enterprise=xinluo_chem, name="黄海")
    soon = OperationCertificateFactory(employee=person, expires_on=dt.date(2025, 9, 1))
    OperationCertificateFactory(employee=person, operation="welding", expires_on=dt.date(2032, 9, 1))  # far off
    gone = EmployeeFactory(enterprise=xinluo_chem, status="left")
    OperationCertificateFactory(employee=gone, expires_on=dt.date(2025, 8, 1))  # left the enterprise: no reminder
    assert special_certificates_sweep(today=dt.date(2025, 6, 1)) == 0  # 92 days before
    assert special_certificates_sweep(today=dt.date(2025, 6, 3)) == 1  # 90 days before
    assert special_certificates_sweep(today=dt.date(2025, 6, 3)) == 0
    assert special_certificates_sweep(today=dt.date(2025, 9, 5)) == 0  # expired now: still the same reminder
    assert Notification.objects.filter(recipient=users["enterprise"], category="training").count() == 1
    # A renewed certificate (new expiry) is reminded again when its time comes.
    soon.expires_on = dt.date(2031, 9, 1)
    soon.save()
    assert special_certificates_sweep(today=dt.date(2031, 7, 1)) == 1


def test_a_renewed_special_operation_certificate_silences_the_old_one(users: Any, xinluo_chem: Any) -> None:
    person = EmployeeFactory(enterprise=xinluo_chem)
    OperationCertificateFactory(employee=person, operation="welding", expires_on=dt.date(2025, 7, 1))
    OperationCertificateFactory(employee=person, operation="welding", expires_on=dt.date(2031, 7, 1))
    assert special_certificates_sweep(today=dt.date(2025, 6, 3)) == 0


def test_share_certified_per_county_and_industry(users: Any, org: Any, xinluo_chem: Any, shanghang_site: Any) -> None:
    on = dt.date(2025, 6, 30)
    xinluo_other = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/西陂街道"), industry=org.industry("C2619"))
    EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"), status="closed")
    StdCertificateFactory(enterprise=xinluo_chem, industry=org.industry("C2614"))
    StdCertificateFactory(enterprise=xinluo_chem, industry=org.industry("C2614"), certificate_number="TWICE")
    StdCertificateFactory(enterprise=xinluo_other, industry=org.industry("C2619"), status="revoked")
    StdCertificateFactory(enterprise=shanghang_site, industry=org.industry("E4710"), expires_on=dt.date(2025, 6, 29))
    data = standardization_coverage(users["committee"], on=on)
    assert (data["total"], data["certified"]) == (3, 1)  # the closed one is not counted; one expired the day before
    by_county = {row["county"].name: (row["certified"], row["total"]) for row in data["by_county"]}
    assert by_county == {"新罗区": (1, 2), "上杭县": (0, 1)}
    by_industry = {row["code"]: (row["certified"], row["total"]) for row in data["by_industry"]}
    assert by_industry == {"C26": (1, 2), "E47": (0, 1)}
    chemicals = next(row for row in data["by_industry"] if row["code"] == "C26")
    assert chemicals["name"] == "化学原料和化学制品制造业"
    assert [(c["certified"], c["total"]) for c in chemicals["cells"]] == [(1, 2), (0, 0)]
    # Scoped: the 东城街道 inspector sees only their enterprise.
    town = standardization_coverage(users["inspector_town"], on=on)
    assert (town["total"], town["certified"], town["share"]) == (1, 1, 1.0)


def test_coverage_is_three_queries_whatever_the_number_of_enterprises(
    users: Any, org: Any, django_assert_max_num_queries: Any
) -> None:
    for county in ("新罗区", "上杭县", "永定区", "长汀县"):
        for _ in range(3):
            enterprise = EnterpriseFactory(jurisdiction=org.jurisdiction(county), industry=org.industry("C2614"))
            StdCertificateFactory(enterprise=enterprise, industry=org.industry("C2614"))
    with django_assert_max_num_queries(4):
        data = standardization_coverage(users["committee"], on=dt.date(2025, 6, 30))
    assert data["certified"] == 12


def test_coverage_api_matches(api_client: Any, users: Any, org: Any, xinluo_chem: Any) -> None:
    StdCertificateFactory(enterprise=xinluo_chem, industry=org.industry("C2614"))
    api_client.force_authenticate(users["committee"])
    body = api_client.get("/api/v1/standardization-coverage/", {"on": "2025-06-30"}).json()
    assert body["certified"] == 1 and body["by_county"][0]["county"] == "新罗区"
    refused = api_client.get("/api/v1/standardization-coverage/", {"on": "yesterday"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"on": ["请使用 YYYY-MM-DD 格式的日期。"]}  # the field named, as training's


def test_demonstration_designation_counts_people_moved(users: Any, org: Any, xinluo_chem: Any) -> None:
    from enterprises.standardization.selectors import demonstration_totals

    demo = demonstration_designate(
        actor=users["department"],
        enterprise=xinluo_chem,
        designated_on=dt.date(2025, 1, 1),
        summary="自动化装车",
        measures=[
            {"kind": "automation", "description": "自动装车系统", "people_moved": 6},
            {"kind": "mechanization", "description": "机械手投料", "people_moved": 4},
        ],
    )
    assert demo.designating_department == org.department("yjj")
    assert demonstration_totals(users["committee"]) == {"enterprises": 1, "people_moved": 10}
    with pytest.raises(DomainError) as exc:
        demonstration_designate(
            actor=users["committee"],
            enterprise=xinluo_chem,
            designated_on=dt.date(2025, 2, 1),
            summary="x",
            measures=[],
        )
    assert exc.value.code == "demonstration_already_active"
    with pytest.raises(ValidationError):
        demonstration_designate(
            actor=users["committee"],
            enterprise=EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614")),
            designated_on=dt.date(2025, 2, 1),
            summary="x",
            measures=[{"kind": "robots", "description": "x"}],
        )
    with pytest.raises(DomainError) as exc:
        demonstration_designate(
            actor=users["enterprise"],
            enterprise=xinluo_chem,
            designated_on=dt.date(2025, 2, 1),
            summary="x",
            measures=[],
        )
    assert exc.value.code == "forbidden"
    demonstration_revoke(actor=users["committee"], demonstration=demo, reason="停产")
    assert demonstration_totals(users["committee"]) == {"enterprises": 0, "people_moved": 0}


def test_certificate_api_records_verifies_and_refuses_bad_input(
    api_client: Any, users: Any, org: Any, xinluo_chem: Any, shanghang_site: Any, time_machine: Any
) -> None:
    # Issued on 1 Jan 2025: valid until 1 Jan 2028, and refused as expired after that; a fixed day keeps it so.
    time_machine.move_to(shanghai(2026, 6, 15), tick=False)
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/standardization-certificates/",
        {
            "enterprise": xinluo_chem.pk,
            "level": 3,
            "industry": "C2614",
            "certificate_number": "API-1",
            "issued_on": "2025-01-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    cert = response.json()
    assert (cert["status"], cert["expires_on"]) == ("pending", "2028-01-01")
    response = api_client.post(
        "/api/v1/standardization-certificates/",
        {
            "enterprise": xinluo_chem.pk,
            "level": 4,
            "industry": "C2614",
            "certificate_number": "API-2",
            "issued_on": "2025-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "level" in response.json()["errors"]
    response = api_client.post(
        "/api/v1/standardization-certificates/",
        {
            "enterprise": shanghang_site.pk,
            "level": 3,
            "industry": "E4710",
            "certificate_number": "API-3",
            "issued_on": "2025-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "enterprise" in response.json()["errors"]
    assert (
        api_client.post(f"/api/v1/standardization-certificates/{cert['id']}/verify/", {"accept": True}).status_code
        == 403
    )
    api_client.force_authenticate(users["department"])
    response = api_client.post(f"/api/v1/standardization-certificates/{cert['id']}/verify/", {"accept": True})
    assert response.status_code == 200 and response.json()["status"] == "valid"
    response = api_client.post(f"/api/v1/standardization-certificates/{cert['id']}/verify/", {"accept": True})
    assert response.status_code == 409
    response = api_client.post(f"/api/v1/standardization-certificates/{cert['id']}/revoke/", {})
    assert response.status_code == 400 and "reason" in response.json()["errors"]


def test_certificate_web_flow(client: Any, users: Any, org: Any, xinluo_chem: Any, time_machine: Any) -> None:
    # Issued on 1 Jan 2025: valid until 1 Jan 2028, and refused as expired after that; a fixed day keeps it so.
    time_machine.move_to(shanghai(2026, 6, 15), tick=False)
    from django.urls import reverse

    client.force_login(users["enterprise"])
    response = client.post(
        reverse("enterprises:stdcert_new"),
        {
            "enterprise": xinluo_chem.pk,
            "level": "3",
            "industry": org.industry("C2614").pk,
            "certificate_number": "WEB-1",
            "issued_on": "2025-01-01",
        },
    )
    cert = StandardizationCertificate.objects.get(certificate_number="WEB-1")
    assert response.status_code == 302 and cert.status == "pending"
    client.force_login(users["inspector"])
    client.post(reverse("enterprises:stdcert_act", args=[cert.pk, "verify"]), {"accept": "1"})
    cert.refresh_from_db()
    assert cert.status == "valid"
    page = client.get(reverse("enterprises:stdcert_detail", args=[cert.pk])).content.decode()
    assert "WEB-1" in page
    # A bad date is a form error, nothing saved.
    client.force_login(users["enterprise"])
    response = client.post(
        reverse("enterprises:stdcert_new"),
        {
            "enterprise": xinluo_chem.pk,
            "level": "3",
            "industry": org.industry("C2614").pk,
            "certificate_number": "WEB-2",
            "issued_on": "2025-02-30",
        },
    )
    assert (
        response.status_code == 200
        and not StandardizationCertificate.objects.filter(certificate_number="WEB-2").exists()
    )


def test_scan_is_served_only_within_scope(client: Any, users: Any, org: Any, xinluo_chem: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    pdf = SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n%demo\n", content_type="application/pdf")
    cert = record(users, xinluo_chem, org, scan=pdf)
    client.force_login(users["enterprise"])
    assert client.get(reverse("enterprises:stdcert_scan", args=[cert.pk])).status_code == 200
    client.force_login(UserFactory(username="zjj2", role="department", department=org.department("zjj")))
    assert client.get(reverse("enterprises:stdcert_scan", args=[cert.pk])).status_code == 404
    with pytest.raises(ValidationError) as exc:
        record(users, xinluo_chem, org, certificate_number="BAD", scan=SimpleUploadedFile("x.pdf", b"<html>"))
    assert "scan" in exc.value.message_dict
