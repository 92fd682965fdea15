"""Listeners: overdue deadlines become facts that credit and assessment read."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

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
