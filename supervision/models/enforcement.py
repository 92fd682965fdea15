"""Enforcement: the regulator's numbered documents and the administrative penalty case."""

from __future__ import annotations

__all__: list[str] = []
