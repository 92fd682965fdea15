"""Longyan work-safety supervision platform: project package and the shared core.

The core holds what every domain app relies on: jurisdictions, departments, users and roles,
visibility scoping, the audit trail, notifications, statutory deadlines, domain facts, API keys
and the API base classes.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
