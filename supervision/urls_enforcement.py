"""URLs of the enforcement pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_enforcement as views

urlpatterns: list[URLPattern] = [
    path("enforcement/documents/", views.document_list, name="enforcement_documents"),
    path("enforcement/documents/new/", views.document_new, name="enforcement_document_new"),
    path("enforcement/documents/<int:pk>/", views.document_detail, name="enforcement_document"),
    path("enforcement/documents/<int:pk>/void/", views.document_void, name="enforcement_document_void"),
    path("enforcement/cases/", views.case_list, name="enforcement_cases"),
    path("enforcement/cases/new/", views.case_new, name="enforcement_case_new"),
    path("enforcement/cases/<int:pk>/", views.case_detail, name="enforcement_case"),
    path("enforcement/cases/<int:pk>/<slug:step>/", views.case_step, name="enforcement_case_step"),
]
