"""Issue 6 pages and endpoints, for every role: each sees exactly its scope; lists keep their query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from enterprises.models import DeclaredEquipment, Demonstration, ExitProposal, JointInspection
from safety_platform.choices import ApiScope
from safety_platform.services import api_key_create
from tests.enterprises.topic_factories import (
    CatalogEntryFactory,
    EmployeeFactory,
    OperationCertificateFactory,
    PlaceFactory,
    ProjectFactory,
    SeparationFactory,
    StdCertificateFactory,
    TrainingFactory,
)
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "admin": {"xinluo_chem", "xinluo_site", "shanghang_site", "yongding_mine"},
    "committee": {"xinluo_chem", "xinluo_site", "shanghang_site", "yongding_mine"},
    "county_office": {"xinluo_chem", "xinluo_site"},  # 新罗区安委办
    "inspector": {"xinluo_chem", "xinluo_site"},  # 新罗区
    "inspector_town": {"xinluo_chem"},  # 东城街道 only
    "department": {"xinluo_chem", "yongding_mine"},  # 应急管理局: chemicals and mining
    "department_zjj": {"xinluo_site", "shanghang_site"},  # 住建局: construction
    "enterprise": {"xinluo_chem"},
}
ROLES = sorted(EXPECTED)


def populate(enterprise: Any, key: str, org: Any, rows: int = 1) -> None:
    """Records of every issue-6 kind for one enterprise, named after `key` so pages can be searched."""
    lead, scjgj = enterprise.supervising_department, org.department("scjgj")
    for n in range(rows):
        suffix = f"{key}-{n}"
        DeclaredEquipment.objects.create(enterprise=enterprise, name=f"设备{suffix}", model_number=f"M-{suffix}")
        person = EmployeeFactory(enterprise=enterprise, name=f"员工{suffix}", posted_on=dt.date(2024, 3, 1))
        TrainingFactory(employee=person, category="company", hours=Decimal("8"))
        OperationCertificateFactory(employee=person, certificate_number=f"OP{suffix}")
        StdCertificateFactory(enterprise=enterprise, industry=enterprise.industry, certificate_number=f"STD{suffix}")
        inspection = JointInspection.objects.create(
            enterprise=enterprise, title=f"联合检查{suffix}", lead_department=lead, planned_on=dt.date(2025, 5, 1)
        )
        inspection.departments.set([lead, scjgj])
        demo = Demonstration.objects.create(
            enterprise=enterprise, designated_on=dt.date(2024, 1, 1), summary=f"示范{suffix}", status="revoked"
        )
        demo.measures.create(kind="automation", description="远程控制", people_moved=3)
    ExitProposal.objects.create(
        enterprise=enterprise, kind="closure", reasons=f"退出{key}", proposed_by=UserFactory(username=f"p-{key}")
    )


@pytest.fixture
def world(org: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any) -> dict[str, Any]:
    enterprises = {
        "xinluo_chem": xinluo_chem,
        "xinluo_site": EnterpriseFactory(
            name="新罗区西陂建筑",
            jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"),
            industry=org.industry("E4710"),
            risk_category="construction",
        ),
        "shanghang_site": shanghang_site,
        "yongding_mine": EnterpriseFactory(
            name="永定区坎市铁矿",
            jurisdiction=org.jurisdiction("永定区/坎市镇"),
            industry=org.industry("B0810"),
            risk_category="mining",
        ),
    }
    for key, enterprise in enterprises.items():
        populate(enterprise, key, org)
    return enterprises


# Enterprise-bound records: API lists and detail ---------------------------------------------------

# (endpoint, how a row names its enterprise key)
ENDPOINTS = [
    ("/api/v1/declared-equipment/", lambda row: row["name"][2:].rsplit("-", 1)[0]),
    ("/api/v1/employees/", lambda row: row["name"][2:].rsplit("-", 1)[0]),
    ("/api/v1/special-operation-certificates/", lambda row: row["certificate_number"][2:].rsplit("-", 1)[0]),
    ("/api/v1/standardization-certificates/", lambda row: row["certificate_number"][3:].rsplit("-", 1)[0]),
    ("/api/v1/joint-inspections/", lambda row: row["title"][4:].rsplit("-", 1)[0]),
    ("/api/v1/demonstration-enterprises/", lambda row: row["summary"][2:].rsplit("-", 1)[0]),
    ("/api/v1/exit-proposals/", lambda row: row["reasons"][2:]),
]


def _api_lists_and_details_are_scoped(role: str, api_client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    for endpoint, key_of in ENDPOINTS:
        api_client.force_authenticate(users["admin"])
        everything = api_client.get(endpoint, {"page_size": 200}).json()["results"]
        api_client.force_authenticate(users[role])
        response = api_client.get(endpoint, {"page_size": 200})
        assert response.status_code == 200, response.content
        assert {key_of(row) for row in response.json()["results"]} == EXPECTED[role], endpoint
        # Every row of every enterprise: detail is 200 in scope, 404 outside.
        for row in everything:
            detail = api_client.get(f"{endpoint}{row['id']}/")
            assert detail.status_code == (200 if key_of(row) in EXPECTED[role] else 404), (endpoint, row["id"])


def test_training_records_follow_their_employee(api_client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    api_client.force_authenticate(users["inspector_town"])
    rows = api_client.get("/api/v1/training-records/", {"page_size": 200}).json()["results"]
    assert {row["employee"] for row in rows} == set(world["xinluo_chem"].staff_members.values_list("pk", flat=True))


def test_a_department_that_joined_an_inspection_sees_it_outside_its_supervision(
    api_client: Any, org: Any, world: dict[str, Any]
) -> None:
    scjgj = UserFactory(username="dept_scjgj", role="department", department=org.department("scjgj"))
    api_client.force_authenticate(scjgj)
    titles = {row["title"] for row in api_client.get("/api/v1/joint-inspections/").json()["results"]}
    assert titles == {f"联合检查{key}-0" for key in world}
    # … but not the enterprises' other records.
    assert api_client.get("/api/v1/declared-equipment/").json()["count"] == 0


def test_api_keys_read_published_records_but_not_personal_data(
    api_client: Any, org: Any, world: dict[str, Any]
) -> None:
    _key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.ENTERPRISES_READ])
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    for endpoint in (
        "/api/v1/standardization-certificates/",
        "/api/v1/banned-equipment-catalog/",
        "/api/v1/standardization-coverage/",
        "/api/v1/demonstration-enterprises/",
    ):
        assert api_client.get(endpoint, **auth).status_code == 200, endpoint
    assert api_client.get("/api/v1/standardization-certificates/", **auth).json()["count"] == 4
    for endpoint in (
        "/api/v1/employees/",
        "/api/v1/training-records/",
        "/api/v1/special-operation-certificates/",
        "/api/v1/training-compliance/",
        "/api/v1/exit-proposals/",
    ):
        assert api_client.get(endpoint, **auth).status_code == 403, endpoint
    _key, blind = api_key_create(name="blind", department=org.department("fgw"), scopes=[ApiScope.BLACKLIST_READ])
    response = api_client.get("/api/v1/standardization-certificates/", HTTP_AUTHORIZATION=f"Api-Key {blind}")
    assert response.status_code == 403


def _training_compliance_endpoint_is_scoped(
    role: str, api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    api_client.force_authenticate(users[role])
    rows = api_client.get("/api/v1/training-compliance/", {"on": "2025-06-30"}).json()
    assert {row["enterprise"] for row in rows} == {world[k].pk for k in EXPECTED[role]}
    for key, enterprise in world.items():
        response = api_client.get("/api/v1/training-compliance/", {"enterprise": enterprise.pk, "on": "2025-06-30"})
        assert response.status_code == (200 if key in EXPECTED[role] else 404)
    assert api_client.get("/api/v1/training-compliance/", {"on": "30.06.2025"}).status_code == 400


# Web pages ---------------------------------------------------------------------------------------

# (url name, text identifying a row of enterprise `key`)
LIST_PAGES = [
    ("enterprises:equipment_list", "设备{key}-0"),
    ("enterprises:employee_list", "员工{key}-0"),
    ("enterprises:opcert_list", "员工{key}-0"),
    ("enterprises:stdcert_list", "STD{key}-0"),
    ("enterprises:joint_inspection_list", "联合检查{key}-0"),
    ("enterprises:demonstration_list", "demo"),
    ("enterprises:exit_list", "exit"),
]


def _list_pages_show_only_scope(role: str, client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    client.force_login(users[role])
    for name, marker in LIST_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200
        body = response.content.decode()
        for key, enterprise in world.items():
            if role == "enterprise" and marker in ("demo", "exit"):
                continue  # the enterprise's own name is in the page header anyway
            text = enterprise.name if marker in ("demo", "exit") else marker.format(key=key)
            assert (text in body) == (key in EXPECTED[role]), (name, key)


def _detail_urls(enterprise: Any) -> list[str]:
    person = enterprise.staff_members.first()
    return [
        reverse("enterprises:equipment_edit", args=[enterprise.equipment.first().pk]),
        reverse("enterprises:employee_detail", args=[person.pk]),
        reverse("enterprises:stdcert_detail", args=[enterprise.standardization_certificates.first().pk]),
        reverse("enterprises:joint_inspection_detail", args=[enterprise.joint_inspections.first().pk]),
        reverse("enterprises:demonstration_detail", args=[enterprise.demonstrations.first().pk]),
        reverse("enterprises:exit_detail", args=[enterprise.exit_proposals.first().pk]),
        reverse("enterprises:training_enterprise", args=[enterprise.pk]),
    ]


def _detail_pages_are_404_outside_scope(role: str, client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    client.force_login(users[role])
    for key, enterprise in world.items():
        for url in _detail_urls(enterprise):
            assert client.get(url).status_code == (200 if key in EXPECTED[role] else 404), (role, url)


def test_enterprise_users_cannot_write_for_another_enterprise(
    client: Any, api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    other = world["shanghang_site"]
    person = other.staff_members.first()
    client.force_login(users["enterprise"])
    assert client.post(reverse("enterprises:training_add", args=[person.pk]), {}).status_code == 404
    assert client.post(reverse("enterprises:employee_post", args=[person.pk]), {}).status_code == 404
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/training-records/",
        {"employee": person.pk, "category": "team", "hours": "8", "completed_on": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "employee" in response.json()["errors"]
    response = api_client.post("/api/v1/declared-equipment/", {"enterprise": other.pk, "name": "x"}, format="json")
    assert response.status_code == 400 and "enterprise" in response.json()["errors"]


def test_staff_read_training_records_but_only_the_enterprise_keeps_them(
    client: Any, api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    person = world["xinluo_chem"].staff_members.first()
    client.force_login(users["inspector"])
    assert client.get(reverse("enterprises:employee_detail", args=[person.pk])).status_code == 200
    assert (
        client.post(
            reverse("enterprises:training_add", args=[person.pk]),
            {"category": "team", "hours": "8", "completed_on": "2025-01-01", "passed": "on"},
        ).status_code
        == 403
    )
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(
        "/api/v1/training-records/",
        {"employee": person.pk, "category": "team", "hours": "8", "completed_on": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 403
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        "/api/v1/training-records/",
        {"employee": person.pk, "category": "team", "hours": "8", "completed_on": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 201


STAFF_ONLY_PAGES = [
    "enterprises:responsibility_list",
    "enterprises:place_list",
    "enterprises:stdcert_coverage",
    "enterprises:project_new",
    "enterprises:joint_inspection_new",
    "enterprises:exit_new",
]


@pytest.mark.parametrize("name", STAFF_ONLY_PAGES)
def test_enterprise_users_are_refused_staff_pages(name: str, client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["enterprise"])
    assert client.get(reverse(name)).status_code == 403
    client.force_login(users["inspector"])
    assert client.get(reverse(name)).status_code == 200


# Planning data follows the jurisdiction -------------------------------------------------------------

PLANNING_EXPECTED = {
    "admin": {"东城", "上杭"},
    "committee": {"东城", "上杭"},
    "county_office": {"东城"},
    "inspector": {"东城"},
    "inspector_town": {"东城"},
    "department": {"东城", "上杭"},
    "department_zjj": {"东城", "上杭"},
    "enterprise": set(),
}


@pytest.fixture
def planning(org: Any, xinluo_chem: Any) -> dict[str, Any]:
    SeparationFactory()
    return {
        "东城": ProjectFactory(name="东城项目", jurisdiction=org.jurisdiction("新罗区/东城街道")),
        "上杭": ProjectFactory(name="上杭项目", jurisdiction=org.jurisdiction("上杭县/临江镇")),
        "places": [
            PlaceFactory(name="东城学校", jurisdiction=org.jurisdiction("新罗区/东城街道")),
            PlaceFactory(name="上杭学校", jurisdiction=org.jurisdiction("上杭县/临江镇")),
        ],
    }


def _projects_and_places_follow_the_jurisdiction(
    role: str, api_client: Any, client: Any, users: dict[str, Any], planning: dict[str, Any]
) -> None:
    api_client.force_authenticate(users[role])
    projects = {row["name"][:2] for row in api_client.get("/api/v1/high-risk-projects/").json()["results"]}
    places = {row["name"][:2] for row in api_client.get("/api/v1/dense-places/").json()["results"]}
    assert projects == PLANNING_EXPECTED[role]
    assert places == PLANNING_EXPECTED[role]
    client.force_login(users[role])
    from enterprises.admission.services import siting_review_run

    for key in ("东城", "上杭"):
        expected = 200 if key in PLANNING_EXPECTED[role] else 404
        assert client.get(reverse("enterprises:project_detail", args=[planning[key].pk])).status_code == expected
        review = siting_review_run(actor=users["admin"], project=planning[key])
        assert api_client.get(f"/api/v1/siting-reviews/{review.pk}/").status_code == expected
        assert api_client.get(f"/api/v1/high-risk-projects/{planning[key].pk}/reviews/").status_code == expected


def test_an_enterprise_sees_the_projects_it_builds(
    api_client: Any, users: dict[str, Any], planning: dict[str, Any], xinluo_chem: Any
) -> None:
    planning["上杭"].enterprise = xinluo_chem
    planning["上杭"].save()
    api_client.force_authenticate(users["enterprise"])
    assert [row["name"] for row in api_client.get("/api/v1/high-risk-projects/").json()["results"]] == ["上杭项目"]
    assert api_client.post(f"/api/v1/high-risk-projects/{planning['上杭'].pk}/siting-review/").status_code == 403


def test_catalog_and_responsibility_lists_are_readable_by_everyone_signed_in(
    api_client: Any, users: dict[str, Any], org: Any
) -> None:
    CatalogEntryFactory()
    from enterprises.models import ResponsibilityItem

    ResponsibilityItem.objects.create(department=org.department("yjj"), duty="危化品监管")
    for role in ROLES:
        api_client.force_authenticate(users[role])
        assert api_client.get("/api/v1/banned-equipment-catalog/").json()["count"] == 1
        assert api_client.get("/api/v1/responsibility-items/").json()["count"] == 1
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/banned-equipment-catalog/").status_code in (401, 403)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_endpoint_shows_exactly_the_role_scope(
    role: str,
    api_client: Any,
    client: Any,
    users: dict[str, Any],
    world: dict[str, Any],
    planning: dict[str, Any],
) -> None:
    """One world per role (building it is the slow part): API lists and details, list and detail pages,
    the compliance endpoint, and the planning registers that follow the jurisdiction."""
    _api_lists_and_details_are_scoped(role, api_client, users, world)
    _training_compliance_endpoint_is_scoped(role, api_client, users, world)
    _list_pages_show_only_scope(role, client, users, world)
    _detail_pages_are_404_outside_scope(role, client, users, world)
    _projects_and_places_follow_the_jurisdiction(role, api_client, client, users, planning)


# Query counts ----------------------------------------------------------------------------------------


@pytest.fixture
def crowd(org: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    """Many rows, so that one query per row would blow any of the budgets below."""
    extra = [
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        for _ in range(3)
    ]
    for index, enterprise in enumerate([xinluo_chem, *extra]):
        populate(enterprise, f"c{index}", org, rows=3)
    for n in range(6):
        entry = CatalogEntryFactory(model_numbers=f"Q-{n}")
        DeclaredEquipment.objects.create(
            enterprise=xinluo_chem, name=f"q{n}", model_number=f"Q-{n}", catalog_entry=entry
        )
    SeparationFactory()
    for _n in range(8):
        ProjectFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), enterprise=xinluo_chem)
        PlaceFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"))
    from enterprises.models import ResponsibilityItem

    for department in ("yjj", "zjj", "jtj"):
        for n in range(3):
            ResponsibilityItem.objects.create(department=org.department(department), duty=f"职责{n}")


API_LISTS = [
    "/api/v1/declared-equipment/",
    "/api/v1/employees/",
    "/api/v1/training-records/",
    "/api/v1/special-operation-certificates/",
    "/api/v1/standardization-certificates/",
    "/api/v1/joint-inspections/",
    "/api/v1/demonstration-enterprises/",
    "/api/v1/exit-proposals/",
    "/api/v1/high-risk-projects/",
    "/api/v1/dense-places/",
    "/api/v1/banned-equipment-catalog/",
    "/api/v1/responsibility-items/",
    "/api/v1/training-compliance/",
    "/api/v1/standardization-coverage/",
]


def _queries(call: Any) -> tuple[Any, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["committee", "inspector"])
def test_api_lists_keep_their_query_count(role: str, api_client: Any, users: dict[str, Any], crowd: None) -> None:
    api_client.force_authenticate(users[role])
    for endpoint in API_LISTS:
        response, count = _queries(lambda endpoint=endpoint: api_client.get(endpoint, {"page_size": 100}))
        assert response.status_code == 200, endpoint
        body = response.json()
        rows = body["count"] if isinstance(body, dict) and "count" in body else len(body)
        assert rows >= 4 or "coverage" in endpoint, endpoint
        assert count <= 6, (endpoint, count)


PAGES = [
    "enterprises:equipment_list",
    "enterprises:employee_list",
    "enterprises:opcert_list",
    "enterprises:stdcert_list",
    "enterprises:joint_inspection_list",
    "enterprises:demonstration_list",
    "enterprises:exit_list",
    "enterprises:project_list",
    "enterprises:place_list",
    "enterprises:catalog_list",
    "enterprises:responsibility_list",
    "enterprises:training_overview",
    "enterprises:stdcert_coverage",
]


def test_list_pages_keep_their_query_count(client: Any, users: dict[str, Any], crowd: None) -> None:
    client.force_login(users["inspector"])
    for name in PAGES:
        client.get(reverse(name))  # warm the session, menus and translations
        response, count = _queries(lambda name=name: client.get(reverse(name)))
        assert response.status_code == 200, name
        assert count <= 14, (name, count)


def test_enterprise_page_panels_keep_their_query_count(
    client: Any, users: dict[str, Any], org: Any, xinluo_chem: Any
) -> None:
    """The issue-6 panels of the enterprise page cost the same number of queries with 1 or 4 of each record."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from safety_platform.navigation import enterprise_panels_for

    request = type("R", (), {"user": users["inspector"], "META": {}})()
    mine = [
        p for p in enterprise_panels_for(users["inspector"]) if p.key in ("admission", "standardization", "training")
    ]
    assert len(mine) == 3

    def render() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for panel in mine:
                # As the enterprise page does: the panel's context under `panel` (its templates read panel.*).
                context = {"title": panel.title, "template": panel.template, **panel.context(request, xinluo_chem)}
                render_to_string(panel.template, {"panel": context, "enterprise": xinluo_chem})
        return len(ctx.captured_queries)

    populate(xinluo_chem, "a", org, rows=1)
    render()  # warm caches (content types, translations)
    few = render()
    ExitProposal.objects.filter(enterprise=xinluo_chem).update(status="withdrawn")
    populate(xinluo_chem, "b", org, rows=3)
    assert render() == few
