"""Writes of the responsibility system: department responsibility lists and joint enforcement inspections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import FactKind, Role
from safety_platform.concurrency import Opened, check_opened
from safety_platform.locking import lock_in_state
from safety_platform.models import Department, Industry, User
from safety_platform.permissions import require, sees
from safety_platform.services import DomainError, fact_record

from ..common.hazard_link import hazard_register_for
from ..registry.models import Enterprise
from .models import (
    DutyKind,
    JointInspection,
    JointInspectionFinding,
    JointInspectionStatus,
    ResponsibilityItem,
    ResponsibilityReview,
)

# Responsibility lists ---------------------------------------------------------------------------


def _check_item(kind: str, duty: str) -> None:
    if kind not in DutyKind.values:
        raise ValidationError({"kind": _("Unknown kind of duty.")})
    if not (duty or "").strip():
        raise ValidationError({"duty": _("Describe the duty.")})


def responsibility_item_create(
    *,
    actor: User,
    department: Department,
    duty: str,
    kind: str = DutyKind.SUPERVISION,
    industry: Industry | None = None,
    legal_basis: str = "",
    effective_on: dt.date | None = None,
) -> ResponsibilityItem:
    require(
        actor,
        "enterprises.edit_responsibility",
        department,
        message=_("You may not edit this department's responsibility list."),
    )
    _check_item(kind, duty)
    item = ResponsibilityItem(
        department=department,
        industry=industry,
        kind=kind,
        duty=duty.strip(),
        legal_basis=legal_basis.strip(),
        effective_on=effective_on or timezone.localdate(),
        created_by=actor,
    )
    item.full_clean()
    item.save()
    return item


def responsibility_item_revise(
    *,
    actor: User,
    item: ResponsibilityItem,
    duty: str,
    kind: str,
    industry: Industry | None = None,
    legal_basis: str = "",
    effective_on: dt.date | None = None,
    opened: Opened | None = None,
) -> ResponsibilityItem:
    """A revision retires the item and adds its successor, so the list's history stays readable.

    With `opened` (the wording the editor saw), a wording changed by someone else meanwhile refuses the
    revision (`StaleEdit`)."""
    require(
        actor,
        "enterprises.edit_responsibility",
        item.department,
        message=_("You may not edit this department's responsibility list."),
    )
    _check_item(kind, duty)
    with transaction.atomic():
        locked = ResponsibilityItem.objects.select_for_update().get(pk=item.pk)
        check_opened(opened, locked)
        if locked.retired_on is not None:
            raise DomainError(_("This duty was already retired or revised."), code="duty_already_retired")
        effective = effective_on or timezone.localdate()
        successor = ResponsibilityItem.objects.create(
            department=locked.department,
            industry=industry,
            kind=kind,
            duty=duty.strip(),
            legal_basis=legal_basis.strip(),
            effective_on=effective,
            created_by=actor,
        )
        locked.retired_on = effective
        locked.replaced_by = successor
        locked.save(update_fields=["retired_on", "replaced_by", "updated_at"])
    return successor


def responsibility_item_retire(*, actor: User, item: ResponsibilityItem) -> ResponsibilityItem:
    require(
        actor,
        "enterprises.edit_responsibility",
        item.department,
        message=_("You may not edit this department's responsibility list."),
    )
    with transaction.atomic():
        locked = ResponsibilityItem.objects.select_for_update().get(pk=item.pk)
        if locked.retired_on is not None:
            raise DomainError(_("This duty was already retired or revised."), code="duty_already_retired")
        locked.retired_on = timezone.localdate()
        locked.save(update_fields=["retired_on", "updated_at"])
    return locked


def responsibility_review_record(*, actor: User, department: Department, note: str = "") -> ResponsibilityReview:
    """Confirm that the department's list is current (it is flagged when not confirmed for a year)."""
    require(
        actor,
        "enterprises.edit_responsibility",
        department,
        message=_("You may not confirm this department's responsibility list."),
    )
    return ResponsibilityReview.objects.create(department=department, reviewed_by=actor, note=note.strip()[:300])


# Joint enforcement inspections -----------------------------------------------------------------


def joint_inspection_create(
    *,
    actor: User,
    enterprise: Enterprise,
    title: str,
    lead_department: Department,
    departments: Iterable[Department],
    planned_on: dt.date,
    team: str = "",
) -> JointInspection:
    """Plan a joint inspection. The lead department always takes part; at least two departments join."""
    require(actor, "enterprises.create_joint_inspection", message=_("You may not organise joint inspections."))
    if not sees(actor, enterprise):
        raise ValidationError({"enterprise": _("This enterprise is outside your scope.")})
    if actor.role == Role.DEPARTMENT and not actor.is_superuser and lead_department.pk != actor.department_id:
        raise ValidationError({"lead_department": _("Department staff lead inspections for their own department.")})
    members = {d.pk: d for d in departments}
    members[lead_department.pk] = lead_department
    if len(members) < 2:
        raise ValidationError({"departments": _("A joint inspection needs at least two departments.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the inspection a title.")})
    with transaction.atomic():
        inspection = JointInspection.objects.create(
            enterprise=enterprise,
            title=title.strip(),
            lead_department=lead_department,
            planned_on=planned_on,
            team=team.strip(),
            created_by=actor,
        )
        inspection.departments.set(members.values())
    return inspection


def _lock_planned(inspection: JointInspection, message: str, field: str | None = "status") -> JointInspection:
    """The inspection, locked, while it is still planned; otherwise `message` (code `inspection_not_planned`)."""
    return lock_in_state(
        JointInspection.objects.select_related("enterprise"),
        inspection.pk,
        [JointInspectionStatus.PLANNED],
        message=message,
        code="inspection_not_planned",
        field=field,
    )


def joint_finding_add(
    *,
    actor: User,
    inspection: JointInspection,
    department: Department,
    title: str,
    description: str = "",
    location: str = "",
    legal_basis: str = "",
    suspected_major: bool = False,
) -> JointInspectionFinding:
    require(
        actor,
        "enterprises.work_on_inspection",
        inspection,
        message=_("You may not record findings for this inspection."),
    )
    if not (title or "").strip():
        raise ValidationError({"title": _("Describe the problem found.")})
    with transaction.atomic():
        # Lock the inspection so that a finding cannot slip in while it is being completed.
        locked = _lock_planned(inspection, _("Findings can only be added before the inspection is completed."), None)
        if not locked.departments.filter(pk=department.pk).exists():
            raise ValidationError({"department": _("This department did not take part in the inspection.")})
        if actor.role == Role.DEPARTMENT and not actor.is_superuser and department.pk != actor.department_id:
            raise ValidationError({"department": _("Record findings for your own department.")})
        return JointInspectionFinding.objects.create(
            inspection=locked,
            department=department,
            title=title.strip(),
            description=description.strip(),
            location=location.strip(),
            legal_basis=legal_basis.strip(),
            suspected_major=suspected_major,
            created_by=actor,
        )


def _inspection_moment(inspection: JointInspection) -> dt.datetime:
    """Findings happened on the inspection day: noon local time, or now when completed that morning."""
    noon = timezone.make_aware(dt.datetime.combine(inspection.planned_on, dt.time(12, 0)))
    return min(noon, timezone.now())


def _finding_register(finding: JointInspectionFinding, inspection: JointInspection, actor: Any) -> None:
    """Turn one finding into its hazard and its credit fact. Both are idempotent (external key, dedup key)."""
    if finding.hazard_id is None:
        description = "\n".join(
            part
            for part in (
                finding.description,
                _("Found by %(department)s in the joint inspection “%(title)s” on %(day)s.")
                % {"department": finding.department, "title": inspection.title, "day": inspection.planned_on},
                (_("Legal basis: %(basis)s") % {"basis": finding.legal_basis}) if finding.legal_basis else "",
                _("Suspected major hazard.") if finding.suspected_major else "",
            )
            if part
        )
        hazard_id = hazard_register_for(
            enterprise=inspection.enterprise,
            title=finding.title,
            description=description,
            source="joint_inspection",
            external_key=finding.external_key,
            reported_by=actor,
            location=finding.location,
            found_at=_inspection_moment(inspection),
        )
        if hazard_id is not None:
            JointInspectionFinding.objects.filter(pk=finding.pk).update(hazard_id=hazard_id)
            finding.hazard_id = hazard_id
    fact_record(
        kind=FactKind.JOINT_INSPECTION_FINDING,
        dedup_key=finding.external_key,
        occurred_at=_inspection_moment(inspection),
        enterprise=inspection.enterprise,
        source=finding,
        payload={
            "inspection_id": inspection.pk,
            "finding_id": finding.pk,
            "department": finding.department.code,
            "title": finding.title,
            "suspected_major": finding.suspected_major,
            "hazard_id": finding.hazard_id,
        },
    )


def joint_inspection_complete(*, actor: User, inspection: JointInspection, summary: str = "") -> JointInspection:
    """Close the inspection: every finding becomes a hazard and a `joint_inspection_finding` fact."""
    require(actor, "enterprises.work_on_inspection", inspection, message=_("You may not complete this inspection."))
    with transaction.atomic():
        locked = _lock_planned(inspection, _("Only a planned inspection can be completed."))
        if locked.planned_on > timezone.localdate():
            raise DomainError(
                _("The inspection date has not come yet."), field="planned_on", code="inspection_date_not_reached"
            )
        locked.status = JointInspectionStatus.COMPLETED
        locked.summary = summary.strip() or locked.summary
        locked.completed_by = actor
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "summary", "completed_by", "completed_at", "updated_at"])
        for finding in locked.findings.select_related("department"):
            _finding_register(finding, locked, actor)
    return locked


def joint_inspection_cancel(*, actor: User, inspection: JointInspection, reason: str) -> JointInspection:
    require(actor, "enterprises.work_on_inspection", inspection, message=_("You may not cancel this inspection."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    with transaction.atomic():
        locked = _lock_planned(inspection, _("Only a planned inspection can be cancelled."))
        if locked.findings.exists():
            raise DomainError(
                _("An inspection with findings cannot be cancelled; complete it instead."),
                code="inspection_has_findings",
            )
        locked.status = JointInspectionStatus.CANCELLED
        locked.summary = reason.strip()
        locked.save(update_fields=["status", "summary", "updated_at"])
    return locked


def joint_findings_sync_hazards() -> int:
    """Register hazards for findings of completed inspections that have none yet (hazards app came later)."""
    done = 0
    pending = JointInspectionFinding.objects.filter(
        hazard_id__isnull=True, inspection__status=JointInspectionStatus.COMPLETED
    ).select_related("inspection__enterprise", "department", "created_by")
    for finding in pending.iterator(chunk_size=200):
        with transaction.atomic():
            _finding_register(finding, finding.inspection, finding.created_by)
        done += finding.hazard_id is not None
    return done
