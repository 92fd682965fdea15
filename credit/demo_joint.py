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


def _record(actor: Any, channel: str, enterprise: Any, kind: str, note: str) -> None:
    """A measure applied today. Refused when recorded on an earlier run (in force) or when the enterprise is no
    longer listed."""
    with contextlib.suppress(DomainError):
        joint_measure_record(
            actor=actor, channel=channel, enterprise=enterprise, kind=kind, applied_on=timezone.localdate(), note=note
        )


def _first_rated(**filters: Any) -> CreditRating | None:
    """The first active grade matching `filters`, with its enterprise."""
    ratings = CreditRating.objects.filter(status=RatingStatus.ACTIVE, **filters).select_related("enterprise")
    return ratings.order_by("pk").first()


def seed_joint_demo() -> None:
    start, _end = previous_month()
    joint_notices_issue_period(period_start=start)
    zjj_staff = User.objects.filter(username="dept_zjj").first()
    if zjj_staff is not None:
        notice = JointNotice.objects.filter(department__code="zjj", period_start=start).first()
        if notice is not None:
            joint_notice_acknowledge(actor=zjj_staff, notice=notice)
    listed = (
        BlacklistEntry.objects.filter(status=BlacklistStatus.ACTIVE).select_related("enterprise").order_by("pk").first()
    )
    if listed is not None and zjj_staff is not None:
        tender = "龙岩市某房建项目施工招标：资格审查不予通过"
        _record(zjj_staff, JointMeasureChannel.WEB, listed.enterprise, "tender_excluded", tender)
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
            client, JointMeasureChannel.API, listed.enterprise, "approval_scrutinized", "固定资产投资项目核准从严审查"
        )
    grade_three = _first_rated(grade=Grade.THREE, blacklisted=False)
    if grade_three is not None:
        _record(client, JointMeasureChannel.API, grade_three.enterprise, "subsidy_restricted", "暂停申报技改专项资金")
    grade_one = _first_rated(grade=Grade.ONE)
    if grade_one is not None and not JointMeasure.objects.filter(enterprise=grade_one.enterprise).exists():
        _record(client, JointMeasureChannel.API, grade_one.enterprise, "green_channel", "项目审批绿色通道")
