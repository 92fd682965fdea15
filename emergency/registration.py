"""Everything the emergency app plugs into the platform: audit trail, schedules, menu, panels, widgets, demo."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safety_platform.choices import Role
from safety_platform.navigation import (
    ALL_ROLES,
    STAFF_ROLES,
    NavItem,
    add_enterprise_panel,
    add_home_widget,
    register_nav,
)
from safety_platform.schedules import Schedule, register_schedule

ENTERPRISE_ROLE = frozenset({Role.ENTERPRISE})


def _register_audit() -> None:
    from safety_platform.audit import audit_register

    from . import models

    for model in (
        models.RescueTeam,
        models.TeamMember,
        models.MemberCertificate,
        models.TeamEquipment,
        models.Skill,
        models.SupplyItem,
        models.Warehouse,
        models.WarehouseItem,
        models.DispatchOrder,
        models.DispatchLine,
        models.DispatchAllocation,
        models.GradingRuleSet,
        models.Accident,
        models.AccidentEvaluation,
        models.AccountabilityFinding,
        models.CorrectiveMeasure,
        models.EmergencyWarning,
        models.WarningRecipient,
        models.EmergencyPlan,
        models.Drill,
    ):
        audit_register(model)
    # StockBatch balances change with every movement; the ledger (append-only) is their history.
    audit_register(models.StockBatch, exclude_fields=["quantity", "updated_at"])


def _register_schedules() -> None:
    register_schedule(
        Schedule(
            name="Flag expiring and low emergency stock",
            task="emergency.stock_alerts_refresh",
            minute="30",
            hour="6",
            description="Batches expiring or expired, items under their minimum; checks the ledger against balances.",
        )
    )
    register_schedule(
        Schedule(
            name="Remind owners of plans overdue for a drill",
            task="emergency.drills_notify_overdue",
            minute="0",
            hour="8",
            day_of_week="1",
            description="Comprehensive and special plans yearly, on-site plans every half-year.",
        )
    )


def _enterprise_panel_context(request: Any, enterprise: Any) -> dict[str, Any]:
    from .selectors import accidents_visible_to, plans_visible_to

    plans = list(plans_visible_to(request.user).filter(enterprise=enterprise).order_by("kind", "title")[:20])
    from .models import Drill

    drills = list(
        Drill.objects.visible_to(request.user)
        .filter(plan__enterprise=enterprise)
        .select_related("plan")
        .order_by("-held_on", "-id")[:5]
    )
    accidents = list(accidents_visible_to(request.user).filter(enterprise=enterprise).order_by("-occurred_at")[:10])
    return {"enterprise": enterprise, "plans": plans, "drills": drills, "accidents": accidents}


def _staff_widget_context(request: Any) -> dict[str, Any]:
    from .selectors import emergency_overview

    return {"overview": emergency_overview(request.user)}


def _enterprise_widget_context(request: Any) -> dict[str, Any]:
    from .selectors import enterprise_emergency_overview

    return {"overview": enterprise_emergency_overview(request.user)}


def _register_ui() -> None:
    register_nav(NavItem(_("Emergency"), "emergency:index", roles=ALL_ROLES, icon="life-preserver", order=40))
    register_nav(NavItem(_("Warnings"), "emergency:warning_list", roles=ALL_ROLES, icon="megaphone", order=41))
    add_enterprise_panel(
        "emergency",
        _("Emergency plans, drills and accidents"),
        _enterprise_panel_context,
        order=40,
        template="emergency/_enterprise_panel.html",
    )
    add_home_widget("emergency", _staff_widget_context, roles=STAFF_ROLES, order=40)
    add_home_widget(
        "emergency-enterprise",
        _enterprise_widget_context,
        roles=ENTERPRISE_ROLE,
        order=40,
        template="emergency/_home_enterprise.html",
    )


def register_all() -> None:
    _register_audit()
    _register_schedules()
    _register_ui()
    from safety_platform.demo import register_demo_seeder

    from .demo import seed_emergency_demo

    register_demo_seeder(seed_emergency_demo)
