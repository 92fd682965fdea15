"""Writes of the enterprise registry: create, edit, status changes, department derivation, import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import Role
from safety_platform.concurrency import Opened
from safety_platform.edits import lock_for_edit
from safety_platform.models import Department, Industry, User
from safety_platform.permissions import can
from safety_platform.services import DomainError

from .choices import EnterpriseStatus
from .importexport import ImportOutcome, ImportProblem
from .models import Enterprise, EnterpriseStatusChange
from .signals import enterprises_moved

# What staff may set on an enterprise (the form shows them in this order; the API and the import set the same).
EDITABLE_FIELDS = [
    "credit_code",
    "name",
    "legal_representative",
    "contact_phone",
    "principal_name",
    "principal_mobile",
    "address",
    "longitude",
    "latitude",
    "jurisdiction",
    "industry",
    "risk_category",
    "supervising_department",
    "scale",
    "employees",
    "is_key",
]


def enterprise_can_edit(user: Any, enterprise: Enterprise) -> bool:
    return can(user, "enterprises.manage") and Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists()


def _apply_derived_department(enterprise: Enterprise, data: dict[str, Any]) -> None:
    """A department given explicitly is kept ("set manually"); otherwise it follows the industry."""
    if "supervising_department" in data:
        enterprise.department_set_manually = data["supervising_department"] is not None
    if enterprise.department_set_manually and enterprise.supervising_department_id is not None:
        return
    enterprise.department_set_manually = False
    enterprise.supervising_department = Department.objects.supervising_for_industry(
        enterprise.industry if enterprise.industry_id else None
    )


def _ensure_still_visible(actor: User, enterprise: Enterprise) -> None:
    """Staff may only create or move enterprises into their own scope (else they would lose sight of them)."""
    if Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        return
    if actor.role in (Role.INSPECTOR, Role.COUNTY_OFFICE):
        raise ValidationError({"jurisdiction": _("This jurisdiction is outside your jurisdictions.")})
    if actor.role == Role.DEPARTMENT:
        raise ValidationError({"industry": _("Your department does not supervise this industry.")})
    raise ValidationError(_("You may not manage this enterprise."))


def enterprise_create(*, actor: User, data: dict[str, Any]) -> Enterprise:
    """Register an enterprise. Raises ValidationError naming the bad field."""
    if not can(actor, "enterprises.manage"):
        raise DomainError(_("You may not register enterprises."), code="forbidden")
    enterprise = Enterprise(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    _apply_derived_department(enterprise, data)
    enterprise.full_clean()
    with transaction.atomic():
        enterprise.save()
        _ensure_still_visible(actor, enterprise)
        EnterpriseStatusChange.objects.create(
            enterprise=enterprise,
            from_status="",
            to_status=enterprise.status,
            reason=_("Registered"),
            changed_by=actor,
        )
    return enterprise


def enterprise_update(
    *, actor: User, enterprise: Enterprise, data: dict[str, Any], opened: Opened | None = None
) -> Enterprise:
    """Edit registry fields. Status changes go through `enterprise_change_status`.

    With `opened` (what the editor saw: the form's hidden version, the API's If-Match) a field changed by
    someone else meanwhile refuses the save with `StaleEdit` and nothing is written.
    """
    if not enterprise_can_edit(actor, enterprise):
        raise DomainError(_("You may not edit this enterprise."), code="forbidden")
    with transaction.atomic():
        enterprise = lock_for_edit(enterprise, data, fields=EDITABLE_FIELDS, opened=opened)
        _apply_derived_department(enterprise, data)
        enterprise.full_clean()
        enterprise.save()
        _ensure_still_visible(actor, enterprise)
    return enterprise


def enterprise_change_status(*, actor: User, enterprise: Enterprise, status: str, reason: str) -> Enterprise:
    """Suspend, close or reopen an enterprise; every change is kept in its status history."""
    if status not in EnterpriseStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the status change.")})
    if not enterprise_can_edit(actor, enterprise):
        raise DomainError(_("You may not change this enterprise's status."), code="forbidden")
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if locked.status == status:
            raise DomainError(
                _("The enterprise already has this status."), field="status", code="enterprise_status_unchanged"
            )
        EnterpriseStatusChange.objects.create(
            enterprise=locked, from_status=locked.status, to_status=status, reason=reason.strip(), changed_by=actor
        )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
    return locked


def enterprises_rederive_departments(*, department: Department | None = None) -> int:
    """After a department's industries change, re-derive every enterprise not set by hand.

    The derived department depends only on the industry: one UPDATE per industry in use, not one per
    enterprise. `updated_at` moves too, so departments syncing with `updated_since` see the change.
    """
    derived = Enterprise.objects.filter(department_set_manually=False)
    industry_ids = list(derived.order_by().values_list("industry_id", flat=True).distinct())
    industries = Industry.objects.in_bulk([pk for pk in industry_ids if pk is not None])
    moved: list[int] = []
    now = timezone.now()
    with transaction.atomic():
        for industry_id in industry_ids:
            target = Department.objects.supervising_for_industry(industries.get(industry_id))
            target_id = target.pk if target else None
            # The ids first: the dashboards' summaries below recount exactly these enterprises.
            ids = list(
                derived.filter(industry_id=industry_id)
                .exclude(supervising_department_id=target_id)
                .values_list("pk", flat=True)
            )
            if ids:
                Enterprise.objects.filter(pk__in=ids).update(supervising_department_id=target_id, updated_at=now)
                moved += ids
        if moved:
            # The dashboards' summaries are kept per supervising department and a bulk UPDATE sends no model
            # signal: their owners recount them in the same transaction.
            enterprises_moved.send(sender=Enterprise, enterprise_ids=moved)
    changed = len(moved)
    return changed


# Import ---------------------------------------------------------------------------------------


@dataclass
class ImportResult(ImportOutcome):
    """The registry's import also skips rows (bad ones, when the good ones are imported anyway)."""

    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def enterprise_import(*, actor: User, filename: str, content: bytes, import_valid_rows: bool = False) -> ImportResult:
    """Import enterprises from CSV or Excel. Every bad row is reported (line, field, reason).

    A file with any error imports nothing unless `import_valid_rows` is set, in which case the good
    rows are imported and the bad ones skipped. An existing credit code updates that enterprise.
    """
    from .importexport import parse_enterprise_rows

    if not can(actor, "enterprises.manage"):
        raise DomainError(_("You may not import enterprises."), code="forbidden")
    result = ImportResult()
    parsed = parse_enterprise_rows(filename=filename, content=content, actor=actor, result=result)
    if result.problems and not import_valid_rows:
        return result
    bad_lines = {p.line for p in result.problems}
    with transaction.atomic():
        for row in parsed:
            if row.line in bad_lines:
                result.skipped += 1
                continue
            try:
                with transaction.atomic():
                    if row.existing is not None:
                        enterprise_update(actor=actor, enterprise=row.existing, data=row.data)
                        result.updated += 1
                    else:
                        enterprise_create(actor=actor, data=row.data)
                        result.created += 1
            except ValidationError as exc:
                for fname, messages in exc.message_dict.items():
                    for message in messages:
                        result.problems.append(ImportProblem(row.line, fname, message))
                result.skipped += 1
            except DomainError as exc:
                result.problems.append(ImportProblem(row.line, "credit_code", exc.message))
                result.skipped += 1
        if result.problems and not import_valid_rows:
            # A late error (found while saving) still means: nothing from this file.
            transaction.set_rollback(True)
            result.created = result.updated = 0
            return result
    result.imported = True
    return result
