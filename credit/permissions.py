"""Who may do what in credit (visibility itself is `visible_to`): the rules asked with `can(user, "credit.…", obj)`."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role
from safety_platform.permissions import DECIDING_ROLES, RECORDING_ROLES, rule

from .models import BlacklistEntry, CreditRecord
from .services.access import _role, decides_for, is_committee


def _own_department(user: Any, department_id: int | None) -> bool:
    return _role(user) == Role.DEPARTMENT and department_id is not None and department_id == user.department_id


@rule("credit.record")
def _record(user: Any, obj: Any = None) -> bool:
    """Supervising departments record credit behaviour; the committee and administrators may too."""
    return _role(user) in RECORDING_ROLES


@rule("credit.revoke_record")
def _revoke_record(user: Any, record: CreditRecord) -> bool:
    return is_committee(user) or _own_department(user, record.department_id)


@rule("credit.decide_proposals")
def _decide_proposals(user: Any, obj: Any = None) -> bool:
    """Who decides proposed credit records at all (each record: "credit.decide_proposal")."""
    return _role(user) in DECIDING_ROLES | {Role.DEPARTMENT}


@rule("credit.decide_proposal")
def _decide_proposal(user: Any, record: CreditRecord) -> bool:
    """Confirm or reject a record the platform proposed: the committee, the county office of the enterprise's
    county, or staff of the record's department (the enterprise's supervising department when the event came in)."""
    return decides_for(user, record.enterprise) or _own_department(user, record.department_id)


@rule("credit.propose_blacklist")
def _propose_blacklist(user: Any, obj: Any = None) -> bool:
    return _role(user) in RECORDING_ROLES


@rule("credit.handle_proposal")
def _handle_proposal(user: Any, entry: BlacklistEntry) -> bool:
    """Serve notice on or withdraw a proposal: the committee, or staff of the proposing department."""
    return is_committee(user) or _own_department(user, entry.department_id)


@rule("credit.register_webhook")
def _register_webhook(user: Any, obj: Any = None) -> bool:
    """A department's staff register webhooks for their own department."""
    return _role(user) == Role.DEPARTMENT and user.department_id is not None
