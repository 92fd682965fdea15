"""Extension points so that apps plug into the shell without editing shared templates.

- `register_nav(NavItem(...))`: a menu entry, shown to the roles listed.
- `register_enterprise_panel(EnterprisePanel(...))`: a section of the enterprise detail page
  (hazards, credit, training …), rendered from the app's own template.
- `register_home_widget(HomeWidget(...))`: a card on a role's home page.
- `add_enterprise_panel(...)` and `add_home_widget(...)`: the same registrations for the usual case, the template
  named after the key (`<key>/_panel.html`, `<key>/_home_widget.html`) unless given.

Apps register in `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from .choices import Role
from .permissions import ALL_ROLES as ALL_ROLES  # the role groups are defined once, in permissions.py
from .permissions import STAFF_ROLES as STAFF_ROLES


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: frozenset[str] = ALL_ROLES
    icon: str = "circle"
    order: int = 100
    group: Any = None


@dataclass(frozen=True)
class EnterprisePanel:
    """A section of the enterprise page. `context(request, enterprise)` returns the template context."""

    key: str
    title: Any
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    roles: frozenset[str] = ALL_ROLES
    order: int = 100


@dataclass(frozen=True)
class HomeWidget:
    key: str
    template: str
    context: Callable[[Any], dict[str, Any]]
    roles: frozenset[str] = ALL_ROLES
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)


_NAV: dict[str, NavItem] = {}
_PANELS: dict[str, EnterprisePanel] = {}
_WIDGETS: dict[str, HomeWidget] = {}


def register_nav(item: NavItem) -> None:
    _NAV[item.url_name] = item


def register_enterprise_panel(panel: EnterprisePanel) -> None:
    _PANELS[panel.key] = panel


def register_home_widget(widget: HomeWidget) -> None:
    _WIDGETS[widget.key] = widget


def add_enterprise_panel(
    key: str,
    title: Any,
    context: Callable[[Any, Any], dict[str, Any]],
    *,
    order: int,
    roles: frozenset[str] = ALL_ROLES,
    template: str | None = None,
) -> None:
    """Register an enterprise page section whose template is `<key>/_panel.html` unless `template` names another."""
    register_enterprise_panel(
        EnterprisePanel(key, title, template or f"{key}/_panel.html", context, roles=roles, order=order)
    )


def add_home_widget(
    key: str,
    context: Callable[[Any], dict[str, Any]],
    *,
    order: int,
    roles: frozenset[str] = ALL_ROLES,
    template: str | None = None,
) -> None:
    """Register a home page card whose template is `<key>/_home_widget.html` unless `template` names another."""
    register_home_widget(HomeWidget(key, template or f"{key}/_home_widget.html", context, roles=roles, order=order))


def _role(user: Any) -> str:
    return Role.ADMIN if getattr(user, "is_superuser", False) else getattr(user, "role", "")


def nav_for(user: Any) -> list[dict[str, Any]]:
    """The role's menu: one entry per app (its namespace), a dropdown when the app offers several pages.

    The entry is named after the app's first page (lowest `order`), so that a dozen pages fit on
    a laptop's navbar and in a phone's collapsed menu.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    role = _role(user)
    groups: dict[str, dict[str, Any]] = {}
    for item in sorted(_NAV.values(), key=lambda i: (i.order, str(i.label))):
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        key = str(item.group) if item.group else item.url_name.split(":")[0]
        group = groups.setdefault(
            key, {"label": item.label, "icon": item.icon, "url": url, "items": [], "order": item.order}
        )
        group["items"].append({"label": item.label, "url": url, "icon": item.icon, "url_name": item.url_name})
    return sorted(groups.values(), key=lambda g: g["order"])


def enterprise_panels_for(user: Any) -> list[EnterprisePanel]:
    role = _role(user)
    return [p for p in sorted(_PANELS.values(), key=lambda p: p.order) if role in p.roles]


def home_widgets_for(user: Any) -> list[HomeWidget]:
    role = _role(user)
    return [w for w in sorted(_WIDGETS.values(), key=lambda w: w.order) if role in w.roles]
