"""Plug responsibility (责任清单, joint inspections) into the platform shell; called once from
`EnterprisesConfig.ready()`: audit trail, menu and the demo seeder."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from safety_platform.navigation import STAFF_ROLES, NavItem

    from ..common.setup import plug_in_topic
    from .demo import seed_responsibility_demo
    from .models import JointInspection, JointInspectionFinding, ResponsibilityItem, ResponsibilityReview

    plug_in_topic(
        audited=(ResponsibilityItem, ResponsibilityReview, JointInspection, JointInspectionFinding),
        nav=[
            NavItem(
                _("Responsibility"), "enterprises:responsibility_list", roles=STAFF_ROLES, icon="diagram-3", order=60
            )
        ],
        demo_seeder=seed_responsibility_demo,
    )
