"""Differentiated supervision: inspection visits (the due-inspection list is a selector)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from safety_platform.choices import Role
from safety_platform.models import Fact, User
from safety_platform.services import DomainError

from ..models import SupervisionVisit
from .access import can_record_visit


def supervision_visit_record(
    *, actor: User, enterprise: Enterprise, visited_on: dt.date, note: str = ""
) -> SupervisionVisit:
    """An inspector records an on-site inspection; the enterprise's next due date moves on."""
    if not can_record_visit(actor):
        raise DomainError(_("Only inspectors and supervising staff record inspections."), code="forbidden")
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise DomainError(_("This enterprise is outside your jurisdiction."), code="forbidden")
    if visited_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="visited_on", code="invalid")
    return SupervisionVisit.objects.create(
        enterprise=enterprise, visited_on=visited_on, inspector=actor, note=(note or "").strip()[:300]
    )


def supervision_visit_from_fact(*, fact: Fact) -> SupervisionVisit:
    """An `inspection_conducted` event from another app (payload may name `inspector_id`)."""
    assert fact.enterprise_id is not None  # the intake only passes events about an enterprise
    inspector = None
    inspector_id = (fact.payload or {}).get("inspector_id")
    if inspector_id:
        inspector = User.objects.filter(pk=inspector_id, role=Role.INSPECTOR).first()
    visit, _created = SupervisionVisit.objects.get_or_create(
        fact=fact,
        defaults={
            "enterprise_id": fact.enterprise_id,
            "visited_on": timezone.localdate(fact.occurred_at),
            "inspector": inspector,
            "note": str((fact.payload or {}).get("note", ""))[:300],
        },
    )
    return visit
