"""Listeners: overdue deadlines become facts that credit and assessment read."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from enterprises.registry.signals import stored_before_save, watch_stored_enterprise_fields
from safety_platform.signals import deadline_escalated

from .choices import DEADLINE_RECTIFICATION, DEADLINE_STATISTICS


@receiver(deadline_escalated, dispatch_uid="hazards_deadline_escalated")
def on_deadline_escalated(sender: Any, deadline: Any, level: int, **kwargs: Any) -> None:
    from .models import Hazard, HazardStatReport
    from .services import hazard_record_overdue, stat_report_record_late

    source_type_id = deadline.source_type_id
    if deadline.kind == DEADLINE_RECTIFICATION and source_type_id == ContentType.objects.get_for_model(Hazard).pk:
        hazard_record_overdue(hazard_id=deadline.source_id, due_at=deadline.due_at)
    elif (
        deadline.kind == DEADLINE_STATISTICS
        and source_type_id == ContentType.objects.get_for_model(HazardStatReport).pk
    ):
        stat_report_record_late(report_id=deadline.source_id)


# The hazard summary (dashboards): each change of a hazard, or an enterprise's area, industry or department,
# adds its difference to `HazardMonthSummary` in the same transaction (hazards.services.summary).


@receiver(pre_save, sender="hazards.Hazard", dispatch_uid="hazards_summary_pre_save")
def on_hazard_pre_save(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    if not raw:
        from .services.summary import hazard_counts_before

        hazard_counts_before(instance, update_fields)


@receiver(post_save, sender="hazards.Hazard", dispatch_uid="hazards_summary_post_save")
def on_hazard_post_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        from .services.summary import hazard_counts_after

        hazard_counts_after(instance)


@receiver(pre_delete, sender="hazards.Hazard", dispatch_uid="hazards_summary_pre_delete")
def on_hazard_pre_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .services.summary import hazard_counts_before

    hazard_counts_before(instance)


@receiver(post_delete, sender="hazards.Hazard", dispatch_uid="hazards_summary_post_delete")
def on_hazard_post_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .services.summary import hazard_counts_after

    hazard_counts_after(instance, deleted=True)


_ENTERPRISE_PLACE = ("jurisdiction_id", "industry_id", "supervising_department_id")


watch_stored_enterprise_fields(*_ENTERPRISE_PLACE)


@receiver(post_save, sender="enterprises.Enterprise", dispatch_uid="hazards_summary_enterprise_post_save")
def on_enterprise_post_save(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    old = stored_before_save(instance, _ENTERPRISE_PLACE, update_fields)
    if raw or old is None:
        return  # a new enterprise has no hazards yet
    new = tuple(getattr(instance, name) for name in _ENTERPRISE_PLACE)
    if tuple(old) != new:
        from .services.summary import enterprise_hazards_move

        enterprise_hazards_move(instance.pk, (old[0], old[1], old[2] or 0), (new[0], new[1], new[2] or 0))
