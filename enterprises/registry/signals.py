"""Signals of the enterprise registry, for what stands on it (the figures room, the domain apps' summaries)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.dispatch import Signal

# sender=Enterprise class, enterprise_ids=[<id>, ...]. Sent in the transaction of a bulk UPDATE that moved
# these enterprises to another area, industry or supervising department: a bulk UPDATE sends no model signal,
# and the dashboards' summaries are kept per area, industry and department.
enterprises_moved = Signal()


# What an enterprise's row held before the save in progress, read ONCE for every listener that compares it after the
# save (the hazard summary: its place; the training summary: its risk category). Each listener read it on its own.
_WATCHED: set[str] = set()


def watch_stored_enterprise_fields(*attnames: str) -> None:
    """Ask for these columns (`jurisdiction_id`, `risk_category`) as stored before each save of an enterprise."""
    _WATCHED.update(attnames)


def _attnames(update_fields: Iterable[str]) -> set[str]:
    return {name for field in update_fields for name in (field, f"{field}_id")}


def remember_stored_enterprise(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """pre_save of Enterprise: one read of every watched column, unless the save is new, raw or of other fields."""
    instance._stored_before_save = None
    if raw or not instance.pk or not _WATCHED:
        return
    if update_fields is not None and not _attnames(update_fields) & _WATCHED:
        return
    instance._stored_before_save = sender.objects.filter(pk=instance.pk).values(*sorted(_WATCHED)).first()


def stored_before_save(instance: Any, attnames: tuple[str, ...], update_fields: Any) -> tuple[Any, ...] | None:
    """For a post_save listener: these columns as they were before the save, or None when the save did not write
    them (a new enterprise, a raw save, `update_fields` without them)."""
    stored = getattr(instance, "_stored_before_save", None)
    if stored is None or (update_fields is not None and not _attnames(update_fields) & set(attnames)):
        return None
    return tuple(stored[name] for name in attnames)
