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


WRITES = {"post", "put", "patch", "delete"}


def _error_ref(response: dict[str, Any]) -> str | None:
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


def test_every_operation_documents_its_error_answers_with_the_error_body(schema: dict[str, Any]) -> None:
    """Only 14 of 190 operations listed a 4xx answer: clients could not know a 404 or a 409 was possible.

    400 where there is input (a body, query parameters, or a write), 401 and 403 behind a login, 404 on a
    route that names an object, 409 where a write can meet a state that refuses it — each with the
    platform's `Error` body.
    """
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            public = "security" not in operation  # the token endpoint: anyone may try a password
            expected = set()
            if method in WRITES or "requestBody" in operation or any(p["in"] != "path" for p in params):
                expected.add("400")
            if not public:
                expected |= {"401", "403"}
            if "{" in path:
                expected.add("404")
            if method in WRITES and not public:
                expected.add("409")
            for code in sorted(expected):
                response = operation["responses"].get(code)
                if response is None or _error_ref(response) != "#/components/schemas/Error":
                    missing.append(f"{method.upper()} {path} {code}")
    assert missing == []
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "code", "errors"}
    assert set(error["required"]) == {"detail", "code"}


def test_the_token_endpoint_is_not_documented_as_needing_a_login(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "security" not in operation
    assert set(operation["responses"]) == {"200", "400", "503"}  # no 401/403: anyone may try
    token = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schema["components"]["schemas"][token.rsplit("/", 1)[1]]["properties"] == {"token": {"type": "string"}}


def test_every_operation_documents_the_503_of_a_database_outage_with_retry_after(schema: dict[str, Any]) -> None:
    """A database outage or a cancelled statement answers 503 with `Retry-After` on any route
    (safety_platform/errors.py); a client generated from the schema must know it may come, and when to retry."""
    undocumented = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            response = operation["responses"].get("503")
            if (
                response is None
                or _error_ref(response) != "#/components/schemas/Error"
                or response.get("headers", {}).get("Retry-After", {}).get("schema", {}).get("type") != "integer"
            ):
                undocumented.append(f"{method.upper()} {path}")
    assert undocumented == []
    assert len(schema["paths"]) > 50  # every route, not a few
