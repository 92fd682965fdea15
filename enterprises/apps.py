from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from .legal_numbers import register as register_legal_numbers

        register_legal_numbers()
        from safety_platform.audit import audit_register
        from safety_platform.navigation import STAFF_ROLES, NavItem, register_nav

        from . import (
            receivers,  # noqa: F401  (the core's signals: a department's industries changed)
            receivers_figures,  # noqa: F401  (the dashboards' enterprise figures follow the records)
        )
        from .models import Enterprise

        audit_register(Enterprise)
        from safety_platform.demo import register_registry_seeder

        from .demo import seed_enterprises_demo

        register_registry_seeder(seed_enterprises_demo)  # before the logins: the enterprise login is one's staff
        from .setup_topics import register_topics

        register_topics()  # issue 6: responsibility, admission, standardization, training
        from safety_platform.schedules import Schedule, register_schedule

        register_schedule(
            Schedule(
                name="Enterprises: recount the dashboards' enterprise figures",
                task="enterprises.figures_rebuild",
                minute="50",
                hour="2",
                description="Recounts the enterprise figures (operating, risk points, credit grades, filing) "
                "from the records; they follow each change, this repairs changes made around the models.",
            )
        )
        register_nav(NavItem(_("Enterprises"), "enterprises:list", roles=STAFF_ROLES, icon="building", order=10))
        register_nav(
            NavItem(_("My enterprise"), "enterprises:mine", roles=frozenset({"enterprise"}), icon="building", order=10)
        )
        from safety_platform.navigation import HomeWidget, register_home_widget

        from .selectors import enterprise_counts

        register_home_widget(
            HomeWidget(
                key="enterprises",
                template="enterprises/_home_widget.html",
                context=lambda request: {"counts": enterprise_counts(request.user)},
                roles=STAFF_ROLES,
                order=10,
            )
        )
        register_home_widget(
            HomeWidget(
                key="my-enterprise",
                template="enterprises/_home_mine.html",
                context=lambda request: {"enterprise": request.user.enterprise},
                roles=frozenset({"enterprise"}),
                order=10,
            )
        )
