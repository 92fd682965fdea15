"""Choices for the enterprise registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskCategory(models.TextChoices):
    """High-risk category (高危行业类别); drives training hours, checklists and major-hazard criteria."""

    MINING = "mining", _("Mining")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
    FIREWORKS = "fireworks", _("Fireworks and firecrackers")
    METALLURGY = "metallurgy", _("Metallurgy and metal smelting")
    INDUSTRY_TRADE = "industry_trade", _("Industry and trade")
    CONSTRUCTION = "construction", _("Construction")
    TRANSPORT = "transport", _("Road and waterway transport")
    OTHER = "other", _("Other")


# Industries where SAWS Order 3 asks for more training hours (mines, hazardous chemicals, fireworks, metal smelting).
HIGH_RISK_TRAINING_CATEGORIES = frozenset(
    {RiskCategory.MINING, RiskCategory.HAZARDOUS_CHEMICALS, RiskCategory.FIREWORKS, RiskCategory.METALLURGY}
)


class EnterpriseScale(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")
