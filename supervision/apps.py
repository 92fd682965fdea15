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

        # --- responsible authorities: who sets them (the rule), every change audited ---
        from . import permissions_authorities  # noqa: F401 - registers "supervision.set_authority"
        from .models import ResponsibleAuthority

        audit_register(ResponsibleAuthority)

        # --- plans: registrations (navigation, schedules, demo) ---
        from safety_platform.demo import register_demo_seeder as register_plans_demo
        from safety_platform.navigation import NavItem as PlansNavItem
        from safety_platform.navigation import add_enterprise_panel as add_plans_panel
        from safety_platform.navigation import register_nav as register_plans_nav
        from safety_platform.schedules import Schedule, register_schedule

        from . import permissions, receivers_plans  # noqa: F401 - the app's rules; an inspection closes plans' clocks
        from .demo_plans import seed_plans_demo
        from .views_plans import enterprise_panel_context as plans_panel_context

        plan_roles = frozenset({"admin", "committee", "county_office", "inspector", "department"})
        register_plans_nav(
            PlansNavItem(_("Inspection plans"), "supervision:plans", roles=plan_roles, icon="calendar-check", order=42)
        )
        register_plans_nav(
            PlansNavItem(
                _("My inspections due"),
                "supervision:plan_mine",
                roles=frozenset({"inspector"}),
                icon="list-check",
                order=43,
            )
        )
        add_plans_panel(
            "inspection_class",
            _("Inspection class"),
            plans_panel_context,
            roles=plan_roles,
            order=45,
            template="supervision/plans/_panel.html",
        )
        register_schedule(
            Schedule(
                name="Supervision: refresh this year's and this quarter's inspection plans",
                task="supervision.plans_generate_current",
                minute="20",
                hour="3",
                description="Adds new enterprises to every county's plans and keeps the plans' clocks in step.",
            )
        )
        register_schedule(
            Schedule(
                name="Supervision: resume interrupted plan generations",
                task="supervision.plan_generations_resume",
                minute="*/15",
                description="Hands plan generations left waiting or stalled (a worker killed) back to a worker.",
            )
        )
        register_plans_demo(seed_plans_demo)
        # --- end plans ---

        # --- inspections: registrations ---
        from safety_platform.demo import register_demo_seeder
        from safety_platform.navigation import (
            STAFF_ROLES,
            NavItem,
            add_enterprise_panel,
            register_nav,
        )

        from . import receivers  # noqa: F401 - an `inspection_conducted` event becomes an inspection
        from .demo_inspections import seed_inspections_demo
        from .models import InspectionAnswer
        from .views_inspections import enterprise_panel_context as inspections_panel_context

        audit_register(InspectionAnswer)
        register_nav(
            NavItem(
                _("Inspections"),
                "supervision:inspections",
                roles=STAFF_ROLES | {"county_office"},
                icon="clipboard-check",
                order=43,
            )
        )
        add_enterprise_panel(
            "inspections",
            _("Inspections"),
            inspections_panel_context,
            order=45,
            template="supervision/inspections/_panel.html",
        )
        register_demo_seeder(seed_inspections_demo)
        # --- end inspections ---

        # --- enforcement: registrations ---
        from safety_platform.demo import register_demo_seeder as register_enforcement_demo
        from safety_platform.navigation import NavItem as EnforcementNavItem
        from safety_platform.navigation import register_nav as register_enforcement_nav

        from .demo_enforcement import seed_enforcement_demo
        from .models import EnforcementDocument, PenaltyCase

        audit_register(EnforcementDocument, m2m_fields={"hazards"})
        audit_register(PenaltyCase)
        enforcement_roles = frozenset({"admin", "committee", "county_office", "inspector", "department", "enterprise"})
        register_enforcement_nav(
            EnforcementNavItem(
                _("Enforcement documents"),
                "supervision:enforcement_documents",
                roles=enforcement_roles,
                icon="file-earmark-text",
                order=44,
            )
        )
        register_enforcement_nav(
            EnforcementNavItem(
                _("Penalty cases"),
                "supervision:enforcement_cases",
                roles=enforcement_roles,
                icon="folder2-open",
                order=45,
            )
        )
        register_enforcement_demo(seed_enforcement_demo)
        # --- end enforcement ---
