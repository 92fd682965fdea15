"""Rescue teams (应急救援队伍): members, skills, certificates, equipment, base and readiness."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safety_platform.models.base import ChangeRecord, TimestampedModel
from safety_platform.models.fields import (
    coordinates_both_or_none,
    department_link,
    enterprise_link,
    jurisdiction_link,
    latitude_field,
    longitude_field,
    state_change_fields,
)

from ..choices import EquipmentStatus, Readiness, TeamKind
from .common import OwnedQuerySet


class Skill(models.Model):
    """救援技能 — a rescue skill (rope rescue, hazmat, mine rescue, first aid …), a catalog for search."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("rescue skill")
        verbose_name_plural = _("rescue skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RescueTeamQuerySet(OwnedQuerySet["RescueTeam"]):
    def with_skill(self, skill: Skill | int) -> RescueTeamQuerySet:
        """Teams with the skill as a specialty or with a member who has it (EXISTS subqueries: no duplicates)."""
        skill_id = skill.pk if isinstance(skill, Skill) else skill
        specialty = RescueTeam.specialties.through.objects.filter(
            rescueteam_id=models.OuterRef("pk"), skill_id=skill_id
        )
        members = TeamMember.objects.filter(team=models.OuterRef("pk"), skills=skill_id, is_active=True)
        return self.filter(models.Exists(specialty) | models.Exists(members))


class RescueTeam(TimestampedModel):
    """应急救援队伍 — a professional, enterprise or social rescue team with its base and readiness."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    jurisdiction = jurisdiction_link(related_name="rescue_teams")
    enterprise = enterprise_link(optional=True, related_name="rescue_teams", help_text=_("Only for enterprise teams."))
    department = department_link(_("managing department"), optional=True, related_name="rescue_teams")
    specialties = models.ManyToManyField(Skill, verbose_name=_("specialties"), blank=True, related_name="teams")
    base_address = models.CharField(_("base address"), max_length=200, blank=True)
    latitude = latitude_field(db_index=True)  # a search by distance first narrows to a latitude range
    longitude = longitude_field()
    readiness = models.CharField(_("readiness"), max_length=20, choices=Readiness.choices, default=Readiness.READY)
    readiness_note = models.CharField(_("readiness note"), max_length=200, blank=True)
    readiness_changed_at = models.DateTimeField(_("readiness changed at"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    duty_phone = models.CharField(_("24-hour duty phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RescueTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("rescue team")
        verbose_name_plural = _("rescue teams")
        ordering = ["name", "id"]
        constraints = [
            coordinates_both_or_none("rescueteam_coordinates_both_or_none"),
            models.CheckConstraint(
                condition=~Q(kind=TeamKind.ENTERPRISE) | Q(enterprise__isnull=False),
                name="rescueteam_enterprise_team_has_enterprise",
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emergency:team_detail", args=[self.pk])


class TeamMember(models.Model):
    """救援队员 — a member of a rescue team, with skills and certificates."""

    team = models.ForeignKey(RescueTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_leader = models.BooleanField(_("team leader"), default=False)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="members")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["-is_leader", "name", "id"]

    def __str__(self) -> str:
        return self.name


class MemberCertificate(models.Model):
    """救援资格证书 — a certificate held by a team member (mine rescue, first aid, diving …)."""

    member = models.ForeignKey(
        TeamMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="certificates"
    )
    name = models.CharField(_("certificate"), max_length=100)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("member certificate")
        verbose_name_plural = _("member certificates")
        ordering = ["expires_on", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.number}".strip()


class TeamEquipment(models.Model):
    """救援装备 — equipment a team holds (pumps, breathing apparatus, vehicles …)."""

    team = models.ForeignKey(RescueTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("name"), max_length=100)
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=EquipmentStatus.choices, default=EquipmentStatus.SERVICEABLE
    )

    class Meta:
        verbose_name = _("team equipment")
        verbose_name_plural = _("team equipment")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class TeamReadinessChange(ChangeRecord):
    """战备状态变更 — one change of a team's readiness, never edited."""

    team = models.ForeignKey(
        RescueTeam, verbose_name=_("team"), on_delete=models.PROTECT, related_name="readiness_changes"
    )
    from_readiness, to_readiness = state_change_fields(Readiness.choices, max_length=20)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("readiness change")
        verbose_name_plural = _("readiness changes")

    def __str__(self) -> str:
        return f"{self.team_id}: {self.from_readiness} → {self.to_readiness}"
