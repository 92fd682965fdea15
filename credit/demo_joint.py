"""Demo data of joint rewards and punishments: last month's written notice to every recipient department (住建
has acknowledged it, the others not yet), and measures recorded on the web (住建) and through the API (the demo's
发改委 key, given measures:write). Idempotent: notices are unique per department and month, and a measure in
force is not recorded twice."""

from __future__ import annotations

import contextlib
from typing import Any

from django.utils import timezone

from safety_platform.choices import ApiScope
from safety_platform.models import ApiKey, Department, User
from safety_platform.models.apikeys import ApiClient
from safety_platform.services import DomainError

from .choices import BlacklistStatus, Grade, JointMeasureChannel, RatingStatus
from .models import BlacklistEntry, CreditRating, JointMeasure, JointNotice
from .services.joint import joint_measure_record, joint_notice_acknowledge, joint_notices_issue_period, previous_month


def _record(actor: Any, channel: str, **fields: Any) -> None:
    # Refused when recorded on an earlier run (in force) or when the enterprise is no longer listed.
    with contextlib.suppress(DomainError):
        joint_measure_record(actor=actor, channel=channel, **fields)


def seed_joint_demo() -> None:
    start, _end = previous_month()
    joint_notices_issue_period(period_start=start)
    zjj_staff = User.objects.filter(username="dept_zjj").first()
    if zjj_staff is not None:
        notice = JointNotice.objects.filter(department__code="zjj", period_start=start).first()
        if notice is not None:
            joint_notice_acknowledge(actor=zjj_staff, notice=notice)
    today = timezone.localdate()
    listed = (
        BlacklistEntry.objects.filter(status=BlacklistStatus.ACTIVE).select_related("enterprise").order_by("pk").first()
    )
    if listed is not None and zjj_staff is not None:
        _record(
            zjj_staff,
            JointMeasureChannel.WEB,
            enterprise=listed.enterprise,
            kind="tender_excluded",
            applied_on=today,
            note="龙岩市某房建项目施工招标：资格审查不予通过",
        )
    fgw = Department.objects.filter(code="fgw").first()
    if fgw is None:
        return
    from safety_platform.management.commands.seed_demo import DEMO_API_KEY_NAME

    # The demo's 发改委 key (one key in the demo) also feeds back the measures 发改委 applied.
    key = ApiKey.objects.filter(name=DEMO_API_KEY_NAME, department=fgw).first()
    if key is None:
        return
    wanted = {ApiScope.MEASURES_WRITE.value, ApiScope.MEASURES_READ.value}
    if not wanted <= set(key.scopes):
        key.scopes = sorted(set(key.scopes) | wanted)
        key.save(update_fields=["scopes"])
    client = ApiClient(key)
    if listed is not None:
        _record(
            client,
            JointMeasureChannel.API,
            enterprise=listed.enterprise,
            kind="approval_scrutinized",
            applied_on=today,
            note="固定资产投资项目核准从严审查",
        )
    grade_three = (
        CreditRating.objects.filter(grade=Grade.THREE, status=RatingStatus.ACTIVE, blacklisted=False)
        .select_related("enterprise")
        .order_by("pk")
        .first()
    )
    if grade_three is not None:
        _record(
            client,
            JointMeasureChannel.API,
            enterprise=grade_three.enterprise,
            kind="subsidy_restricted",
            applied_on=today,
            note="暂停申报技改专项资金",
        )
    grade_one = (
        CreditRating.objects.filter(grade=Grade.ONE, status=RatingStatus.ACTIVE)
        .select_related("enterprise")
        .order_by("pk")
        .first()
    )
    if grade_one is not None and not JointMeasure.objects.filter(enterprise=grade_one.enterprise).exists():
        _record(
            client,
            JointMeasureChannel.API,
            enterprise=grade_one.enterprise,
            kind="green_channel",
            applied_on=today,
            note="项目审批绿色通道",
        )
