"""What the emergency app hands to the enterprises app, which stands below it and imports none of it: its
share of the dashboards' enterprise figures (operating enterprises with a warning they have not acknowledged,
`unacknowledged`, per period of the warning's issue), the enterprise list's condition on the same records,
and the task recounting them after a warning reached its enterprises in bulk. Imported once from
`EmergencyConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from enterprises.figures.services import enterprise_figures_refresh
from enterprises.figures.sources import Facts, FigureSource, add_monthly, register_figure_source
from enterprises.registry.compliance import day_moments, register_enterprise_condition

from .models import EmergencyWarning, WarningRecipient


def warning_unacknowledged_q(start: dt.date, end: dt.date) -> Q:
    """Sent a warning issued from `start` to `end` (days, local time) that it has not acknowledged (签收)."""
    since, until = day_moments(start, end)
    pending = WarningRecipient.objects.filter(
        enterprise=OuterRef("pk"),
        acknowledged_at__isnull=True,
        warning__issued_at__gte=since,
        warning__issued_at__lt=until,
    )
    return Q(Exists(pending))


def count_figures(facts: Facts, ids: list[int], operating: list[int]) -> None:
    """For operating enterprises, the periods of the warnings they have not acknowledged (`unacknowledged`)."""
    if not operating:
        return
    pending = WarningRecipient.objects.filter(enterprise_id__in=operating, acknowledged_at__isnull=True)
    add_monthly(facts, "unacknowledged", pending, "warning__issued_at")


@receiver(post_save, sender=EmergencyWarning, dispatch_uid="enterprise_figures_warning_save")
def on_warning_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """A warning's issue time decides the period its unacknowledged recipients count in."""
    if raw or created:
        return
    enterprise_figures_refresh(
        WarningRecipient.objects.filter(warning=instance).values_list("enterprise_id", flat=True)
    )


# The name the outbox rows already carry (the task lived in the enterprises app before).
@shared_task(name="enterprises.figures_refresh_warning")
def warning_figures_refresh_task(warning_id: int) -> int:
    """After a warning reached its enterprises (recipients written in bulk): recount their figures."""
    ids = list(WarningRecipient.objects.filter(warning_id=warning_id).values_list("enterprise_id", flat=True))
    enterprise_figures_refresh(ids)
    return len(ids)


register_figure_source(FigureSource(key="emergency", count=count_figures, records=("emergency.WarningRecipient",)))
register_enterprise_condition("warning_unacknowledged", warning_unacknowledged_q)
