from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from safety_platform.audit import audit_register
        from safety_platform.demo import register_demo_seeder
        from safety_platform.navigation import (
            ALL_ROLES,
            STAFF_ROLES,
            NavItem,
            add_enterprise_panel,
            add_home_widget,
            register_nav,
        )
        from safety_platform.schedules import Schedule, register_schedule

        # The rules; the fact listener; the credit share of the enterprises app's figures.
        from . import enterprise_hooks, permissions, receivers  # noqa: F401
        from .demo import seed_credit_demo
        from .models import (
            BlacklistEntry,
            CreditRecord,
            CreditRepair,
            CriterionLimit,
            Rule,
            RuleSet,
            WebhookSubscription,
        )
        from .views import enterprise_panel_context, home_widget_context

        for model in (RuleSet, CriterionLimit, Rule, CreditRecord, CreditRepair):
            audit_register(model)
        audit_register(BlacklistEntry, m2m_fields={"evidence_records"})
        audit_register(WebhookSubscription, exclude_fields=["secret"])

        register_nav(NavItem(_("Credit"), "credit:overview", roles=ALL_ROLES, icon="award", order=40))
        register_nav(NavItem(_("Blacklist"), "credit:blacklist", roles=ALL_ROLES, icon="slash-circle", order=41))
        add_enterprise_panel("credit", _("Credit"), enterprise_panel_context, order=40)
        add_home_widget("credit", home_widget_context, roles=STAFF_ROLES | {"enterprise"}, order=40)
        register_schedule(
            Schedule(
                name="Credit: nightly recalculation of every grade",
                task="credit.recalculate_all",
                minute="30",
                hour="2",
                description="Grades every enterprise in resumable batches; only changed results are written.",
            )
        )
        register_schedule(
            Schedule(
                name="Credit: end expired blacklist listings",
                task="credit.blacklist_expire",
                minute="10",
                hour="0",
                description="Removes blacklist entries whose listing period has ended.",
            )
        )
        register_schedule(
            Schedule(
                name="Credit: deliver webhook notifications",
                task="credit.webhooks_deliver",
                every_seconds=60,
                description="Signed change notifications to departments, with retries (outbox).",
            )
        )
        register_schedule(
            Schedule(
                name="Credit: catch up on platform events",
                task="credit.ingest_pending_facts",
                minute="5",
                description="Maps any fact the live listener missed to credit records.",
            )
        )
        register_schedule(
            Schedule(
                name="Credit: joint rewards and punishments notices of last month",
                task="credit.joint_notices_issue",
                minute="0",
                hour="6",
                day_of_month="1",
                description="Issues last month's written notice (联合奖惩告知书) to each recipient department.",
            )
        )
        register_nav(
            NavItem(
                _("Joint rewards and punishments"),
                "credit:joint_measures",
                roles=frozenset({"admin", "committee", "county_office", "department"}),
                icon="people",
                order=43,
            )
        )
        register_demo_seeder(seed_credit_demo)
        from .demo_joint import seed_joint_demo

        register_demo_seeder(seed_joint_demo)  # after the credit demo: it lists its grades and listings
        from safety_platform.rules import register_clock_backfill

        from .services.blacklist import blacklist_clocks_backfill

        register_clock_backfill("blacklist_period_end", blacklist_clocks_backfill)
