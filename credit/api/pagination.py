"""Keyset ("cursor") pagination over (updated_at, id) for the departments' incremental sync.

Pages never shift when rows change between requests: a page starts strictly after the key of the
previous page's last row. The last page also returns a `sync_cursor`: passing it next time returns
exactly what changed since (a removal too, since it bumps `updated_at`).

A transaction can commit a little after the `updated_at` it stamped. So the `sync_cursor` never
points later than `now − SETTLE`: rows stamped in the last few seconds come again in the next
pull rather than risk being skipped (delivery is at least once; rows are keyed by `id`).

"Strictly after the key" is the row comparison `(updated_at, id) > (X, Y)`: PostgreSQL starts an
index range scan on the (updated_at, id) index right at the key, so a deep page costs what the first
one does and a full sync is linear. The equivalent `updated_at > X OR (updated_at = X AND id > Y)`
gives the same rows, but the planner cannot use it as an index bound: it filtered from the start of
the index on every page (65 ms instead of 6 ms for a deep page of 100,000 ratings), and the whole
sync grew quadratically.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

# Django's own row-value lookup (the one composite primary keys use): `(a, b) > (x, y)` on PostgreSQL,
# the equivalent OR/AND expansion where the backend lacks row values (SQLite).
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from safety_platform.db_first_read import first_read

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_ID = 2**63 - 1  # bigint; a larger id in a forged cursor would overflow the database parameter


def settle_seconds() -> float:
    return float(getattr(settings, "CREDIT_SYNC_SETTLE_SECONDS", 5))


def encode_cursor(updated_at: dt.datetime, pk: int) -> str:
    raw = f"{updated_at.astimezone(dt.UTC).isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[dt.datetime, int]:
    """Raises a 400 naming `cursor` for anything that is not a cursor this API handed out."""
    try:
        padded = value + "=" * (-len(value) % 4)
        stamp, _sep, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        updated_at = parse_datetime(stamp)
        if updated_at is None or updated_at.tzinfo is None or not pk.isascii() or not pk.isdigit():
            raise ValueError(value)
        if int(pk) > MAX_ID:
            raise ValueError(value)
        updated_at.astimezone(dt.UTC)  # OverflowError for 0001-01-01T00:00+14:00 and the like
        return updated_at, int(pk)
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error) as exc:
        message = _("Invalid cursor: use a `next` or `sync_cursor` value.")
        raise exceptions.ValidationError({"cursor": [message]}) from exc


def after_cursor(queryset: QuerySet[Any], cursor: tuple[dt.datetime, int] | None) -> QuerySet[Any]:
    if cursor is None:
        return queryset
    return queryset.filter(TupleGreaterThan(Tuple("updated_at", "pk"), cursor))


def model_key(obj: Any) -> tuple[dt.datetime, int]:
    return obj.updated_at, obj.pk


def row_key(row: tuple[Any, ...]) -> tuple[dt.datetime, int]:
    """The key of a `values_list` row that starts with `id` and ends with `updated_at` (the feeds' rows)."""
    return row[-1], row[0]


# Page SQL compiled once per query shape. Building the SQL of a page from the ORM cost about as much
# as running it; a department's system pulls the same shape (its key, no filter, a cursor) all day.
_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_COMPILED_MAX = 256  # shapes × page sizes a client may choose: bounded, the rest compile as before


class DeferredQuerySet:
    """A page's queryset built only if the page's SQL is not cached yet: its database and how to build it.

    With a cached shape the page runs the cached SQL and the queryset is never used; building it still
    cost the ORM's clone and filter work on every request (the blacklist's `visible_to` adds a filter:
    about 60 µs a page, issue 16).
    """

    def __init__(self, db: str, build: Callable[[], QuerySet[Any]]) -> None:
        self.db = db
        self.build = build


def fetch_page(
    queryset: QuerySet[Any] | DeferredQuerySet,
    shape: tuple[Any, ...] | None,
    cursor: tuple[dt.datetime, int] | None,
    size: int,
    columns: tuple[str, ...] = (),
) -> list[Any]:
    """Up to `size + 1` rows of `queryset` after `cursor` (as `values_list(*columns)` rows if columns are
    given); with a `shape` (a view's promise that only the cursor varies), by the cached SQL, without
    building the page's query at all (the joins of `values_list` alone cost a third of a millisecond),
    nor the queryset itself if it is a `DeferredQuerySet`.

    The cache is filled only after checking, on PostgreSQL, that the compiled parameters end with the
    cursor's and that the raw rows equal the ORM's (no converters in play); anything else stays ORM.
    The page may be its connection's first query of the request (a read replica's): it then serves as
    the connection's health check (safety_platform.db_first_read).
    """
    using = queryset.db
    return first_read(using, lambda: _fetch_page(using, queryset, shape, cursor, size, columns))


def _page_queryset(
    queryset: QuerySet[Any], cursor: tuple[dt.datetime, int] | None, size: int, columns: tuple[str, ...]
) -> QuerySet[Any]:
    if columns:
        queryset = queryset.values_list(*columns)
    return after_cursor(queryset, cursor).order_by("updated_at", "pk")[: size + 1]


def _fetch_page(
    using: str,
    queryset: QuerySet[Any] | DeferredQuerySet,
    shape: tuple[Any, ...] | None,
    cursor: tuple[dt.datetime, int] | None,
    size: int,
    columns: tuple[str, ...],
) -> list[Any]:
    connection = connections[using]
    if shape is None or connection.vendor != "postgresql":
        return list(_page_queryset(_built(queryset), cursor, size, columns))
    tail: tuple[Any, ...] = tuple(cursor) if cursor is not None else ()
    key = (*shape, cursor is not None, 0, size + 1)
    entry = _COMPILED.get(key)
    if entry is None:
        page = _page_queryset(_built(queryset), cursor, size, columns)
        sql, params = page.query.sql_with_params()
        rows = list(page)
        if not rows or tuple(params[len(params) - len(tail) :]) != tail:
            return rows
        constants = tuple(params[: len(params) - len(tail)])
        with connection.cursor() as db:
            db.execute(sql, (*constants, *tail))
            if db.fetchall() != rows:
                return rows
        if len(_COMPILED) < _COMPILED_MAX:
            _COMPILED[key] = (sql, constants)
        return rows
    sql, constants = entry
    with connection.cursor() as db:
        db.execute(sql, (*constants, *tail))
        return db.fetchall()


def _built(queryset: QuerySet[Any] | DeferredQuerySet) -> QuerySet[Any]:
    return queryset.build() if isinstance(queryset, DeferredQuerySet) else queryset


class SyncCursorPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def __init__(self) -> None:
        self.page: list[Any] = []
        self.next_key: tuple[dt.datetime, int] | None = None
        self.sync_key: tuple[dt.datetime, int] | None = None
        self.request: Any = None
        # How to read (updated_at, id) from a row: model instances by default; a view paging
        # `values_list` rows sets `page_key` (e.g. `row_key`).
        self.key_of: Callable[[Any], tuple[dt.datetime, int]] = model_key

    def page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("page_size must be an integer from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        return int(raw)

    def cursor(self, request: Any) -> tuple[dt.datetime, int] | None:
        raw = request.query_params.get(self.cursor_query_param)
        return decode_cursor(raw) if raw else None

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        self.request = request
        self.key_of = getattr(view, "page_key", None) or model_key
        size = self.page_size(request)
        cursor = self.cursor(request)
        shape = view.page_sql_shape(request) if hasattr(view, "page_sql_shape") else None
        rows = fetch_page(queryset, shape, cursor, size, getattr(view, "feed_columns", ()))
        self.page = rows[:size]
        if len(rows) > size:
            self.next_key = self.key_of(self.page[-1])
            return self.page
        # Last page: the key to resume from next time, never later than the settle horizon.
        horizon = timezone.now() - dt.timedelta(seconds=settle_seconds())
        candidate = self.key_of(self.page[-1]) if self.page else cursor
        self.sync_key = candidate if candidate is not None and candidate[0] <= horizon else (horizon, 0)
        return self.page

    def get_next_link(self) -> str | None:
        if self.next_key is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encode_cursor(*self.next_key))

    def get_sync_cursor(self) -> str | None:
        return encode_cursor(*self.sync_key) if self.sync_key else None

    def get_sync_link(self) -> str | None:
        if self.sync_key is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "updated_since")
        return replace_query_param(url, self.cursor_query_param, self.get_sync_cursor())

    def get_paginated_data(self, data: Any) -> OrderedDict[str, Any]:
        return OrderedDict(
            [
                ("next", self.get_next_link()),
                ("sync_cursor", self.get_sync_cursor()),
                ("results", data),
            ]
        )

    def get_paginated_response(self, data: Any) -> Response:
        return Response(self.get_paginated_data(data))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "sync_cursor", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "URL of the next page; null on the last page.",
                },
                "sync_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": (
                        "On the last page only: pass it as `cursor` in the next pull to receive exactly the "
                        "entries changed since (including removals). Rows changed in the last few seconds may "
                        "be repeated; identify rows by `id`."
                    ),
                },
                "results": schema,
            },
        }
