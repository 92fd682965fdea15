"""Filters of the enterprises app (shared by web UI and API), one module per topic."""

from .registry import EnterpriseFilterSet

__all__ = ["EnterpriseFilterSet"]
