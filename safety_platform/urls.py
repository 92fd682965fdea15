"""URL configuration: the web UI of each app, the API under /api/v1/, schema and docs."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import views, views_rules
from .forms import LoginForm

# A database outage answers 503 with Retry-After (JSON on the API); rendered without the database.
handler500 = "safety_platform.errors.handler500"
# A path under /api/ that matches no route answers the API's JSON 404 (the schema documents JSON).
handler404 = "safety_platform.errors.handler404"

admin.site.site_header = _("Longyan work-safety supervision platform · Administration")
admin.site.site_title = _("Longyan work-safety supervision platform")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("notifications/outbound/", views.outbound_list, name="notification_outbound"),
    path("notifications/outbound/<int:pk>/retry/", views.outbound_retry, name="notification_outbound_retry"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz/", views.healthz, name="healthz"),
    path("rules/", views_rules.legal_numbers, name="legal_numbers"),
    path("admin/", admin.site.urls),
    path("enterprises/", include("enterprises.urls")),
    path("hazards/", include("hazards.urls")),
    path("credit/", include("credit.urls")),
    path("emergency/", include("emergency.urls")),
    # The short acknowledgement link a red or orange warning's SMS carries (no login; a signed token).
    path("w/", include("emergency.urls_public")),
    path("assessment/", include("assessment.urls")),
    path("supervision/", include("supervision.urls")),
    path("api/v1/", include("safety_platform.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up script as a file (?script=): no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]
