"""Listeners keeping the dashboards' enterprise figures (`EnterpriseFigureSummary`) equal to the records:
each save or delete of a record an enterprise figure counts recounts that enterprise's share
(`enterprises.figures.services`), in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

# Records counted by an enterprise figure, each pointing at its enterprise through `enterprise_id`.
COUNTED = (
    "hazards.RiskSource",
    "hazards.HazardStatReport",
    "hazards.SelfCheck",
    "credit.CreditRating",
    "emergency.WarningRecipient",
)


def _refresh(*enterprise_ids: int) -> None:
    from .services import enterprise_figures_refresh

    enterprise_figures_refresh(enterprise_ids)


def _record_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _refresh(instance.enterprise_id)


for _model in COUNTED:
    post_save.connect(_record_changed, sender=_model, dispatch_uid=f"enterprise_figures_save_{_model}")
    post_delete.connect(_record_changed, sender=_model, dispatch_uid=f"enterprise_figures_delete_{_model}")

_WATCHED = {"status", "jurisdiction", "industry", "supervising_department"}
_WATCHED |= {f"{name}_id" for name in _WATCHED}


@receiver(post_save, sender="enterprises.Enterprise", dispatch_uid="enterprise_figures_enterprise_save")
def on_enterprise_saved(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if raw or (update_fields is not None and not set(update_fields) & _WATCHED):
        return
    _refresh(instance.pk)


@receiver(pre_delete, sender="enterprises.Enterprise", dispatch_uid="enterprise_figures_enterprise_delete")
def on_enterprise_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .services import enterprise_figures_forget

    enterprise_figures_forget(instance.pk)


@receiver(post_save, sender="emergency.EmergencyWarning", dispatch_uid="enterprise_figures_warning_save")
def on_warning_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """A warning's issue time decides the period its unacknowledged recipients count in."""
    if raw or created:
        return
    from emergency.models import WarningRecipient

    _refresh(*WarningRecipient.objects.filter(warning=instance).values_list("enterprise_id", flat=True))
