"""The yearly cap of an enterprise's class (§3d): an inspection beyond it needs a stated reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from safety_platform.services import DomainError

from ..choices import InspectionReason
from ..models import Inspection
from .classes import EnterpriseClass, enterprise_class

__all__ = ["EnterpriseClass", "enterprise_class", "inspection_cap_check", "inspections_in_year"]


def inspections_in_year(enterprise: Any, year: int, *, exclude_id: int | None = None) -> int:
    queryset = Inspection.objects.filter(
        enterprise=enterprise, inspected_on__gte=dt.date(year, 1, 1), inspected_on__lte=dt.date(year, 12, 31)
    )
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset.count()


def inspection_cap_check(
    *, enterprise: Any, inspected_on: dt.date, reason: str, reason_note: str, exclude_id: int | None = None
) -> None:
    """Refuse an inspection that would go beyond the yearly maximum of the enterprise's class unless it has a
    reason other than "planned" and the reason is stated (a complaint, an accident, a campaign).

    `exclude_id`: the inspection being edited (not counted twice).
    """
    klass = enterprise_class(enterprise, inspected_on)
    if klass.max_per_year is None:
        return
    done = inspections_in_year(enterprise, inspected_on.year, exclude_id=exclude_id)
    if done + 1 <= klass.max_per_year:
        return
    if reason == InspectionReason.PLANNED or not (reason_note or "").strip():
        raise DomainError(
            _(
                "This would be inspection %(count)s this year of an enterprise in the class “%(klass)s”, whose cap is "
                "%(max)s a year: choose a reason other than a planned inspection (a complaint, an accident, a "
                "campaign) and state it."
            )
            % {"count": done + 1, "klass": klass.class_name, "max": klass.max_per_year},
            field="reason_note",
            code="inspection_over_cap_needs_reason",
        )
