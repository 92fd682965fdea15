"""`Authorization: Api-Key <prefix>.<secret>` authentication for department systems."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from ..db_first_read import first_read
from ..models import ApiKey
from ..models.apikeys import ApiClient, hash_api_secret
from .key_usage import api_key_use_record

KEYWORD = "Api-Key"

# The key's SELECT compiled once per database alias, with the columns' converters (on PostgreSQL only the
# scopes' JSON): building it from the ORM on every request cost about as much as running it.
_KEY_SQL: dict[str, tuple[str, tuple[Callable[..., Any] | None, ...]]] = {}


def api_key_by_prefix(prefix: str) -> ApiKey | None:
    """The key with this prefix (unique), or None: one row by its prefix, no joins, no ordering.

    It is the request's first query, and serves as its connection's health check (db_first_read).
    """
    using = router.db_for_read(ApiKey) or DEFAULT_DB_ALIAS
    return first_read(using, lambda: _key_by_prefix(using, prefix))


def _key_by_prefix(using: str, prefix: str) -> ApiKey | None:
    connection = connections[using]
    compiled = _KEY_SQL.get(using) if connection.vendor == "postgresql" else None
    if compiled is None:
        queryset = ApiKey.objects.using(using).filter(prefix=prefix).order_by()[:1]
        key = next(iter(queryset), None)
        if key is not None and connection.vendor == "postgresql":
            _compile_key_sql(using, queryset, key)
        return key
    sql, converters = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, (prefix,))
        row = cursor.fetchone()
    # from_db reads field_names only for a row that lacks some fields; this one has them all (the stubs want names).
    return None if row is None else ApiKey.from_db(using, None, _converted(row, converters, connection))  # type: ignore[arg-type]


def _converted(row: tuple[Any, ...], converters: tuple[Callable[..., Any] | None, ...], connection: Any) -> list[Any]:
    return [
        value if convert is None else convert(value, None, connection)
        for value, convert in zip(row, converters, strict=True)
    ]


def _compile_key_sql(using: str, queryset: Any, key: ApiKey) -> None:
    """Cache the SQL once it is shown to give the very key the ORM gave (every field, converted alike)."""
    connection = connections[using]
    sql, params = queryset.query.sql_with_params()
    fields = ApiKey._meta.concrete_fields
    if tuple(params) != (key.prefix,) or any(
        connection.ops.get_db_converters(field.get_col(ApiKey._meta.db_table)) for field in fields
    ):
        return  # not the shape expected, or the backend converts columns itself: stay with the ORM
    converters = tuple(getattr(field, "from_db_value", None) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or len(row) != len(fields):
        return
    if _converted(row, converters, connection) != [getattr(key, field.attname) for field in fields]:
        return
    _KEY_SQL[using] = (sql, converters)


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
        key = api_key_by_prefix(prefix)
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
