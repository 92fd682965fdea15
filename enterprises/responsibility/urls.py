"""Web routes of responsibility (included by `enterprises/urls.py` under the `enterprises:` names)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("responsibility/", views.responsibility_list, name="responsibility_list"),
    path("responsibility/<int:department_id>/", views.responsibility_department, name="responsibility_department"),
    path("responsibility/<int:department_id>/new/", views.responsibility_item_new, name="responsibility_item_new"),
    path("responsibility/<int:department_id>/review/", views.responsibility_review_view, name="responsibility_review"),
    path("responsibility/items/<int:pk>/edit/", views.responsibility_item_edit, name="responsibility_item_edit"),
    path(
        "responsibility/items/<int:pk>/retire/",
        views.responsibility_item_retire_view,
        name="responsibility_item_retire",
    ),
    path("joint-inspections/", views.joint_inspection_list, name="joint_inspection_list"),
    path("joint-inspections/new/", views.joint_inspection_new, name="joint_inspection_new"),
    path("joint-inspections/<int:pk>/", views.joint_inspection_detail, name="joint_inspection_detail"),
    path("joint-inspections/<int:pk>/findings/", views.joint_finding_new, name="joint_finding_new"),
    path("joint-inspections/<int:pk>/<slug:action>/", views.joint_inspection_act, name="joint_inspection_act"),
]
