"""Who may do what in credit (visibility itself is `visible_to`): the rules asked with `can(user, "credit.…", obj)`."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role
from safety_platform.permissions import (
    DECIDING_ROLES,
    RECORDING_ROLES,
    covers_jurisdiction,
    is_city_staff,
    is_enterprise_person,
    is_person,
    role_of,
    rule,
)

from .models import BlacklistEntry, CreditRecord, JointNotice


def _own_department(user: Any, department_id: int | None) -> bool:
    return role_of(user) == Role.DEPARTMENT and department_id is not None and department_id == user.department_id


def _decides_for(user: Any, enterprise: Any) -> bool:
    """Decides for this enterprise what the committee decides: the committee and administrators anywhere, a county
    office (县安委办) in its own county."""
    if is_city_staff(user):
        return True
    return (
        role_of(user) == Role.COUNTY_OFFICE
        and enterprise is not None
        and covers_jurisdiction(user, enterprise.jurisdiction)
    )


# Records and proposals ---------------------------------------------------------------------------


@rule("credit.record")
@rule("credit.propose_blacklist")
@rule("credit.see_webhooks")
def _recording_role(user: Any, obj: Any = None) -> bool:
    """Supervising departments record credit behaviour, propose blacklist listings and see the webhooks page (their
    own department's); the committee and administrators may too."""
    return role_of(user) in RECORDING_ROLES


@rule("credit.revoke_record")
def _revoke_record(user: Any, record: CreditRecord) -> bool:
    return is_city_staff(user) or _own_department(user, record.department_id)


@rule("credit.decide_proposals")
def _decide_proposals(user: Any, obj: Any = None) -> bool:
    """Who decides proposed credit records at all (each record: "credit.decide_proposal")."""
    return role_of(user) in DECIDING_ROLES | {Role.DEPARTMENT}


@rule("credit.decide_proposal")
def _decide_proposal(user: Any, record: CreditRecord) -> bool:
    """Confirm or reject a record the platform proposed: the committee, the county office of the enterprise's
    county, or staff of the record's department (the enterprise's supervising department when the event came in)."""
    return _decides_for(user, record.enterprise) or _own_department(user, record.department_id)


# Blacklist ---------------------------------------------------------------------------------------


@rule("credit.handle_proposal")
def _handle_proposal(user: Any, entry: BlacklistEntry) -> bool:
    """Serve notice on or withdraw a proposal: the committee, or staff of the proposing department."""
    return is_city_staff(user) or _own_department(user, entry.department_id)


@rule("credit.decide_listing")
def _decide_listing(user: Any, entry: BlacklistEntry) -> bool:
    """Decide objections, approve or refuse the listing, decide credit repair: the committee, or the county office
    of the enterprise's county."""
    return _decides_for(user, entry.enterprise)


@rule("credit.answer_listing")
def _answer_listing(user: Any, entry: BlacklistEntry) -> bool:
    """The enterprise concerned objects to its listing and applies for credit repair."""
    return is_enterprise_person(user, entry.enterprise_id)


# Joint rewards and punishments (联合奖惩) -----------------------------------------------------------


@rule("credit.record_measure")
def _record_measure(user: Any, obj: Any = None) -> bool:
    """Department staff record the measures their own department applied."""
    return role_of(user) == Role.DEPARTMENT and bool(user.department_id)


@rule("credit.read_notices")
def _read_notices(user: Any, obj: Any = None) -> bool:
    """The written notices go to departments: the committee's and the departments' page, not a county office's."""
    return is_city_staff(user) or _record_measure(user, None)


@rule("credit.issue_notices")
def _issue_notices(user: Any, obj: Any = None) -> bool:
    return is_city_staff(user)


@rule("credit.acknowledge_notice")
def _acknowledge_notice(user: Any, notice: JointNotice) -> bool:
    """签收: a person of the addressed department."""
    return is_person(user) and user.role == Role.DEPARTMENT and user.department_id == notice.department_id


# Feeds -------------------------------------------------------------------------------------------


@rule("credit.see_feed_usage")
def _see_feed_usage(user: Any, obj: Any = None) -> bool:
    """Which department key pulled the feeds, and when: the committee and administrators."""
    return is_city_staff(user)


@rule("credit.register_webhook")
def _register_webhook(user: Any, obj: Any = None) -> bool:
    """A department's staff register webhooks for their own department."""
    return role_of(user) == Role.DEPARTMENT and user.department_id is not None
