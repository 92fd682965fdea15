"""The emergency API answers what its OpenAPI schema says (schemathesis found nulls the schema forbade,
lists documented as pages, and update answers missing fields or showing 0 members)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emergency.test_query_counts import ENDPOINTS
from tests.platform.schema_check import response_errors

pytestmark = pytest.mark.django_db

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
