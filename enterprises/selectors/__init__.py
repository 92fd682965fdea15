"""Reads of the enterprises app, one module per topic."""

from .registry import enterprise_counts, enterprise_counts_by_category, enterprises_visible_to

__all__ = ["enterprise_counts", "enterprise_counts_by_category", "enterprises_visible_to"]
