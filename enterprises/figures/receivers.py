"""Listeners keeping the dashboards' enterprise figures (`EnterpriseFigureSummary`) equal to the records:
each save or delete of a record an enterprise figure counts (the figure sources' `records`,
`enterprises.figures.sources`) or of an enterprise recounts that enterprise's share
(`enterprises.figures.services`), in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from ..registry.signals import enterprises_moved


def _refresh(*enterprise_ids: int) -> None:
    from .services import enterprise_figures_refresh

    enterprise_figures_refresh(enterprise_ids)


def _record_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _refresh(instance.enterprise_id)


def follow_records(models: Iterable[str]) -> None:
    """Recount a record's enterprise at each save or delete of these models ("app.Model", with `enterprise_id`)."""
    for model in models:
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"enterprise_figures_save_{model}")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"enterprise_figures_delete_{model}")


_WATCHED = {"status", "jurisdiction", "industry", "supervising_department"}
_WATCHED |= {f"{name}_id" for name in _WATCHED}


@receiver(post_save, sender="enterprises.Enterprise", dispatch_uid="enterprise_figures_enterprise_save")
def on_enterprise_saved(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if raw or (update_fields is not None and not set(update_fields) & _WATCHED):
        return
    _refresh(instance.pk)


@receiver(enterprises_moved, dispatch_uid="enterprise_figures_enterprises_moved")
def on_enterprises_moved(sender: Any, enterprise_ids: Iterable[int], **kwargs: Any) -> None:
    _refresh(*enterprise_ids)


@receiver(pre_delete, sender="enterprises.Enterprise", dispatch_uid="enterprise_figures_enterprise_delete")
def on_enterprise_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .services import enterprise_figures_forget

    enterprise_figures_forget(instance.pk)
