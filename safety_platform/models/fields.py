"""The field declarations every app shares, written once (issue 17, item 3: "one of each").

A link to a person, an enterprise, a jurisdiction, a department, an industry or the platform event a record
came from, a position on the map, the rule-book version a decision recorded and the from/to pair of a recorded
state change, each declared here with the platform's defaults (PROTECT, no reverse accessor, the usual label),
so that a model says only what is its own: `created_by = created_by_field()`,
`enterprise = enterprise_link(related_name="hazards")`, `latitude = latitude_field()`,
`from_status, to_status = state_change_fields(ExitStatus.choices, max_length=12)`.

The checks models repeat are built here too: both coordinates or none, two fields in order (a period's end
after its start), exactly one of two owners, a non-negative or positive amount.

These are plain functions returning Django's own fields and constraints: a model that uses them has the same
columns, constraints and migration state as one that spells them out (`makemigrations --check` proves it).
`optional=True` is the usual "may be empty" pair, `null=True, blank=True`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    Label = str | _StrPromise

OnDelete = Any

LATITUDE_VALIDATORS = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
LONGITUDE_VALIDATORS = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]


def link(
    to: str | type[models.Model],
    verbose_name: Label,
    *,
    on_delete: OnDelete = models.PROTECT,
    related_name: str = "+",
    optional: bool = False,
    **extra: Any,
) -> models.ForeignKey[Any, Any]:
    """A foreign key with the platform's defaults: PROTECT and no reverse accessor unless named."""
    if optional:
        extra = {"null": True, "blank": True, **extra}
    return models.ForeignKey(to, verbose_name=verbose_name, on_delete=on_delete, related_name=related_name, **extra)


def person_link(
    verbose_name: Label, *, on_delete: OnDelete = models.PROTECT, optional: bool = True, **extra: Any
) -> models.ForeignKey[Any, Any]:
    """Who did something (recorded, decided, verified …): a platform user, empty where nobody did yet."""
    return link(settings.AUTH_USER_MODEL, verbose_name, on_delete=on_delete, optional=optional, **extra)


def created_by_field(*, on_delete: OnDelete = models.PROTECT, **extra: Any) -> models.ForeignKey[Any, Any]:
    """Who created the record; empty for records made by the platform itself (imports, nightly tasks)."""
    return person_link(_("created by"), on_delete=on_delete, **extra)


def enterprise_link(
    verbose_name: Label | None = None, *, related_name: str = "+", **extra: Any
) -> models.ForeignKey[Any, Any]:
    return link("enterprises.Enterprise", verbose_name or _("enterprise"), related_name=related_name, **extra)


def jurisdiction_link(
    verbose_name: Label | None = None, *, related_name: str = "+", **extra: Any
) -> models.ForeignKey[Any, Any]:
    return link("safety_platform.Jurisdiction", verbose_name or _("jurisdiction"), related_name=related_name, **extra)


def department_link(
    verbose_name: Label | None = None, *, related_name: str = "+", **extra: Any
) -> models.ForeignKey[Any, Any]:
    return link("safety_platform.Department", verbose_name or _("department"), related_name=related_name, **extra)


def industry_link(
    verbose_name: Label | None = None, *, related_name: str = "+", **extra: Any
) -> models.ForeignKey[Any, Any]:
    return link("safety_platform.Industry", verbose_name or _("industry"), related_name=related_name, **extra)


def fact_link(*, related_name: str) -> models.OneToOneField[Any, Any]:
    """The platform event a record was made from (at most one record per event); empty for one entered by hand."""
    return models.OneToOneField(
        "safety_platform.Fact",
        verbose_name=_("platform event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def latitude_field(
    verbose_name: Label | None = None, *, optional: bool = True, **extra: Any
) -> models.DecimalField[Any, Any]:
    """Degrees north, six decimals (about 0.1 m), checked to lie on the globe."""
    if optional:
        extra = {"null": True, "blank": True, **extra}
    return models.DecimalField(
        verbose_name or _("latitude"), max_digits=8, decimal_places=6, validators=LATITUDE_VALIDATORS, **extra
    )


def longitude_field(
    verbose_name: Label | None = None, *, optional: bool = True, **extra: Any
) -> models.DecimalField[Any, Any]:
    """Degrees east, six decimals, checked to lie on the globe."""
    if optional:
        extra = {"null": True, "blank": True, **extra}
    return models.DecimalField(
        verbose_name or _("longitude"), max_digits=9, decimal_places=6, validators=LONGITUDE_VALIDATORS, **extra
    )


def rule_version_field(verbose_name: Label | None = None) -> models.CharField[Any, Any]:
    """The rule-book version whose legal number set a date of the record (an expiry, a due day, a clock); empty
    when the date was given rather than computed. A database default too: bulk loaders insert rows by SQL."""
    return models.CharField(verbose_name or _("rule version"), max_length=40, blank=True, db_default="")


def state_change_fields(
    choices: Any, *, max_length: int
) -> tuple[models.CharField[Any, Any], models.CharField[Any, Any]]:
    """The state a recorded step left (empty for the first step) and the state it reached, for the append-only
    logs of a status: `from_status, to_status = state_change_fields(ExitStatus.choices, max_length=12)`."""
    return (
        models.CharField(_("from"), max_length=max_length, choices=choices, blank=True),
        models.CharField(_("to"), max_length=max_length, choices=choices),
    )


# A position is both coordinates or none: a record placed on the map by half a position would be drawn nowhere.
COORDINATES_BOTH_OR_NONE = Q(latitude__isnull=True, longitude__isnull=True) | Q(
    latitude__isnull=False, longitude__isnull=False
)


def coordinates_both_or_none(name: str) -> models.CheckConstraint:
    """The check a model with optional `latitude_field()` and `longitude_field()` declares in its Meta."""
    return models.CheckConstraint(condition=COORDINATES_BOTH_OR_NONE, name=name)


def industries_covered(help_text: Label | None = None, **extra: Any) -> models.ManyToManyField[Any, Any]:
    """The industries a record reaches (a campaign, a warning): a code covers every industry under it, and none
    chosen means every industry."""
    return models.ManyToManyField(
        "safety_platform.Industry",
        verbose_name=_("industries"),
        blank=True,
        related_name="+",
        help_text=help_text or _("A code covers everything under it. Empty: every industry."),
        **extra,
    )


def _unless_empty(condition: Q, fields: Iterable[str]) -> Q:
    """`condition`, or one of `fields` empty (each tried first, in order)."""
    return reduce(or_, [*(Q(**{f"{field}__isnull": True}) for field in fields), condition])


def in_order(
    first: str, then: str, *, name: str, strictly: bool = False, unless_empty: Iterable[str] = ()
) -> models.CheckConstraint:
    """The check that `then` is not below `first` (above it, with `strictly`): a period's end and its start, an
    expiry and the issue, a maximum and a minimum. A row where a field of `unless_empty` is empty passes."""
    condition = Q(**{f"{then}__{'gt' if strictly else 'gte'}": F(first)})
    return models.CheckConstraint(condition=_unless_empty(condition, unless_empty), name=name)


def exactly_one_of(first: str, second: str, *, name: str) -> models.CheckConstraint:
    """The check that a row belongs to one of two owners (an enterprise or a department …), never both or none."""
    return models.CheckConstraint(
        condition=Q(**{f"{first}__isnull": False, f"{second}__isnull": True})
        | Q(**{f"{first}__isnull": True, f"{second}__isnull": False}),
        name=name,
    )


def not_negative(field: str, *, name: str, optional: bool = False) -> models.CheckConstraint:
    """The check that an amount (stock, a fine, a figure) is never below zero; `optional`: empty is allowed."""
    return models.CheckConstraint(
        condition=_unless_empty(Q(**{f"{field}__gte": 0}), [field] if optional else []), name=name
    )


def positive(field: str, *, name: str) -> models.CheckConstraint:
    """The check that a quantity (requested, dispatched, hours, a distance, a weight) is above zero."""
    return models.CheckConstraint(condition=Q(**{f"{field}__gt": 0}), name=name)
