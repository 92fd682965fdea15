"""`updated_since` with an unusual offset is compared in UTC: PostgreSQL refuses offsets beyond ±15:59."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/hazards/", "/api/v1/credit/ratings/"])
def test_a_far_offset_in_updated_since_is_not_a_server_error(api_client: Any, users: dict[str, Any], url: str) -> None:
    api_client.force_authenticate(users["committee"])
    response = api_client.get(url, {"updated_since": "2026-08-06T20:11:29+23:16"})
    assert response.status_code == 200, response.content
