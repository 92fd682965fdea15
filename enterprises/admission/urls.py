"""Web routes of admission: source control, siting, banned equipment, exits (included by `enterprises/urls.py`
under the `enterprises:` names)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_edit, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/review/", views.project_review, name="project_review"),
    path("siting-reviews/<int:pk>/decide/", views.siting_decide, name="siting_decide"),
    path("dense-places/", views.place_list, name="place_list"),
    path("dense-places/new/", views.place_edit, name="place_new"),
    path("dense-places/<int:pk>/edit/", views.place_edit, name="place_edit"),
    path("catalog/", views.catalog_list, name="catalog_list"),
    path("catalog/new/", views.catalog_edit, name="catalog_new"),
    path("catalog/import/", views.catalog_import_view, name="catalog_import"),
    path("catalog/<int:pk>/", views.catalog_detail, name="catalog_detail"),
    path("catalog/<int:pk>/edit/", views.catalog_edit, name="catalog_edit"),
    path("equipment/", views.equipment_list, name="equipment_list"),
    path("equipment/new/", views.equipment_new, name="equipment_new"),
    path("equipment/<int:pk>/", views.equipment_edit, name="equipment_edit"),
    path("exit-proposals/", views.exit_list, name="exit_list"),
    path("exit-proposals/new/", views.exit_new, name="exit_new"),
    path("exit-proposals/<int:pk>/", views.exit_detail, name="exit_detail"),
    path("exit-proposals/<int:pk>/<slug:action>/", views.exit_act, name="exit_act"),
]
