"""Demo positions (issue 13 item 7): the demo's hazards and inspections carry a point near their enterprise,
so the risk map shows where they are. Idempotent: only rows without a position get one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps

from safety_platform.services import DomainError

from .location import clean_position

DEMO_LIMIT = 40


def _near(lat: Decimal, lon: Decimal, seed: int) -> tuple[Decimal, Decimal] | None:
    """A point a few hundred metres from the enterprise, the same for the same row on every run."""
    dlat = Decimal((seed * 7919) % 81 - 40) * Decimal("0.00005")
    dlon = Decimal((seed * 104729) % 81 - 40) * Decimal("0.00005")
    point = (lat + dlat).quantize(Decimal("0.000001")), (lon + dlon).quantize(Decimal("0.000001"))
    try:
        clean_position(*point)
    except DomainError:
        return None
    return point


def _place(queryset: Any) -> int:
    placed = 0
    rows = (
        queryset.filter(latitude__isnull=True, enterprise__latitude__isnull=False)
        .order_by("-id")
        .values_list("pk", "enterprise__latitude", "enterprise__longitude")[:DEMO_LIMIT]
    )
    for pk, lat, lon in rows:
        point = _near(lat, lon, pk)
        if point is not None:
            placed += queryset.model.objects.filter(pk=pk).update(latitude=point[0], longitude=point[1])
    return placed


def seed_hazard_positions() -> None:
    """The demo hazards (registered with a `demo:` key) get a position; then, after every other app's demo,
    the inspections (the supervision demo runs after the hazards')."""
    from safety_platform.demo import register_demo_seeder

    from .models import Hazard

    _place(Hazard.objects.filter(external_key__startswith="demo:"))
    # Registered now, so it runs at the end of this seeding, after the inspections exist.
    register_demo_seeder(seed_inspection_positions)


def seed_inspection_positions() -> None:
    if not apps.is_installed("supervision"):
        return
    _place(apps.get_model("supervision", "Inspection").objects.all())
