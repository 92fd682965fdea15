"""The fields every record keeps about itself, written once (issue 17: one base for them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
