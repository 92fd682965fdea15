from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("Hazards")

    def ready(self) -> None:
        from .legal_numbers import register as register_legal_numbers

        register_legal_numbers()
        from safety_platform.audit import audit_register
        from safety_platform.demo import register_demo_seeder
        from safety_platform.navigation import (
            ALL_ROLES,
            STAFF_ROLES,
            NavItem,
            add_enterprise_panel,
            add_home_widget,
            register_nav,
        )
        from safety_platform.schedules import Schedule, register_schedule

        # The app's rules; the deadline listener; what it hands the enterprises app (figures, conditions).
        from . import enterprise_hooks, permissions, receivers  # noqa: F401
        from .demo import seed_demo
        from .demo_positions import seed_hazard_positions
        from .models import (
            Campaign,
            Checklist,
            ChecklistItem,
            Hazard,
            RemediationPlan,
            RiskBand,
            RiskBanding,
            RiskSource,
        )
        from .views import enterprise_panel_context, home_widget_context

        # A whistleblower's contact never enters the audit trail, which the enterprise can read.
        audit_register(Hazard, exclude_fields=["reporter_contact"])
        audit_register(RemediationPlan)
        audit_register(RiskSource)
        audit_register(RiskBanding)
        audit_register(RiskBand)
        audit_register(Checklist)
        audit_register(ChecklistItem)
        audit_register(Campaign, m2m_fields={"industries", "jurisdictions"})

        enterprise = frozenset({"enterprise"})
        register_nav(NavItem(_("Hazards"), "hazards:list", roles=ALL_ROLES, icon="exclamation-triangle", order=20))
        register_nav(NavItem(_("Risk sources"), "hazards:risk_list", roles=enterprise, icon="bullseye", order=21))
        register_nav(NavItem(_("Risk map"), "hazards:risk_map", roles=STAFF_ROLES, icon="map", order=21))
        register_nav(NavItem(_("Self-check"), "hazards:selfcheck_list", roles=enterprise, icon="ui-checks", order=22))
        register_nav(NavItem(_("Hazard statistics"), "hazards:stats_list", roles=ALL_ROLES, icon="bar-chart", order=23))
        register_nav(NavItem(_("Campaigns"), "hazards:campaign_list", roles=STAFF_ROLES, icon="flag", order=24))
        register_nav(
            NavItem(_("Plausibility"), "hazards:plausibility", roles=STAFF_ROLES, icon="patch-question", order=25)
        )
        add_enterprise_panel("hazards", _("Hazards and risk sources"), enterprise_panel_context, order=20)
        add_home_widget("hazards", home_widget_context, order=20)
        register_schedule(
            Schedule(
                name="Open hazard statistics reports of the last period",
                task="hazards.stat_reports_open_due",
                minute="15",
                hour="1",
                description="Opens each enterprise's statistics report and filing deadline.",
            )
        )
        register_schedule(
            Schedule(
                name="Hazards: recount the dashboards' hazard summary",
                task="hazards.summary_rebuild",
                minute="40",
                hour="2",
                description="Recounts the hazard summary from the hazards (it is kept up to date with each "
                "change; this repairs changes made around the model, e.g. bulk updates).",
            )
        )
        register_demo_seeder(seed_demo)
        register_demo_seeder(seed_hazard_positions)
