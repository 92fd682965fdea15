from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from safety_platform.audit import audit_register
        from safety_platform.demo import register_demo_seeder
        from safety_platform.schedules import Schedule, register_schedule

        from . import permissions  # noqa: F401 - registers the app's rules
        from .demo import seed_assessment_demo
        from .models import (
            AssessmentPeriod,
            AssessmentResult,
            AssessmentRun,
            CountyInput,
            GradeThreshold,
            Objection,
            Scheme,
            SchemeIndicator,
            VetoRule,
        )

        for model in (
            Scheme,
            SchemeIndicator,
            VetoRule,
            GradeThreshold,
            CountyInput,
            AssessmentPeriod,
            AssessmentRun,
            AssessmentResult,
            Objection,
        ):
            audit_register(model)

        from safety_platform.choices import Role
        from safety_platform.navigation import NavItem, register_nav

        register_nav(
            NavItem(
                _("Assessment"),
                "assessment:run_list",
                roles=frozenset({Role.ADMIN, Role.COMMITTEE, Role.COUNTY_OFFICE, Role.INSPECTOR, Role.DEPARTMENT}),
                icon="clipboard-data",
                order=6,
                group=_("Assessment"),  # its own top entry, not a line under the dashboard
            )
        )
        for label, url_name, icon, order in (
            (_("Assessment schemes"), "assessment:scheme_list", "list-check", 7),
            (_("County targets and base figures"), "assessment:county_input_list", "table", 8),
        ):
            register_nav(
                NavItem(
                    label,
                    url_name,
                    roles=frozenset({Role.ADMIN, Role.COMMITTEE}),
                    icon=icon,
                    order=order,
                    group=_("Assessment"),
                )
            )

        register_schedule(
            Schedule(
                name="Assessment: monthly preliminary assessment",
                task="assessment.scheduled_run",
                minute="0",
                hour="3",
                day_of_month="1",
                kwargs='{"kind": "month"}',
                description="Assesses every county and member department for the month just ended (preliminary).",
            )
        )
        register_schedule(
            Schedule(
                name="Assessment: quarterly assessment",
                task="assessment.scheduled_run",
                minute="30",
                hour="3",
                day_of_month="1",
                month_of_year="1,4,7,10",
                kwargs='{"kind": "quarter"}',
                description="Assesses every county and member department for the quarter just ended.",
            )
        )
        register_schedule(
            Schedule(
                name="Assessment: annual assessment",
                task="assessment.scheduled_run",
                minute="0",
                hour="4",
                day_of_month="1",
                month_of_year="2",
                kwargs='{"kind": "year"}',
                description="Assesses every county for last year (after the annual statistics fall due on 31 January).",
            )
        )
        register_schedule(
            Schedule(
                name="Assessment: resume interrupted runs",
                task="assessment.runs_resume",
                minute="*/15",
                description="Hands runs left waiting or stalled (a worker killed) back to a worker; they resume.",
            )
        )
        register_demo_seeder(seed_assessment_demo)

        from .dashboard_registration import register as register_dashboards

        register_dashboards()
