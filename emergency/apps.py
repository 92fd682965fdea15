from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("Emergency")

    def ready(self) -> None:
        from . import registration

        registration.register_all()
