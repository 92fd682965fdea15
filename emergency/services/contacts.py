"""Writes of warning contacts without an account (预警联系人): register, edit, deactivate or reactivate.

Committee staff and administrators manage every contact; inspectors (county, township, grid staff) the contacts
of their jurisdictions. Department staff read them; enterprises never see them (personal numbers).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safety_platform.concurrency import Opened
from safety_platform.edits import lock_for_edit
from safety_platform.models import User
from safety_platform.permissions import can

from ..models import WarningContact
from .common import jurisdiction_in_scope, require

EDITABLE_FIELDS = ("name", "kind", "jurisdiction", "industry", "enterprise", "mobile", "email", "note")


def _check_scope(actor: User, contact: WarningContact) -> None:
    from django.core.exceptions import ValidationError

    if not jurisdiction_in_scope(actor, contact.jurisdiction):
        raise ValidationError({"jurisdiction": _("This jurisdiction is outside your jurisdictions.")})


def contact_create(*, actor: User, data: dict[str, Any]) -> WarningContact:
    """Register a contact; the mobile number is stored as its 11 digits. ValidationError names the bad field."""
    require(can(actor, "emergency.manage_contacts"), _("You may not manage warning contacts."))
    contact = WarningContact(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    contact.full_clean()
    _check_scope(actor, contact)
    contact.save()
    return contact


def contact_update(
    *, actor: User, contact: WarningContact, data: dict[str, Any], opened: Opened | None = None
) -> WarningContact:
    require(can(actor, "emergency.edit_contact", contact), _("You may not edit this contact."))
    with transaction.atomic():
        locked = lock_for_edit(contact, data, fields=EDITABLE_FIELDS, opened=opened)
        locked.full_clean()
        _check_scope(actor, locked)  # moved into another area: still one of the actor's
        locked.save()
    return locked


def contact_set_active(*, actor: User, contact: WarningContact, active: bool) -> WarningContact:
    """Deactivate (warnings no longer reach the contact; the record and what was sent stay) or reactivate."""
    require(can(actor, "emergency.edit_contact", contact), _("You may not edit this contact."))
    with transaction.atomic():
        locked = WarningContact.objects.select_for_update().get(pk=contact.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active", "updated_at"])
    return locked
