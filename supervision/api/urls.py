"""Mounted at /api/v1/supervision/."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from .enforcement import EnforcementDocumentViewSet, PenaltyCaseViewSet
from .inspections import InspectionFeedViewSet

app_name = "supervision-api"

router = SimpleRouter()
router.register("inspections", InspectionFeedViewSet, basename="inspection")

router.register("documents", EnforcementDocumentViewSet, basename="enforcement-document")
router.register("cases", PenaltyCaseViewSet, basename="penalty-case")

urlpatterns = router.urls
