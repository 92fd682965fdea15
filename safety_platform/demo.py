"""Hook for apps to add demo data to `manage.py seed_demo` without editing the core command."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Jurisdiction

# Registries (the demo enterprises): seeded before the logins, which may belong to them; each returns how
# many registry rows it created.
REGISTRY_SEEDERS: list[Callable[[], int | None]] = []
# Records (hazards, credit, emergency, assessment…): seeded after the logins, in registration order.
DEMO_SEEDERS: list[Callable[[], None]] = []


def register_demo_seeder(seeder: Callable[[], None]) -> None:
    """Register an idempotent function that adds the app's demo records (called in registration order)."""
    if seeder not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(seeder)


def register_registry_seeder(seeder: Callable[[], int | None]) -> None:
    """Register an idempotent function that adds demo registry rows the logins refer to (before the logins)."""
    if seeder not in REGISTRY_SEEDERS:
        REGISTRY_SEEDERS.append(seeder)


def jurisdiction_at(path: str) -> Jurisdiction:
    """The jurisdiction at a path of names from the top of the reference tree ("新罗区/东城街道")."""
    from .models import Jurisdiction

    node = None
    for name in path.split("/"):
        qs = Jurisdiction.objects.filter(name=name)
        node = (qs.filter(parent=node) if node else qs).get()
    assert node is not None
    return node
