"""一企一责任主体: who inspects an enterprise when it is not the enterprise's own county (DESIGN §3d).

By default an enterprise is inspected by its county (`plans.responsible_enterprises`). Committee staff,
administrators and the county office of the enterprise's county may give it to another authority (the city,
another county) and/or to one department, with a reason. The row keeps who set it and when; every change is
in the audit trail (the model is registered with it). The next plan generation reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Department, Jurisdiction
from safety_platform.permissions import require
from safety_platform.services import DomainError

from .. import permissions_authorities  # noqa: F401 - registers "supervision.set_authority"
from ..models import ResponsibleAuthority

AUTHORITY_LEVELS = (JurisdictionLevel.CITY, JurisdictionLevel.COUNTY)


@dataclass
class CurrentAuthority:
    """The authority that inspects an enterprise now: the row set by someone, or its own county by default."""

    authority: Jurisdiction | None
    department: Department | None
    row: ResponsibleAuthority | None
    may_change: bool = False  # set by the page: whether the reader may change it

    @property
    def is_default(self) -> bool:
        return self.row is None


def enterprise_county(enterprise: Enterprise) -> Jurisdiction | None:
    """The county (district, zone) the enterprise lies in: its own jurisdiction or the nearest one above."""
    jurisdiction = enterprise.jurisdiction
    if jurisdiction.level == JurisdictionLevel.COUNTY:
        return jurisdiction
    return Jurisdiction.objects.filter(pk__in=jurisdiction.ancestor_ids, level=JurisdictionLevel.COUNTY).first()


def current_authority(enterprise: Enterprise) -> CurrentAuthority:
    row = (
        ResponsibleAuthority.objects.select_related("authority", "department", "set_by")
        .filter(enterprise=enterprise)
        .first()
    )
    if row is not None:
        return CurrentAuthority(authority=row.authority, department=row.department, row=row)
    return CurrentAuthority(authority=enterprise_county(enterprise), department=None, row=None)


def responsible_authority_set(
    *,
    actor: Any,
    enterprise: Enterprise,
    authority: Jurisdiction | None,
    department: Department | None = None,
    reason: str = "",
) -> tuple[ResponsibleAuthority | None, bool]:
    """Give `enterprise` to `authority` (a county or the city), optionally to one `department`, for `reason`.

    Returns (the row, whether anything changed). Saving what is already in force changes nothing (no row, no
    audit entry); choosing the enterprise's own county without a department when no row exists is the default
    already. The reason is asked only when something changes.
    """
    require(
        actor,
        "supervision.set_authority",
        enterprise,
        message=_(
            "Only committee staff, administrators and the county office of the enterprise's county set its "
            "responsible inspecting authority."
        ),
    )
    if authority is None:
        raise DomainError(_("Choose the inspecting authority."), field="authority", code="invalid")
    if authority.level not in AUTHORITY_LEVELS:
        raise DomainError(
            _("The inspecting authority is a county, district or zone, or the city."),
            field="authority",
            code="invalid",
        )
    if department is not None and not department.is_active:
        raise DomainError(_("This department is no longer active."), field="department", code="invalid")
    reason = (reason or "").strip()
    with transaction.atomic():
        Enterprise.objects.select_for_update(no_key=True).filter(pk=enterprise.pk).first()  # one change at a time
        row = ResponsibleAuthority.objects.filter(enterprise=enterprise).first()
        department_id = department.pk if department is not None else None
        if row is not None:
            if row.authority_id == authority.pk and row.department_id == department_id:
                return row, False
        elif department is None and enterprise_county(enterprise) == authority:
            return None, False  # the default already
        if not reason:
            raise DomainError(_("Give the reason for the change."), field="reason", code="invalid")
        if len(reason) > 300:
            raise DomainError(_("Keep the reason under 300 characters."), field="reason", code="invalid")
        if row is None:
            row = ResponsibleAuthority(enterprise=enterprise)
        row.authority = authority
        row.department = department
        row.reason = reason
        row.set_by = actor
        row.save()
    return row, True
