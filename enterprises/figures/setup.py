"""Plug the dashboards' enterprise figures into the platform (called once from `EnterprisesConfig.ready()`):
the listeners that keep them equal to the records, their Celery tasks and the nightly recount."""

from __future__ import annotations


def register() -> None:
    from safety_platform.schedules import Schedule, register_schedule

    from . import (
        receivers,  # noqa: F401  (the figures follow the records)
        tasks,  # noqa: F401  (tasks register with Celery on import)
    )

    register_schedule(
        Schedule(
            name="Enterprises: recount the dashboards' enterprise figures",
            task="enterprises.figures_rebuild",
            minute="50",
            hour="2",
            description="Recounts the enterprise figures (operating, risk points, credit grades, filing) "
            "from the records; they follow each change, this repairs changes made around the models.",
        )
    )
