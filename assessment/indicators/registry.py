"""The indicator registry: each indicator is one small function over the database, registered by name.

A later app adds an indicator by decorating a function in a module listed in `INDICATOR_MODULES`
(or imported by its own AppConfig.ready()); the engine never changes for it.

An indicator takes (jurisdiction, period) and returns a `Figure`: the raw numerator, the base it is a
share or rate of (its denominator: the records in scope), and the ids of the records behind the
numerator. Normalization and scoring are the scheme's business, not the indicator's.
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
)


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


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    label: Any
    func: Callable[[Any, Window], Figure] | None
    measurable: bool = True
    # Why an indicator is registered but cannot be measured yet (shown in every result).
    not_measurable_reason: Any = ""


_REGISTRY: dict[str, IndicatorSpec] = {}
_loaded = False


def indicator(name: str, label: Any) -> Callable[[Callable[[Any, Window], Figure]], Callable[[Any, Window], Figure]]:
    """Register `func(jurisdiction, window) -> Figure` under `name`."""

    def decorate(func: Callable[[Any, Window], Figure]) -> Callable[[Any, Window], Figure]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"indicator {name!r} is registered twice")
        _REGISTRY[name] = IndicatorSpec(name=name, label=label, func=func)
        return func

    return decorate


def not_yet_measurable(name: str, label: Any, reason: Any) -> None:
    """Register a scheme indicator the platform cannot measure yet: schemes may list it, runs spread its weight."""
    _REGISTRY[name] = IndicatorSpec(name=name, label=label, func=None, measurable=False, not_measurable_reason=reason)


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


def choices() -> list[tuple[str, str]]:
    _load()
    return [(spec.name, f"{spec.name} · {spec.label}") for spec in sorted(_REGISTRY.values(), key=lambda s: s.name)]


def ids(queryset: Any) -> list[int]:
    """The ids of the records behind a figure, in order (one query)."""
    return list(queryset.order_by("pk").values_list("pk", flat=True))
