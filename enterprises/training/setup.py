"""Plug training (employees, three-level training, special-operation certificates) into the platform shell;
called once from `EnterprisesConfig.ready()`: legal numbers, audit trail, menu, the enterprise page's panel,
the home widget (certificates of standardization and training), periodic jobs, Celery tasks and the demo seeder."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _training_panel(request: Any, enterprise: Any) -> dict[str, Any]:
    from .models import SpecialOperationCertificate
    from .selectors import certificates_due, training_compliance

    today = timezone.localdate()
    return {
        "enterprise": enterprise,
        "summary": training_compliance(enterprise, on=today, limit=0),  # the head counts: one aggregate query
        "expiring": certificates_due(
            SpecialOperationCertificate.objects.filter(employee__enterprise=enterprise), on=today
        ).count(),
    }


def _home_context(request: Any) -> dict[str, Any]:
    """The certificates widget: standardization certificates by state and special-operation certificates
    expiring soon (training builds on standardization, so the joint widget lives here)."""
    from ..standardization.selectors import certificate_counts
    from .selectors import certificates_due_count

    today = timezone.localdate()
    return {
        "counts": certificate_counts(request.user, on=today),
        "expiring": certificates_due_count(request.user, on=today),
    }


def register() -> None:
    from safety_platform.navigation import ALL_ROLES, NavItem, add_home_widget
    from safety_platform.schedules import Schedule

    from ..common.setup import plug_in_topic
    from . import receivers, tasks  # noqa: F401 - tasks register with Celery on import; listeners connect
    from .demo import seed_training_demo
    from .legal_numbers import NUMBERS as LEGAL_NUMBERS
    from .models import Employee, SpecialOperationCertificate, TrainingRecord

    plug_in_topic(
        legal_numbers=LEGAL_NUMBERS,
        audited=(Employee, TrainingRecord, SpecialOperationCertificate),
        nav=[NavItem(_("Training"), "enterprises:training_overview", roles=ALL_ROLES, icon="mortarboard", order=63)],
        panel=("training", _("Training"), _training_panel, 42),
        schedules=[
            Schedule(
                name="Special-operation certificates: expiry reminders",
                task="enterprises.special_certificates_sweep",
                minute="20",
                hour="1",
                description="Tell each enterprise once about certificates expiring within 90 days.",
            ),
            Schedule(
                name="Training compliance summary",
                task="enterprises.training_compliance_summary",
                minute="5",
                hour="0",
                description=(
                    "Count every enterprise's people on post, non-compliant people and special-operation "
                    "certificates due for the day's overview and home page."
                ),
            ),
            Schedule(
                name="Training compliance facts",
                task="enterprises.training_compliance_facts",
                minute="30",
                hour="2",
                description=(
                    "Record a change of an enterprise's train-before-posting compliance for credit "
                    "(a standing status again after 150 to 179 days)."
                ),
            ),
        ],
        demo_seeder=seed_training_demo,
    )
    add_home_widget("enterprise-topics", _home_context, order=40, template="enterprises/topics/_home_topics.html")
