"""Hook for apps to add demo data to `manage.py seed_demo` without editing the core command."""

from __future__ import annotations

from collections.abc import Callable

DEMO_SEEDERS: list[Callable[[], None]] = []


def register_demo_seeder(seeder: Callable[[], None]) -> None:
    """Register an idempotent function that adds the app's demo data (called in registration order)."""
    if seeder not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(seeder)
