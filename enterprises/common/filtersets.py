"""Shared bits of the topic filtersets (responsibility, admission, standardization, training)."""

from __future__ import annotations

from typing import Any

from safety_platform.filters import StyledFilterSet as CoreStyledFilterSet
from safety_platform.forms import model_choice_field


class StyledFilterSet(CoreStyledFilterSet):
    """The core's filter set (Bootstrap's small controls); the enterprise filter offers only enterprises the user can
    see."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is None and self.request is not None:  # the API's filter backend passes the request
            user = getattr(self.request, "user", None)
        self.user = user
        if "enterprise" in self.form.fields and user is not None:
            from ..registry.models import Enterprise

            # On the form's field: the core's __init__ has built the form by now.
            model_choice_field(self.form, "enterprise").queryset = Enterprise.objects.visible_to(user)
