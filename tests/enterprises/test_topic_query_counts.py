"""Every issue-6 list page, list endpoint and page with a list costs the same number of queries with one
batch of rows as with two (a query per row, or per enterprise, would show as a difference)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.admission.services import siting_review_run
from enterprises.models import (
    DeclaredEquipment,
    Demonstration,
    ExitProposal,
    JointInspection,
    JointInspectionFinding,
    ResponsibilityItem,
)
from tests.enterprises.test_topics_scoping import API_LISTS as TOPIC_API_LISTS
from tests.enterprises.test_topics_scoping import populate
from tests.enterprises.topic_factories import (
    CatalogEntryFactory,
    OperationCertificateFactory,
    PlaceFactory,
    ProjectFactory,
    SeparationFactory,
    TrainingFactory,
)
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

# The same endpoints the scoping tests walk: one list, so a new endpoint is counted too.
API_LISTS = TOPIC_API_LISTS

LIST_PAGES = [
    "enterprises:equipment_list",
    "enterprises:employee_list",
    "enterprises:opcert_list",
    "enterprises:stdcert_list",
    "enterprises:stdcert_coverage",
    "enterprises:joint_inspection_list",
    "enterprises:demonstration_list",
    "enterprises:exit_list",
    "enterprises:project_list",
    "enterprises:place_list",
    "enterprises:catalog_list",
    "enterprises:responsibility_list",
    "enterprises:training_overview",
]


@pytest.fixture
def fixed(org: Any, users: Any, xinluo_chem: Any) -> dict[str, Any]:
    """The records whose own lists grow with each batch (a detail page that lists things)."""
    SeparationFactory()
    inspection = JointInspection.objects.create(
        enterprise=xinluo_chem, title="固定检查", lead_department=org.department("yjj"), planned_on=dt.date(2025, 5, 1)
    )
    inspection.departments.set([org.department("yjj"), org.department("scjgj")])
    populate(xinluo_chem, "fixed", org)
    return {
        "employee": xinluo_chem.staff_members.get(name="员工fixed-0"),
        "inspection": inspection,
        "demo": Demonstration.objects.create(enterprise=xinluo_chem, designated_on=dt.date(2024, 1, 1), summary="固定"),
        "project": ProjectFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), enterprise=xinluo_chem),
        "entry": CatalogEntryFactory(model_numbers="FIX-1"),
    }


def add_batch(n: int, org: Any, users: Any, xinluo_chem: Any, fixed: dict[str, Any]) -> None:
    """One batch: records in two enterprises in 新罗区 (one of them the enterprise user's), and more rows
    under each fixed record."""
    other = EnterpriseFactory(
        name=f"批次企业{n}",
        jurisdiction=org.jurisdiction("新罗区/东城街道"),
        industry=org.industry("C2614"),
        risk_category="hazardous_chemicals",
    )
    for enterprise in (xinluo_chem, other):
        # One open exit proposal per enterprise: close the earlier ones so the batch can add another.
        ExitProposal.objects.filter(enterprise=enterprise).update(status="withdrawn")
        populate(enterprise, f"b{n}-{enterprise.pk}", org, rows=2)
    where = org.jurisdiction("新罗区/东城街道")
    for index in range(2):
        suffix = f"{n}-{index}"
        ProjectFactory(jurisdiction=where, enterprise=xinluo_chem)
        PlaceFactory(jurisdiction=where)
        CatalogEntryFactory(model_numbers=f"Q-{suffix}")
        ResponsibilityItem.objects.create(department=org.department("yjj"), duty=f"职责{suffix}")
        TrainingFactory(employee=fixed["employee"], category="workshop", hours=Decimal("4"))
        OperationCertificateFactory(employee=fixed["employee"], operation="welding")
        JointInspectionFinding.objects.create(
            inspection=fixed["inspection"], department=org.department("yjj"), title=f"问题{suffix}"
        )
        fixed["demo"].measures.create(kind="automation", description=f"措施{suffix}", people_moved=1)
        DeclaredEquipment.objects.create(
            enterprise=xinluo_chem, name=f"旧设备{suffix}", model_number="FIX-1", catalog_entry=fixed["entry"]
        )
        siting_review_run(actor=users["admin"], project=fixed["project"])
    from enterprises.admission.services import equipment_match_all

    equipment_match_all()


def detail_pages(fixed: dict[str, Any], xinluo_chem: Any) -> list[str]:
    return [
        reverse("enterprises:employee_detail", args=[fixed["employee"].pk]),
        reverse("enterprises:training_enterprise", args=[xinluo_chem.pk]),
        reverse("enterprises:joint_inspection_detail", args=[fixed["inspection"].pk]),
        reverse("enterprises:demonstration_detail", args=[fixed["demo"].pk]),
        reverse("enterprises:project_detail", args=[fixed["project"].pk]),
        reverse("enterprises:catalog_detail", args=[fixed["entry"].pk]),
        reverse("enterprises:responsibility_department", args=[fixed["inspection"].lead_department_id]),
        reverse("enterprises:detail", args=[xinluo_chem.pk]),  # the enterprise page with the issue-6 panels
    ]


def detail_endpoints(fixed: dict[str, Any], xinluo_chem: Any) -> list[str]:
    return [
        f"/api/v1/high-risk-projects/{fixed['project'].pk}/reviews/",
        f"/api/v1/employees/{fixed['employee'].pk}/post-events/",
        f"/api/v1/training-compliance/?enterprise={xinluo_chem.pk}",
        f"/api/v1/joint-inspections/{fixed['inspection'].pk}/",
        f"/api/v1/demonstration-enterprises/{fixed['demo'].pk}/",
    ]


def _cost(call: Any) -> tuple[int, int]:
    call()  # the first call fills per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as ctx:
        status = call().status_code
    return status, len(ctx.captured_queries)


def measure(
    role: str, client: Any, api_client: Any, users: Any, pages: list[str], endpoints: list[str]
) -> dict[str, tuple[int, int]]:
    client.force_login(users[role])
    api_client.force_authenticate(users[role])
    costs = {}
    for endpoint in API_LISTS + endpoints:
        costs[endpoint] = _cost(lambda endpoint=endpoint: api_client.get(endpoint, {"page_size": 100}))
    for url in [reverse(name) for name in LIST_PAGES] + pages:
        costs[url] = _cost(lambda url=url: client.get(url))
    return costs


@pytest.mark.parametrize("role", ["committee", "inspector", "department", "enterprise"])
def test_every_list_costs_the_same_with_twice_the_rows(
    role: str, client: Any, api_client: Any, users: Any, org: Any, xinluo_chem: Any, fixed: dict[str, Any]
) -> None:
    pages, endpoints = detail_pages(fixed, xinluo_chem), detail_endpoints(fixed, xinluo_chem)
    add_batch(1, org, users, xinluo_chem, fixed)
    one = measure(role, client, api_client, users, pages, endpoints)
    add_batch(2, org, users, xinluo_chem, fixed)
    two = measure(role, client, api_client, users, pages, endpoints)
    grew = {url: (one[url], two[url]) for url in one if one[url] != two[url]}
    assert not grew, grew
    if role != "enterprise":  # staff read every list; the enterprise user is refused the staff registers
        refused = {url: status for url, (status, _count) in two.items() if status != 200}
        assert not refused, refused
