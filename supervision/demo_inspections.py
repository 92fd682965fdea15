"""Demo inspections: a few with the checklist of the enterprise's industry, one failed item turned into a
hazard, one joint inspection of two departments (§1.2)."""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.registry.choices import EnterpriseStatus
from safety_platform.models import Department, User
from safety_platform.services import DomainError

from .choices import InspectionReason
from .models import Inspection, InspectionResult
from .services.inspections import AnswerInput, checklists_for, inspection_hazard_from_item, inspection_record

logger = logging.getLogger(__name__)


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    return SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg")


def seed_inspections_demo() -> None:
    if Inspection.objects.filter(checklist__isnull=False).exists():
        return
    inspector = User.objects.filter(username="inspector", is_active=True).first()
    if inspector is None:
        return
    department_user = User.objects.filter(username="dept_yjj").select_related("department").first()
    joining = [department_user.department] if department_user and department_user.department else []
    other = Department.objects.exclude(pk__in=[d.pk for d in joining]).order_by("code").first()
    if other is not None:
        joining.append(other)
    enterprises = list(
        Enterprise.objects.visible_to(inspector)
        .exclude(status=EnterpriseStatus.CLOSED)
        .select_related("industry")
        .order_by("id")[:3]
    )
    today = timezone.localdate()
    for index, enterprise in enumerate(enterprises):
        checklist = checklists_for(enterprise).first()
        if checklist is None:
            continue
        items = list(checklist.items.filter(is_active=True))
        answers = []
        for position, item in enumerate(items):
            if index == 0 and position == 0:
                answers.append(AnswerInput(item.pk, InspectionResult.FAIL, "演示：现场发现不符合项", _photo()))
            elif position == len(items) - 1:
                answers.append(AnswerInput(item.pk, InspectionResult.NOT_APPLICABLE))
            else:
                answers.append(AnswerInput(item.pk, InspectionResult.PASS))
        try:
            inspection = inspection_record(
                actor=inspector,
                enterprise=enterprise,
                inspected_on=today - dt.timedelta(days=7 * (index + 1)),
                reason=InspectionReason.CAMPAIGN if index == 1 else InspectionReason.PLANNED,
                reason_note="演示：联合执法专项行动" if index == 1 else "",
                departments=joining if index == 1 else [],
                checklist=checklist,
                answers=answers,
                note="演示检查",
            )
        except DomainError as exc:  # e.g. a class's cap already reached by other demo data
            logger.info("demo inspection of %s skipped: %s", enterprise.pk, exc.message)
            continue
        failed = inspection.answers.filter(result=InspectionResult.FAIL).first()
        if failed is not None:
            inspection_hazard_from_item(actor=inspector, inspection=inspection, answer=failed)
