"""The field declarations every app shares, written once (issue 17, item 3: "one of each").

A link to a person, an enterprise, a jurisdiction, a department or an industry, and a position on the
map, each declared here with the platform's defaults (PROTECT, no reverse accessor, the usual label), so
that a model says only what is its own: `created_by = created_by_field()`,
`enterprise = enterprise_link(related_name="hazards")`, `latitude = latitude_field()`.

These are plain functions returning Django's own fields: a model that uses them has the same columns,
constraints and migration state as one that spells the field out (`makemigrations --check` proves it).
`optional=True` is the usual "may be empty" pair, `null=True, blank=True`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
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
