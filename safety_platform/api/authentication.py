"""`Authorization: Api-Key <prefix>.<secret>` authentication for department systems."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from ..models import ApiKey, ApiKeyUse
from ..models.apikeys import ApiClient, hash_api_secret

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
        key = ApiKey.objects.select_related("department", "enterprise").filter(prefix=prefix).first()
        if key is None or not hmac.compare_digest(key.hashed_secret, hash_api_secret(secret)):
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if key.is_revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if key.is_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        now = timezone.now()
        ApiKeyUse.objects.create(
            key=key,
            prefix=key.prefix,
            department_id=key.department_id,
            at=now,
            method=request.method[:8],
            path=request.get_full_path()[:300],
        )
        # "Last used" is shown to the nearest minute: at most one write of it per key and minute.
        if key.last_used_at is None or key.last_used_at <= now - timedelta(minutes=1):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return ApiClient(key), key

    def authenticate_header(self, request: Any) -> str:
        return KEYWORD
