"""The OpenAPI schema describes what the API returns, so department systems can generate clients from it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_success_response_with_a_body_documents_it(schema: dict[str, Any]) -> None:
    """`responses={200: None}` told clients "no body" where the view returns JSON."""
    undocumented = [
        (method.upper(), path, code)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for code, response in operation.get("responses", {}).items()
        if code.startswith("2") and code != "204" and "content" not in response
    ]
    assert undocumented == []


def test_risk_map_and_coverage_bodies_are_described_field_by_field(schema: dict[str, Any]) -> None:
    def body(path: str) -> dict[str, Any]:
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]

    assert set(body("/api/v1/risk-map/")["properties"]) == {"jurisdiction", "totals", "children", "enterprises"}
    assert {"on", "by_county", "by_industry"} <= set(body("/api/v1/standardization-coverage/")["properties"])
