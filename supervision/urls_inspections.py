"""URLs of the inspections pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_inspections as views

urlpatterns: list[URLPattern] = [
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/items/<int:answer_pk>/hazard/", views.answer_hazard, name="inspection_answer_hazard"),
    path("inspections/<int:pk>/items/<int:answer_pk>/photo/", views.answer_photo, name="inspection_answer_photo"),
]
