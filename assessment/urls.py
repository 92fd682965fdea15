from __future__ import annotations

from django.urls import URLPattern, path

from . import views, views_dashboard

app_name = "assessment"

urlpatterns: list[URLPattern] = [
    path("", views.run_list, name="run_list"),
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/report/", views.run_report, name="run_report"),
    path("results/<int:pk>/", views.result_detail, name="result_detail"),
    path("results/<int:pk>/objection/", views.objection_create, name="objection_create"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("objections/<int:pk>/evidence/", views.objection_evidence, name="objection_evidence"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/longyan.geojson", views_dashboard.longyan_map, name="dashboard_map"),
]
