from __future__ import annotations

from django.urls import path

from .views import registry as views
from .views.autocomplete import enterprise_autocomplete

app_name = "enterprises"

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

# Issue 6 topics (responsibility, admission, standardization, training): each module lists its own patterns.
from .views import admission, responsibility, standardization, training  # noqa: E402

urlpatterns += responsibility.urlpatterns + admission.urlpatterns + standardization.urlpatterns + training.urlpatterns
