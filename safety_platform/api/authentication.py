"""`Authorization: Api-Key <prefix>.<secret>` authentication for department systems."""

from __future__ import annotations

import hmac
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from ..models import ApiKey
from ..models.apikeys import ApiClient, hash_api_secret
from .key_usage import api_key_use_record

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate a request by API key; revoked, expired and unknown keys get 401."""

    def authenticate(self, request: Any) -> tuple[ApiClient, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if not parts or parts[0].lower() != KEYWORD.lower():
            return None
        if len(parts) != 2 or "." not in parts[1]:
            raise exceptions.AuthenticationFailed(_("Malformed API key header: use 'Api-Key <key>'."))
        prefix, _dot, secret = parts[1].partition(".")
        # One row by its unique prefix: no joins, no ordering (every feed request pays for this query).
        key = next(iter(ApiKey.objects.filter(prefix=prefix).order_by()[:1]), None)
        if key is None or not hmac.compare_digest(key.hashed_secret, hash_api_secret(secret)):
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if key.is_revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if key.is_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        # Logged in memory and written at most once a minute per key (and process): no write per read.
        api_key_use_record(key=key, method=request.method, path=request.get_full_path())
        return ApiClient(key), key

    def authenticate_header(self, request: Any) -> str:
        return KEYWORD
