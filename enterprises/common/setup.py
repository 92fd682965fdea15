"""What the topic rooms share when they plug into the platform shell (called from their `setup.register()`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model

from safety_platform.audit import audit_register
from safety_platform.demo import register_demo_seeder
from safety_platform.navigation import NavItem, add_enterprise_panel, register_nav
from safety_platform.schedules import Schedule, register_schedule


def add_topic_panel(key: str, title: Any, context: Callable[[Any, Any], dict[str, Any]], *, order: int) -> None:
    """A topic room's section of the enterprise page, drawn by `enterprises/topics/_panel_<key>.html`."""
    add_enterprise_panel(key, title, context, order=order, template=f"enterprises/topics/_panel_{key}.html")


def plug_in_topic(
    *,
    audited: Iterable[type[Model]],
    nav: Iterable[NavItem],
    demo_seeder: Callable[[], None],
    legal_numbers: Any = None,
    panel: tuple[str, Any, Callable[[Any, Any], dict[str, Any]], int] | None = None,
    schedules: Iterable[Schedule] = (),
) -> None:
    """A topic room in the platform shell, in this order: its legal numbers in the rule book, its models in the
    audit trail, its menu entries (`NavItem`), its panel on the enterprise page (key, title, context, order:
    `add_topic_panel`), its periodic jobs (`Schedule`) and its demo seeder (seeders run in registration order)."""
    if legal_numbers is not None:
        legal_numbers.register()
    for model in audited:
        audit_register(model)
    for item in nav:
        register_nav(item)
    if panel is not None:
        key, title, context, order = panel
        add_topic_panel(key, title, context, order=order)
    for schedule in schedules:
        register_schedule(schedule)
    register_demo_seeder(demo_seeder)
