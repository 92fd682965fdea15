"""Demo data of training (idempotent), registered by `training.setup.register()`: `manage.py seed_demo`
runs it after the logins and the rooms registered before it. Dates are relative to today so that
reminders, expiries and compliance look alive in a demonstration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..common.demo import demo_enterprise, demo_user


def _seed_training(today: dt.date) -> None:
    from .models import Employee
    from .services import employee_change_post, employee_create, special_certificate_save, training_record_add

    chem = demo_enterprise("龙岩市东城化工有限公司")
    keeper = demo_user("enterprise")
    if chem is None or keeper is None or Employee.objects.filter(enterprise=chem).exists():
        return
    year_ago = today - dt.timedelta(days=500)

    def staff(name: str, post: str, posted: dt.date, hours: tuple[int, int, int], **extra: Any) -> Any:
        person = employee_create(actor=keeper, enterprise=chem, name=name, post=post, posted_on=posted, **extra)
        for category, h in zip(("company", "workshop", "team"), hours, strict=True):
            if h:
                training_record_add(
                    actor=keeper,
                    employee=person,
                    category=category,
                    hours=h,
                    completed_on=posted - dt.timedelta(days=2),
                )
        return person

    ok = staff("陈建国", "合成工", year_ago, (24, 24, 24), post_is_high_risk=True)
    training_record_add(
        actor=keeper, employee=ok, category="annual", hours=20, completed_on=today - dt.timedelta(days=40)
    )
    staff("林小红", "化验员", today - dt.timedelta(days=60), (24, 24, 24))
    staff("张伟", "装卸工", today - dt.timedelta(days=30), (8, 8, 8))  # 24 h, but 72 h are required here
    electrician = staff("黄海", "电工", year_ago, (24, 24, 24), special_operation="electrical")
    training_record_add(
        actor=keeper, employee=electrician, category="annual", hours=20, completed_on=today - dt.timedelta(days=100)
    )
    special_certificate_save(
        actor=keeper,
        employee=electrician,
        operation="electrical",
        certificate_number="T350802198001011234",
        issued_on=today - dt.timedelta(days=6 * 365 - 45),
        expires_on=today + dt.timedelta(days=45),
        issuing_authority="龙岩市应急管理局",
    )
    mover = staff("吴明", "仓库管理员", year_ago, (24, 24, 24))
    training_record_add(
        actor=keeper, employee=mover, category="annual", hours=20, completed_on=today - dt.timedelta(days=10)
    )
    employee_change_post(
        actor=keeper, employee=mover, post="反应釜操作工", on=today - dt.timedelta(days=5), post_is_high_risk=True
    )
    boss = employee_create(
        actor=keeper, enterprise=chem, name="赖安全", post="总经理", posted_on=year_ago, role="principal"
    )
    training_record_add(actor=keeper, employee=boss, category="mgmt_initial", hours=48, completed_on=year_ago)
    training_record_add(
        actor=keeper, employee=boss, category="mgmt_annual", hours=16, completed_on=today - dt.timedelta(days=90)
    )


def seed_training_demo() -> None:
    with transaction.atomic():
        _seed_training(timezone.localdate())
