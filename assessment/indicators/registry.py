"""The indicator registry: each indicator is one small function over the database, registered by name.

A later app adds an indicator by decorating a function in a module listed in `INDICATOR_MODULES`
(or imported by its own AppConfig.ready()); the engine never changes for it.

An indicator takes (assessee, period) and returns a `Figure`: the raw numerator, the base it is a
share or rate of (its denominator: the records in scope), and the ids of the records behind the
numerator. Normalization and scoring are the scheme's business, not the indicator's.

Each indicator declares the kind of assessee it applies to (`kinds`): a county/district/zone (the
default) or a member department (the duty check, 履责检查); a scheme lists only indicators of its kind.
A timeliness indicator declares `default_days` and receives `days=` (the scheme's `days_allowed`, else
that default), so the allowed delay is part of the versioned scheme.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.utils import timezone

INDICATOR_MODULES = (
    "assessment.indicators.hazards",
    "assessment.indicators.enterprises",
    "assessment.indicators.emergency",
    "assessment.indicators.credit",
    "assessment.indicators.supervision",
    "assessment.indicators.departments",
)

# The kinds of assessee (the values of `assessment.choices.SchemeKind`, kept as strings to avoid an import cycle).
JURISDICTION = "jurisdiction"
DEPARTMENT = "department"


@dataclass(frozen=True)
class Window:
    """The period an indicator looks at: dates, and the aware datetimes bounding them (local time)."""

    start: dt.date
    end: dt.date
    months: int

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_at(self) -> dt.datetime:
        """The first moment after the period (exclusive bound)."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    @property
    def as_of(self) -> dt.date:
        """The day a state is read on: the period's last day, or today for a period still running."""
        return min(self.end, timezone.localdate())


@dataclass
class Figure:
    """What an indicator found: `numerator` out of `denominator` (None when a base makes no sense)."""

    numerator: Decimal
    denominator: Decimal | None = None
    record_model: str = ""
    record_ids: list[int] = field(default_factory=list)
    # Set when the figure cannot be computed (no records in scope, an input missing): the reason, in words.
    not_computable: str = ""

    @classmethod
    def share(cls, record_ids: list[int], *, out_of: int, record_model: str) -> Figure:
        """A share: the rows counted (their ids kept, the records behind the figure) out of `out_of` rows."""
        return cls(
            numerator=Decimal(len(record_ids)),
            denominator=Decimal(out_of),
            record_model=record_model,
            record_ids=record_ids,
        )


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    label: Any
    func: Callable[..., Figure] | None
    measurable: bool = True
    # Why an indicator is registered but cannot be measured yet (shown in every result).
    not_measurable_reason: Any = ""
    kinds: frozenset[str] = frozenset({JURISDICTION})
    # A timeliness indicator: the days allowed when the scheme does not set them (None: not one).
    default_days: int | None = None


_REGISTRY: dict[str, IndicatorSpec] = {}
_loaded = False


def indicator(
    name: str, label: Any, *, kind: str = JURISDICTION, default_days: int | None = None
) -> Callable[[Callable[..., Figure]], Callable[..., Figure]]:
    """Register `func(assessee, window) -> Figure` (with `days=` when `default_days` is given) under `name`."""

    def decorate(func: Callable[..., Figure]) -> Callable[..., Figure]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"indicator {name!r} is registered twice")
        _REGISTRY[name] = IndicatorSpec(
            name=name, label=label, func=func, kinds=frozenset({kind}), default_days=default_days
        )
        return func

    return decorate


def not_yet_measurable(name: str, label: Any, reason: Any, *, kind: str = JURISDICTION) -> None:
    """Register a scheme indicator the platform cannot measure yet: schemes may list it, runs spread its weight."""
    _REGISTRY[name] = IndicatorSpec(
        name=name, label=label, func=None, measurable=False, not_measurable_reason=reason, kinds=frozenset({kind})
    )


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in INDICATOR_MODULES:
            import_module(module)
        _loaded = True


def get(name: str) -> IndicatorSpec | None:
    _load()
    return _REGISTRY.get(name)


def names() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def choices(kind: str | None = None) -> list[tuple[str, str]]:
    """(name, label) of the registered indicators, of one kind of assessee when `kind` is given."""
    _load()
    return [
        (spec.name, f"{spec.name} · {spec.label}")
        for spec in sorted(_REGISTRY.values(), key=lambda s: s.name)
        if kind is None or kind in spec.kinds
    ]


def ids(queryset: Any) -> list[int]:
    """The ids of the records behind a figure, in order (one query)."""
    return list(queryset.order_by("pk").values_list("pk", flat=True))
