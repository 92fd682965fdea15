from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyPlatformConfig(AppConfig):
    name = "safety_platform"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import audit, channels, signals  # noqa: F401  (channels registers the SMS settings check)
        from .api import schema  # noqa: F401
        from .middleware import session_stamp_sign_in

        user_logged_in.connect(session_stamp_sign_in, dispatch_uid="session_stamp_sign_in")

        audit.register_core_models()
        from .rules import connect_model_signals

        connect_model_signals()
        from django.db.models.signals import post_save

        from .security import revoke_credentials_on_change

        post_save.connect(
            revoke_credentials_on_change, sender=self.get_model("User"), dispatch_uid="safety_platform_revoke_tokens"
        )
        from django.db.models.signals import post_migrate

        from .celery import ensure_filesystem_broker_folders
        from .schedules import Schedule, ensure_schedules, register_schedule

        ensure_filesystem_broker_folders()
        register_schedule(
            Schedule(
                name="Escalate overdue statutory deadlines",
                task="safety_platform.deadlines_escalate",
                minute="*/10",
                description="Notify inspector, then county office, then committee office when a deadline passes.",
            )
        )
        register_schedule(
            Schedule(
                name="Publish queued background work",
                task="safety_platform.outbox_drain",
                every_seconds=15,
                description="Hand work kept in the task outbox (written while Redis was down) to the workers.",
            )
        )
        register_schedule(
            Schedule(
                name="Send queued e-mail and SMS",
                task="safety_platform.outbound_deliver",
                every_seconds=60,
                description="Send e-mail and SMS notices that are due: new ones missed, retries after a failure.",
            )
        )
        from .services import outbound_messages_hold
        from .signals import outbound_hold

        outbound_hold.connect(outbound_messages_hold, dispatch_uid="safety_platform_outbound_messages_hold")
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="safety_platform_schedules")
