"""Mounted at /api/v1/supervision/."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from .inspections import InspectionFeedViewSet

app_name = "supervision-api"

router = SimpleRouter()
router.register("inspections", InspectionFeedViewSet, basename="inspection")

urlpatterns = router.urls
