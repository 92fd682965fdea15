"""Inspections as a first-class record (issue 13, item 2): the checklist of the enterprise's industry, answers
pass / fail / not applicable with a note and a photo, a failed item becoming a hazard in one step, joint
inspections shared by every department that joins, events from other apps recorded once."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hazards.models import Checklist, ChecklistItem, Hazard, HazardAttachment
from hazards.services import hazard_register
from safety_platform.services import DomainError
from supervision.choices import InspectionReason
from supervision.models import Inspection, InspectionAnswer, InspectionResult
from supervision.services.inspections import (
    AnswerInput,
    checklists_for,
    inspection_hazard_from_item,
    inspection_record,
)
from tests.clock import frozen, shanghai
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def jpeg(color: str = "red") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def clock() -> Any:
    with frozen(shanghai(2026, 6, 15, 10)) as moment:
        yield moment


def make_chem_checklist(org: Any) -> Checklist:
    """The hazardous-chemicals checklist (keyed by C26: covers C2614) with three items."""
    checklist = Checklist.objects.create(name="危险化学品企业检查表", industry=org.industry("C26"))
    for order, text in enumerate(("储罐区防火堤完好", "可燃气体报警器有效", "特种作业人员持证上岗"), start=1):
        ChecklistItem.objects.create(checklist=checklist, order=order, text=text, basis=f"GB 依据 {order}")
    return checklist


@pytest.fixture
def chem_checklist(org: Any) -> Checklist:
    return make_chem_checklist(org)


@pytest.fixture
def building_checklist(org: Any) -> Checklist:
    checklist = Checklist.objects.create(name="建筑施工检查表", industry=org.industry("E47"))
    ChecklistItem.objects.create(checklist=checklist, order=1, text="脚手架搭设规范")
    return checklist


def answers_for(checklist: Checklist, *, fail_note: str = "报警器失效", photo: Any = None) -> list[AnswerInput]:
    items = list(checklist.items.order_by("order"))
    return [
        AnswerInput(items[0].pk, InspectionResult.PASS),
        AnswerInput(items[1].pk, InspectionResult.FAIL, fail_note, photo),
        AnswerInput(items[2].pk, InspectionResult.NOT_APPLICABLE),
    ]


def record(users: dict[str, Any], enterprise: Any, checklist: Checklist, **kwargs: Any) -> Inspection:
    kwargs.setdefault("inspected_on", TODAY)
    kwargs.setdefault("answers", answers_for(checklist, photo=jpeg()))
    return inspection_record(
        actor=kwargs.pop("actor", users["inspector"]), enterprise=enterprise, checklist=checklist, **kwargs
    )


def test_the_checklist_is_chosen_by_the_enterprise_industry(
    xinluo_chem: Any, shanghang_site: Any, chem_checklist: Checklist, building_checklist: Checklist
) -> None:
    assert list(checklists_for(xinluo_chem)) == [chem_checklist]
    assert list(checklists_for(shanghang_site)) == [building_checklist]


def test_an_inspector_records_an_inspection_with_every_answer(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    inspection = record(users, xinluo_chem, chem_checklist, note="总体良好", latitude="25.075", longitude="117.017")

    inspection.refresh_from_db()
    assert inspection.inspector == users["inspector"]
    assert inspection.checklist == chem_checklist
    assert inspection.inspected_on == TODAY
    assert (str(inspection.latitude), str(inspection.longitude)) == ("25.075000", "117.017000")
    answers = {a.item.text: a for a in inspection.answers.select_related("item")}
    assert {text: a.result for text, a in answers.items()} == {
        "储罐区防火堤完好": "pass",
        "可燃气体报警器有效": "fail",
        "特种作业人员持证上岗": "na",
    }
    failed = answers["可燃气体报警器有效"]
    assert failed.note == "报警器失效"
    assert failed.photo.name.startswith("inspections/") and failed.photo.name.endswith(".jpg")


def test_an_inspection_dated_in_the_future_is_refused_naming_the_field_and_nothing_is_saved(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    with pytest.raises(DomainError) as refused:
        record(users, xinluo_chem, chem_checklist, inspected_on=TODAY + dt.timedelta(days=1))
    assert refused.value.code == "inspection_in_future"
    assert refused.value.field == "inspected_on"
    assert not Inspection.objects.exists()
    assert not InspectionAnswer.objects.exists()


def test_a_failed_item_needs_a_note(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    failed_item = chem_checklist.items.get(order=2)
    with pytest.raises(DomainError) as refused:
        record(users, xinluo_chem, chem_checklist, answers=answers_for(chem_checklist, fail_note="  "))
    assert refused.value.code == "inspection_fail_needs_note"
    assert refused.value.field == f"item_{failed_item.pk}_note"
    assert not Inspection.objects.exists()


def test_every_item_is_answered(clock: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist) -> None:
    with pytest.raises(DomainError) as refused:
        record(users, xinluo_chem, chem_checklist, answers=answers_for(chem_checklist)[:2])
    assert refused.value.code == "inspection_item_unanswered"
    assert not Inspection.objects.exists()


def test_a_photo_that_is_not_a_photo_is_refused_naming_its_item(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    fake = SimpleUploadedFile("x.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    failed_item = chem_checklist.items.get(order=2)
    with pytest.raises(DomainError) as refused:
        record(users, xinluo_chem, chem_checklist, answers=answers_for(chem_checklist, photo=fake))
    assert refused.value.code == "invalid"
    assert refused.value.field == f"item_{failed_item.pk}_photo"
    assert not Inspection.objects.exists()


def test_a_checklist_of_another_industry_is_refused(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, building_checklist: Checklist
) -> None:
    with pytest.raises(DomainError) as refused:
        inspection_record(
            actor=users["inspector"],
            enterprise=xinluo_chem,
            inspected_on=TODAY,
            checklist=building_checklist,
            answers=[AnswerInput(building_checklist.items.get().pk, InspectionResult.PASS)],
        )
    assert refused.value.code == "invalid"
    assert refused.value.field == "checklist"


def test_only_inspecting_staff_within_their_scope_record(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any, chem_checklist: Checklist
) -> None:
    with pytest.raises(DomainError) as outside:
        inspection_record(actor=users["inspector"], enterprise=shanghang_site, inspected_on=TODAY)
    assert outside.value.code == "forbidden"
    with pytest.raises(DomainError) as enterprise_user:
        record(users, xinluo_chem, chem_checklist, actor=users["enterprise"])
    assert enterprise_user.value.code == "forbidden"
    assert not Inspection.objects.exists()


def test_the_same_form_sent_twice_is_one_inspection(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    first = record(users, xinluo_chem, chem_checklist, client_key="abc123")
    again = record(users, xinluo_chem, chem_checklist, client_key="abc123")
    assert again.pk == first.pk
    assert Inspection.objects.count() == 1


def test_a_failed_item_becomes_a_prefilled_hazard_once(
    clock: Any,
    users: dict[str, Any],
    xinluo_chem: Any,
    chem_checklist: Checklist,
    django_capture_on_commit_callbacks: Any,
) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    inspection = record(users, xinluo_chem, chem_checklist, inspected_on=yesterday)
    failed = inspection.answers.get(result=InspectionResult.FAIL)

    with django_capture_on_commit_callbacks(execute=True):
        hazard = inspection_hazard_from_item(actor=users["inspector"], inspection=inspection, answer=failed)
    assert hazard.enterprise == xinluo_chem
    assert hazard.title == "可燃气体报警器有效"
    assert "报警器失效" in hazard.description and "GB 依据 2" in hazard.description
    assert hazard.source == "inspection"
    assert hazard.reported_by == users["inspector"]
    assert hazard.found_at.astimezone(shanghai(2026, 1, 1).tzinfo).date() == yesterday
    assert HazardAttachment.objects.filter(hazard=hazard).count() == 1  # the item's photo, copied

    with django_capture_on_commit_callbacks(execute=True):
        again = inspection_hazard_from_item(actor=users["inspector"], inspection=inspection, answer=failed)
    assert again.pk == hazard.pk
    assert Hazard.objects.filter(enterprise=xinluo_chem).count() == 1
    failed.refresh_from_db()
    assert failed.hazard == hazard
    # The hazard's own "inspection conducted" event does not make a second inspection.
    assert Inspection.objects.count() == 1


def test_only_a_failed_item_becomes_a_hazard(
    clock: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    inspection = record(users, xinluo_chem, chem_checklist)
    passed = inspection.answers.get(result=InspectionResult.PASS)
    with pytest.raises(DomainError) as refused:
        inspection_hazard_from_item(actor=users["inspector"], inspection=inspection, answer=passed)
    assert refused.value.code == "inspection_item_not_failed"
    assert not Hazard.objects.exists()


def test_a_joint_inspection_is_one_record_every_joining_department_sees(
    clock: Any, org: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    yjj, zjj = org.department("yjj"), org.department("zjj")
    inspection = record(
        users,
        xinluo_chem,
        chem_checklist,
        departments=[yjj, zjj],
        reason=InspectionReason.CAMPAIGN,
        reason_note="危化品专项整治",
    )
    assert set(inspection.departments.values_list("code", flat=True)) == {"yjj", "zjj"}
    # 住建局 does not supervise the chemical plant, but joined: it sees the one record.
    assert list(Inspection.objects.visible_to(users["department_zjj"])) == [inspection]
    assert list(Inspection.objects.visible_to(users["department"])) == [inspection]
    outsider = UserFactory(username="dept_fgw", role="department", department=org.department("fgw"))
    assert not Inspection.objects.visible_to(outsider).exists()
    assert list(Inspection.objects.visible_to(users["enterprise"])) == [inspection]
    # A failed item of a joint inspection is a joint-inspection hazard.
    failed = inspection.answers.get(result=InspectionResult.FAIL)
    hazard = inspection_hazard_from_item(actor=users["inspector"], inspection=inspection, answer=failed)
    assert hazard.source == "joint_inspection"


def test_department_staff_recording_join_with_their_department(
    clock: Any, org: Any, users: dict[str, Any], xinluo_chem: Any, chem_checklist: Checklist
) -> None:
    inspection = record(users, xinluo_chem, chem_checklist, actor=users["department"])
    assert list(inspection.departments.values_list("code", flat=True)) == ["yjj"]
    assert inspection.inspector is None and inspection.created_by == users["department"]


def test_a_hazard_found_on_site_is_one_inspection_per_inspector_and_day(
    users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """An `inspection_conducted` event (an inspector logging hazards on site) is an inspection, once."""
    with django_capture_on_commit_callbacks(execute=True):
        for title in ("消防通道堵塞", "灭火器过期"):
            hazard_register(
                enterprise=xinluo_chem,
                title=title,
                description="现场",
                source="inspection",
                reported_by=users["inspector"],
            )
    inspection = Inspection.objects.get(enterprise=xinluo_chem)
    assert inspection.inspector == users["inspector"]
    assert inspection.fact is not None


def test_self_reported_hazards_are_not_inspections(
    users: dict[str, Any], xinluo_chem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hazard_register(
            enterprise=xinluo_chem,
            title="自查发现",
            description="x",
            source="self_check",
            reported_by=users["enterprise"],
        )
    assert not Inspection.objects.exists()
