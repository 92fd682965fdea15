"""Department API keys: hashed, scoped, revocable, expiring, every use logged."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from safety_platform.choices import ApiScope
from safety_platform.models import ApiKey, ApiKeyUse
from safety_platform.services import DomainError, api_key_create, api_key_revoke
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]
URL = "/api/v1/enterprises/"


def _get(api_client: Any, raw: str) -> Any:
    return api_client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}")


def test_key_is_stored_hashed_and_works(api_client: Any, org: Any, xinluo_chem: Any) -> None:
    key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.ENTERPRISES_READ])
    assert raw.split(".")[1] not in key.hashed_secret and len(key.hashed_secret) == 64
    response = _get(api_client, raw)
    assert response.status_code == 200 and response.json()["count"] == 1
    use = ApiKeyUse.objects.get()
    assert (use.prefix, use.department, use.method) == (key.prefix, org.department("fgw"), "GET")
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_revoked_key_gets_401(api_client: Any, org: Any) -> None:
    key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.ENTERPRISES_READ])
    api_key_revoke(key=key, reason="leaked")
    response = _get(api_client, raw)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"] or "吊销" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Api-Key"


def test_expired_key_gets_401(api_client: Any, org: Any) -> None:
    _key, raw = api_key_create(
        name="fgw",
        department=org.department("fgw"),
        scopes=[ApiScope.ENTERPRISES_READ],
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert _get(api_client, raw).status_code == 401


def test_wrong_secret_and_malformed_header_get_401(api_client: Any, org: Any) -> None:
    key, _raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.ENTERPRISES_READ])
    assert _get(api_client, f"{key.prefix}.wrong-secret").status_code == 401
    assert _get(api_client, "no-dot").status_code == 401
    assert api_client.get(URL, HTTP_AUTHORIZATION="Api-Key").status_code == 401


def test_key_without_the_scope_gets_403(api_client: Any, org: Any) -> None:
    _key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.BLACKLIST_READ])
    response = _get(api_client, raw)
    assert response.status_code == 403 and response.json()["detail"] == "该接口密钥缺少权限范围“enterprises:read”。"
    english = api_client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "This API key lacks the scope 'enterprises:read'."


def test_keys_cannot_reach_user_only_endpoints(api_client: Any, org: Any) -> None:
    _key, raw = api_key_create(name="fgw", department=org.department("fgw"), scopes=[ApiScope.ENTERPRISES_READ])
    response = api_client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 403
    assert response.json()["detail"] == "接口密钥不能访问此接口。"  # Chinese by default, like every other error


def test_unknown_scope_and_ownerless_keys_are_refused(org: Any) -> None:
    with pytest.raises(DomainError) as caught:
        api_key_create(name="x", department=org.department("fgw"), scopes=["everything"])
    assert caught.value.code == "invalid" and caught.value.field == "scopes"
    with pytest.raises(DomainError) as caught:
        api_key_create(name="x", scopes=[ApiScope.BLACKLIST_READ])
    assert caught.value.code == "api_key_needs_one_owner"


def test_management_command_creates_lists_and_revokes(api_client: Any, org: Any) -> None:
    out = StringIO()
    call_command(
        "apikey", "create", "--department", "fgw", "--name", "发改委", "--scopes", "enterprises:read", stdout=out
    )
    raw = out.getvalue().split("Api-Key ")[1].split()[0]
    assert _get(api_client, raw).status_code == 200
    listing = StringIO()
    call_command("apikey", "list", stdout=listing)
    prefix = raw.split(".")[0]
    assert prefix in listing.getvalue() and "active" in listing.getvalue()
    call_command("apikey", "revoke", prefix, stdout=StringIO())
    assert ApiKey.objects.get(prefix=prefix).is_revoked
    assert _get(api_client, raw).status_code == 401
