"""The hazards API answers what its OpenAPI schema says (schemathesis: an unassessed hazard's grade ""
was outside the documented enum; the risk map's body was undocumented)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clock import shanghai
from tests.hazards.factories import make_hazard
from tests.platform.schema_check import response_errors

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def test_hazard_and_risk_map_answers_match_the_schema(api_client: Any, users: Any, xinluo_chem: Any) -> None:
    registered = make_hazard(xinluo_chem, state="registered", inspector=users["inspector"])
    make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    api_client.force_authenticate(users["inspector"])
    calls = [
        ("/api/v1/hazards/", "/api/v1/hazards/"),
        ("/api/v1/hazards/{id}/", f"/api/v1/hazards/{registered.pk}/"),
        ("/api/v1/risk-map/", "/api/v1/risk-map/"),
    ]
    errors = []
    for template, url in calls:
        response = api_client.get(url)
        assert response.status_code == 200, (url, response.content)
        errors += [(url, e) for e in response_errors(template, "get", 200, response.json())]
    assert errors == []
    assert api_client.get(f"/api/v1/hazards/{registered.pk}/").json()["grade"] == ""
