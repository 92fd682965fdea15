"""Plug training (employees, three-level training, special-operation certificates) into the platform shell;
called once from `EnterprisesConfig.ready()`: legal numbers, audit trail, menu, the enterprise page's panel,
the home widget (certificates of standardization and training), periodic jobs, Celery tasks and the demo seeder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _training_panel(request: Any, enterprise: Any) -> dict[str, Any]:
    from .models import SpecialOperationCertificate
    from .selectors import certificate_warning_days, training_compliance

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
    """The certificates widget: standardization certificates by state and special-operation certificates
    expiring soon (training builds on standardization, so the joint widget lives here)."""
    from ..standardization.selectors import certificate_counts
    from .models import SpecialOperationCertificate
    from .selectors import certificate_warning_days

    today = timezone.localdate()
    return {
        "counts": certificate_counts(request.user, on=today),
        "expiring": SpecialOperationCertificate.objects.visible_to(request.user)
        .exclude(employee__status="left")
        .filter(expires_on__lte=today + dt.timedelta(days=certificate_warning_days(today)))
        .count(),
    }


def register() -> None:
    from safety_platform.audit import audit_register
    from safety_platform.demo import register_demo_seeder
    from safety_platform.navigation import ALL_ROLES, NavItem, add_home_widget, register_nav
    from safety_platform.schedules import Schedule, register_schedule

    from ..common.setup import add_topic_panel
    from . import tasks  # noqa: F401 - tasks register with Celery on import
    from .demo import seed_training_demo
    from .legal_numbers import NUMBERS as LEGAL_NUMBERS
    from .models import Employee, SpecialOperationCertificate, TrainingRecord

    LEGAL_NUMBERS.register()
    for model in (Employee, TrainingRecord, SpecialOperationCertificate):
        audit_register(model)
    register_nav(NavItem(_("Training"), "enterprises:training_overview", roles=ALL_ROLES, icon="mortarboard", order=63))
    add_topic_panel("training", _("Training"), _training_panel, order=42)
    add_home_widget("enterprise-topics", _home_context, order=40, template="enterprises/topics/_home_topics.html")
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
    register_demo_seeder(seed_training_demo)
