"""The fields every record keeps about itself, those of a recorded change and those every named rule version
has, written once (issue 17: one base for them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..versioning import RuleVersion
from .fields import person_link


class CreatedModel(models.Model):
    """A record that keeps when it was created."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class TimestampedModel(CreatedModel):
    """A record that keeps when it was created and when it last changed."""

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ChangeRecord(models.Model):
    """A change of a record's state kept once and never edited: who made it and when, newest first."""

    changed_by = person_link(_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]


class NamedRuleVersion(RuleVersion, CreatedModel):
    """A version of a rule table known by its code and name, in force from a day, newest first (the accident
    grading rules, the credit grading rules, the inspection frequency rules). The rest of `RuleVersion` (when a
    version is frozen, its statuses) each table says itself."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        abstract = True
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"
