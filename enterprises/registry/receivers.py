"""The enterprises app's answers to the core's signals."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from safety_platform.signals import department_industries_changed

from .services import enterprises_rederive_departments


@receiver(department_industries_changed, dispatch_uid="enterprises_rederive_departments")
def rederive_departments(sender: Any, **kwargs: Any) -> int:
    """A department's industries changed: every enterprise not set by hand gets its derived department again."""
    return enterprises_rederive_departments()
