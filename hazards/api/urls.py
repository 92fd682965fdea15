from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "hazards-api"

router = SimpleRouter()
router.register("hazards", views.HazardViewSet, basename="hazard")
router.register("risk-sources", views.RiskSourceViewSet, basename="risk-source")
router.register("hazard-campaigns", views.CampaignViewSet, basename="hazard-campaign")
router.register("hazard-statistics", views.StatReportViewSet, basename="hazard-statistics")

urlpatterns = [
    path("risk-map/", views.RiskMapView.as_view(), name="risk-map"),
    *router.urls,
]
