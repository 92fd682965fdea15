"""The enterprise API: clear 400s naming the field, writes through services, query counts."""

from __future__ import annotations

from typing import Any

import pytest

from enterprises.models import Enterprise
from tests.assets import external_asset_urls
from tests.factories import EnterpriseFactory, next_credit_code

pytestmark = pytest.mark.django_db


def _payload(org: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "credit_code": next_credit_code(),
        "name": "接口新建企业",
        "legal_representative": "张三",
        "jurisdiction": org.jurisdiction("新罗区/东城街道").pk,
        "industry": "C2614",
        "risk_category": "hazardous_chemicals",
        "employees": 12,
    }
    data.update(overrides)
    return data


def test_committee_creates_enterprise_and_department_is_derived(
    api_client: Any, users: dict[str, Any], org: Any
) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.post("/api/v1/enterprises/", _payload(org), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["supervising_department"] == org.department("yjj").pk
    assert body["department_set_manually"] is False
    assert Enterprise.objects.get(pk=body["id"]).status_changes.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_code", "91350800MA2XN0AB1X"),  # wrong check character
        ("credit_code", "IO"),
        ("industry", "Z9999"),
        ("jurisdiction", 999999),
        ("employees", -3),
        ("longitude", "east"),
        ("risk_category", "volcano"),
        ("latitude", None),  # a longitude without a latitude (the payload gives only a longitude)
    ],
)
def test_bad_input_is_400_naming_the_field(
    api_client: Any, users: dict[str, Any], org: Any, field: str, value: Any
) -> None:
    api_client.force_authenticate(users["committee"])
    overrides = {field: value} if value is not None else {"longitude": "117.02"}
    response = api_client.post("/api/v1/enterprises/", _payload(org, **overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert body["detail"].startswith(f"{field}:")
    assert not Enterprise.objects.filter(name="接口新建企业").exists()


def test_missing_required_fields_are_all_named(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.post("/api/v1/enterprises/", {}, format="json")
    assert response.status_code == 400
    assert {"credit_code", "name", "legal_representative", "jurisdiction", "industry"} <= set(response.json()["errors"])


def test_malformed_json_is_400_not_500(api_client: Any, users: dict[str, Any]) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.generic("POST", "/api/v1/enterprises/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_duplicate_credit_code_is_400(api_client: Any, users: dict[str, Any], org: Any, xinluo_chem: Any) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.post(
        "/api/v1/enterprises/", _payload(org, credit_code=xinluo_chem.credit_code), format="json"
    )
    assert response.status_code == 400 and "credit_code" in response.json()["errors"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("page", "abc"),
        ("page", "0"),
        ("page", "99"),
        ("page_size", "-1"),
        ("jurisdiction", "nope"),
        ("updated_since", "yesterday"),
        ("is_key", "maybe"),
        ("status", "flying"),
    ],
)
def test_bad_query_parameters_are_400_naming_them(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any, param: str, value: str
) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.get("/api/v1/enterprises/", {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()["errors"]


def test_inspector_cannot_create_outside_jurisdiction(api_client: Any, users: dict[str, Any], org: Any) -> None:
    api_client.force_authenticate(users["inspector"])
    response = api_client.post(
        "/api/v1/enterprises/", _payload(org, jurisdiction=org.jurisdiction("上杭县").pk), format="json"
    )
    assert response.status_code == 400 and "jurisdiction" in response.json()["errors"]
    assert not Enterprise.objects.filter(name="接口新建企业").exists()


def test_department_staff_cannot_register_an_industry_they_do_not_supervise(
    api_client: Any, users: dict[str, Any], org: Any
) -> None:
    api_client.force_authenticate(users["department_zjj"])  # 住建局 supervises construction only
    response = api_client.post("/api/v1/enterprises/", _payload(org), format="json")
    assert response.status_code == 400 and "industry" in response.json()["errors"]


def test_status_change_through_api_is_recorded_and_repeating_it_is_409(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    api_client.force_authenticate(users["inspector"])
    url = f"/api/v1/enterprises/{xinluo_chem.pk}/change-status/"
    assert api_client.post(url, {"status": "suspended", "reason": "停产整顿"}, format="json").status_code == 200
    again = api_client.post(url, {"status": "suspended", "reason": "again"}, format="json")
    assert again.status_code == 409
    assert api_client.post(url, {"status": "closed"}, format="json").status_code == 400
    history = api_client.get(f"/api/v1/enterprises/{xinluo_chem.pk}/status-history/").json()
    assert history[0]["to_status"] == "suspended" and history[0]["reason"] == "停产整顿"


def test_filters_search_and_incremental_updated_since(
    api_client: Any, users: dict[str, Any], org: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    api_client.force_authenticate(users["committee"])
    names = lambda r: {row["name"] for row in r.json()["results"]}  # noqa: E731
    assert names(api_client.get("/api/v1/enterprises/", {"jurisdiction": org.jurisdiction("上杭县").pk})) == {
        shanghang_site.name
    }
    assert names(api_client.get("/api/v1/enterprises/", {"q": "东城"})) == {xinluo_chem.name}
    assert names(api_client.get("/api/v1/enterprises/", {"credit_code": xinluo_chem.credit_code.lower()})) == {
        xinluo_chem.name
    }
    assert names(api_client.get("/api/v1/enterprises/", {"industry": "E"})) == {shanghang_site.name}
    future = "2999-01-01T00:00:00Z"
    assert api_client.get("/api/v1/enterprises/", {"updated_since": future}).json()["count"] == 0


def test_list_endpoint_query_count_is_constant(
    api_client: Any, users: dict[str, Any], org: Any, django_assert_max_num_queries: Any
) -> None:
    EnterpriseFactory.create_batch(25, jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
    api_client.force_authenticate(users["inspector"])
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/enterprises/", {"page_size": 100})
    assert response.json()["count"] == 26  # 25 + the fixture enterprise


def test_list_page_query_count_is_constant(
    client: Any, users: dict[str, Any], org: Any, django_assert_max_num_queries: Any
) -> None:
    EnterpriseFactory.create_batch(25, jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
    client.force_login(users["inspector"])
    with django_assert_max_num_queries(12):
        response = client.get("/enterprises/")
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 26


def test_api_schema_and_docs_are_served_locally(client: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])  # the schema and docs are for signed-in users and API keys
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/enterprises/" in text and "ApiKeyAuth" in text
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert [url for url in external_asset_urls(docs) if not url.startswith("http://testserver/")] == []


@pytest.mark.parametrize("role", ["committee", "inspector", "department"])
def test_list_page_and_endpoint_cost_the_same_for_ten_rows_or_twenty(
    role: str, client: Any, api_client: Any, users: dict[str, Any], org: Any
) -> None:
    """A query per row (an N+1 on jurisdiction, industry or department) makes the second count larger."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = users[role]
    client.force_login(user)
    api_client.force_authenticate(user)

    def counts() -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get("/enterprises/").status_code == 200
        with CaptureQueriesContext(connection) as api:
            response = api_client.get("/api/v1/enterprises/", {"page_size": 100})
        return len(page), len(api), response.json()["count"]

    def batch() -> None:
        for _ in range(10):
            EnterpriseFactory(
                jurisdiction=org.jurisdiction("新罗区/东城街道/东城第一网格"),
                industry=org.industry("C2614"),
            )

    batch()
    counts()  # warm-up: an inspector's jurisdiction paths are read once per user object
    page_10, api_10, n_10 = counts()
    batch()
    page_20, api_20, n_20 = counts()
    assert n_20 == n_10 + 10 >= 11  # every role here sees the new rows
    assert (page_20, api_20) == (page_10, api_10)
