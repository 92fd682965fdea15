from __future__ import annotations

from django.urls import path

from .views.stub import stub

app_name = "emergency"

urlpatterns = [
    path("teams/<int:pk>/", stub, name="team_detail"),
    path("warehouses/<int:pk>/", stub, name="warehouse_detail"),
    path("dispatch/<int:pk>/", stub, name="dispatch_detail"),
    path("accidents/<int:pk>/", stub, name="accident_detail"),
    path("warnings/<int:pk>/", stub, name="warning_detail"),
    path("plans/<int:pk>/", stub, name="plan_detail"),
]
