"""Look-ups shared by the rooms' demo seeders: the demo logins, enterprises and areas by name."""

from __future__ import annotations

from typing import Any

from safety_platform.models import Jurisdiction, User


def demo_user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def demo_enterprise(name: str) -> Any:
    from ..registry.models import Enterprise

    return Enterprise.objects.filter(name=name).first()


def demo_node(path: str) -> Jurisdiction | None:
    node = None
    for name in path.split("/"):
        qs = Jurisdiction.objects.filter(name=name)
        node = (qs.filter(parent=node) if node else qs).first()
        if node is None:
            return None
    return node
