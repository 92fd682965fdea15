"""Demo enforcement records: an order to rectify with two hazards and its re-inspection opinion, a case whose
hearing window is open, and a case decided and executed. Idempotent (nothing is added once documents exist)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.utils import timezone

from enterprises.models import Enterprise
from safety_platform.models import User
from safety_platform.services import DomainError

from .models import Inspection
from .models.enforcement import DocumentKind, EnforcementDocument, Violation
from .services import enforcement as services

logger = logging.getLogger(__name__)

ORDER_BASIS = "《中华人民共和国安全生产法》第六十五条第一款第（三）项"
PENALTY_BASIS = "《中华人民共和国安全生产法》第一百零一条第（一）项"


def seed_enforcement_demo() -> None:
    if EnforcementDocument.objects.exists():
        return
    inspector = User.objects.filter(username="inspector", is_active=True).first()
    if inspector is None:
        return
    enterprises = list(Enterprise.objects.visible_to(inspector).order_by("id")[:3])
    if not enterprises:
        return
    today = timezone.localdate()
    first = next((e for e in enterprises if e.name == "龙岩市东城化工有限公司"), enterprises[0])
    try:
        inspection = Inspection.objects.filter(enterprise=first).order_by("-inspected_on").first()
        order = services.document_issue(
            actor=inspector,
            kind=DocumentKind.RECTIFICATION_ORDER,
            enterprise=first,
            issued_on=today - dt.timedelta(days=10),
            inspection=inspection,
            findings="现场检查发现：储罐区可燃气体报警器未定期检定；部分作业人员未按规定佩戴劳动防护用品。",
            legal_basis=ORDER_BASIS,
            items=["储罐区可燃气体报警器未定期检定", "作业人员未按规定佩戴劳动防护用品"],
            rectify_by=today + dt.timedelta(days=20),
        )
        services.document_issue(
            actor=inspector,
            kind=DocumentKind.REINSPECTION_OPINION,
            enterprise=first,
            issued_on=today - dt.timedelta(days=1),
            findings=f"对{order.number}所列问题进行复查。",
            conclusion="报警器已送检并取得检定证书；劳动防护用品佩戴问题已整改。同意销号。",
            hazard_codes=[h.code for h in order.hazards.all()],
        )
        open_case = services.case_open(
            actor=inspector,
            enterprise=first,
            title="未按规定对安全设备进行经常性维护、检测案",
            violation=Violation.OTHER,
            filed_on=today - dt.timedelta(days=20),
            inspection=inspection,
            findings="现场检查发现储罐区可燃气体报警器超期未检定。",
        )
        services.case_investigate(
            actor=inspector, case_id=open_case.pk, note="调取设备台账、检定记录，询问安全管理人员。"
        )
        services.case_notify(
            actor=inspector,
            case_id=open_case.pk,
            notified_on=today - dt.timedelta(days=2),
            findings="拟处罚款人民币二万元。",
            legal_basis="《中华人民共和国安全生产法》第九十九条第（三）项",
        )
        other = enterprises[1] if len(enterprises) > 1 else first
        decided = services.case_open(
            actor=inspector,
            enterprise=other,
            title="未如实记录安全生产教育和培训情况案",
            violation=Violation.OTHER,
            filed_on=today - dt.timedelta(days=60),
            findings="检查发现新入职员工三级安全教育培训记录缺失。",
        )
        services.case_investigate(actor=inspector, case_id=decided.pk, note="调取培训档案，制作询问笔录。")
        services.case_notify(
            actor=inspector,
            case_id=decided.pk,
            notified_on=today - dt.timedelta(days=40),
            findings="拟处罚款人民币三万元。",
            legal_basis=PENALTY_BASIS,
        )
        services.case_record_statement(
            actor=inspector, case_id=decided.pk, statement="当事人对违法事实无异议，请求从轻处罚，不要求听证。"
        )
        services.case_decide(
            actor=inspector,
            case_id=decided.pk,
            decided_on=today - dt.timedelta(days=30),
            fine_amount=Decimal("30000"),
            legal_basis=PENALTY_BASIS,
            findings="当事人未如实记录安全生产教育和培训情况，事实清楚，证据确凿。",
        )
        services.case_execute(actor=inspector, case_id=decided.pk, executed_on=today - dt.timedelta(days=25))
    except DomainError as exc:  # the demo data of another app changed under it: leave what was made
        logger.info("enforcement demo stopped: %s", exc.message)
