"""Special rectification campaigns (专项整治)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safety_platform.choices import Role
from safety_platform.concurrency import Opened, check_opened
from safety_platform.permissions import can
from safety_platform.services import DomainError

from ..models import Campaign
from .loop import actor_role


def campaign_save(
    *, actor: Any, data: dict[str, Any], campaign: Campaign | None = None, opened: Opened | None = None
) -> Campaign:
    """Create or change a campaign (committee, inspectors, department staff; only its author or the committee edit).

    The campaign is locked while it is changed; with `opened`, a campaign changed by someone else meanwhile is
    refused (`StaleEdit`)."""
    if not can(actor, "hazards.edit_campaign", campaign):
        raise DomainError(_("Your role may not do this."), code="forbidden")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not str(data.get("name") or "").strip():
        raise DomainError(_("This field is required."), field="name", code="invalid")
    if starts_on is None or ends_on is None:
        raise DomainError(_("Give the start and end dates."), field="starts_on", code="invalid")
    if ends_on < starts_on:
        raise DomainError(_("A campaign cannot end before it starts."), field="ends_on", code="invalid")
    jurisdictions = list(data.get("jurisdictions") or [])
    if actor_role(actor) in (Role.INSPECTOR, Role.COUNTY_OFFICE):
        # An inspector's (a county office's) campaign stays inside their own area.
        paths = actor.jurisdiction_paths
        if not jurisdictions or any(not any(j.path.startswith(p) for p in paths) for j in jurisdictions):
            raise DomainError(_("Choose jurisdictions inside your own area."), field="jurisdictions", code="invalid")
    with transaction.atomic():
        if campaign is not None and campaign.pk is not None:
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
            check_opened(opened, campaign)
        campaign = campaign or Campaign(created_by=actor)
        campaign.name = str(data["name"]).strip()[:200]
        campaign.description = str(data.get("description") or "").strip()
        campaign.starts_on = starts_on
        campaign.ends_on = ends_on
        campaign.organizer = data.get("organizer") or (actor.department if actor.department_id else None)
        campaign.save()
        campaign.industries.set(list(data.get("industries") or []))
        campaign.jurisdictions.set(jurisdictions)
    return campaign
