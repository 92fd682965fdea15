"""Where the dashboards appear: a menu entry for staff, and the top of the home page of the committee,
county (inspector) and department roles — their home page is their dashboard."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from safety_platform.choices import Role
from safety_platform.permissions import OFFICIAL_ROLES

DASHBOARD_ROLES = OFFICIAL_ROLES  # government staff; administrators reach it from the menu


def home_dashboard_context(request: HttpRequest) -> dict[str, Any]:
    from .views_dashboard import dashboard_context

    return {"wide": True, **dashboard_context(request)}


def register() -> None:
    from safety_platform.navigation import HomeWidget, NavItem, register_home_widget, register_nav

    register_nav(
        NavItem(
            label=_("Dashboard"),
            url_name="assessment:dashboard",
            roles=DASHBOARD_ROLES | {Role.ADMIN},
            icon="speedometer2",
            order=5,
        )
    )
    register_home_widget(
        HomeWidget(
            key="dashboard",
            template="assessment/_home_dashboard.html",
            context=home_dashboard_context,
            roles=DASHBOARD_ROLES,
            order=0,
        )
    )
