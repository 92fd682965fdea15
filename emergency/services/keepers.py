"""Who keeps a rescue team or a warehouse: an enterprise (its own team or store) or the government (professional and
social teams, city and county reserves)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safety_platform.models import User
from safety_platform.permissions import can, is_enterprise_person

from ..models import RescueTeam, Warehouse
from .common import ensure_visible, jurisdiction_in_scope, require


def check_keeper(
    actor: User,
    row: RescueTeam | Warehouse,
    *,
    of_enterprise: bool,
    no_enterprise: str,
    not_own: str,
    not_staff: str,
) -> None:
    """Check (and complete) who keeps `row`, a team or a warehouse about to be saved by `actor`.

    An enterprise's (`of_enterprise`) names its enterprise (else `no_enterprise`) and serves its jurisdiction; the
    enterprise's own people keep only their own (else `not_own`), staff those of enterprises they see. The
    government's has no enterprise and is kept by supervision staff (else `not_staff`) for a jurisdiction of theirs.
    """
    if of_enterprise:
        if row.enterprise_id is None:
            raise ValidationError({"enterprise": no_enterprise})
        row.jurisdiction = row.enterprise.jurisdiction  # type: ignore[union-attr]
        if is_enterprise_person(actor):
            require(row.enterprise_id == actor.enterprise_id, not_own)
        else:
            ensure_visible(actor, row.enterprise, _("This enterprise is outside your scope."))
    else:
        row.enterprise = None
        require(can(actor, "emergency.keep_government_resource"), not_staff)
        if not jurisdiction_in_scope(actor, row.jurisdiction if row.jurisdiction_id else None):
            raise ValidationError({"jurisdiction": _("This jurisdiction is outside your jurisdictions.")})
