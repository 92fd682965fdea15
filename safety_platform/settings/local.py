"""Embedded default for a newcomer's machine: SQLite, no Redis needed, DEBUG on."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite simply ignores the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
