"""Indicators of the assessment, registered by name (see `registry`)."""

from . import registry

__all__ = ["registry"]
