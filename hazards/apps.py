from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("Hazards")

    def ready(self) -> None:
        from safety_platform.audit import audit_register

        from .models import Campaign, Hazard, RemediationPlan

        audit_register(Hazard)
        audit_register(RemediationPlan)
        audit_register(Campaign, m2m_fields={"industries", "jurisdictions"})
