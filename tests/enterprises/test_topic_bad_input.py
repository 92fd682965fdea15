"""Bad input on every issue-6 form and API endpoint: bad dates, negative or huge numbers, unknown ids,
wrong types. The answer is a form message or a 400 naming the field, never a 500."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from enterprises.models import Demonstration, ExitProposal, JointInspection
from tests.enterprises.topic_factories import (
    CatalogEntryFactory,
    EmployeeFactory,
    OperationCertificateFactory,
    PlaceFactory,
    ProjectFactory,
    SeparationFactory,
    StdCertificateFactory,
)

pytestmark = pytest.mark.django_db

BAD_DATES = ["2025-02-30", "2025-13-01", "99999-01-01", "0000-00-00", "yesterday", "²"]
BAD_NUMBERS = ["-1", "-0.5", "1e400", "NaN", "Infinity", str(10**30), "12345678901234567890.5", "²", "abc"]
BAD_IDS = ["0", "-1", str(10**30), "1.5", "x", "²", "999999"]
BAD_TEXT = ["x" * 20000]
# The value kinds each field gets besides its valid value.
KINDS = {"date": BAD_DATES, "number": BAD_NUMBERS, "id": BAD_IDS, "text": BAD_TEXT, "choice": ["nope", "²"]}


@pytest.fixture
def things(org: Any, users: Any, xinluo_chem: Any) -> dict[str, Any]:
    SeparationFactory()
    employee = EmployeeFactory(enterprise=xinluo_chem, posted_on=dt.date(2024, 3, 1))
    inspection = JointInspection.objects.create(
        enterprise=xinluo_chem,
        title="联合检查",
        lead_department=org.department("yjj"),
        planned_on=dt.date(2025, 5, 1),
    )
    inspection.departments.set([org.department("yjj"), org.department("scjgj")])
    return {
        "employee": employee,
        "opcert": OperationCertificateFactory(employee=employee),
        "project": ProjectFactory(jurisdiction=org.jurisdiction("新罗区/东城街道")),
        "place": PlaceFactory(jurisdiction=org.jurisdiction("新罗区/东城街道")),
        "entry": CatalogEntryFactory(),
        "stdcert": StdCertificateFactory(enterprise=xinluo_chem, industry=xinluo_chem.industry),
        "demo": Demonstration.objects.create(enterprise=xinluo_chem, designated_on=dt.date(2024, 1, 1), summary="示范"),
        "exit": ExitProposal.objects.create(
            enterprise=xinluo_chem, kind="closure", reasons="条件不足", proposed_by=users["committee"]
        ),
        "inspection": inspection,
        "jurisdiction": org.jurisdiction("新罗区/东城街道").pk,
        "department": org.department("yjj").pk,
    }


def _fuzz(
    send: Callable[[dict[str, Any]], Any], valid: dict[str, Any], fields: dict[str, str], *, named: bool = False
) -> list[str]:
    """Send `valid` with one field replaced by each bad value of its kind; list the answers that were 500s
    (with `named`: every answer that is not a 400 naming the field)."""
    failures = []
    for name, kind in fields.items():
        for value in KINDS[kind]:
            if named and name in ("longitude", "latitude") and value in ("-1", "-0.5"):
                continue  # a valid WGS84 coordinate, even if not in Longyan
            payload = {**valid, name: value}
            try:
                response = send(payload)
            except Exception as exc:  # an exception here is the 500 we look for
                failures.append(f"{name}={value[:20]!r}: {type(exc).__name__}: {exc}"[:300])
                continue
            if response.status_code >= 500:
                failures.append(f"{name}={value[:20]!r}: {response.status_code}")
            elif named and (response.status_code != 400 or name not in response.json().get("errors", {})):
                failures.append(f"{name}={value[:20]!r}: {response.status_code} {response.content[:120]!r}")
    return failures


def _web_cases(t: dict[str, Any], xinluo_chem: Any) -> list[tuple[str, str, dict[str, Any], dict[str, str]]]:
    """(user, url, valid payload, {field: kind})"""
    e = t["employee"].pk
    return [
        (
            "enterprise",
            reverse("enterprises:employee_new"),
            {"name": "王五", "role": "staff", "post": "装卸工", "posted_on": "2025-03-01"},
            {"posted_on": "date", "role": "choice", "special_operation": "choice", "name": "text"},
        ),
        (
            "enterprise",
            reverse("enterprises:training_add", args=[e]),
            {"category": "company", "hours": "8", "completed_on": "2025-02-27", "passed": "on"},
            {"hours": "number", "completed_on": "date", "category": "choice"},
        ),
        (
            "enterprise",
            reverse("enterprises:opcert_add", args=[e]),
            {"operation": "welding", "certificate_number": "T1", "issued_on": "2024-01-01", "expires_on": "2030-01-01"},
            {"issued_on": "date", "expires_on": "date", "operation": "choice", "certificate_number": "text"},
        ),
        (
            "enterprise",
            reverse("enterprises:employee_post", args=[e]),
            {"action": "change", "on": "2025-05-01", "post": "叉车工"},
            {"on": "date", "action": "choice", "post": "text"},
        ),
        (
            "enterprise",
            reverse("enterprises:equipment_new"),
            {"name": "反应釜", "model_number": "R-1", "kind": "equipment", "quantity": "1", "in_use": "on"},
            {"catalog_entry": "id", "quantity": "number", "kind": "choice"},
        ),
        (
            "admin",
            reverse("enterprises:project_new"),
            {
                "name": "仓储",
                "category": "hazchem_storage",
                "jurisdiction": t["jurisdiction"],
                "longitude": "117.03",
                "latitude": "25.1",
            },
            {"longitude": "number", "latitude": "number", "jurisdiction": "id", "enterprise": "id"},
        ),
        (
            "admin",
            reverse("enterprises:place_new"),
            {
                "name": "学校",
                "kind": "school",
                "jurisdiction": t["jurisdiction"],
                "longitude": "117.03",
                "latitude": "25.1",
                "population": "100",
                "is_active": "on",
            },
            {"longitude": "number", "latitude": "number", "population": "number", "jurisdiction": "id"},
        ),
        (
            "admin",
            reverse("enterprises:exit_new"),
            {"enterprise": xinluo_chem.pk, "kind": "closure", "reasons": "x", "exit_by": "2026-01-01"},
            {"enterprise": "id", "exit_by": "date", "kind": "choice"},
        ),
        (
            "admin",
            reverse("enterprises:stdcert_new"),
            {
                "enterprise": xinluo_chem.pk,
                "level": "3",
                "industry": xinluo_chem.industry.pk,
                "certificate_number": "闽AQB-1",
                "issued_on": "2024-01-01",
            },
            {"enterprise": "id", "level": "choice", "issued_on": "date", "expires_on": "date", "industry": "id"},
        ),
        (
            "admin",
            reverse("enterprises:demonstration_new"),
            {
                "enterprise": xinluo_chem.pk,
                "designated_on": "2025-01-01",
                "summary": "机械化",
                "m-kind": "automation",
                "m-description": "远程",
                "m-people_moved": "3",
            },
            {"designated_on": "date", "enterprise": "id", "m-people_moved": "number", "m-completed_on": "date"},
        ),
        (
            "admin",
            reverse("enterprises:joint_inspection_new"),
            {
                "enterprise": xinluo_chem.pk,
                "title": "检查",
                "lead_department": t["department"],
                "departments": [t["department"]],
                "planned_on": "2025-06-01",
            },
            {"planned_on": "date", "enterprise": "id", "lead_department": "id", "departments": "id"},
        ),
        (
            "admin",
            reverse("enterprises:responsibility_item_new", args=[t["department"]]),
            {"kind": "supervision", "duty": "监管", "effective_on": "2025-01-01"},
            {"effective_on": "date", "industry": "id", "kind": "choice"},
        ),
        (
            "admin",
            reverse("enterprises:stdcert_act", args=[t["stdcert"].pk, "revoke"]),
            {"reason": "x", "revoked_on": "2025-01-01"},
            {"revoked_on": "date"},
        ),
        (
            "admin",
            reverse("enterprises:stdcert_act", args=[t["stdcert"].pk, "rereview"]),
            {"applied_on": "2025-01-01"},
            {"applied_on": "date"},
        ),
        (
            "admin",
            reverse("enterprises:demonstration_act", args=[t["demo"].pk, "measure"]),
            {"m-kind": "automation", "m-description": "x", "m-people_moved": "1"},
            {"m-people_moved": "number", "m-completed_on": "date"},
        ),
        (
            "admin",
            reverse("enterprises:joint_finding_new", args=[t["inspection"].pk]),
            {"department": t["department"], "title": "隐患"},
            {"department": "id", "title": "text"},
        ),
    ]


def test_web_forms_answer_bad_input_with_a_message(client: Any, users: Any, things: Any, xinluo_chem: Any) -> None:
    failures = []
    for role, url, valid, fields in _web_cases(things, xinluo_chem):
        client.force_login(users[role])
        failures += [f"{url} {f}" for f in _fuzz(lambda data, url=url: client.post(url, data), valid, fields)]
    assert not failures, "\n".join(failures)


def _api_cases(t: dict[str, Any], xinluo_chem: Any) -> list[tuple[str, str, str, dict[str, Any], dict[str, str]]]:
    """(user, method, url, valid payload, {field: kind})"""
    e = t["employee"].pk
    return [
        (
            "enterprise",
            "post",
            "/api/v1/employees/",
            {"name": "王五", "role": "staff", "post": "装卸工", "posted_on": "2025-03-01"},
            {"posted_on": "date", "role": "choice", "enterprise": "id", "name": "text"},
        ),
        (
            "enterprise",
            "post",
            f"/api/v1/employees/{e}/post-change/",
            {"action": "change", "on": "2025-05-01", "post": "叉车工"},
            {"on": "date", "action": "choice", "special_operation": "choice"},
        ),
        (
            "enterprise",
            "post",
            "/api/v1/training-records/",
            {"employee": e, "category": "company", "hours": "8", "completed_on": "2025-02-27"},
            {"employee": "id", "hours": "number", "completed_on": "date", "category": "choice"},
        ),
        (
            "enterprise",
            "post",
            "/api/v1/special-operation-certificates/",
            {"employee": e, "operation": "welding", "certificate_number": "T9", "issued_on": "2024-01-01"},
            {"employee": "id", "issued_on": "date", "expires_on": "date", "operation": "choice"},
        ),
        (
            "enterprise",
            "patch",
            f"/api/v1/special-operation-certificates/{t['opcert'].pk}/",
            {},
            {"issued_on": "date", "expires_on": "date", "employee": "id"},
        ),
        (
            "enterprise",
            "post",
            "/api/v1/declared-equipment/",
            {"name": "反应釜", "model_number": "R-1", "kind": "equipment", "quantity": 1},
            {"catalog_entry": "id", "quantity": "number", "enterprise": "id"},
        ),
        (
            "admin",
            "post",
            "/api/v1/high-risk-projects/",
            {
                "name": "仓储",
                "category": "hazchem_storage",
                "jurisdiction": t["jurisdiction"],
                "longitude": "117.03",
                "latitude": "25.1",
            },
            {"longitude": "number", "latitude": "number", "jurisdiction": "id", "enterprise": "id"},
        ),
        (
            "admin",
            "post",
            "/api/v1/dense-places/",
            {
                "name": "学校",
                "kind": "school",
                "jurisdiction": t["jurisdiction"],
                "longitude": "117.03",
                "latitude": "25.1",
                "population": 100,
            },
            {"longitude": "number", "latitude": "number", "population": "number", "jurisdiction": "id"},
        ),
        (
            "admin",
            "post",
            "/api/v1/exit-proposals/",
            {"enterprise": xinluo_chem.pk, "kind": "closure", "reasons": "x"},
            {"enterprise": "id", "exit_by": "date", "kind": "choice"},
        ),
        (
            "admin",
            "post",
            "/api/v1/standardization-certificates/",
            {
                "enterprise": xinluo_chem.pk,
                "level": 3,
                "industry": xinluo_chem.industry.code,
                "certificate_number": "闽AQB-2",
                "issued_on": "2024-01-01",
            },
            {"enterprise": "id", "issued_on": "date", "expires_on": "date", "level": "choice"},
        ),
        (
            "admin",
            "post",
            f"/api/v1/standardization-certificates/{t['stdcert'].pk}/revoke/",
            {"reason": "x"},
            {"revoked_on": "date"},
        ),
        (
            "admin",
            "post",
            "/api/v1/demonstration-enterprises/",
            {"enterprise": xinluo_chem.pk, "designated_on": "2025-01-01", "summary": "x"},
            {"enterprise": "id", "designated_on": "date", "department": "id"},
        ),
        (
            "admin",
            "post",
            "/api/v1/joint-inspections/",
            {
                "enterprise": xinluo_chem.pk,
                "title": "检查",
                "lead_department": t["department"],
                "departments": [t["department"]],
                "planned_on": "2025-06-01",
            },
            {"enterprise": "id", "planned_on": "date", "lead_department": "id"},
        ),
        (
            "admin",
            "post",
            "/api/v1/responsibility-items/",
            {"department": t["department"], "duty": "监管"},
            {"department": "id", "effective_on": "date", "industry": "id", "kind": "choice"},
        ),
        (
            "admin",
            "post",
            f"/api/v1/siting-reviews/{_review_id(t)}/decide/",
            {"decision": "approved"},
            {"decision": "choice"},
        ),
    ]


def _review_id(t: dict[str, Any]) -> int:
    from enterprises.admission.services import siting_review_run
    from safety_platform.models import User

    if "review" not in t:
        t["review"] = siting_review_run(actor=User.objects.get(username="admin"), project=t["project"])
    return t["review"].pk


def test_api_answers_bad_input_with_a_400_naming_the_field(
    api_client: Any, users: Any, things: Any, xinluo_chem: Any
) -> None:
    failures = []
    for role, method, url, valid, fields in _api_cases(things, xinluo_chem):
        api_client.force_authenticate(users[role])
        send = getattr(api_client, method)
        failures += [
            f"{url} {f}"
            for f in _fuzz(lambda data, url=url, send=send: send(url, data, format="json"), valid, fields, named=True)
        ]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/training-compliance/",
        "/api/v1/standardization-coverage/",
        "/api/v1/employees/",
        "/api/v1/training-records/",
        "/api/v1/special-operation-certificates/",
        "/api/v1/standardization-certificates/",
        "/api/v1/declared-equipment/",
        "/api/v1/high-risk-projects/",
        "/api/v1/dense-places/",
        "/api/v1/exit-proposals/",
        "/api/v1/joint-inspections/",
        "/api/v1/demonstration-enterprises/",
        "/api/v1/siting-reviews/",
    ],
)
def test_api_query_parameters_never_crash(api_client: Any, users: Any, things: Any, url: str) -> None:
    api_client.force_authenticate(users["committee"])
    failures = []
    for name in ("on", "enterprise", "employee", "expiring", "status", "page", "page_size", "jurisdiction", "level"):
        for value in [*BAD_DATES, *BAD_IDS, "1e400"]:
            try:
                status = api_client.get(url, {name: value}).status_code
            except Exception as exc:
                failures.append(f"{name}={value}: {type(exc).__name__}: {exc}"[:300])
                continue
            if status >= 500:
                failures.append(f"{name}={value}: {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "name",
    [
        "enterprises:training_overview",
        "enterprises:employee_list",
        "enterprises:opcert_list",
        "enterprises:stdcert_list",
        "enterprises:stdcert_coverage",
        "enterprises:equipment_list",
        "enterprises:project_list",
        "enterprises:place_list",
        "enterprises:catalog_list",
        "enterprises:exit_list",
        "enterprises:joint_inspection_list",
        "enterprises:demonstration_list",
    ],
)
def test_list_page_filters_never_crash(client: Any, users: Any, things: Any, name: str) -> None:
    client.force_login(users["committee"])
    failures = []
    for param in ("on", "enterprise", "employee", "expiring", "status", "page", "jurisdiction", "level", "q"):
        for value in [*BAD_DATES, *BAD_IDS]:
            try:
                status = client.get(reverse(name), {param: value}).status_code
            except Exception as exc:
                failures.append(f"{param}={value}: {type(exc).__name__}: {exc}"[:300])
                continue
            if status >= 500:
                failures.append(f"{param}={value}: {status}")
    assert not failures, "\n".join(failures)
