from __future__ import annotations

from django.urls import URLPattern

app_name = "hazards-api"

urlpatterns: list[URLPattern] = []
