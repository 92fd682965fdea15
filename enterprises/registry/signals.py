"""Signals of the enterprise registry, for what stands on it (the figures room, the domain apps' summaries)."""

from __future__ import annotations

from django.dispatch import Signal

# sender=Enterprise class, enterprise_ids=[<id>, ...]. Sent in the transaction of a bulk UPDATE that moved
# these enterprises to another area, industry or supervising department: a bulk UPDATE sends no model signal,
# and the dashboards' summaries are kept per area, industry and department.
enterprises_moved = Signal()
