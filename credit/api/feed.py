"""The feeds' JSON rows, straight from the query: one `values_list` query per page, one dict per row.

A `ModelSerializer` per row cost more than the query and the JSON together (the feeds ran at 0.3× a
bare WSGI app running the same SQL and JSON). Each row is formatted here by hand exactly as the
serializers in `.serializers` format it — they stay the documented response schema (OpenAPI) and the
webhook payloads; `tests/credit/test_feed_rows.py` checks every field of both against them:

- date-times: DRF's ISO 8601 in the current time zone, `Z` for UTC (`DateTimeField.to_representation`);
- dates: ISO 8601; a missing date or department: `null`; choices and texts: the stored string.

Every column tuple starts with `id` and ends with `updated_at`: `pagination.row_key` reads the
page's keyset position from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from .serializers import GRADE_LABELS

RATING_COLUMNS = (
    "id",
    "enterprise__credit_code",
    "enterprise__name",
    "grade",
    "score",
    "blacklisted",
    "rule_set__version",
    "as_of",
    "computed_at",
    "status",
    "updated_at",
)

BLACKLIST_COLUMNS = (
    "id",
    "enterprise__credit_code",
    "enterprise__name",
    "status",
    "case",
    "reason",
    "legal_basis",
    "department__name",
    "rule_set__version",
    "listed_on",
    "ends_on",
    "removed_on",
    "removal_reason",
    "created_at",
    "updated_at",
)


def datetime_formatter() -> Callable[[dt.datetime | None], str | None]:
    """DRF's DateTimeField output (iso-8601 in the current time zone, `Z` for UTC); the zone is read once."""
    zone = timezone.get_current_timezone()

    def fmt(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return fmt


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def rating_dicts(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """RATING_COLUMNS rows → the RatingSerializer's dicts (same keys, same order, same values)."""
    fmt = datetime_formatter()
    labels = GRADE_LABELS
    return [
        {
            "id": pk,
            "credit_code": code,
            "enterprise_name": name,
            "grade": grade,
            "grade_label": labels.get(grade, ""),
            "score": score,
            "blacklisted": bool(blacklisted),
            "rule_set_version": version,
            "as_of": _date(as_of),
            "computed_at": fmt(computed_at),
            "status": status,
            "updated_at": fmt(updated_at),
        }
        for pk, code, name, grade, score, blacklisted, version, as_of, computed_at, status, updated_at in rows
    ]


def blacklist_dicts(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """BLACKLIST_COLUMNS rows → the BlacklistEntrySerializer's dicts (same keys, same order, same values)."""
    fmt = datetime_formatter()
    return [
        {
            "id": pk,
            "credit_code": code,
            "enterprise_name": name,
            "status": status,
            "case": case,
            "reason": reason,
            "legal_basis": legal_basis,
            "listing_department": department,
            "rule_set_version": version,
            "listed_on": _date(listed_on),
            "ends_on": _date(ends_on),
            "removed_on": _date(removed_on),
            "removal_reason": removal_reason,
            "created_at": fmt(created_at),
            "updated_at": fmt(updated_at),
        }
        for (
            pk,
            code,
            name,
            status,
            case,
            reason,
            legal_basis,
            department,
            version,
            listed_on,
            ends_on,
            removed_on,
            removal_reason,
            created_at,
            updated_at,
        ) in rows
    ]
