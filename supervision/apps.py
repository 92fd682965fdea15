from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Differentiated supervision (inspection classes and plans), inspections, enforcement (§3.2, §5.2)."""

    name = "supervision"
    verbose_name = _("Supervision and enforcement")

    def ready(self) -> None:
        from safety_platform.audit import audit_register

        from .models import Inspection

        audit_register(Inspection, m2m_fields={"departments"})

        # --- plans: registrations (navigation, schedules, demo) ---
        # --- end plans ---

        # --- inspections: registrations ---
        # --- end inspections ---

        # --- enforcement: registrations ---
        # --- end enforcement ---
