"""Web routes of training (included by `enterprises/urls.py` under the `enterprises:` names)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("training/", views.compliance_overview, name="training_overview"),
    path("training/enterprise/<int:enterprise_id>/", views.compliance_enterprise, name="training_enterprise"),
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/new/", views.employee_new, name="employee_new"),
    path("employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path("employees/<int:pk>/post/", views.employee_post, name="employee_post"),
    path("employees/<int:pk>/training/", views.training_add, name="training_add"),
    path("employees/<int:pk>/certificates/", views.certificate_add, name="opcert_add"),
    path("training-records/<int:pk>/delete/", views.training_delete, name="training_delete"),
    path("operation-certificates/", views.certificate_list, name="opcert_list"),
    path("operation-certificates/<int:pk>/edit/", views.certificate_edit, name="opcert_edit"),
]
