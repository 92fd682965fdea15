from __future__ import annotations

from django.urls import URLPattern

app_name = "credit-api"

urlpatterns: list[URLPattern] = []
