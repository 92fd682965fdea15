"""Template context shared by every page: the role's menu and the unread-notification count."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings

from .models import Notification
from .navigation import nav_for


def navigation(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"platform_name": settings.PLATFORM_NAME, "nav_items": [], "unread_notifications": 0}
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav_for(user)
        # Counted when a page first shows it, then remembered: the top bar shows it in three places.
        context["unread_notifications"] = functools.cache(
            lambda: Notification.objects.visible_to(user).unread().count()
        )
    return context
