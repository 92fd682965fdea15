"""The departments' feeds read from a replica when one is configured; keys, accounts and writes never do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from safety_platform import db_router

from .test_api import BLACKLIST, RATINGS, fgw, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fgw_key(request: pytest.FixtureRequest) -> dict[str, str]:
    """The feeds' test data (test_api's `world`) and a department key that reads both feeds."""
    request.getfixturevalue("world")
    return dict(request.getfixturevalue("fgw"))


@pytest.fixture
def replica(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """A 'replica' alias on the test database, and a record of where each read was routed (label, alias)."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    connections["replica"] = connections["default"]  # same rows: what the test checks is the routing
    routed: list[tuple[str, str]] = []
    original = db_router.ReplicaRouter.db_for_read

    def spy(self: Any, model: Any, **hints: Any) -> str | None:
        alias = original(self, model, **hints)
        routed.append((model._meta.label, alias or "default"))
        return alias

    monkeypatch.setattr(db_router.ReplicaRouter, "db_for_read", spy)
    try:
        yield routed
    finally:
        del connections["replica"]


@pytest.mark.parametrize("url", [RATINGS, BLACKLIST])
def test_a_feed_reads_its_rows_from_the_replica_and_the_key_from_the_primary(
    url: str,
    api_client: Any,
    fgw_key: dict[str, str],
    replica: list[tuple[str, str]],
) -> None:
    without = api_client.get(url, **fgw_key)
    replica.clear()
    # The same answer with the replica on (no cached ETag: a fresh client would get this body).
    response = api_client.get(url, **fgw_key)
    assert response.status_code == 200
    assert json.loads(response.content)["results"] == json.loads(without.content)["results"]
    on_replica = {label for label, alias in replica if alias == "replica"}
    on_primary = {label for label, alias in replica if alias == "default"}
    assert on_replica & {"credit.CreditRating", "credit.BlacklistEntry"}
    # A key revoked a moment ago must fail at once, whatever the replica's lag.
    assert "safety_platform.ApiKey" in on_primary and "safety_platform.ApiKey" not in on_replica


def test_a_csv_export_streamed_after_the_view_returned_still_reads_the_replica(
    api_client: Any,
    fgw_key: dict[str, str],
    replica: list[tuple[str, str]],
) -> None:
    response = api_client.get(RATINGS, {"format": "csv"}, **fgw_key)
    replica.clear()
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "龙岩市东城化工有限公司" in body
    assert all(alias == "replica" for label, alias in replica if label.startswith("credit."))


def test_other_requests_and_writes_stay_on_the_primary(
    api_client: Any,
    users: dict[str, Any],
    fgw_key: dict[str, str],
    replica: list[tuple[str, str]],
) -> None:
    api_client.force_authenticate(users["committee"])
    assert api_client.get("/api/v1/hazards/").status_code == 200
    assert replica and all(alias == "default" for _label, alias in replica)
    router = db_router.ReplicaRouter()
    token = db_router._reading_replica.set(True)
    try:
        from credit.models import CreditRating as Rating

        assert router.db_for_write(Rating) == "default"
        assert router.allow_migrate("replica", "credit") is False
    finally:
        db_router._reading_replica.reset(token)


def test_without_a_replica_nothing_is_routed(api_client: Any, fgw_key: dict[str, str]) -> None:
    assert "replica" not in connections.settings
    assert api_client.get(RATINGS, **fgw_key).status_code == 200
    token = db_router._reading_replica.set(True)
    try:
        from credit.models import CreditRating as Rating

        assert db_router.ReplicaRouter().db_for_read(Rating) is None
    finally:
        db_router._reading_replica.reset(token)
