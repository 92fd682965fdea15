from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "assessment-api"

router = SimpleRouter()
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("runs", views.RunViewSet, basename="run")
router.register("results", views.ResultViewSet, basename="result")

urlpatterns = [
    path("results/<int:pk>/objection/", views.result_objection, name="result-objection"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection-answer"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run-publish"),
    *router.urls,
]
