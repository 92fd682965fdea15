"""Plug standardization (安全生产标准化 certificates, demonstration enterprises) into the platform shell; called
once from `EnterprisesConfig.ready()`: legal numbers, audit trail, menu, the enterprise page's panel, periodic
job, Celery tasks and the demo seeder."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def _standardization_panel(request: Any, enterprise: Any) -> dict[str, Any]:
    return {
        "enterprise": enterprise,
        "certificates": enterprise.standardization_certificates.select_related("industry").order_by("-issued_on")[:5],
        "demonstrations": enterprise.demonstrations.order_by("-designated_on")[:2],
    }


def register() -> None:
    from safety_platform.audit import audit_register
    from safety_platform.demo import register_demo_seeder
    from safety_platform.navigation import ALL_ROLES, NavItem, register_nav
    from safety_platform.schedules import Schedule, register_schedule

    from ..common.setup import add_topic_panel
    from . import tasks  # noqa: F401 - tasks register with Celery on import
    from .demo import seed_standardization_demo
    from .legal_numbers import NUMBERS as LEGAL_NUMBERS
    from .models import Demonstration, DemonstrationMeasure, StandardizationCertificate

    LEGAL_NUMBERS.register()
    for model in (StandardizationCertificate, Demonstration, DemonstrationMeasure):
        audit_register(model)
    register_nav(NavItem(_("Standardization"), "enterprises:stdcert_list", roles=ALL_ROLES, icon="award", order=62))
    add_topic_panel("standardization", _("Standardization"), _standardization_panel, order=41)
    register_schedule(
        Schedule(
            name="Standardization certificates: expiry and re-review reminders",
            task="enterprises.standardization_sweep",
            minute="10",
            hour="1",
            description="Expire certificates past their date (credit fact) and send re-review reminders.",
        )
    )
    register_demo_seeder(seed_standardization_demo)
