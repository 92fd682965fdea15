from __future__ import annotations

from django.urls import URLPattern, path

from . import views, views_county_inputs, views_dashboard, views_schemes

app_name = "assessment"

urlpatterns: list[URLPattern] = [
    path("", views.run_list, name="run_list"),
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/<int:pk>/", views_schemes.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/copy/", views_schemes.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/edit/", views_schemes.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/activate/", views_schemes.scheme_activate, name="scheme_activate"),
    path("county-inputs/", views_county_inputs.county_input_list, name="county_input_list"),
    path("county-inputs/import/", views_county_inputs.county_input_import, name="county_input_import"),
    path("county-inputs/template.xlsx", views_county_inputs.county_input_template, name="county_input_template"),
    path(
        "county-inputs/<int:jurisdiction>/<int:year>/edit/",
        views_county_inputs.county_input_edit,
        name="county_input_edit",
    ),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/report/", views.run_report, name="run_report"),
    path("results/<int:pk>/", views.result_detail, name="result_detail"),
    path("results/<int:pk>/objection/", views.objection_create, name="objection_create"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("objections/<int:pk>/evidence/", views.objection_evidence, name="objection_evidence"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/longyan.geojson", views_dashboard.longyan_map, name="dashboard_map"),
]
