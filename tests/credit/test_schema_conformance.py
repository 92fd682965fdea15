"""The credit feeds answer what the published OpenAPI schema says (docs/api.md: other departments generate
clients from it): every field of a page, nullable ones as null, errors, and the export content types."""

from __future__ import annotations

from typing import Any

import pytest

from safety_platform.choices import ApiScope
from tests.credit import test_api
from tests.credit.test_api import BLACKLIST, RATINGS, entry, get, key
from tests.platform.schema_check import openapi, response_errors

pytestmark = pytest.mark.django_db

# The feeds' fixtures: a published active and removed entry, a proposal, three grades; a key with both scopes.
world = test_api.world
fgw = test_api.fgw

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def documented_types(path: str, status: int) -> set[str]:
    return set(openapi()["paths"][path]["get"]["responses"][str(status)].get("content", {}))


def test_feed_pages_match_the_schema(
    api_client: Any, world: dict[str, Any], fgw: dict[str, str], rule_set: Any, org: Any
) -> None:
    from tests.factories import EnterpriseFactory

    # A listing proposed by rule has no department: `listing_department` is null, and must be declared so.
    orphan = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区"), industry=org.industry("C2614"))
    entry(orphan, rule_set, "active", department=None, origin="rule")
    errors = []
    for url, expected_rows in ((BLACKLIST, 3), (RATINGS, 3)):
        for params in ({}, {"page_size": 1}):
            response = get(api_client, url, fgw, **params)
            assert response.status_code == 200
            body = response.json()
            assert len(body["results"]) == (1 if params else expected_rows)
            errors += [(url, params, e) for e in response_errors(url, "get", 200, body)]
    assert errors == []
    rows = get(api_client, BLACKLIST, fgw).json()["results"]
    assert None in {row["listing_department"] for row in rows}
    assert {row["removal_reason"] for row in rows} == {"", "expired"}


def test_error_answers_match_the_schema(api_client: Any, world: dict[str, Any], org: Any, fgw: dict[str, str]) -> None:
    blacklist_only = {"HTTP_AUTHORIZATION": f"Api-Key {key(org, ApiScope.BLACKLIST_READ)}"}
    cases = [
        (BLACKLIST, {}, {}, 401),
        (RATINGS, blacklist_only, {}, 403),
        (BLACKLIST, fgw, {"cursor": "nope"}, 400),
        (RATINGS, fgw, {"updated_since": "soon"}, 400),
        (RATINGS, fgw, {"format": "pdf"}, 400),
        (BLACKLIST, fgw, {"format": "csv", "cursor": "nope"}, 400),
    ]
    errors = []
    for url, auth, params, status in cases:
        response = get(api_client, url, auth, **params)
        assert response.status_code == status, (url, params, response.content)
        assert response["Content-Type"] in documented_types(url, status), (url, params, response["Content-Type"])
        errors += [(url, params, e) for e in response_errors(url, "get", status, response.json())]
    assert errors == []


@pytest.mark.parametrize("url", [BLACKLIST, RATINGS])
def test_exports_have_the_documented_content_types(
    url: str, api_client: Any, world: dict[str, Any], fgw: dict[str, str]
) -> None:
    documented = documented_types(url, 200)
    assert documented == {"application/json", "text/csv", XLSX}
    csv_type = get(api_client, url, fgw, format="csv")["Content-Type"]
    assert csv_type.split(";")[0] == "text/csv"
    assert get(api_client, url, fgw, format="xlsx")["Content-Type"] == XLSX
    # Errors are JSON only, whatever format was asked for: the schema does not promise a CSV error body.
    for status in (400, 401, 403):
        assert documented_types(url, status) == {"application/json"}
