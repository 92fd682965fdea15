"""Writes of rescue teams: the team, its readiness, members (skills, certificates) and equipment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.concurrency import Opened
from safety_platform.locking import lock_row
from safety_platform.models import User
from safety_platform.permissions import can, is_enterprise_person

from ..choices import Readiness, TeamKind
from ..models import MemberCertificate, RescueTeam, Skill, TeamEquipment, TeamMember, TeamReadinessChange
from .common import require, save_edit
from .keepers import check_keeper

# What a team's form and its API take, in the form's order; `specialties` (its skills) are kept apart from the row.
TEAM_FIELDS = [
    "name",
    "kind",
    "jurisdiction",
    "enterprise",
    "department",
    "specialties",
    "base_address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
    "duty_phone",
    "is_active",
]


def _check_team_owner(actor: User, team: RescueTeam) -> None:
    check_keeper(
        actor,
        team,
        of_enterprise=team.kind == TeamKind.ENTERPRISE,
        no_enterprise=_("An enterprise team belongs to an enterprise."),
        not_own=_("You may only keep your own enterprise's team."),
        not_staff=_("Only supervision staff keep professional and social teams."),
    )


def _row_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in TEAM_FIELDS and k != "specialties"}


def team_create(*, actor: User, data: dict[str, Any], specialties: Iterable[Skill] | None = None) -> RescueTeam:
    """Register a team; its `specialties` given apart or in `data` (none when neither)."""
    if is_enterprise_person(actor):
        data = {**data, "kind": TeamKind.ENTERPRISE, "enterprise": actor.enterprise}
    if specialties is None:
        specialties = data.get("specialties", ())
    team = RescueTeam(**_row_fields(data))
    _check_team_owner(actor, team)
    team.full_clean()
    with transaction.atomic():
        team.readiness_changed_at = timezone.now()
        team.save()
        team.specialties.set(list(specialties))
        TeamReadinessChange.objects.create(
            team=team, to_readiness=team.readiness, note=_("Registered"), changed_by=actor
        )
    return team


def team_update(
    *,
    actor: User,
    team: RescueTeam,
    data: dict[str, Any],
    specialties: Iterable[Skill] | None = None,
    opened: Opened | None = None,
) -> RescueTeam:
    """Edit a team; with `opened`, a field changed by someone else meanwhile refuses the save (`StaleEdit`). Its
    `specialties`, given apart or in `data`, replace the old ones; neither keeps them."""
    require(can(actor, "emergency.manage_resource", team), _("You may not edit this team."))
    if specialties is None:
        specialties = data.get("specialties")
    with transaction.atomic():
        team = save_edit(
            team,
            data,
            fields=TEAM_FIELDS,
            fixed=("kind", "enterprise", "specialties"),  # the specialties are no column: set below
            check=lambda row: _check_team_owner(actor, row),
            opened=opened,
        )
        if specialties is not None:
            team.specialties.set(list(specialties))
    return team


def team_set_readiness(*, actor: User, team: RescueTeam, readiness: str, note: str = "") -> RescueTeam:
    """Change a team's readiness (ready, standby, deployed, unavailable); every change is kept."""
    if readiness not in Readiness.values:
        raise ValidationError({"readiness": _("Unknown readiness state.")})
    require(can(actor, "emergency.manage_resource", team), _("You may not change this team's readiness."))
    with transaction.atomic():
        locked = lock_row(RescueTeam.objects.all(), team.pk)
        if locked.readiness == readiness:
            return locked
        TeamReadinessChange.objects.create(
            team=locked, from_readiness=locked.readiness, to_readiness=readiness, note=note[:200], changed_by=actor
        )
        locked.readiness = readiness
        locked.readiness_note = note[:200]
        locked.readiness_changed_at = timezone.now()
        locked.save(update_fields=["readiness", "readiness_note", "readiness_changed_at", "updated_at"])
    return locked


MEMBER_FIELDS = ["name", "position", "phone", "is_leader", "is_active"]


def team_member_save(
    *,
    actor: User,
    team: RescueTeam,
    data: dict[str, Any],
    skills: Iterable[Skill] | None = None,
    member: TeamMember | None = None,
) -> TeamMember:
    require(can(actor, "emergency.manage_resource", team), _("You may not edit this team."))
    if member is not None and member.team_id != team.pk:
        raise ValidationError({"member": _("This member is not in this team.")})
    member = member or TeamMember(team=team)
    for key, value in data.items():
        if key in MEMBER_FIELDS:
            setattr(member, key, value)
    member.full_clean()
    with transaction.atomic():
        member.save()
        if skills is not None:
            member.skills.set(list(skills))
    return member


def member_certificate_add(*, actor: User, member: TeamMember, data: dict[str, Any]) -> MemberCertificate:
    require(can(actor, "emergency.manage_resource", member.team), _("You may not edit this team."))
    certificate = MemberCertificate(
        member=member, **{k: v for k, v in data.items() if k in ("name", "number", "issued_on", "expires_on")}
    )
    if certificate.issued_on and certificate.expires_on and certificate.expires_on < certificate.issued_on:
        raise ValidationError({"expires_on": _("A certificate cannot expire before it is issued.")})
    certificate.full_clean()
    certificate.save()
    return certificate


def team_equipment_save(
    *, actor: User, team: RescueTeam, data: dict[str, Any], equipment: TeamEquipment | None = None
) -> TeamEquipment:
    require(can(actor, "emergency.manage_resource", team), _("You may not edit this team."))
    if equipment is not None and equipment.team_id != team.pk:
        raise ValidationError({"equipment": _("This equipment is not the team's.")})
    equipment = equipment or TeamEquipment(team=team)
    for key, value in data.items():
        if key in ("name", "specification", "quantity", "status"):
            setattr(equipment, key, value)
    equipment.full_clean()
    equipment.save()
    return equipment
