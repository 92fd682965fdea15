from __future__ import annotations

from django.urls import URLPattern, path

from . import views_dashboard

app_name = "assessment"

urlpatterns: list[URLPattern] = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/longyan.geojson", views_dashboard.longyan_map, name="dashboard_map"),
]
