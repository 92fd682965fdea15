"""Indicators of supervision work. Inspection plans do not exist yet (the supervision issue brings them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .registry import not_yet_measurable

not_yet_measurable(
    "inspections_against_plan",
    _("Inspections done against the plan"),
    _("Not yet measurable: the platform has no inspection plans yet; its weight is spread over the other indicators."),
)
