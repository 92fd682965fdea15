"""Where hazards and inspections are (issue 13 item 7): the points the risk map draws.

Open hazards with a position, coloured by grade, and inspections with a position, inside the map's area and
the user's scope; the latest MAP_LIMIT of each (never every hazard of the city): each list is one query that
walks a partial index of the rows with a position, newest first, and stops after the limit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from safety_platform.models import Jurisdiction
from safety_platform.permissions import can
from safety_platform.scoping import within_path

from . import selectors
from .choices import OPEN_STATES, HazardGrade
from .models import Hazard

MAP_LIMIT = 500


def map_node(request: HttpRequest) -> Jurisdiction:
    """The map's area: ?node= (inside the user's own jurisdictions when scoped by them), else the user's root."""
    user: Any = request.user
    node_id = request.GET.get("node", "")
    if node_id.isdecimal():
        node = get_object_or_404(Jurisdiction, pk=int(node_id))
        if getattr(user, "scopes_by_jurisdiction", False) and not any(
            node.path.startswith(p) for p in user.jurisdiction_paths
        ):
            raise Http404
        return node
    root = selectors.risk_map_root(user)
    if root is None:
        raise Http404
    return root


def map_positions(user: Any, node: Jurisdiction, *, limit: int = MAP_LIMIT) -> dict[str, Any]:
    """The latest `limit` open hazards and inspections with a position in `node`'s area that `user` sees."""
    in_area = within_path("enterprise__jurisdiction__path", node.path)
    hazard_rows: list[Any] = list(
        Hazard.objects.visible_to(user)
        .filter(in_area, state__in=OPEN_STATES, latitude__isnull=False)
        .order_by("-found_at", "-id")
        .values("id", "code", "title", "grade", "latitude", "longitude", "enterprise__name")[: limit + 1]
    )
    grades = dict(HazardGrade.choices)
    hazards = [
        {
            "id": row["id"],
            "code": row["code"],
            "title": row["title"],
            "grade": row["grade"] or "unassessed",
            "grade_label": str(grades.get(row["grade"], "")) if row["grade"] else "",
            "enterprise": row["enterprise__name"],
            "lat": float(row["latitude"]),
            "lon": float(row["longitude"]),
            "url": reverse("hazards:detail", args=[row["id"]]),
        }
        for row in hazard_rows[:limit]
    ]
    inspections: list[dict[str, Any]] = []
    inspections_truncated = False
    if apps.is_installed("supervision"):
        inspection_model = apps.get_model("supervision", "Inspection")
        inspection_rows: list[Any] = list(
            inspection_model.objects.visible_to(user)
            .filter(in_area, latitude__isnull=False)
            .order_by("-inspected_on", "-id")
            .values("id", "inspected_on", "latitude", "longitude", "enterprise__name")[: limit + 1]
        )
        inspections_truncated = len(inspection_rows) > limit
        inspections = [
            {
                "id": row["id"],
                "on": row["inspected_on"].isoformat() if isinstance(row["inspected_on"], dt.date) else "",
                "enterprise": row["enterprise__name"],
                "lat": float(row["latitude"]),
                "lon": float(row["longitude"]),
            }
            for row in inspection_rows[:limit]
        ]
    return {
        "node": {"id": node.pk, "name": node.name},
        "limit": limit,
        "hazards": hazards,
        "hazards_truncated": len(hazard_rows) > limit,
        "inspections": inspections,
        "inspections_truncated": inspections_truncated,
    }


@login_required
@require_GET
def map_points(request: HttpRequest) -> JsonResponse:
    """GET /hazards/risk-map/points/?node=<jurisdiction id>: the risk map's points, as JSON."""
    user: Any = request.user
    if not can(user, "hazards.see_risk_map"):
        raise PermissionDenied
    return JsonResponse(map_positions(user, map_node(request)))
