"""Admin lists over tables of millions of rows (hazards, credit records, the audit trail) without counting them.

Django's changelist counts the whole list for its paginator and, by default, the whole table again for "N total".
Every admin of the platform (safety_platform/admin.py sets the default on ModelAdmin, so each app's admin and the
audit log's get it) shows no second total, and pages an unfiltered list of a large table by PostgreSQL's row
estimate (pg_class.reltuples, kept by ANALYZE and autovacuum): the page numbers are approximate there, as the
list itself moves while one reads it. A filtered or searched list, a small table and other databases count exactly.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 100_000  # rows: below, an exact count costs less than a millisecond or so


def estimated_rows(queryset: Any) -> int | None:
    """The planner's row estimate of a whole table, where the queryset is the whole table (no WHERE, no DISTINCT)
    on PostgreSQL and the estimate is above ESTIMATE_ABOVE; otherwise None (count it)."""
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.query
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or query.where or query.distinct or query.combinator or query.is_sliced:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    # -1: never analysed (PostgreSQL 14 and later).
    return int(row[0]) if row and row[0] is not None and row[0] > ESTIMATE_ABOVE else None


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.object_list)
        return estimate if estimate is not None else super().count
