"""The emergency API answers what its OpenAPI schema says (schemathesis found nulls the schema forbade,
lists documented as pages, and update answers missing fields or showing 0 members)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clock import shanghai
from tests.emergency.test_query_counts import ENDPOINTS
from tests.platform.schema_check import openapi, response_errors

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

# The list endpoints the query-count tests walk (the overdue-enterprises report has its own check).
LISTS = [endpoint for endpoint in ENDPOINTS if "/" not in endpoint]


def test_lists_details_and_their_actions_match_the_schema(
    api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    api_client.force_authenticate(users["committee"])
    errors = []
    for name in LISTS:
        path = f"/api/v1/emergency/{name}/"
        body = api_client.get(path, {"page_size": 100}).json()
        errors += [(path, e) for e in response_errors(path, "get", 200, body)]
        rows = body["results"] if isinstance(body, dict) else body
        if name in ("items", "skills"):
            continue
        for row in rows:
            errors += [
                (f"{path}{row['id']}/", e)
                for e in response_errors(f"{path}{{id}}/", "get", 200, api_client.get(f"{path}{row['id']}/").json())
            ]
    for key, action in [("chem_accident", "accidents/{id}/log/"), ("city_store", "warehouses/{id}/stock/")]:
        path = f"/api/v1/emergency/{action}"
        body = api_client.get(path.format(id=world[key].pk)).json()
        errors += [(path, e) for e in response_errors(path, "get", 200, body)]
    assert errors == []


def test_update_answers_are_complete_and_carry_the_list_figures(
    api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    api_client.force_authenticate(users["committee"])
    team = api_client.patch(f"/api/v1/emergency/teams/{world['xinluo_team'].pk}/", {"duty_phone": "110"}, format="json")
    assert team.status_code == 200, team.content
    assert team.json()["member_count"] == 1  # the team has one member (was answered as 0)
    assert "enterprise_name" in team.json() and "distance_km" in team.json()
    plan = api_client.patch(f"/api/v1/emergency/plans/{world['yjj_plan'].pk}/", {"version": "2"}, format="json")
    assert plan.status_code == 200, plan.content
    assert plan.json()["enterprise_name"] is None and plan.json()["department_name"]
    store = api_client.patch(
        f"/api/v1/emergency/warehouses/{world['city_store'].pk}/", {"keeper_phone": "120"}, format="json"
    )
    assert store.status_code == 200, store.content
    assert (
        store.json()["usable_units"]
        == api_client.get(f"/api/v1/emergency/warehouses/{world['city_store'].pk}/").json()["usable_units"]
    )
    readiness = api_client.post(
        f"/api/v1/emergency/teams/{world['xinluo_team'].pk}/readiness/", {"readiness": "standby"}, format="json"
    )
    assert readiness.json()["member_count"] == 1
    errors = [
        *response_errors("/api/v1/emergency/teams/{id}/", "patch", 200, team.json()),
        *response_errors("/api/v1/emergency/plans/{id}/", "patch", 200, plan.json()),
        *response_errors("/api/v1/emergency/warehouses/{id}/", "patch", 200, store.json()),
        *response_errors("/api/v1/emergency/teams/{id}/readiness/", "post", 200, readiness.json()),
    ]
    assert errors == []


def test_what_a_post_records_is_a_201_and_the_schema_says_so(
    api_client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    """Adding a team member or equipment, receiving and issuing stock create rows and answer 201; the schema
    promised 200, so a generated client treated the answer as unexpected."""
    api_client.force_authenticate(users["committee"])
    team, store = world["xinluo_team"].pk, world["city_store"].pk
    calls = [
        ("/api/v1/emergency/teams/{id}/members/", team, {"name": "李救援", "phone": "13900000000"}),
        ("/api/v1/emergency/teams/{id}/equipment/", team, {"name": "救生艇", "quantity": 2}),
        ("/api/v1/emergency/warehouses/{id}/receive/", store, {"item": "tent", "quantity": 3, "batch_no": "R1"}),
        ("/api/v1/emergency/warehouses/{id}/issue/", store, {"item": "tent", "quantity": 1, "kind": "consume"}),
    ]
    errors = []
    for path, pk, data in calls:
        response = api_client.post(path.format(id=pk), data, format="json")
        assert response.status_code == 201, (path, response.content)
        assert set(openapi()["paths"][path]["post"]["responses"]) & {"200", "201"} == {"201"}, path
        errors += [(path, e) for e in response_errors(path, "post", 201, response.json())]
    assert errors == []
