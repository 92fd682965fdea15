"""Where a hazard is (issue 13 item 7): a latitude/longitude pair inside Longyan, both or neither.

The phone's position (asked only when the "use my position" button is pressed) or a typed point; the
form, the API and the push endpoint check it the same way, naming the field at fault.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safety_platform.geo import BoundingBox
from safety_platform.services import DomainError

# 龙岩市: about 24.39–26.04° N, 115.85–117.75° E (WGS-84), with a margin of some kilometres all round.
LONGYAN_BOUNDS = BoundingBox(min_lat=24.2, max_lat=26.2, min_lon=115.7, max_lon=117.9)
MICRODEGREE = Decimal("0.000001")


def _degrees(bound: float) -> Decimal:
    """A bound of the box as the decimal it was written as (115.7 is not the float 115.70000000000000284)."""
    return Decimal(repr(bound))


def _number(value: Any, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter a number of degrees."), field=field, code="invalid") from None
    if not number.is_finite():
        raise DomainError(_("Enter a number of degrees."), field=field, code="invalid")
    if abs(number) >= 1000:
        # Far outside any bound (the box check refuses it, naming the range); to the micro-degree, a number of
        # 23 or more digits would not fit Decimal's precision (InvalidOperation, a 500 found by the API fuzzing).
        return number
    return number.quantize(MICRODEGREE, rounding=ROUND_HALF_UP)


def clean_position(latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None]:
    """The pair as stored (degrees to six places), or (None, None); refuses half a pair and points outside
    Longyan with a DomainError naming the field (code "invalid")."""
    lat = _number(latitude, "latitude")
    lon = _number(longitude, "longitude")
    if lat is None and lon is None:
        return None, None
    if lat is None:
        raise DomainError(_("Give the latitude with the longitude, or neither."), field="latitude", code="invalid")
    if lon is None:
        raise DomainError(_("Give the longitude with the latitude, or neither."), field="longitude", code="invalid")
    box = LONGYAN_BOUNDS
    axes = (
        (
            "latitude",
            lat,
            box.min_lat,
            box.max_lat,
            _("This point is outside Longyan: the latitude lies between %(lo)s° and %(hi)s° north."),
        ),
        (
            "longitude",
            lon,
            box.min_lon,
            box.max_lon,
            _("This point is outside Longyan: the longitude lies between %(lo)s° and %(hi)s° east."),
        ),
    )
    for field, value, lo, hi, outside in axes:
        if not _degrees(lo) <= value <= _degrees(hi):
            raise DomainError(outside % {"lo": lo, "hi": hi}, field=field, code="invalid")
    return lat, lon


def hazard_position_set(*, hazard: Any, latitude: Decimal | None, longitude: Decimal | None) -> Any:
    """Record where a hazard just logged is (a checked pair from `clean_position`); nothing when no pair."""
    if latitude is None or longitude is None:
        return hazard
    from .models import Hazard

    with transaction.atomic():
        Hazard.objects.filter(pk=hazard.pk).update(latitude=latitude, longitude=longitude)
    hazard.latitude, hazard.longitude = latitude, longitude
    return hazard
