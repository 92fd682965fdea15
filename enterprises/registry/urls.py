"""Web routes of the enterprise registry (included by `enterprises/urls.py` under the `enterprises:` names)."""

from __future__ import annotations

from django.urls import path

from . import views
from .autocomplete import enterprise_autocomplete

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("mine/", views.enterprise_mine, name="mine"),
    path("autocomplete/", enterprise_autocomplete, name="autocomplete"),
    path("new/", views.enterprise_create_view, name="create"),
    path("import/", views.enterprise_import_view, name="import"),
    path("export/", views.enterprise_export_view, name="export"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit_view, name="edit"),
    path("<int:pk>/status/", views.enterprise_status_view, name="status"),
]
