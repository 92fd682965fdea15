"""Inspections (检查记录): recorded on a phone against the checklist of the enterprise's industry.

A failed item becomes a hazard in one step, prefilled; a joint inspection (§1.2) is one record that every
department joining it sees. An `inspection_conducted` event from another app (an inspector logging a hazard on
site) is an inspection too, recorded once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from hazards.choices import HazardSource
from hazards.location import clean_position
from hazards.models import Checklist, ChecklistItem, Hazard
from safety_platform.choices import Role
from safety_platform.models import Department, Fact, User
from safety_platform.permissions import can
from safety_platform.services import DomainError
from safety_platform.uploads import IMAGE, validate_upload

from ..choices import InspectionReason
from ..models import Inspection, InspectionAnswer, InspectionResult

EARLIEST_INSPECTED_ON = dt.date(2000, 1, 1)  # no record of this platform goes back further


@dataclass
class AnswerInput:
    """One checklist item as found on site."""

    item_id: int
    result: str
    note: str = ""
    photo: Any = None


def checklists_for(enterprise: Enterprise) -> Any:
    """The active checklists of the enterprise's industry (its code or an ancestor's) and the general ones."""
    # The most specific industry first (the longest code), general checklists last.
    return Checklist.objects.for_industry(enterprise.industry).order_by(
        F("industry__code").desc(nulls_last=True), "name", "id"
    )


def _check_answers(checklist: Checklist | None, answers: Sequence[AnswerInput]) -> dict[int, ChecklistItem]:
    if checklist is None:
        if answers:
            raise DomainError(_("Choose the checklist the answers belong to."), field="checklist", code="invalid")
        return {}
    items = {item.pk: item for item in checklist.items.filter(is_active=True)}
    by_item: dict[int, AnswerInput] = {}
    for answer in answers:
        if answer.item_id not in items:
            raise DomainError(_("Unknown checklist items."), field="answers", code="invalid")
        if answer.item_id in by_item:
            raise DomainError(_("An item is answered twice."), field=f"item_{answer.item_id}", code="invalid")
        by_item[answer.item_id] = answer
    missing = [pk for pk in items if pk not in by_item]
    if missing:
        raise DomainError(
            _("Answer every item of the checklist (%(n)d left).") % {"n": len(missing)},
            field=f"item_{missing[0]}",
            code="inspection_item_unanswered",
        )
    for answer in answers:
        item = items[answer.item_id]
        if answer.result not in InspectionResult.values:
            raise DomainError(
                _("Choose pass, fail or not applicable for “%(item)s”.") % {"item": item.text[:60]},
                field=f"item_{item.pk}",
                code="invalid",
            )
        if answer.result == InspectionResult.FAIL and not (answer.note or "").strip():
            raise DomainError(
                _("Describe what failed at “%(item)s”.") % {"item": item.text[:60]},
                field=f"item_{item.pk}_note",
                code="inspection_fail_needs_note",
            )
        if answer.photo:
            try:
                validate_upload(answer.photo, kinds=(IMAGE,))
            except ValidationError as exc:
                raise DomainError(" ".join(exc.messages), field=f"item_{item.pk}_photo", code="invalid") from exc
    return items


def inspection_record(
    *,
    actor: Any,
    enterprise: Enterprise,
    inspected_on: dt.date,
    reason: str = InspectionReason.PLANNED,
    reason_note: str = "",
    departments: Iterable[Department] = (),
    checklist: Checklist | None = None,
    answers: Sequence[AnswerInput] = (),
    note: str = "",
    latitude: Any = None,
    longitude: Any = None,
    client_key: str = "",
) -> Inspection:
    """Record an inspection with its checklist answers, in one transaction: all of it or nothing.

    Refused: an actor who does not inspect or does not see the enterprise, a day in the future, a checklist of
    another industry, an item left unanswered, a failed item without a note, a photo that is not a photo, an
    inspection beyond the yearly cap of the enterprise's class without a stated reason. `client_key` (made by
    the form) makes a submission sent again after a dropped connection return the first one's inspection.
    """
    if not can(actor, "supervision.inspect"):
        raise DomainError(_("Only inspectors and supervising staff record inspections."), code="forbidden")
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise DomainError(_("This enterprise is outside your jurisdiction."), field="enterprise", code="forbidden")
    client_key = (client_key or "").strip()[:64]
    if client_key:
        existing = Inspection.objects.filter(created_by=actor, client_key=client_key).first()
        if existing is not None:
            return existing
    if inspected_on is None:
        raise DomainError(_("Give the day of the inspection."), field="inspected_on", code="invalid")
    if inspected_on > timezone.localdate():
        raise DomainError(
            _("An inspection cannot be dated in the future (today is %(today)s).")
            % {"today": timezone.localdate().isoformat()},
            field="inspected_on",
            code="inspection_in_future",
        )
    if inspected_on < EARLIEST_INSPECTED_ON:
        raise DomainError(
            _("An inspection cannot be dated before %(day)s.") % {"day": EARLIEST_INSPECTED_ON.isoformat()},
            field="inspected_on",
            code="invalid",
        )
    if reason not in InspectionReason.values:
        raise DomainError(_("Choose the reason for the inspection."), field="reason", code="invalid")
    reason_note = (reason_note or "").strip()[:300]
    if reason == InspectionReason.OTHER and not reason_note:
        raise DomainError(_("State the reason for the inspection."), field="reason_note", code="invalid")
    # Inside Longyan, both or neither (issue 13 item 7): the hazard form's check, naming the field at fault.
    lat, lon = clean_position(latitude, longitude)
    if checklist is not None and not checklists_for(enterprise).filter(pk=checklist.pk).exists():
        raise DomainError(
            _("This checklist does not apply to the enterprise's industry."), field="checklist", code="invalid"
        )
    items = _check_answers(checklist, answers)
    joining = {d.pk: d for d in departments}
    if getattr(actor, "role", "") == Role.DEPARTMENT and actor.department_id:
        joining.setdefault(actor.department_id, actor.department)
    from .caps import inspection_cap_check

    try:
        with transaction.atomic():
            # One inspection of an enterprise at a time: the yearly count the cap reads cannot change meanwhile.
            Enterprise.objects.select_for_update(no_key=True, of=("self",)).filter(pk=enterprise.pk).first()
            inspection_cap_check(
                enterprise=enterprise, inspected_on=inspected_on, reason=reason, reason_note=reason_note
            )
            inspection = Inspection.objects.create(
                enterprise=enterprise,
                inspected_on=inspected_on,
                inspector=actor if getattr(actor, "role", "") == Role.INSPECTOR else None,
                created_by=actor,
                reason=reason,
                reason_note=reason_note,
                note=(note or "").strip(),
                latitude=lat,
                longitude=lon,
                checklist=checklist,
                client_key=client_key,
            )
            if joining:
                inspection.departments.set(list(joining.values()))
            for answer in answers:
                row = InspectionAnswer(
                    inspection=inspection,
                    item=items[answer.item_id],
                    result=answer.result,
                    note=(answer.note or "").strip()[:400],
                )
                if answer.photo:
                    ext = validate_upload(answer.photo, kinds=(IMAGE,))
                    # Stored under a random name (upload_to); only the checked extension is kept.
                    row.photo.save(f"upload.{ext}", answer.photo, save=False)
                row.save()
    except IntegrityError:
        # The same form sent twice at once: the first one's inspection stands.
        if client_key:
            found = Inspection.objects.filter(created_by=actor, client_key=client_key).first()
            if found is not None:
                return found
        raise
    return inspection


def inspection_hazard_from_item(*, actor: Any, inspection: Inspection, answer: InspectionAnswer) -> Hazard:
    """Turn a failed item into a hazard, prefilled: the enterprise, the item's text as the title, the note
    (and the item's basis) as the description, found on the inspection's day, the photo attached.

    Idempotent: a second click returns the hazard the first one made.
    """
    from hazards.services import hazard_register

    if not can(actor, "supervision.inspect"):
        raise DomainError(_("Only inspectors and supervising staff turn findings into hazards."), code="forbidden")
    if not Inspection.objects.visible_to(actor).filter(pk=inspection.pk).exists():
        raise DomainError(_("This inspection is outside your jurisdiction."), code="forbidden")
    if answer.inspection_id != inspection.pk:
        raise DomainError(_("This item belongs to another inspection."), field="answer", code="invalid")
    if answer.result != InspectionResult.FAIL:
        raise DomainError(_("Only a failed item becomes a hazard."), field="answer", code="inspection_item_not_failed")
    if answer.hazard_id is not None:
        return Hazard.objects.get(pk=answer.hazard_id)
    with transaction.atomic():
        locked = InspectionAnswer.objects.select_for_update().select_related("item").get(pk=answer.pk)
        if locked.hazard_id is not None:
            return Hazard.objects.get(pk=locked.hazard_id)
        item = locked.item
        joint = inspection.departments.count() > 1
        description = locked.note.strip()
        if item.basis:
            description = f"{description}\n{_('Basis: %(basis)s') % {'basis': item.basis}}".strip()
        now = timezone.now()
        noon = timezone.make_aware(dt.datetime.combine(inspection.inspected_on, dt.time(12, 0)))
        files = []
        if locked.photo:
            locked.photo.open("rb")
            files.append((locked.photo, "photo"))
        try:
            hazard, _created = hazard_register(
                enterprise=inspection.enterprise,
                title=item.text[:200],
                description=description,
                source=HazardSource.JOINT_INSPECTION if joint else HazardSource.INSPECTION,
                reported_by=actor,
                found_at=now if inspection.inspected_on == timezone.localdate() else min(noon, now),
                external_key=f"inspection:{inspection.pk}:{item.pk}",
                files=files,
            )
        finally:
            if locked.photo:
                locked.photo.close()
        locked.hazard = hazard
        locked.save(update_fields=["hazard"])
        answer.hazard = hazard
    return hazard


def inspection_from_fact(*, fact: Fact) -> Inspection | None:
    """An `inspection_conducted` event (payload may name `inspector_id` and `note`): one inspection per event,
    and none when the inspector's inspection of that enterprise on that day is already recorded."""
    if fact.enterprise_id is None:
        return None
    existing = Inspection.objects.filter(fact=fact).first()
    if existing is not None:
        return existing
    payload = fact.payload or {}
    hazard_id = payload.get("hazard_id")
    if hazard_id and InspectionAnswer.objects.filter(hazard_id=hazard_id).exists():
        return None  # a hazard made from an inspection's failed item: that inspection is the record
    inspector = None
    if payload.get("inspector_id"):
        inspector = User.objects.filter(pk=payload["inspector_id"], role=Role.INSPECTOR).first()
    day = timezone.localdate(fact.occurred_at)
    same_day = Inspection.objects.filter(enterprise_id=fact.enterprise_id, inspected_on=day)
    if inspector is not None and same_day.filter(inspector=inspector).exists():
        return None
    try:
        with transaction.atomic():
            inspection, _created = Inspection.objects.get_or_create(
                fact=fact,
                defaults={
                    "enterprise_id": fact.enterprise_id,
                    "inspected_on": day,
                    "inspector": inspector,
                    "note": str(payload.get("note", ""))[:300],
                },
            )
    except IntegrityError:
        return Inspection.objects.filter(fact=fact).first()
    return inspection


__all__ = [
    "AnswerInput",
    "checklists_for",
    "inspection_from_fact",
    "inspection_hazard_from_item",
    "inspection_record",
]
