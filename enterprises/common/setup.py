"""What the topic rooms share when they plug into the platform shell (called from their `setup.register()`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safety_platform.navigation import add_enterprise_panel


def add_topic_panel(key: str, title: Any, context: Callable[[Any, Any], dict[str, Any]], *, order: int) -> None:
    """A topic room's section of the enterprise page, drawn by `enterprises/topics/_panel_<key>.html`."""
    add_enterprise_panel(key, title, context, order=order, template=f"enterprises/topics/_panel_{key}.html")
