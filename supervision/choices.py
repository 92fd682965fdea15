"""Choices of the supervision app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionReason(models.TextChoices):
    """Why an inspection took place. Anything but a planned one may go beyond the class's yearly cap."""

    PLANNED = "planned", _("Planned (routine)")
    COMPLAINT = "complaint", _("Complaint or report")
    ACCIDENT = "accident", _("Accident")
    CAMPAIGN = "campaign", _("Special campaign")
    REINSPECTION = "reinspection", _("Re-inspection of a rectification")
    OTHER = "other", _("Other")
