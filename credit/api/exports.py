"""The feeds as files (`?format=csv|xlsx`): the same columns and values as the JSON rows, without a serializer.

A `ModelSerializer` per row cost ~1 ms; at 100,000 ratings that was most of a two-minute download. Here
each row is read with `values_list` and formatted by hand the way the serializers format it (DRF's ISO
8601 in the current time zone with `Z` for UTC, ISO dates, `true`/`false`), which
`tests/credit/test_exports.py` checks cell by cell against the serializers. The writing itself (streaming,
formula escaping) is `safety_platform.exports`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .serializers import GRADE_LABELS, BlacklistEntrySerializer, RatingSerializer

CHUNK = 2000

RATING_COLUMNS: list[str] = list(RatingSerializer.Meta.fields)
BLACKLIST_COLUMNS: list[str] = list(BlacklistEntrySerializer.Meta.fields)


def _datetime_formatter() -> Callable[[dt.datetime | None], str | None]:
    """DRF's DateTimeField output (iso-8601 in the current time zone, `Z` for UTC), zone read once."""
    zone = timezone.get_current_timezone()

    def fmt(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return fmt


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def rating_rows(queryset: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """One tuple per rating in RATING_COLUMNS order, in the queryset's order."""
    fmt = _datetime_formatter()
    labels = GRADE_LABELS
    values = queryset.values_list(
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
    for pk, code, name, grade, score, blacklisted, version, as_of, computed_at, status, updated_at in values.iterator(
        chunk_size=CHUNK
    ):
        yield (
            pk,
            code,
            name,
            grade,
            labels.get(grade, ""),
            score,
            "true" if blacklisted else "false",
            version,
            as_of.isoformat(),
            fmt(computed_at),
            status,
            fmt(updated_at),
        )


def blacklist_rows(queryset: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """One tuple per published entry in BLACKLIST_COLUMNS order, in the queryset's order."""
    fmt = _datetime_formatter()
    values = queryset.values_list(
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
    for row in values.iterator(chunk_size=CHUNK):
        yield (
            *row[:9],
            _date(row[9]),
            _date(row[10]),
            _date(row[11]),
            row[12],
            fmt(row[13]),
            fmt(row[14]),
        )
