"""Celery tasks of the hazards app: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="hazards.attachments_make_thumbnails")
def attachments_make_thumbnails(attachment_ids: list[int]) -> int:
    from .services import attachments_make_thumbnails as make

    return make(attachment_ids=attachment_ids)


@shared_task(name="hazards.stat_reports_open_due")
def stat_reports_open_due() -> int:
    from .services import stat_reports_open_due as open_due

    return open_due()


@shared_task(name="hazards.summary_rebuild")
def hazard_summary_rebuild_task() -> int:
    """Nightly: recount the hazard summary of the dashboards from the hazards (repairs any change that
    bypassed the model, e.g. a bulk UPDATE); idempotent."""
    from .services.summary import hazard_summary_rebuild

    return hazard_summary_rebuild()
