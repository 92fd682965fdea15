"""URLs of the plans pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_plans

urlpatterns: list[URLPattern] = [
    path("plans/", views_plans.plans, name="plans"),
    path("plans/generate/", views_plans.plan_generate, name="plan_generate"),
    path("plans/mine/", views_plans.plan_mine, name="plan_mine"),
    path("plans/rules/", views_plans.plan_rules, name="plan_rules"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/assignees/", views_plans.plan_assignees, name="plan_assignees"),
    path("plans/entries/<int:pk>/adjust/", views_plans.plan_entry_adjust, name="plan_entry_adjust"),
]
