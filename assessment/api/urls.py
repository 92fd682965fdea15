from __future__ import annotations

from rest_framework.routers import SimpleRouter

from . import views

app_name = "assessment-api"

router = SimpleRouter()
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("runs", views.RunViewSet, basename="run")
router.register("results", views.ResultViewSet, basename="result")

urlpatterns = router.urls
