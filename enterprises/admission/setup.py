"""Plug admission (项目准入: source control, siting, banned equipment, exits) into the platform shell; called
once from `EnterprisesConfig.ready()`: audit trail, menus, the enterprise page's panel, periodic job, Celery
tasks and the demo seeder."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safety_platform.permissions import can

ENTERPRISE_ROLE = frozenset({"enterprise"})


def _admission_panel(request: Any, enterprise: Any) -> dict[str, Any]:
    from django.db.models import Count, Q

    from ..responsibility.models import JointInspection
    from .models import EquipmentMatch, ExitProposal

    counts = enterprise.equipment.aggregate(
        items=Count("id", filter=Q(in_use=True), distinct=True), matched=Count("matches", distinct=True)
    )
    return {
        "enterprise": enterprise,
        "equipment_count": counts["items"],
        "match_count": counts["matched"],
        "matches": EquipmentMatch.objects.filter(equipment__enterprise=enterprise)
        .select_related("equipment", "entry")
        .order_by("-matched_at")[:5],
        "exit_proposals": ExitProposal.objects.filter(enterprise=enterprise)
        .prefetch_related("transitions__actor")
        .order_by("-created_at")[:3],
        "joint_inspections": JointInspection.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .order_by("-planned_on")[:5],
        "can_propose_exit": can(request.user, "enterprises.supervise", enterprise),
    }


def register() -> None:
    from safety_platform.navigation import STAFF_ROLES, NavItem
    from safety_platform.schedules import Schedule

    from ..common.setup import plug_in_topic
    from . import tasks  # noqa: F401 - tasks register with Celery on import
    from .demo import seed_admission_demo
    from .models import (
        CatalogEntry,
        DeclaredEquipment,
        DensePlace,
        EquipmentMatch,
        ExitProposal,
        HighRiskProject,
        SeparationDistance,
        SitingReview,
    )

    plug_in_topic(
        audited=(
            SeparationDistance,
            HighRiskProject,
            DensePlace,
            SitingReview,
            CatalogEntry,
            DeclaredEquipment,
            EquipmentMatch,
            ExitProposal,
        ),
        nav=[
            NavItem(_("Source control"), "enterprises:project_list", roles=STAFF_ROLES, icon="funnel", order=61),
            NavItem(
                _("Declared equipment"), "enterprises:equipment_list", roles=ENTERPRISE_ROLE, icon="gear-wide", order=61
            ),
        ],
        panel=("admission", _("Source control and joint inspections"), _admission_panel, 40),
        schedules=[
            Schedule(
                name="Banned equipment matching and hazard links",
                task="enterprises.hazard_links_sync",
                minute="0",
                hour="3",
                description="Match declared equipment against the catalog and register hazards still missing.",
            )
        ],
        demo_seeder=seed_admission_demo,
    )
