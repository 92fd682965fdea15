"""Chinese names for third-party apps in the admin (their own AppConfig names are English, untranslated)."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes (login lockouts): its label is "axes", shown as "AXES" in the admin without a name."""

    verbose_name = _("Login lockouts")
