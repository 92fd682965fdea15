"""The hazard list's rows, straight from the query: a page of `values_list` tuples turned into the same
dicts `HazardSerializer` gives (which stays the schema of `GET /api/v1/hazards/`).

At 1,000,000 hazards the list's SQL costs a few milliseconds; building 50 model instances with their
enterprise and jurisdiction and running 27 serializer fields per row (a URL reversed for each) cost many
times that. tests/hazards/test_list_rows.py compares the two outputs field by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from ..choices import RECTIFICATION_STATES

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
_DATETIMES = ("found_at", "assessed_at", "reported_at", "submitted_at", "closed_at", "created_at", "updated_at")


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
    """Rows of `hazard_rows` as HazardSerializer's dicts."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    url_of_zero = reverse("hazards:detail", args=[0])
    head, _, tail = url_of_zero.rpartition("/0/")
    result = []
    for row in rows:
        item = dict(zip(_QUERIED_KEYS, row, strict=True))
        for key in _DATETIMES:
            item[key] = _datetime(item[key], zone)
        deadline = item["deadline"]
        item["is_overdue"] = item["state"] in RECTIFICATION_STATES and deadline is not None and deadline < today
        item["deadline"] = deadline.isoformat() if deadline is not None else None
        item["web_url"] = f"{head}/{item['id']}/{tail}"
        result.append({key: item[key] for key in _OUTPUT_KEYS})
    return result
