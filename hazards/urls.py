from __future__ import annotations

from django.urls import path

from . import offline, views, views_locate, views_map

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_create, name="create"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.hazard_act, name="act"),
    path("<int:pk>/plan/", views.hazard_plan, name="plan"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("risk/", views.risk_list, name="risk_list"),
    path("risk/new/", views.risk_create, name="risk_create"),
    path("risk/<int:pk>/", views.risk_detail, name="risk_detail"),
    path("risk/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("risk/<int:pk>/card/", views.risk_card, name="risk_card"),
    path("risk/<int:pk>/card/regenerate/", views.risk_card_regenerate, name="risk_card_regenerate"),
    # The address printed as a QR code on the posted card: no login, the token instead of the id.
    path("card/<uuid:token>/", views.card_public, name="card_public"),
    path("risk-map/", views.risk_map_view, name="risk_map"),
    path("risk-map/points/", views_map.map_points, name="map_points"),
    path("county-map/", views_locate.county_map, name="county_map"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("self-check/", views.selfcheck_list, name="selfcheck_list"),
    path("self-check/new/<int:checklist_id>/", views.selfcheck_create, name="selfcheck_create"),
    path("self-check/<int:pk>/", views.selfcheck_detail, name="selfcheck_detail"),
    path("statistics/", views.stats_list, name="stats_list"),
    path("statistics/generate/", views.stats_generate, name="stats_generate"),
    path("statistics/<int:pk>/", views.stats_detail, name="stats_detail"),
    path("plausibility/", views.plausibility_view, name="plausibility"),
    # Keeps the hazard form for offline use; its scope is the whole site (Service-Worker-Allowed).
    path("sw.js", offline.service_worker, name="service_worker"),
]
