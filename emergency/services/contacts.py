"""Writes of warning contacts without an account (预警联系人): register, edit, deactivate or reactivate.

Committee staff and administrators manage every contact; inspectors (county, township, grid staff) the contacts
of their jurisdictions. Department staff read them; enterprises never see them (personal numbers).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safety_platform.choices import Role
from safety_platform.concurrency import Opened, check_opened
from safety_platform.models import User

from ..models import WarningContact
from .common import is_person, jurisdiction_in_scope, require

EDITABLE_FIELDS = ("name", "kind", "jurisdiction", "industry", "enterprise", "mobile", "email", "note")


def can_manage_contacts(user: Any) -> bool:
    return is_person(user) and (
        user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE, Role.COUNTY_OFFICE, Role.INSPECTOR)
    )


def contact_can_edit(user: Any, contact: WarningContact) -> bool:
    return can_manage_contacts(user) and jurisdiction_in_scope(user, contact.jurisdiction)


def _check_scope(actor: User, contact: WarningContact) -> None:
    from django.core.exceptions import ValidationError

    if not jurisdiction_in_scope(actor, contact.jurisdiction):
        raise ValidationError({"jurisdiction": _("This jurisdiction is outside your jurisdictions.")})


def contact_create(*, actor: User, data: dict[str, Any]) -> WarningContact:
    """Register a contact; the mobile number is stored as its 11 digits. ValidationError names the bad field."""
    require(can_manage_contacts(actor), _("You may not manage warning contacts."))
    contact = WarningContact(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    contact.full_clean()
    _check_scope(actor, contact)
    contact.save()
    return contact


def contact_update(
    *, actor: User, contact: WarningContact, data: dict[str, Any], opened: Opened | None = None
) -> WarningContact:
    require(contact_can_edit(actor, contact), _("You may not edit this contact."))
    with transaction.atomic():
        locked = WarningContact.objects.select_for_update().get(pk=contact.pk)
        check_opened(opened, locked)
        for key, value in data.items():
            if key in EDITABLE_FIELDS:
                setattr(locked, key, value)
        locked.full_clean()
        _check_scope(actor, locked)  # moved into another area: still one of the actor's
        locked.save()
    return locked


def contact_set_active(*, actor: User, contact: WarningContact, active: bool) -> WarningContact:
    """Deactivate (warnings no longer reach the contact; the record and what was sent stay) or reactivate."""
    require(contact_can_edit(actor, contact), _("You may not edit this contact."))
    with transaction.atomic():
        locked = WarningContact.objects.select_for_update().get(pk=contact.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active", "updated_at"])
    return locked
