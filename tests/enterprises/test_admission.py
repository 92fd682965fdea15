"""Source control: siting reviews (haversine distances), banned-equipment matching, exit proposals."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from enterprises.admission.services import (
    catalog_entry_save,
    catalog_import,
    equipment_declare,
    equipment_match_all,
    equipment_update,
    exit_proposal_create,
    exit_proposal_decide,
    exit_proposal_execute,
    exit_proposal_withdraw,
    siting_review_decide,
    siting_review_run,
)
from enterprises.models import EquipmentMatch, ExitTransition, SitingConflict
from hazards.models import Hazard
from safety_platform.models import StatutoryDeadline
from safety_platform.services import DomainError
from tests.enterprises.topic_factories import CatalogEntryFactory, PlaceFactory, ProjectFactory, SeparationFactory

pytestmark = pytest.mark.django_db


def hand_haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Written out independently of the platform: R = 6 371 000 m."""
    r = 6371000.0
    p1, p2 = lat1 * math.pi / 180, lat2 * math.pi / 180
    dp, dl = (lat2 - lat1) * math.pi / 180, (lon2 - lon1) * math.pi / 180
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.atan2(math.sqrt(h), math.sqrt(1 - h))


def cm(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Siting review ---------------------------------------------------------------------------------


@pytest.fixture
def site(org: Any) -> Any:
    return ProjectFactory(
        jurisdiction=org.jurisdiction("新罗区/东城街道"), latitude="25.100000", longitude="117.030000"
    )


def test_siting_review_lists_every_place_inside_with_hand_computed_distances(site: Any, org: Any, users: Any) -> None:
    SeparationFactory(category="hazchem_storage", distance_m=Decimal("1000"))
    where = org.jurisdiction("新罗区/东城街道")
    school = PlaceFactory(
        name="东城小学", kind="school", jurisdiction=where, latitude="25.105000", longitude="117.030000"
    )
    hospital = PlaceFactory(
        name="东城医院", kind="hospital", jurisdiction=where, latitude="25.103000", longitude="117.036000"
    )
    far_market = PlaceFactory(
        name="远处市场", kind="market", jurisdiction=where, latitude="25.112000", longitude="117.030000"
    )
    review = siting_review_run(actor=users["inspector"], project=site)
    conflicts = {c.place_name: c.distance_m for c in review.conflicts.all()}
    expected_school = cm(hand_haversine(25.1, 117.03, 25.105, 117.03))
    expected_hospital = cm(hand_haversine(25.1, 117.03, 25.103, 117.036))
    assert conflicts == {school.name: expected_school, hospital.name: expected_hospital}
    assert Decimal("555") < expected_school < Decimal("557")  # 0.005° of latitude ≈ 556 m
    assert hand_haversine(25.1, 117.03, 25.112, 117.03) > 1000  # the market is outside, so not listed
    assert far_market.name not in conflicts
    assert review.separation_m == Decimal("1000") and review.places_checked == 3


def test_a_place_exactly_at_the_separation_distance_is_outside_and_one_centimetre_closer_is_inside(
    site: Any, org: Any, users: Any
) -> None:
    place = PlaceFactory(
        jurisdiction=org.jurisdiction("新罗区"), latitude="25.104321", longitude="117.034567", kind="residential"
    )
    exact = cm(hand_haversine(25.1, 117.03, 25.104321, 117.034567))
    rule = SeparationFactory(category="hazchem_storage", distance_m=exact)
    assert not siting_review_run(actor=users["inspector"], project=site).conflicts.exists()
    rule.distance_m = exact + Decimal("0.01")
    rule.save()
    conflict = siting_review_run(actor=users["inspector"], project=site).conflicts.get()
    assert (conflict.place_id, conflict.distance_m) == (place.pk, exact)


def test_places_across_the_county_border_are_checked_too(site: Any, org: Any, users: Any) -> None:
    SeparationFactory(category="hazchem_storage", distance_m=Decimal("2000"))
    other_county = PlaceFactory(jurisdiction=org.jurisdiction("永定区"), latitude="25.101000", longitude="117.030000")
    review = siting_review_run(actor=users["inspector_town"], project=site)
    assert list(review.conflicts.values_list("place_id", flat=True)) == [other_county.pk]


def test_the_rule_in_force_is_used_and_recorded(site: Any, org: Any, users: Any) -> None:
    import datetime as dt

    SeparationFactory(
        category="hazchem_storage", distance_m=Decimal("500"), version="2016", valid_from=dt.date(2016, 1, 1)
    )
    SeparationFactory(
        category="hazchem_storage", distance_m=Decimal("800"), version="2023", valid_from=dt.date(2023, 1, 1)
    )
    SeparationFactory(
        category="fuel_station", distance_m=Decimal("50"), version="2023b", valid_from=dt.date(2023, 1, 1)
    )
    review = siting_review_run(actor=users["inspector"], project=site, on=dt.date(2022, 6, 1))
    assert (review.rule_version, review.separation_m) == ("2016", Decimal("500"))
    review = siting_review_run(actor=users["inspector"], project=site)
    assert (review.rule_version, review.separation_m) == ("2023", Decimal("800"))


def test_a_category_without_a_rule_is_a_clear_error(site: Any, users: Any) -> None:
    with pytest.raises(DomainError) as exc:
        siting_review_run(actor=users["inspector"], project=site)
    assert exc.value.field == "category" and exc.value.code == "invalid"


def test_decision_is_recorded_once_and_approval_is_refused_with_conflicts(site: Any, org: Any, users: Any) -> None:
    SeparationFactory(category="hazchem_storage", distance_m=Decimal("1000"))
    PlaceFactory(jurisdiction=org.jurisdiction("新罗区"), latitude="25.101000", longitude="117.030000")
    review = siting_review_run(actor=users["inspector"], project=site)
    with pytest.raises(DomainError) as exc:
        siting_review_decide(actor=users["inspector"], review=review, decision="approved")
    assert exc.value.code == "dense_places_too_close"
    with pytest.raises(ValidationError):
        siting_review_decide(actor=users["inspector"], review=review, decision="rejected", note="  ")
    siting_review_decide(actor=users["inspector"], review=review, decision="rejected", note="距学校不足1000米")
    site.refresh_from_db()
    assert site.status == "rejected"
    with pytest.raises(DomainError) as exc:
        siting_review_decide(actor=users["inspector"], review=review, decision="conditional", note="x")
    assert exc.value.code == "review_already_decided"


def test_inspectors_cannot_review_projects_outside_their_jurisdiction(org: Any, users: Any) -> None:
    SeparationFactory()
    elsewhere = ProjectFactory(jurisdiction=org.jurisdiction("上杭县"))
    with pytest.raises(DomainError) as exc:
        siting_review_run(actor=users["inspector"], project=elsewhere)
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        siting_review_run(actor=users["enterprise"], project=elsewhere)
    assert exc.value.code == "forbidden"


@pytest.mark.postgres
def test_conflicts_cannot_be_rewritten_on_postgresql(site: Any, org: Any, users: Any) -> None:
    from django.db import DatabaseError, transaction

    SeparationFactory(distance_m=Decimal("1000"))
    PlaceFactory(jurisdiction=org.jurisdiction("新罗区"), latitude="25.101000", longitude="117.030000")
    review = siting_review_run(actor=users["inspector"], project=site)
    with pytest.raises(DatabaseError), transaction.atomic():
        SitingConflict.objects.filter(review=review).update(distance_m=Decimal("5000"))


# Banned equipment ------------------------------------------------------------------------------


@pytest.fixture
def entry(users: Any) -> Any:
    entry = CatalogEntryFactory.build(name="KJ-1型矿用隔爆开关", model_numbers="KJ-1\nkj 1a")
    return catalog_entry_save(actor=users["committee"], entry=entry)


def test_a_declared_item_with_a_banned_model_number_creates_one_hazard(
    xinluo_chem: Any, users: Any, entry: Any, django_capture_on_commit_callbacks: Any
) -> None:
    item = equipment_declare(
        actor=users["enterprise"],
        enterprise=xinluo_chem,
        data={"name": "隔爆开关", "model_number": "ｋｊ－1", "quantity": 3, "location": "一车间"},
    )
    # Full-width characters and case are folded: ｋｊ－1 is KJ-1.
    match = EquipmentMatch.objects.get(equipment=item)
    assert (match.entry_id, match.matched_by) == (entry.pk, "model_number")
    hazard = Hazard.objects.get(source="equipment_match")
    assert hazard.pk == match.hazard_id
    assert hazard.enterprise_id == xinluo_chem.pk and hazard.external_key == f"equipment:{item.pk}:{entry.pk}"
    assert "KJ-1型矿用隔爆开关" in hazard.title and hazard.location == "一车间"


def test_matching_twice_still_makes_one_hazard(xinluo_chem: Any, users: Any, entry: Any) -> None:
    item = equipment_declare(
        actor=users["enterprise"], enterprise=xinluo_chem, data={"name": "隔爆开关", "model_number": "KJ 1A"}
    )
    equipment_update(actor=users["enterprise"], equipment=item, data={"quantity": 2})
    equipment_match_all()
    equipment_match_all()
    assert EquipmentMatch.objects.count() == 1
    assert Hazard.objects.filter(source="equipment_match").count() == 1


def test_choosing_the_catalog_entry_matches_without_a_model_number(xinluo_chem: Any, users: Any) -> None:
    process = CatalogEntryFactory(name="氨制冷直接排放工艺", kind="process", status="restricted")
    item = equipment_declare(
        actor=users["inspector"],
        enterprise=xinluo_chem,
        data={"name": "冷库制冷工艺", "kind": "process", "catalog_entry": process},
    )
    match = EquipmentMatch.objects.get(equipment=item)
    assert match.matched_by == "chosen"
    assert (
        "process" in Hazard.objects.get(pk=match.hazard_id).title
        or "工艺" in Hazard.objects.get(pk=match.hazard_id).title
    )


def test_adding_a_model_to_the_catalog_later_matches_items_already_declared(
    xinluo_chem: Any, users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    item = equipment_declare(
        actor=users["enterprise"], enterprise=xinluo_chem, data={"name": "老式空压机", "model_number": "W-0.9/7"}
    )
    assert not EquipmentMatch.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        catalog_entry_save(
            actor=users["department"], entry=CatalogEntryFactory.build(name="W型空压机", model_numbers="W-0.9/7")
        )
    # The rematch runs as a task after commit; the sweep it calls is what we run here.
    equipment_match_all()
    assert EquipmentMatch.objects.get().equipment_id == item.pk


def test_items_no_longer_in_use_are_not_matched(xinluo_chem: Any, users: Any, entry: Any) -> None:
    equipment_declare(
        actor=users["enterprise"],
        enterprise=xinluo_chem,
        data={"name": "旧开关", "model_number": "KJ-1", "in_use": False},
    )
    equipment_match_all()
    assert not EquipmentMatch.objects.exists()


def test_enterprises_cannot_edit_the_catalog_or_declare_for_others(users: Any, shanghang_site: Any, entry: Any) -> None:
    with pytest.raises(DomainError) as exc:
        catalog_entry_save(actor=users["enterprise"], entry=CatalogEntryFactory.build())
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        equipment_declare(actor=users["enterprise"], enterprise=shanghang_site, data={"name": "x"})
    assert exc.value.code == "forbidden"


def test_catalog_import_reports_each_bad_row_and_imports_nothing(users: Any) -> None:
    content = (
        "名称,禁止或限制,来源文件,批次,型号,发布日期\n"
        "KJ-2型开关,禁止,目录2016,第二批,KJ-2;KJ-2A,2016-05-01\n"
        "坏行,也许,目录2016,第二批,,\n"
        ",限制,目录2016,第二批,,2016-13-01\n"
    ).encode()
    result = catalog_import(actor=users["committee"], filename="catalog.csv", content=content)
    assert not result.imported
    assert {(p.line, p.field) for p in result.problems} == {(3, "status"), (4, "name"), (4, "published_on")}
    result = catalog_import(actor=users["committee"], filename="catalog.csv", content=content, import_valid_rows=True)
    assert result.imported and result.created == 1
    # Re-importing the same file updates instead of duplicating.
    again = catalog_import(actor=users["committee"], filename="catalog.csv", content=content, import_valid_rows=True)
    assert (again.created, again.updated) == (0, 1)
    from enterprises.models import CatalogEntry

    entry = CatalogEntry.objects.get()
    assert entry.model_keys() == ["KJ-2", "KJ-2A"] and entry.status == "banned"


# Exit proposals ---------------------------------------------------------------------------------


def test_exit_proposal_is_decided_and_executed_with_history_and_deadline(xinluo_chem: Any, users: Any) -> None:
    import datetime as dt

    proposal = exit_proposal_create(
        actor=users["inspector"],
        enterprise=xinluo_chem,
        kind="closure",
        reasons="无安全生产许可证；主要设备淘汰",
        exit_by=dt.date(2030, 12, 31),
    )
    with pytest.raises(DomainError) as exc:
        exit_proposal_create(actor=users["department"], enterprise=xinluo_chem, kind="guided_exit", reasons="x")
    assert exc.value.code == "exit_proposal_already_open"
    with pytest.raises(DomainError) as exc:
        exit_proposal_decide(actor=users["inspector"], proposal=proposal, approve=True)
    assert exc.value.code == "forbidden"
    exit_proposal_decide(actor=users["committee"], proposal=proposal, approve=True, note="同意提请关闭")
    deadline = StatutoryDeadline.objects.get(kind="enterprise_exit")
    assert deadline.is_open and deadline.enterprise_id == xinluo_chem.pk
    exit_proposal_execute(actor=users["committee"], proposal=proposal, note="已关闭")
    xinluo_chem.refresh_from_db()
    assert xinluo_chem.status == "closed"
    assert xinluo_chem.status_changes.filter(to_status="closed").exists()
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    assert list(ExitTransition.objects.filter(proposal=proposal).values_list("to_status", flat=True)) == [
        "proposed",
        "approved",
        "executed",
    ]
    with pytest.raises(DomainError) as exc:
        exit_proposal_withdraw(actor=users["committee"], proposal=proposal, note="x")
    assert exc.value.code == "exit_proposal_wrong_status"


def test_exit_proposal_outside_scope_is_refused(shanghang_site: Any, users: Any) -> None:
    with pytest.raises(DomainError) as exc:
        exit_proposal_create(actor=users["inspector"], enterprise=shanghang_site, kind="closure", reasons="x")
    assert exc.value.code == "forbidden"


def test_hazard_text_is_stored_in_the_platform_language_whatever_the_actor_reads(
    xinluo_chem: Any, users: Any, entry: Any
) -> None:
    from django.utils import translation

    with translation.override("en"):
        equipment_declare(
            actor=users["enterprise"], enterprise=xinluo_chem, data={"name": "隔爆开关", "model_number": "KJ-1"}
        )
    hazard = Hazard.objects.get(source="equipment_match")
    assert hazard.title.startswith("使用淘汰落后装备"), hazard.title
