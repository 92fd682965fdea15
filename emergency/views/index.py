"""The emergency start page: figures and the way into each part."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safety_platform.permissions import is_enterprise_person

from ..selectors import accidents_visible_to, emergency_overview, enterprise_emergency_overview, warnings_visible_to


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    enterprise = is_enterprise_person(user)
    overview = enterprise_emergency_overview(user) if enterprise else emergency_overview(user)
    return render(
        request,
        "emergency/index.html",
        {
            "widget": {"overview": overview},
            "is_enterprise": enterprise,
            "recent_accidents": accidents_visible_to(user).order_by("-occurred_at", "-id")[:5],
            "live_warnings": warnings_visible_to(user).in_force().order_by("-issued_at")[:5],
        },
    )
