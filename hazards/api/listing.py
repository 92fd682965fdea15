"""The hazard list's rows, straight from the query: a page of `values_list` tuples turned into the same
dicts `HazardSerializer` gives (which stays the schema of `GET /api/v1/hazards/`).

At 1,000,000 hazards the list's SQL costs a few milliseconds; building 50 model instances with their
enterprise and jurisdiction and running 27 serializer fields per row (a URL reversed for each) cost many
times that. tests/hazards/test_list_rows.py compares the two outputs field by field.

`HazardListPaginator` then skips compiling the page's SQL (the rows and the capped count in one statement, which
the ORM took about a millisecond to build: more CPU than anything else in the request): the statement is compiled
once per query shape — the queryset's WHERE tree, with its values (the caller's scope, the filters), its columns,
joins and order, the time zone, the page's offset and size — and run again by its SQL for the next request of
that shape. A WHERE tree holding anything but columns, transforms of columns and plain values (a subquery, an
expression) is compiled every time, as before; tests/hazards/test_list_sql_cache.py checks the pages against the
uncached ones.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from contextlib import suppress
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup, Transform
from django.db.models.query import ModelIterable
from django.db.models.sql.where import WhereNode
from django.urls import reverse
from django.utils import timezone

from safety_platform.pagination import ListPaginator

from ..choices import RECTIFICATION_STATES
from ..models import Hazard

# (output key, query column); the order of HazardSerializer.Meta.fields.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "id"),
    ("code", "code"),
    ("enterprise", "enterprise_id"),
    ("enterprise_name", "enterprise__name"),
    ("credit_code", "enterprise__credit_code"),
    ("jurisdiction", "enterprise__jurisdiction_id"),
    ("title", "title"),
    ("description", "description"),
    ("location", "location"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("source", "source"),
    ("state", "state"),
    ("grade", "grade"),
    ("found_at", "found_at"),
    ("deadline", "deadline"),
    ("responsible_person", "responsible_person"),
    ("responsible_phone", "responsible_phone"),
    ("is_listed", "is_listed"),
    ("is_overdue", ""),  # computed from state and deadline
    ("campaign", "campaign_id"),
    ("risk_source", "risk_source_id"),
    ("assessed_at", "assessed_at"),
    ("reported_at", "reported_at"),
    ("submitted_at", "submitted_at"),
    ("closed_at", "closed_at"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("web_url", ""),  # the detail page's URL
)
_QUERIED = [(key, column) for key, column in COLUMNS if column]
_QUERIED_KEYS = tuple(key for key, _ in _QUERIED)
_OUTPUT_KEYS = tuple(key for key, _ in COLUMNS)


def hazard_rows(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The list's queryset (filters and order kept) reading only the columns a row shows."""
    return queryset.values_list(*(column for _, column in _QUERIED))


def _datetime(value: dt.datetime | None, zone: Any) -> str | None:
    # As DRF's DateTimeField (DATETIME_FORMAT iso-8601): in the current time zone, "Z" for UTC.
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def hazard_dicts(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of `hazard_rows` as HazardSerializer's dicts (one pass per row: the columns in _QUERIED order)."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    url_of_zero = reverse("hazards:detail", args=[0])
    head, _, tail = url_of_zero.rpartition("/0/")
    rectification = RECTIFICATION_STATES
    return [
        {
            "id": pk,
            "code": code,
            "enterprise": enterprise,
            "enterprise_name": enterprise_name,
            "credit_code": credit_code,
            "jurisdiction": jurisdiction,
            "title": title,
            "description": description,
            "location": location,
            "latitude": latitude,
            "longitude": longitude,
            "source": source,
            "state": state,
            "grade": grade,
            "found_at": _datetime(found_at, zone),
            "deadline": None if deadline is None else deadline.isoformat(),
            "responsible_person": responsible_person,
            "responsible_phone": responsible_phone,
            "is_listed": is_listed,
            "is_overdue": state in rectification and deadline is not None and deadline < today,
            "campaign": campaign,
            "risk_source": risk_source,
            "assessed_at": _datetime(assessed_at, zone),
            "reported_at": _datetime(reported_at, zone),
            "submitted_at": _datetime(submitted_at, zone),
            "closed_at": _datetime(closed_at, zone),
            "created_at": _datetime(created_at, zone),
            "updated_at": _datetime(updated_at, zone),
            "web_url": f"{head}/{pk}/{tail}",
        }
        for (
            pk,
            code,
            enterprise,
            enterprise_name,
            credit_code,
            jurisdiction,
            title,
            description,
            location,
            latitude,
            longitude,
            source,
            state,
            grade,
            found_at,
            deadline,
            responsible_person,
            responsible_phone,
            is_listed,
            campaign,
            risk_source,
            assessed_at,
            reported_at,
            submitted_at,
            closed_at,
            created_at,
            updated_at,
        ) in rows
    ]


# Page statements compiled once per shape (see the module docstring): key → (SQL, params).
_PAGE_SQL: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_PAGE_SQL_MAX = 512  # scopes × filters × pages: bounded, the oldest shape goes first
_PLAIN_VALUES = (type(None), str, int, float, Decimal, dt.date, dt.time, dt.timedelta, uuid.UUID)


def _plain_value(value: Any, types: list[type]) -> bool:
    types.append(type(value))  # equal values of other types (1 and True) may be other SQL: the types are keyed too
    if isinstance(value, _PLAIN_VALUES):
        return True
    if isinstance(value, Model):
        return value.pk is not None
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(_plain_value(v, types) for v in value)
    return False


def _plain_expression(node: Any) -> bool:
    if isinstance(node, Col):
        return True
    if isinstance(node, Transform):  # e.g. found_at__date (its time zone is part of the key)
        return all(_plain_expression(e) for e in node.get_source_expressions())
    return False


def _plain_where(node: Any, types: list[type]) -> bool:
    """Whether equal WHERE trees (Django's expression identity) mean equal SQL: only columns, transforms of
    columns and plain values (their types collected in `types`); a subquery or any other expression compares by
    its class and arguments only."""
    if isinstance(node, WhereNode):
        return all(_plain_where(child, types) for child in node.children)
    if isinstance(node, Lookup):
        return type(node).__eq__ is Lookup.__eq__ and _plain_expression(node.lhs) and _plain_value(node.rhs, types)
    return False


def _shape(queryset: QuerySet[Any]) -> tuple[Any, ...] | None:
    """What the page's SQL is made of — the hazards queryset (scoped, filtered, ordered) whose `hazard_rows` it
    reads — or None where a page is not compiled once (see _plain_where)."""
    query = queryset.query
    types: list[type] = []
    if (
        queryset._iterable_class is not ModelIterable
        or query.values_select
        or query.annotations
        or query.extra
        or query.extra_tables
        or query.distinct
        or query.group_by is not None
        or query.combinator
        or query.is_sliced
        or query.select_for_update
        or not _plain_where(query.where, types)
    ):
        return None
    joins = tuple(
        (alias, join.table_name, getattr(join, "join_type", None), getattr(join, "parent_alias", None))
        for alias, join in query.alias_map.items()
    )
    order = (tuple(query.order_by), query.default_ordering, query.standard_ordering)
    try:
        return (
            queryset.model,
            queryset.db,
            query.where,
            hash(query.where),  # refuses an unhashable value early (TypeError)
            tuple(types),
            _QUERIED_KEYS,  # the columns hazard_rows reads
            joins,
            order,
            timezone.get_current_timezone_name(),
        )
    except TypeError:
        return None


class HazardListPaginator(ListPaginator):
    """ListPaginator over the list's hazards queryset whose pages are `hazard_rows` rows, the page statement (rows
    and capped count) compiled once per query shape: a kept statement is run without building the rows' query
    (`values_list` of 27 columns) nor compiling it."""

    def _read(self, bottom: int) -> tuple[list[Any], int | None]:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or queryset.model is not Hazard:
            return super()._read(bottom)
        shape = _shape(queryset) if self.count_with_page else None
        key = None if shape is None else (*shape, bottom, self.per_page, self.count_cap)
        compiled = None if key is None else _PAGE_SQL.get(key)
        if compiled is None:
            self.object_list = queryset = hazard_rows(queryset)
            if key is None:
                return super()._read(bottom)
            try:
                counted = self._capped_count_query()
                if counted is None:
                    return super()._read(bottom)
                page = counted[bottom : bottom + self.per_page + 1]
                compiler = page.query.get_compiler(using=page.db)
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                # A WHERE that matches nothing (a scope of no jurisdiction): no rows, as the ORM reads such a list
                # (ListPaginator compiled the count of it on its own and answered a 500).
                return [], None
            if compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]]):
                return super()._read(bottom)  # values the database driver does not give as the ORM does
            compiled = (sql, tuple(params))
            rows = self._run(queryset.db, compiled)
            # Kept once it ran: a statement the database refused is not answered to the next equal shape.
            if len(_PAGE_SQL) >= _PAGE_SQL_MAX:
                with suppress(StopIteration, RuntimeError):  # another thread of the process emptied or resized it
                    _PAGE_SQL.pop(next(iter(_PAGE_SQL)), None)
            _PAGE_SQL[key] = compiled
        else:
            rows = self._run(queryset.db, compiled)
        if not rows:
            return rows, None  # no row to carry the count: the (empty) page tells the total
        return [row[:-1] for row in rows], rows[0][-1]

    @staticmethod
    def _run(alias: str, compiled: tuple[str, tuple[Any, ...]]) -> list[Any]:
        with connections[alias].cursor() as cursor:
            cursor.execute(*compiled)
            return cursor.fetchall()
