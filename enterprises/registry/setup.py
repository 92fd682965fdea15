"""Plug the enterprise registry into the platform shell (called once from `EnterprisesConfig.ready()`):
its answers to the core's signals, audit trail, demo seeder, menu and home widgets."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from django.db.models.signals import pre_save

    from safety_platform.audit import audit_register
    from safety_platform.demo import register_registry_seeder
    from safety_platform.navigation import STAFF_ROLES, NavItem, add_home_widget, register_nav

    from . import receivers  # noqa: F401  (the core's signals: a department's industries changed)
    from .demo import seed_enterprises_demo
    from .models import Enterprise
    from .selectors import enterprise_counts
    from .signals import remember_stored_enterprise

    audit_register(Enterprise)
    # The stored row before a save, read once for every listener that compares it (`signals.stored_before_save`).
    pre_save.connect(remember_stored_enterprise, sender=Enterprise, dispatch_uid="enterprise_stored_before_save")
    register_registry_seeder(seed_enterprises_demo)  # before the logins: the enterprise login is one's staff
    register_nav(NavItem(_("Enterprises"), "enterprises:list", roles=STAFF_ROLES, icon="building", order=10))
    register_nav(
        NavItem(_("My enterprise"), "enterprises:mine", roles=frozenset({"enterprise"}), icon="building", order=10)
    )
    add_home_widget(
        "enterprises", lambda request: {"counts": enterprise_counts(request.user)}, roles=STAFF_ROLES, order=10
    )
    add_home_widget(
        "my-enterprise",
        lambda request: {"enterprise": request.user.enterprise},
        roles=frozenset({"enterprise"}),
        order=10,
        template="enterprises/_home_mine.html",
    )
