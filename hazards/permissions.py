"""Who may do what with hazards, risk sources and campaigns (visibility itself is `visible_to`; the hazard's
own steps are the transition table in `services/loop.py`): the rules asked with `can(user, "hazards.…", obj)`."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role
from safety_platform.permissions import ENTERPRISE_ROLES, OFFICIAL_ROLES, SITE_ROLES, STAFF_ROLES, rule

from .services.loop import actor_role


@rule("hazards.log")
def _log(user: Any, obj: Any = None) -> bool:
    """Who logs hazards (the form, the phone's outbox): inspectors and the enterprises' own people."""
    return actor_role(user) in SITE_ROLES


@rule("hazards.edit_risk")
def _edit_risk(user: Any, obj: Any = None) -> bool:
    """Risk sources and their cards: inspectors and the enterprises' own people (each enterprise: `visible_to`)."""
    return actor_role(user) in SITE_ROLES


@rule("hazards.edit_plan")
def _edit_plan(user: Any, obj: Any = None) -> bool:
    """A major hazard's remediation plan: the enterprise or an inspector."""
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
def _see_reporter(user: Any, obj: Any = None) -> bool:
    """Who reads a worker's name and phone (安全生产法 art. 73: reporters are protected): the authorities only,
    never the enterprise's users nor an API key."""
    return actor_role(user) in STAFF_ROLES


@rule("hazards.see_risk_map")
def _see_risk_map(user: Any, obj: Any = None) -> bool:
    return actor_role(user) in STAFF_ROLES


@rule("hazards.see_plausibility")
def _see_plausibility(user: Any, obj: Any = None) -> bool:
    """The plausibility checks of the enterprises' figures are for the authorities."""
    return actor_role(user) in STAFF_ROLES


@rule("hazards.self_check")
def _self_check(user: Any, obj: Any = None) -> bool:
    """Self-checks are the enterprise's own (its checklists, its answers)."""
    return actor_role(user) in ENTERPRISE_ROLES


@rule("hazards.file_statistics")
def _file_statistics(user: Any, obj: Any = None) -> bool:
    """The periodic hazard statistics are filed by the enterprise itself."""
    return actor_role(user) in ENTERPRISE_ROLES
