"""URLs of the responsible inspecting authority pages (一企一责任主体)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_authorities

urlpatterns: list[URLPattern] = [
    path("plans/authorities/", views_authorities.authorities, name="authorities"),
    path("plans/authorities/set/", views_authorities.authority_set, name="authority_set"),
]
