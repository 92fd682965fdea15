"""Addresses opened from outside the platform without logging in: the SMS acknowledgement link (/w/<token>/)."""

from __future__ import annotations

from django.urls import path

from .views import ack_link

app_name = "emergency-public"

urlpatterns = [
    path("<str:token>/", ack_link.warning_ack, name="warning_ack"),
]
