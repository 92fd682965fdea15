"""/api/v1/: the core endpoints plus each app's `api/urls.py`."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("industries", views.IndustryViewSet, basename="industry")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    # Before the unprefixed includes: the departments' feeds are the most requested URLs, and resolving
    # them no longer tries every enterprise and hazard route first.
    path("credit/", include("credit.api.urls")),
    path("", include("enterprises.api.urls")),
    path("", include("hazards.api.urls")),
    path("emergency/", include("emergency.api.urls")),
    path("assessment/", include("assessment.api.urls")),
    path("supervision/", include("supervision.api.urls")),
    path("", include(router.urls)),
]
