"""Plug the responsibility, admission, standardization and training topics into the platform shell.

`register_topics()` is called once from `EnterprisesConfig.ready()`: audit trail, menus, enterprise
page panels, home widgets, periodic jobs, Celery tasks and the demo seeder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ENTERPRISE_ROLE = frozenset({"enterprise"})


def _admission_panel(request: Any, enterprise: Any) -> dict[str, Any]:
    from django.db.models import Count, Q

    from .common.access import can_supervise
    from .models import EquipmentMatch, ExitProposal, JointInspection

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
        "can_propose_exit": can_supervise(request.user, enterprise),
    }


def _standardization_panel(request: Any, enterprise: Any) -> dict[str, Any]:
    return {
        "enterprise": enterprise,
        "certificates": enterprise.standardization_certificates.select_related("industry").order_by("-issued_on")[:5],
        "demonstrations": enterprise.demonstrations.order_by("-designated_on")[:2],
    }


def _training_panel(request: Any, enterprise: Any) -> dict[str, Any]:
    from .models import SpecialOperationCertificate
    from .selectors.training import certificate_warning_days, training_compliance

    today = timezone.localdate()
    return {
        "enterprise": enterprise,
        "summary": training_compliance(enterprise, on=today, limit=0),  # the head counts: one aggregate query
        "expiring": SpecialOperationCertificate.objects.filter(
            employee__enterprise=enterprise,
            employee__status__in=["on_post", "away"],
            expires_on__lte=today + dt.timedelta(days=certificate_warning_days(today)),
        ).count(),
    }


def _home_context(request: Any) -> dict[str, Any]:
    from .models import SpecialOperationCertificate
    from .selectors.standardization import certificate_counts
    from .selectors.training import certificate_warning_days

    today = timezone.localdate()
    return {
        "counts": certificate_counts(request.user, on=today),
        "expiring": SpecialOperationCertificate.objects.visible_to(request.user)
        .exclude(employee__status="left")
        .filter(expires_on__lte=today + dt.timedelta(days=certificate_warning_days(today)))
        .count(),
    }


def register_topics() -> None:
    from safety_platform.audit import audit_register
    from safety_platform.demo import register_demo_seeder
    from safety_platform.navigation import (
        ALL_ROLES,
        STAFF_ROLES,
        EnterprisePanel,
        HomeWidget,
        NavItem,
        register_enterprise_panel,
        register_home_widget,
        register_nav,
    )
    from safety_platform.schedules import Schedule, register_schedule

    from . import models, tasks_topics  # noqa: F401 - tasks register with Celery on import
    from .demo_topics import seed_topics_demo

    for model in (
        models.ResponsibilityItem,
        models.ResponsibilityReview,
        models.JointInspection,
        models.JointInspectionFinding,
        models.SeparationDistance,
        models.HighRiskProject,
        models.DensePlace,
        models.SitingReview,
        models.CatalogEntry,
        models.DeclaredEquipment,
        models.EquipmentMatch,
        models.ExitProposal,
        models.StandardizationCertificate,
        models.Demonstration,
        models.DemonstrationMeasure,
        models.Employee,
        models.TrainingRecord,
        models.SpecialOperationCertificate,
    ):
        audit_register(model)

    register_nav(
        NavItem(_("Responsibility"), "enterprises:responsibility_list", roles=STAFF_ROLES, icon="diagram-3", order=60)
    )
    register_nav(NavItem(_("Source control"), "enterprises:project_list", roles=STAFF_ROLES, icon="funnel", order=61))
    register_nav(NavItem(_("Standardization"), "enterprises:stdcert_list", roles=ALL_ROLES, icon="award", order=62))
    register_nav(NavItem(_("Training"), "enterprises:training_overview", roles=ALL_ROLES, icon="mortarboard", order=63))
    register_nav(
        NavItem(
            _("Declared equipment"), "enterprises:equipment_list", roles=ENTERPRISE_ROLE, icon="gear-wide", order=61
        )
    )

    register_enterprise_panel(
        EnterprisePanel(
            key="admission",
            title=_("Source control and joint inspections"),
            template="enterprises/topics/_panel_admission.html",
            context=_admission_panel,
            order=40,
        )
    )
    register_enterprise_panel(
        EnterprisePanel(
            key="standardization",
            title=_("Standardization"),
            template="enterprises/topics/_panel_standardization.html",
            context=_standardization_panel,
            order=41,
        )
    )
    register_enterprise_panel(
        EnterprisePanel(
            key="training",
            title=_("Training"),
            template="enterprises/topics/_panel_training.html",
            context=_training_panel,
            order=42,
        )
    )
    register_home_widget(
        HomeWidget(
            key="enterprise-topics", template="enterprises/topics/_home_topics.html", context=_home_context, order=40
        )
    )

    register_schedule(
        Schedule(
            name="Standardization certificates: expiry and re-review reminders",
            task="enterprises.standardization_sweep",
            minute="10",
            hour="1",
            description="Expire certificates past their date (credit fact) and send re-review reminders.",
        )
    )
    register_schedule(
        Schedule(
            name="Special-operation certificates: expiry reminders",
            task="enterprises.special_certificates_sweep",
            minute="20",
            hour="1",
            description="Tell each enterprise once about certificates expiring within 90 days.",
        )
    )
    register_schedule(
        Schedule(
            name="Training compliance facts",
            task="enterprises.training_compliance_facts",
            minute="30",
            hour="2",
            description="Record each enterprise's train-before-posting compliance for credit and assessment.",
        )
    )
    register_schedule(
        Schedule(
            name="Banned equipment matching and hazard links",
            task="enterprises.hazard_links_sync",
            minute="0",
            hour="3",
            description="Match declared equipment against the catalog and register hazards still missing.",
        )
    )
    register_demo_seeder(seed_topics_demo)
