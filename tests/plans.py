"""Query plans in tests (PostgreSQL): whether a page's SQL can be read off the index meant for it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection


def plan_without_seqscan(sql: str, params: Sequence[Any] = ()) -> str:
    """The plan of `sql` (EXPLAIN, JSON text) with sequential scans ruled out, as the planner would choose at scale:
    on a test's few rows a scan of the whole table is cheapest and would hide whether the index serves."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            raw = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET enable_seqscan")
    return json.dumps(json.loads(raw) if isinstance(raw, str) else raw)
