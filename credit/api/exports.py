"""The feeds as files (`?format=csv|xlsx`): the same columns and values as the JSON rows, without a serializer.

A `ModelSerializer` per row cost ~1 ms; at 100,000 ratings that was most of a two-minute download. The
rows come from the same `values_list` columns and hand-written formatters as the JSON pages (`.feed`),
one batch of 2,000 at a time from a server-side cursor; only booleans differ, written `true`/`false` as
the files always had them. `tests/credit/test_exports.py` checks the files cell by cell against the JSON
rows. The writing itself (streaming, formula escaping) is `safety_platform.exports`.

The ratings CSV (100,000 rows and more; issue 16: ≤ 2× the same query written straight by csv.writer) has its
own row builder, `rating_csv_rows`: one tuple of finished cells per row, each column formatted by its own
precomputed function, only the text columns escaped, without the intermediate dict and list of the generic
path; `tests/credit/test_exports.py` checks it against the generic rows, escaped, cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from safety_platform.exports import FORMULA_PREFIXES, escape_cell

from . import feed
from .serializers import GRADE_LABELS, BlacklistEntrySerializer, RatingSerializer

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


def escaped_rows(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """The rows with every text cell formula-escaped (for `csv_response(..., escaped=True)`)."""
    for row in rows:
        yield [escape_cell(v) for v in row]


def blacklist_csv_rows(queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    """blacklist_rows, formula-escaped: the CSV file's cells."""
    return escaped_rows(blacklist_rows(queryset))


def rating_csv_rows(queryset: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The CSV file's cells of rating_rows, formula-escaped, one tuple per rating, built in one step.

    Same cells as `escaped_rows(rating_rows(queryset))`. The texts (credit code, name, rule-set version,
    status) are escaped one C call each; the grade labels are escaped once; ids, grades and scores are numbers
    and dates and times ISO 8601, which never start with a formula character. `as_of` and `computed_at` are
    the same for every grade written by one recalculation run, so each is formatted once per run of equal
    values. The time zone is read when the first row is asked for (in the request's zone, see
    `safety_platform.exports`).
    """
    fmt = feed.datetime_formatter()
    prefixes = FORMULA_PREFIXES
    labels = {grade: escape_cell(label) for grade, label in GRADE_LABELS.items()}
    label = labels.get
    as_of_key: Any = _UNSET
    computed_key: Any = _UNSET
    as_of_text = computed_text = None
    values = queryset.values_list(*feed.RATING_COLUMNS).iterator(chunk_size=CHUNK)
    for pk, code, name, grade, score, blacklisted, version, as_of, computed_at, status, updated_at in values:
        if as_of != as_of_key:
            as_of_key, as_of_text = as_of, None if as_of is None else as_of.isoformat()
        if computed_at != computed_key:
            computed_key, computed_text = computed_at, fmt(computed_at)
        yield (
            pk,
            "'" + code if code.startswith(prefixes) else code,
            "'" + name if name.startswith(prefixes) else name,
            grade,
            label(grade, ""),
            score,
            "true" if blacklisted else "false",
            "'" + version if version.startswith(prefixes) else version,
            as_of_text,
            computed_text,
            "'" + status if status.startswith(prefixes) else status,
            fmt(updated_at),
        )


_UNSET = object()  # equal to no value: the first row always formats its own
