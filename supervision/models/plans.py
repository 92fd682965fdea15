"""Differentiated supervision: inspection classes (versioned rules), responsible authorities, plans."""

from __future__ import annotations

__all__: list[str] = []
