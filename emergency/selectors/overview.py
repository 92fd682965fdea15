"""Figures for the home page and the emergency index (one aggregate query per figure)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from safety_platform.models import StatutoryDeadline

from ..choices import AccidentStatus, Readiness, WarningStatus
from ..models import Accident, DispatchOrder, RescueTeam, StockAlert, WarningRecipient
from .plans import plans_visible_to
from .warnings import warnings_pending_for_enterprise


def emergency_overview(user: Any) -> dict[str, Any]:
    overdue_clock = StatutoryDeadline.objects.overdue(timezone.now()).of(Accident).filter(source_id=OuterRef("pk"))
    accidents = (
        Accident.objects.visible_to(user)
        .exclude(status=AccidentStatus.CLOSED)
        .aggregate(open=Count("id"), late=Count("id", filter=Q(Exists(overdue_clock))))
    )
    from .warnings import warnings_visible_to

    warnings = (
        warnings_visible_to(user)
        .filter(status=WarningStatus.ISSUED)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()))
    )
    pending = WarningRecipient.objects.visible_to(user).filter(
        warning__in=warnings.values("pk"), acknowledged_at__isnull=True
    )
    teams = (
        RescueTeam.objects.visible_to(user)
        .filter(is_active=True)
        .aggregate(total=Count("id"), ready=Count("id", filter=Q(readiness=Readiness.READY)))
    )
    return {
        "accidents_open": accidents["open"],
        "accidents_late": accidents["late"],
        "warnings_in_force": warnings.count(),
        "warnings_pending": pending.count(),
        "stock_alerts": StockAlert.objects.visible_to(user).open().count(),
        "plans_overdue": plans_visible_to(user).filter(drill_overdue=True).count(),
        "teams_total": teams["total"],
        "teams_ready": teams["ready"],
        "dispatch_open": DispatchOrder.objects.visible_to(user).open().count(),
    }


def enterprise_emergency_overview(user: Any) -> dict[str, Any]:
    enterprise_id = getattr(user, "enterprise_id", None)
    if not enterprise_id:
        return {"pending_warnings": [], "plans_overdue": 0, "accidents_open": 0}
    return {
        "pending_warnings": list(warnings_pending_for_enterprise(enterprise_id)[:5]),
        "plans_overdue": plans_visible_to(user).filter(drill_overdue=True).count(),
        "accidents_open": Accident.objects.visible_to(user).exclude(status=AccidentStatus.CLOSED).count(),
    }
