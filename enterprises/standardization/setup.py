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
    from safety_platform.navigation import ALL_ROLES, NavItem
    from safety_platform.schedules import Schedule

    from ..common.setup import plug_in_topic
    from . import tasks  # noqa: F401 - tasks register with Celery on import
    from .demo import seed_standardization_demo
    from .legal_numbers import NUMBERS as LEGAL_NUMBERS
    from .models import Demonstration, DemonstrationMeasure, StandardizationCertificate

    plug_in_topic(
        legal_numbers=LEGAL_NUMBERS,
        audited=(StandardizationCertificate, Demonstration, DemonstrationMeasure),
        nav=[NavItem(_("Standardization"), "enterprises:stdcert_list", roles=ALL_ROLES, icon="award", order=62)],
        panel=("standardization", _("Standardization"), _standardization_panel, 41),
        schedules=[
            Schedule(
                name="Standardization certificates: expiry and re-review reminders",
                task="enterprises.standardization_sweep",
                minute="10",
                hour="1",
                description="Expire certificates past their date (credit fact) and send re-review reminders.",
            )
        ],
        demo_seeder=seed_standardization_demo,
    )
