"""Campaigns (counts and closure rate in SQL), enterprise self-checks, plausibility flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.choices import CheckOutcome
from hazards.models import Campaign, Checklist, ChecklistItem, Hazard, SelfCheck
from hazards.selectors import (
    campaigns_with_stats,
    plausibility_no_deadline,
    plausibility_silent_enterprises,
    plausibility_vague_hazards,
)
from hazards.services import Answer, campaign_save, hazard_close, hazard_log, self_check_submit
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.hazards.factories import image_upload, make_hazard
from tests.platform.test_check_lists import assert_styled_rows, rows

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


@pytest.fixture
def campaign(users: dict[str, Any], org: Any) -> Campaign:
    today = timezone.localdate()
    return campaign_save(
        actor=users["committee"],
        data={
            "name": "危化品专项整治",
            "starts_on": today - dt.timedelta(days=10),
            "ends_on": today + dt.timedelta(days=20),
            "industries": [org.industry("C26")],
            "jurisdictions": [org.jurisdiction("新罗区")],
        },
    )


def test_campaign_counts_and_closure_rate_are_computed_in_sql(
    campaign: Campaign, users: dict[str, Any], world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    chem = world["xinluo_chem"]
    inspector = users["inspector"]
    hazards = [make_hazard(chem, state="remediated", inspector=inspector) for _ in range(3)]
    hazards.append(make_hazard(chem, state="reported", grade="major", inspector=inspector))
    hazard_close(hazard_id=hazards[0].pk, actor=inspector)
    Hazard.objects.filter(pk__in=[h.pk for h in hazards]).update(campaign=campaign)
    make_hazard(chem, inspector=inspector)  # not in the campaign
    with django_assert_max_num_queries(1):
        row = campaigns_with_stats(users["committee"]).get(pk=campaign.pk)
    assert (row.hazard_total, row.hazard_major, row.hazard_closed) == (4, 1, 1)
    assert row.closure_rate == pytest.approx(25.0)
    # The department that does not supervise chemicals sees the campaign but none of its hazards.
    assert campaigns_with_stats(users["department_zjj"]).get(pk=campaign.pk).hazard_total == 0


def test_logging_into_a_campaign_checks_that_it_covers_the_enterprise(
    campaign: Campaign, users: dict[str, Any], world: dict[str, Any]
) -> None:
    hazard = hazard_log(actor=users["inspector"], enterprise=world["xinluo_chem"], title="储罐", campaign=campaign)
    assert hazard.campaign == campaign
    with pytest.raises(DomainError) as exc:  # construction is not a chemicals campaign's industry
        hazard_log(actor=users["inspector"], enterprise=world["xinluo_site"], title="塔吊", campaign=campaign)
    assert exc.value.code == "invalid"
    assert exc.value.field == "campaign"


def test_campaign_visibility_and_editing(campaign: Campaign, users: dict[str, Any], org: Any, client: Any) -> None:
    assert Campaign.objects.visible_to(users["inspector_town"]).filter(pk=campaign.pk).exists()
    assert Campaign.objects.visible_to(users["enterprise"]).filter(pk=campaign.pk).exists()
    from tests.factories import UserFactory

    shanghang = UserFactory(username="insp_sh", role="inspector")
    shanghang.jurisdictions.add(org.jurisdiction("上杭县"))
    assert not Campaign.objects.visible_to(shanghang).filter(pk=campaign.pk).exists()
    with pytest.raises(DomainError) as exc:  # an inspector's campaign stays inside the inspector's area
        campaign_save(
            actor=shanghang,
            data={
                "name": "x",
                "starts_on": campaign.starts_on,
                "ends_on": campaign.ends_on,
                "jurisdictions": [org.jurisdiction("新罗区")],
            },
        )
    assert exc.value.code == "invalid" and exc.value.field == "jurisdictions"
    client.force_login(users["inspector"])
    assert client.get(reverse("hazards:campaign_edit", args=[campaign.pk])).status_code == 403
    client.force_login(users["committee"])
    page = client.get(reverse("hazards:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200 and 'data-testid="campaign-total">0<' in page.content.decode()


def test_campaign_form(client: Any, users: dict[str, Any], org: Any) -> None:
    client.force_login(users["inspector"])
    today = timezone.localdate()
    response = client.post(
        reverse("hazards:campaign_create"),
        {
            "name": "建筑施工专项整治",
            "starts_on": today,
            "ends_on": today - dt.timedelta(days=1),
            "jurisdictions": [org.jurisdiction("新罗区").pk],
        },
    )
    assert response.status_code == 200 and not Campaign.objects.exists()
    response = client.post(
        reverse("hazards:campaign_create"),
        {
            "name": "建筑施工专项整治",
            "starts_on": today,
            "ends_on": today + dt.timedelta(days=30),
            "jurisdictions": [org.jurisdiction("新罗区").pk],
            "industries": [org.industry("E47").pk],
        },
    )
    assert response.status_code == 302
    assert Campaign.objects.get().created_by == users["inspector"]


# Self-checks ----------------------------------------------------------------------------------


@pytest.fixture
def checklist(org: Any) -> Checklist:
    checklist = Checklist.objects.create(name="危化品清单", industry=org.industry("C26"))
    for n, text in enumerate(["报警仪校验", "防雷检测", "作业票"], start=1):
        ChecklistItem.objects.create(checklist=checklist, order=n, text=text)
    return checklist


def test_checklists_apply_by_industry_code_prefix(checklist: Checklist, org: Any, xinluo_chem: Any) -> None:
    general = Checklist.objects.create(name="通用")
    construction = Checklist.objects.create(name="建筑", industry=org.industry("E47"))
    found = set(Checklist.objects.for_industry(xinluo_chem.industry))
    assert found == {checklist, general} and construction not in found


def test_self_check_registers_hazards_and_self_fixes(
    checklist: Checklist, users: dict[str, Any], xinluo_chem: Any
) -> None:
    items = list(checklist.items.order_by("order"))
    check = self_check_submit(
        actor=users["enterprise"],
        checklist=checklist,
        answers=[
            Answer(items[0].pk, "hazard", "2台报警仪超期未校验", [image_upload()]),
            Answer(items[1].pk, "fixed", "接地线松动，已紧固", [image_upload()]),
            Answer(items[2].pk, "ok"),
        ],
    )
    answers = {a.item.text: a for a in check.answers.select_related("hazard", "item")}
    reported = answers["报警仪校验"].hazard
    assert reported.source == "self_check" and reported.state == "registered"
    assert reported.attachments.count() == 1
    fixed = answers["防雷检测"].hazard
    assert fixed.state == "remediated" and fixed.grade == "general"  # self-fixed: waits for an inspector
    assert answers["作业票"].hazard is None
    assert Hazard.objects.count() == 2


def test_self_check_needs_every_item_and_a_description_of_each_hazard(
    checklist: Checklist, users: dict[str, Any], client: Any
) -> None:
    items = list(checklist.items.all())
    with pytest.raises(DomainError) as exc:
        self_check_submit(actor=users["enterprise"], checklist=checklist, answers=[Answer(items[0].pk, "ok")])
    assert exc.value.code == "invalid" and exc.value.field == "answers"
    with pytest.raises(DomainError) as exc:
        self_check_submit(
            actor=users["enterprise"], checklist=checklist, answers=[Answer(i.pk, "hazard") for i in items]
        )
    assert exc.value.code == "invalid"
    with pytest.raises(DomainError) as exc:
        self_check_submit(actor=users["inspector"], checklist=checklist, answers=[])
    assert exc.value.code == "forbidden"
    client.force_login(users["enterprise"])
    url = reverse("hazards:selfcheck_create", args=[checklist.pk])
    data = {f"outcome_{i.pk}": "ok" for i in items}
    data[f"outcome_{items[0].pk}"] = "hazard"
    assert client.post(url, data).status_code == 200  # no description: the form shows the error
    data[f"note_{items[0].pk}"] = "报警仪超期"
    response = client.post(url, data)
    assert response.status_code == 302 and SelfCheck.objects.count() == 1
    assert Hazard.objects.get().title == items[0].text


# Plausibility ---------------------------------------------------------------------------------


def test_enterprise_silent_while_inspections_find_hazards_is_flagged(
    users: dict[str, Any], world: dict[str, Any]
) -> None:
    chem, site = world["xinluo_chem"], world["xinluo_site"]
    for _ in range(2):
        make_hazard(chem, inspector=users["inspector"])
        make_hazard(site, inspector=users["inspector"])
    make_hazard(site, source="self_check")  # the construction site reports its own
    old = make_hazard(world["xinluo_chem"], source="self_check")
    Hazard.objects.filter(pk=old.pk).update(found_at=timezone.now() - dt.timedelta(days=400))
    flagged = list(plausibility_silent_enterprises(users["committee"]))
    assert [(e.name, e.self_reported, e.found_by_inspection) for e in flagged] == [(chem.name, 0, 2)]
    assert list(plausibility_silent_enterprises(users["department_zjj"])) == []


def test_vague_and_undated_hazards_are_flagged(users: dict[str, Any], xinluo_chem: Any, client: Any) -> None:
    vague = make_hazard(xinluo_chem, source="self_check", title="存在隐患")
    clear = make_hazard(xinluo_chem, inspector=users["inspector"], title="1号罐法兰泄漏")
    Hazard.objects.filter(pk=vague.pk).update(description="见附件")
    Hazard.objects.filter(pk=clear.pk).update(created_at=timezone.now() - dt.timedelta(days=5))
    assessed = make_hazard(xinluo_chem, state="assessed", inspector=users["inspector"], title="已评估")
    Hazard.objects.filter(pk=assessed.pk).update(created_at=timezone.now() - dt.timedelta(days=5))
    assert list(plausibility_vague_hazards(users["inspector"])) == [Hazard.objects.get(pk=vague.pk)]
    assert list(plausibility_no_deadline(users["inspector"])) == [Hazard.objects.get(pk=clear.pk)]
    client.force_login(users["inspector"])
    body = client.get(reverse("hazards:plausibility")).content.decode()
    assert vague.code in body and clear.code in body and assessed.code not in body


def test_the_self_check_outcomes_are_tappable_form_check_rows(
    checklist: Checklist, users: dict[str, Any], client: Any
) -> None:
    """Each item's outcomes (正常 / 隐患 / 当场整改 …) are Bootstrap radios with their label beside them, as every
    other list of radios (they were bare browser radios inside plain labels)."""
    client.force_login(users["enterprise"])
    html = client.get(reverse("hazards:selfcheck_create", args=[checklist.pk])).content.decode()
    for item in checklist.items.all():
        boxes = rows(html, f"outcome_{item.pk}")
        assert_styled_rows(boxes, [str(label) for _value, label in CheckOutcome.choices])
        assert [b["input"].get("checked") is not None for b in boxes] == [
            value == CheckOutcome.OK for value, _label in CheckOutcome.choices
        ]
