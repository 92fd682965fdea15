"""Who may do what with hazards, risk sources and campaigns (visibility itself is `visible_to`; the hazard's
own steps are the transition table in `services/loop.py`): the rules asked with `can(user, "hazards.…", obj)`."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role
from safety_platform.permissions import ENTERPRISE_ROLES, OFFICIAL_ROLES, SITE_ROLES, STAFF_ROLES, rule

from .services.loop import actor_role


@rule("hazards.log")
@rule("hazards.edit_risk")
@rule("hazards.edit_plan")
def _on_site(user: Any, obj: Any = None) -> bool:
    """Inspectors and the enterprises' own people: they log hazards (the form, the phone's outbox), keep the risk
    sources and their cards (each enterprise: `visible_to`) and write a major hazard's remediation plan."""
    return actor_role(user) in SITE_ROLES


@rule("hazards.edit_campaign")
def _edit_campaign(user: Any, campaign: Any = None) -> bool:
    """Campaigns: committee, county offices, inspectors and department staff create them; only the author or the
    committee change one."""
    role = actor_role(user)
    if role not in OFFICIAL_ROLES:
        return False
    return campaign is None or role == Role.COMMITTEE or campaign.created_by_id == user.pk


@rule("hazards.see_reporter")
@rule("hazards.see_risk_map")
@rule("hazards.see_plausibility")
def _authorities(user: Any, obj: Any = None) -> bool:
    """The authorities only, never the enterprise's users nor an API key: who reads a worker's name and phone
    (安全生产法 art. 73: reporters are protected), the risk map, the plausibility checks of the enterprises' figures."""
    return actor_role(user) in STAFF_ROLES


@rule("hazards.self_check")
@rule("hazards.file_statistics")
def _enterprise_itself(user: Any, obj: Any = None) -> bool:
    """The enterprise's own work: its self-checks (its checklists, its answers) and its periodic hazard statistics."""
    return actor_role(user) in ENTERPRISE_ROLES
