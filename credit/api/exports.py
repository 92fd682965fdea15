"""The feeds as files (`?format=csv|xlsx`): the same columns and values as the JSON rows, without a serializer.

A `ModelSerializer` per row cost ~1 ms; at 100,000 ratings that was most of a two-minute download. The
rows come from the same `values_list` columns and hand-written formatters as the JSON pages (`.feed`),
one batch of 2,000 at a time from a server-side cursor; only booleans differ, written `true`/`false` as
the files always had them. `tests/credit/test_exports.py` checks the files cell by cell against the JSON
rows. The writing itself (streaming, formula escaping) is `safety_platform.exports`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from . import feed
from .serializers import BlacklistEntrySerializer, RatingSerializer

CHUNK = 2000

RATING_COLUMNS: list[str] = list(RatingSerializer.Meta.fields)
BLACKLIST_COLUMNS: list[str] = list(BlacklistEntrySerializer.Meta.fields)

Dicts = Callable[[Iterable[tuple[Any, ...]]], list[dict[str, Any]]]


def _file_rows(queryset: QuerySet[Any], columns: tuple[str, ...], to_dicts: Dicts) -> Iterator[list[Any]]:
    values = queryset.values_list(*columns).iterator(chunk_size=CHUNK)
    while batch := list(islice(values, CHUNK)):
        for row in to_dicts(batch):
            yield ["true" if v is True else "false" if v is False else v for v in row.values()]


def rating_rows(queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    """One list per rating in RATING_COLUMNS order, in the queryset's order."""
    return _file_rows(queryset, feed.RATING_COLUMNS, feed.rating_dicts)


def blacklist_rows(queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    """One list per published entry in BLACKLIST_COLUMNS order, in the queryset's order."""
    return _file_rows(queryset, feed.BLACKLIST_COLUMNS, feed.blacklist_dicts)
