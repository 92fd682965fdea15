"""The legal numbers' registry and reader (DESIGN §3a, issue 13 item 4).

Each app declares its numbers at `ready()`:

    register_rule("training.new_staff_hours.high_risk", default=72, unit=UNIT_HOURS,
                  label=_("…"), legal_basis="…")

and reads them where it decides:

    hours = rule_number("training.new_staff_hours.high_risk", on=day)   # RuleValue(value, version)

`rule_number` takes the active version of the rule book in force on that day that holds the key, and falls
back to the registered default (version label `DEFAULT_VERSION`) — a fresh database and the tests work
without any version. The rule book is small (a few versions of a few dozen numbers): it is read whole in
one query and kept for the rest of the request (or of a `rules_cached()` block, e.g. a scheduled job), so
a list page reads it once, never once per row. Outside a request every call reads it (one query).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

# The version a default (not read from the database) reports.
DEFAULT_VERSION = ""

UNIT_HOURS = "hours"
UNIT_DAYS = "days"
UNIT_MONTHS = "months"
UNIT_YEARS = "years"


@dataclass(frozen=True)
class RuleSpec:
    key: str
    default: Decimal
    unit: str
    label: Any
    legal_basis: str
    group: Any


@dataclass(frozen=True)
class RuleValue:
    value: Decimal
    version: str

    @property
    def days(self) -> int:
        return int(self.value)

    @property
    def months(self) -> int:
        return int(self.value)

    @property
    def years(self) -> int:
        return int(self.value)

    def __int__(self) -> int:
        return int(self.value)


def number_text(value: Decimal) -> str:
    """A rule-book number as people write it: a whole number without decimals (24, not 24.0 nor 2.4E+1), any
    other as stored (1.5)."""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


_REGISTRY: dict[str, RuleSpec] = {}


def register_rule(
    key: str, *, default: int | str | Decimal, unit: str, label: Any, legal_basis: str = "", group: Any = ""
) -> RuleSpec:
    """Declare a legal number (idempotent: an app's `ready()` may run twice in tests)."""
    spec = RuleSpec(key, Decimal(str(default)), unit, label, legal_basis, group)
    _REGISTRY[key] = spec
    return spec


def registered_rules() -> list[RuleSpec]:
    return [_REGISTRY[key] for key in sorted(_REGISTRY)]


def rule_spec(key: str) -> RuleSpec:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"Unknown legal number {key!r}: register it with register_rule() in the app's ready()") from None


# (in_force_from, label, {key: (value, unit, legal_basis)}) of the active versions, newest first.
Book = list[tuple[dt.date, str, dict[str, tuple[Decimal, str, str]]]]

_request_book: contextvars.ContextVar[Book | None] = contextvars.ContextVar("rule_book", default=None)
_caching: contextvars.ContextVar[bool] = contextvars.ContextVar("rule_book_caching", default=False)


def _load_book() -> Book:
    from .models.rules import RuleBookStatus, RuleNumber

    versions: dict[int, tuple[dt.date, str, dict[str, tuple[Decimal, str, str]]]] = {}
    rows = (
        RuleNumber.objects.filter(version__status=RuleBookStatus.ACTIVE)
        .order_by()
        .values_list("version_id", "version__in_force_from", "version__label", "key", "value", "unit", "legal_basis")
    )
    for version_id, in_force_from, label, key, value, unit, basis in rows:
        entry = versions.setdefault(version_id, (in_force_from, label, {}))
        entry[2][key] = (value, unit, basis)
    return sorted(versions.values(), key=lambda v: (v[0], v[1]), reverse=True)


def _book() -> Book:
    if not _caching.get():
        return _load_book()
    book = _request_book.get()
    if book is None:
        book = _load_book()
        _request_book.set(book)
    return book


def clear_rules_cache(**_: Any) -> None:
    _request_book.set(None)


@contextmanager
def rules_cached() -> Iterator[None]:
    """Read the rule book once for the block (a scheduled job's loop, a page)."""
    caching = _caching.set(True)
    book = _request_book.set(None)
    try:
        yield
    finally:
        _request_book.reset(book)
        _caching.reset(caching)


def _request_begins(**_: Any) -> None:
    _caching.set(True)
    _request_book.set(None)


def _request_ends(**_: Any) -> None:
    _caching.set(False)
    _request_book.set(None)


request_started.connect(_request_begins, dispatch_uid="rules_request_started")
request_finished.connect(_request_ends, dispatch_uid="rules_request_finished")


def connect_model_signals() -> None:
    """A saved or deleted version or number is read afresh (called from the core's `ready()`)."""
    from .models.rules import RuleBookVersion, RuleNumber

    for model in (RuleBookVersion, RuleNumber):
        post_save.connect(clear_rules_cache, sender=model, dispatch_uid=f"rules_clear_save_{model.__name__}")
        post_delete.connect(clear_rules_cache, sender=model, dispatch_uid=f"rules_clear_delete_{model.__name__}")


def rule_number(key: str, on: dt.date | None = None) -> RuleValue:
    """The number `key` in force on `on` (today in Shanghai by default), with the version that sets it."""
    spec = rule_spec(key)
    on = on or timezone.localdate()
    for in_force_from, label, numbers in _book():
        if in_force_from <= on and key in numbers:
            return RuleValue(numbers[key][0], label)
    return RuleValue(spec.default, DEFAULT_VERSION)


def rule_int(key: str, on: dt.date | None = None) -> int:
    return int(rule_number(key, on).value)


@dataclass(frozen=True)
class RuleRow:
    spec: RuleSpec
    value: Decimal
    version: str
    legal_basis: str


def rules_in_force(on: dt.date | None = None) -> list[RuleRow]:
    """Every registered number as in force on `on`, with its legal basis and version (the rules page)."""
    on = on or timezone.localdate()
    book = _book()
    rows = []
    for spec in registered_rules():
        found = next(
            ((label, numbers[spec.key]) for start, label, numbers in book if start <= on and spec.key in numbers), None
        )
        if found is None:
            rows.append(RuleRow(spec, spec.default, DEFAULT_VERSION, spec.legal_basis))
        else:
            label, (value, _unit, basis) = found
            rows.append(RuleRow(spec, value, label, basis or spec.legal_basis))
    return rows


def rule_numbers(keys: list[str], on: dt.date | None = None) -> dict[str, RuleValue]:
    """Several numbers in force on `on`, the rule book read once."""
    on = on or timezone.localdate()
    book = _book()
    found: dict[str, RuleValue] = {}
    for key in keys:
        spec = rule_spec(key)
        hit = next(((label, numbers[key][0]) for start, label, numbers in book if start <= on and key in numbers), None)
        found[key] = RuleValue(spec.default, DEFAULT_VERSION) if hit is None else RuleValue(hit[1], hit[0])
    return found


# Clocks that the legal numbers set (a drill due, a listing's end), opened for records made before they were
# on the statutory clock: each app registers an idempotent function; `manage.py open_rule_clocks` and the
# demo run them.
_CLOCK_BACKFILLS: dict[str, Callable[[], int]] = {}


def register_clock_backfill(name: str, backfill: Callable[[], int]) -> None:
    _CLOCK_BACKFILLS[name] = backfill


def run_clock_backfills() -> dict[str, int]:
    return {name: backfill() for name, backfill in _CLOCK_BACKFILLS.items()}


def seed_rule_clocks() -> None:
    """Demo seeder: the demo's plans and listings get their clocks (registered after the records' seeders)."""
    run_clock_backfills()
