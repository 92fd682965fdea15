"""The one place where the enterprises app creates hazards (contract: `hazards.services.hazard_register`,
handed over by the hazards app through `register_hazard_registrar`).

Equipment matches and joint-inspection findings call `hazard_register_for`; it is idempotent per
(source, external_key) on the hazards side. If the hazards app cannot register yet (not installed or
not migrated), the caller keeps its row without a hazard id and the nightly sweep registers it later.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

logger = logging.getLogger(__name__)


_REGISTRAR: list[Any] = []


def register_hazard_registrar(register: Any) -> None:
    """The hazards app hands over its `hazard_register` from its `AppConfig.ready()` (this app, which the
    hazards app stands on, imports none of it)."""
    _REGISTRAR[:] = [register]


def _register_function() -> Any:
    return _REGISTRAR[0] if _REGISTRAR else None


def hazards_available() -> bool:
    return _register_function() is not None


def hazard_register_for(
    *,
    enterprise: Any,
    title: str,
    description: str,
    source: str,
    external_key: str,
    reported_by: Any = None,
    location: str = "",
    found_at: dt.datetime | None = None,
) -> int | None:
    """Register (or find) the hazard for `external_key`; its id, or None when hazards cannot take it yet."""
    register = _register_function()
    if register is None:
        logger.warning("hazards.services.hazard_register is not available; %s waits for the sweep", external_key)
        return None
    # Hazard texts are stored data: write them in the platform's language, not the requester's.
    with translation.override(settings.LANGUAGE_CODE):
        hazard, _created = register(
            enterprise=enterprise,
            title=str(title)[:200],
            description=str(description),
            source=source,
            reported_by=reported_by if getattr(reported_by, "api_key", None) is None else None,
            location=location,
            found_at=found_at,
            external_key=external_key,
        )
    return int(hazard.pk)


def hazard_url(hazard_id: int | None) -> str | None:
    if not hazard_id:
        return None
    for name in ("hazards:detail", "hazards:hazard_detail"):
        try:
            return reverse(name, args=[hazard_id])
        except NoReverseMatch:
            continue
    return None
