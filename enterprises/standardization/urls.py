"""Web routes of standardization (included by `enterprises/urls.py` under the `enterprises:` names)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("standardization/", views.certificate_list, name="stdcert_list"),
    path("standardization/new/", views.certificate_new, name="stdcert_new"),
    path("standardization/coverage/", views.coverage, name="stdcert_coverage"),
    path("standardization/<int:pk>/", views.certificate_detail, name="stdcert_detail"),
    path("standardization/<int:pk>/scan/", views.certificate_scan, name="stdcert_scan"),
    path("standardization/<int:pk>/<slug:action>/", views.certificate_act, name="stdcert_act"),
    path("demonstration/", views.demonstration_list, name="demonstration_list"),
    path("demonstration/new/", views.demonstration_new, name="demonstration_new"),
    path("demonstration/<int:pk>/", views.demonstration_detail, name="demonstration_detail"),
    path("demonstration/<int:pk>/<slug:action>/", views.demonstration_act, name="demonstration_act"),
]
