from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("Emergency")

    def ready(self) -> None:
        from .legal_numbers import register as register_legal_numbers

        register_legal_numbers()
        # permissions registers the app's rules; enterprise_hooks hands the enterprises app its figures.
        from . import enterprise_hooks, permissions, registration  # noqa: F401

        registration.register_all()
        from safety_platform.demo import register_demo_seeder
        from safety_platform.rules import register_clock_backfill, seed_rule_clocks

        from .services.plans import drill_clocks_backfill

        register_clock_backfill("drill_due", drill_clocks_backfill)
        # After every app's records (credit registers before emergency): their plans and listings get clocks.
        register_demo_seeder(seed_rule_clocks)
