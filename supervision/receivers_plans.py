"""Keep the plans' statutory clocks in step with the inspections, whoever records them (a form, the API, a sync)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Inspection


def _refresh(instance: Inspection) -> None:
    from .services.plans import refresh_clocks_for

    refresh_clocks_for(instance.enterprise_id, instance.inspected_on)


@receiver(post_save, sender=Inspection, dispatch_uid="supervision_plans_inspection_saved")
def inspection_saved(sender: Any, instance: Inspection, **kwargs: Any) -> None:
    """An inspection counts toward that year's plans ending on or after its day: stop their clocks once done."""
    _refresh(instance)


@receiver(post_delete, sender=Inspection, dispatch_uid="supervision_plans_inspection_deleted")
def inspection_deleted(sender: Any, instance: Inspection, **kwargs: Any) -> None:
    """A deleted inspection may leave an entry short again: its clock reopens."""
    _refresh(instance)
