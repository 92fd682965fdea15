"""Differentiated supervision (issue 13 item 1): inspection classes at their boundaries, plan generation, the
status of each entry, the statutory clock, adjustments with a reason, and the plan pages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from credit.models import BlacklistEntry, CreditRating
from credit.models import RuleSet as CreditRuleSet
from enterprises.models import StandardizationCertificate
from hazards.models import RiskBanding, RiskSource
from safety_platform.models import Notification, StatutoryDeadline
from safety_platform.services import DomainError, deadlines_escalate
from supervision.models import (
    Inspection,
    InspectionClassRule,
    InspectionPlan,
    InspectionPlanEntry,
    InspectionRuleSet,
    PlanEntryStatus,
    ResponsibleAuthority,
)
from supervision.selectors_plans import status_counts, with_status
from supervision.services.classes import classify, enterprise_class, ordered_rules
from supervision.services.plans import (
    DEADLINE_KIND,
    generate_plan,
    plan_entry_adjust,
    required_by_period_end,
    seed_default_rule_set,
)
from tests.clock import frozen, shanghai
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules() -> InspectionRuleSet:
    return seed_default_rule_set()


def facts(
    group: str = "other", std: int = 0, colour: str = "none", grade: int = 0, blacklisted: bool = False
) -> dict[str, Any]:
    return {
        "industry_group": group,
        "standardization_level": std,
        "risk_colour": colour,
        "credit_grade": grade,
        "blacklisted": blacklisted,
    }


def limits(rules: InspectionRuleSet, **kwargs: Any) -> tuple[int, int | None]:
    klass = classify(facts(**kwargs), ordered_rules(rules), rules)
    return klass.min_per_year, klass.max_per_year


# The default rules at their boundaries ----------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "std", "cap"),
    [
        ("high_risk", 1, 2),
        ("high_risk", 2, 4),
        ("high_risk", 3, 8),
        ("high_risk", 0, 12),
        ("other", 1, 1),
        ("other", 2, 2),
        ("other", 3, 4),
        ("other", 0, 6),
    ],
)
def test_the_yearly_cap_follows_industry_and_standardization_level(
    rules: InspectionRuleSet, group: str, std: int, cap: int
) -> None:
    assert limits(rules, group=group, std=std, colour="blue", grade=1) == (0, cap)


@pytest.mark.parametrize(
    ("colour", "grade", "minimum"),
    [
        ("red", 1, 1),
        ("orange", 1, 0),
        ("yellow", 2, 0),
        ("none", 0, 0),
        ("blue", 3, 1),
        ("blue", 2, 0),
        ("red", 3, 1),
    ],
)
def test_a_red_risk_or_the_lowest_credit_grade_needs_one_inspection_a_year(
    rules: InspectionRuleSet, colour: str, grade: int, minimum: int
) -> None:
    for group, std, cap in (("high_risk", 2, 4), ("other", 1, 1)):
        assert limits(rules, group=group, std=std, colour=colour, grade=grade) == (minimum, cap)


@pytest.mark.parametrize("group", ["high_risk", "other"])
@pytest.mark.parametrize("std", [0, 1, 3])
def test_a_blacklisted_enterprise_needs_two_a_year_whatever_else(
    rules: InspectionRuleSet, group: str, std: int
) -> None:
    """Order 11: at least one inspection per half-year — before its level's cap (a level 1 trade firm's is 1)."""
    assert limits(rules, group=group, std=std, colour="blue", grade=1, blacklisted=True) == (2, 12)
    assert limits(rules, group=group, std=std, colour="red", grade=3, blacklisted=True) == (2, 12)
    assert limits(rules, group=group, std=std, colour="red", grade=3, blacklisted=False)[0] == 1


def test_the_first_matching_rule_wins_and_an_unmatched_enterprise_has_no_limits() -> None:
    rule_set = InspectionRuleSet.objects.create(version="t1", name="t", effective_from=dt.date(2026, 1, 1))
    InspectionClassRule.objects.create(
        rule_set=rule_set, position=1, risk_colour="red", class_name="红", min_per_year=3, max_per_year=5
    )
    InspectionClassRule.objects.create(
        rule_set=rule_set, position=2, industry_group="high_risk", class_name="高危", min_per_year=1, max_per_year=9
    )
    rule_set.status = "active"  # rows are written in a draft, which is then put in force (and frozen)
    rule_set.save()
    rules = ordered_rules(rule_set)
    assert classify(facts(group="high_risk", colour="red"), rules, rule_set).class_name == "红"
    assert classify(facts(group="high_risk", colour="orange"), rules, rule_set).class_name == "高危"
    nothing = classify(facts(group="other"), rules, rule_set)
    assert nothing.rule is None and nothing.max_per_year is None


def test_the_version_in_force_decides(rules: InspectionRuleSet) -> None:
    later = InspectionRuleSet.objects.create(
        version="2027", name="t", effective_from=dt.date(2027, 1, 1), status="active"
    )
    InspectionRuleSet.objects.create(version="draft", name="t", effective_from=dt.date(2026, 6, 1))  # a draft
    assert InspectionRuleSet.objects.in_force(dt.date(2026, 12, 31)) == rules
    assert InspectionRuleSet.objects.in_force(dt.date(2027, 1, 1)) == later


# The facts read from the records ----------------------------------------------------------------


def _certificate(org: Any, firm: Any, level: int, expires: dt.date, status: str = "valid") -> None:
    StandardizationCertificate.objects.create(
        enterprise=firm,
        level=level,
        industry=org.industry("C2614"),
        certificate_number=f"AQBH-{firm.pk}-{level}-{expires}",
        issuing_level={1: "national", 2: "provincial", 3: "city"}[level],
        issued_on=dt.date(2024, 1, 1),
        expires_on=expires,
        status=status,
    )


def _risk(firm: Any, level: str) -> None:
    RiskSource.objects.create(
        enterprise=firm,
        name=f"点{level}",
        lec_l=Decimal(1),
        lec_e=Decimal(10),
        lec_c=Decimal(10),
        score=Decimal(100),
        level=level,
        banding=RiskBanding.objects.active("lec"),
        control_measures="巡检",
        responsible_person="张三",
    )


def _rating(firm: Any, grade: int, status: str = "active") -> None:
    CreditRating.objects.create(
        enterprise=firm,
        grade=grade,
        score=60,
        rule_set=CreditRuleSet.objects.published().first(),
        as_of=dt.date(2026, 1, 1),
        computed_at=shanghai(2026, 1, 1),
        updated_at=shanghai(2026, 1, 1),
        status=status,
    )


def _blacklist(firm: Any, status: str = "active") -> None:
    BlacklistEntry.objects.create(
        enterprise=firm,
        status=status,
        origin="rule",
        case="major_accident",
        rule_set=CreditRuleSet.objects.published().first(),
        legal_basis="应急管理部令第11号",
        listed_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2029, 1, 1),
    )


def test_the_class_reads_certificate_risk_grade_and_listing_from_the_records(org: Any, rules: Any) -> None:
    firm = EnterpriseFactory(
        jurisdiction=org.jurisdiction("新罗区/东城街道"),
        industry=org.industry("C2614"),
        risk_category="hazardous_chemicals",
    )
    day = dt.date(2026, 6, 30)
    _certificate(org, firm, 2, expires=day)  # valid through its last day
    _certificate(org, firm, 1, expires=day - dt.timedelta(days=1))  # expired the day before: does not count
    assert enterprise_class(firm, day).max_per_year == 4
    assert enterprise_class(firm, day + dt.timedelta(days=1)).max_per_year == 12  # no certificate any more

    _risk(firm, "blue")
    _risk(firm, "red")
    assert enterprise_class(firm, day).min_per_year == 1  # the highest colour counts
    RiskSource.objects.filter(enterprise=firm, level="red").delete()
    assert enterprise_class(firm, day).min_per_year == 0

    _rating(firm, 3, status="withdrawn")
    assert enterprise_class(firm, day).min_per_year == 0  # a withdrawn grade is no grade
    CreditRating.objects.filter(enterprise=firm).update(status="active")
    assert enterprise_class(firm, day).min_per_year == 1

    _blacklist(firm, status="noticed")
    assert enterprise_class(firm, day).min_per_year == 1  # only a listing in force counts
    BlacklistEntry.objects.filter(enterprise=firm).update(status="active")
    assert (enterprise_class(firm, day).min_per_year, enterprise_class(firm, day).max_per_year) == (2, 12)


# Required numbers and generation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("minimum", "by_quarter"),
    [(0, [0, 0, 0, 0, 0]), (1, [0, 0, 0, 1, 1]), (2, [0, 1, 1, 2, 2]), (4, [1, 2, 3, 4, 4])],
)
def test_the_required_number_is_cumulative_by_quarter(minimum: int, by_quarter: list[int]) -> None:
    """A blacklisted enterprise (minimum 2) needs one by 30 June and two by 31 December."""
    assert [required_by_period_end(minimum, q) for q in (1, 2, 3, 4, None)] == by_quarter


@pytest.fixture
def county(org: Any) -> Any:
    return org.jurisdiction("新罗区")


@pytest.fixture
def listed(org: Any) -> Any:
    firm = EnterpriseFactory(
        name="失信企业", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614")
    )
    _blacklist(firm)
    return firm


@pytest.fixture
def plain(org: Any) -> Any:
    return EnterpriseFactory(
        name="普通企业", jurisdiction=org.jurisdiction("新罗区/西陂街道"), industry=org.industry("C2614")
    )


def test_generation_is_idempotent_and_keeps_adjustments(
    org: Any, rules: Any, county: Any, listed: Any, plain: Any, users: dict[str, Any]
) -> None:
    EnterpriseFactory(jurisdiction=org.jurisdiction("上杭县/临江镇"), industry=org.industry("C2614"))  # elsewhere
    today = dt.date(2026, 5, 1)
    plan, added = generate_plan(year=2026, quarter=None, jurisdiction=county, today=today)
    entries = {e.enterprise_id: e for e in plan.entries.all()}
    assert plain.pk in entries and listed.pk in entries
    assert (entries[listed.pk].min_per_year, entries[listed.pk].required) == (2, 2)
    assert entries[listed.pk].rule is not None and plan.rule_set == rules
    assert added == len(entries)

    plan_entry_adjust(
        entry_id=entries[plain.pk].pk, actor=users["committee"], required=3, assignee=users["inspector"], reason="专项"
    )
    newcomer = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
    again, added_again = generate_plan(year=2026, quarter=None, jurisdiction=county, today=today)
    assert again.pk == plan.pk and added_again == 1
    assert plan.entries.count() == len(entries) + 1 and plan.entries.filter(enterprise=newcomer).exists()
    kept = plan.entries.get(enterprise=plain)
    assert (kept.required, kept.assignee, kept.adjust_reason) == (3, users["inspector"], "专项")
    assert InspectionPlan.objects.count() == 1


def test_a_responsible_authority_elsewhere_moves_the_enterprise_out_of_the_county_plan(
    org: Any, rules: Any, county: Any, plain: Any, listed: Any
) -> None:
    city = county.parent
    ResponsibleAuthority.objects.create(enterprise=plain, authority=city, reason="市级直管")
    county_plan, _ = generate_plan(year=2026, quarter=None, jurisdiction=county, today=dt.date(2026, 5, 1))
    city_plan, _ = generate_plan(year=2026, quarter=None, jurisdiction=city, today=dt.date(2026, 5, 1))
    assert not county_plan.entries.filter(enterprise=plain).exists()
    assert list(city_plan.entries.values_list("enterprise_id", flat=True)) == [plain.pk]


def test_a_plan_needs_a_county_and_a_real_quarter(org: Any, rules: Any) -> None:
    with pytest.raises(DomainError) as refused:
        generate_plan(year=2026, quarter=None, jurisdiction=org.jurisdiction("新罗区/东城街道"))
    assert (refused.value.code, refused.value.field) == ("invalid", "jurisdiction")
    with pytest.raises(DomainError) as refused:
        generate_plan(year=2026, quarter=5, jurisdiction=org.jurisdiction("新罗区"))
    assert (refused.value.code, refused.value.field) == ("invalid", "quarter")


def test_an_inspector_of_another_county_may_not_generate(org: Any, rules: Any) -> None:
    outsider = UserFactory(role="inspector")
    outsider.jurisdictions.add(org.jurisdiction("上杭县"))
    with pytest.raises(DomainError) as refused:
        generate_plan(year=2026, quarter=None, jurisdiction=org.jurisdiction("新罗区"), actor=outsider)
    assert refused.value.code == "forbidden"


def test_without_rules_in_force_no_plan_is_made(org: Any) -> None:
    InspectionRuleSet.objects.update(status="retired")
    with pytest.raises(DomainError) as refused:
        generate_plan(year=2026, quarter=None, jurisdiction=org.jurisdiction("新罗区"))
    assert refused.value.code == "inspection_rules_missing"


# Status at the period's boundaries, the clock and its escalation ----------------------------------


def _status(plan: InspectionPlan, firm: Any, today: dt.date) -> str:
    return with_status(InspectionPlanEntry.objects.filter(plan=plan, enterprise=firm), plan, today).get().status


def test_status_due_done_overdue_at_the_half_year_boundary(rules: Any, county: Any, listed: Any, plain: Any) -> None:
    with frozen(shanghai(2026, 6, 30, 23, 30)):
        plan, _ = generate_plan(year=2026, quarter=2, jurisdiction=county)
        assert _status(plan, listed, dt.date(2026, 6, 30)) == PlanEntryStatus.DUE  # needs 1 by 30 June
        assert _status(plan, plain, dt.date(2026, 6, 30)) == PlanEntryStatus.NOT_REQUIRED
    assert _status(plan, listed, dt.date(2026, 7, 1)) == PlanEntryStatus.OVERDUE  # the day after the period
    Inspection.objects.create(enterprise=listed, inspected_on=dt.date(2026, 7, 1))  # too late for Q2
    assert _status(plan, listed, dt.date(2026, 7, 1)) == PlanEntryStatus.OVERDUE
    Inspection.objects.create(enterprise=listed, inspected_on=dt.date(2026, 6, 30))  # the period's last day
    assert _status(plan, listed, dt.date(2026, 7, 1)) == PlanEntryStatus.DONE
    Inspection.objects.create(enterprise=plain, inspected_on=dt.date(2026, 1, 1))  # counted from 1 January
    assert _status(plan, plain, dt.date(2026, 7, 1)) == PlanEntryStatus.DONE


def test_over_the_cap_is_one_more_than_the_class_allows(org: Any, rules: Any, county: Any) -> None:
    firm = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
    _certificate(org, firm, 1, expires=dt.date(2027, 12, 31))  # other industries, level 1: at most 1
    plan, _ = generate_plan(year=2026, quarter=None, jurisdiction=county, today=dt.date(2026, 3, 1))
    Inspection.objects.create(enterprise=firm, inspected_on=dt.date(2026, 2, 1))
    assert _status(plan, firm, dt.date(2026, 3, 1)) == PlanEntryStatus.DONE
    Inspection.objects.create(enterprise=firm, inspected_on=dt.date(2026, 3, 1), reason="complaint", reason_note="举报")
    assert _status(plan, firm, dt.date(2026, 3, 1)) == PlanEntryStatus.OVER_CAP
    counts = status_counts(with_status(plan.entries.all(), plan, dt.date(2026, 3, 1)))
    assert counts["over_cap"] == 1 and counts["total"] == plan.entries.count()


def _clock(entry: InspectionPlanEntry) -> StatutoryDeadline:
    return StatutoryDeadline.objects.get(
        source_type=ContentType.objects.get_for_model(InspectionPlanEntry), source_id=entry.pk, kind=DEADLINE_KIND
    )


def test_the_clock_opens_for_what_is_needed_stops_when_done_and_escalates_when_overdue(
    rules: Any, county: Any, listed: Any, plain: Any, users: dict[str, Any]
) -> None:
    with frozen(shanghai(2026, 4, 2)):
        plan, _ = generate_plan(year=2026, quarter=2, jurisdiction=county)
    entry = plan.entries.get(enterprise=listed)
    clock = _clock(entry)
    assert clock.is_open and clock.due_at == shanghai(2026, 6, 30, 23, 59).replace(second=59)
    assert clock.enterprise == listed and clock.legal_basis
    assert not StatutoryDeadline.objects.filter(source_id=plan.entries.get(enterprise=plain).pk, kind=DEADLINE_KIND)

    escalated = deadlines_escalate(now=shanghai(2026, 7, 1, 9))
    assert escalated >= 1
    clock.refresh_from_db()
    assert clock.escalation_level >= 1
    # The township inspector first (no one assigned), as for an overdue hazard.
    assert Notification.objects.filter(recipient=users["inspector_town"], title__contains=listed.name).exists()

    inspection = Inspection.objects.create(enterprise=listed, inspected_on=dt.date(2026, 6, 20))
    clock.refresh_from_db()
    assert not clock.is_open  # an inspection, however recorded, stops it
    inspection.delete()
    clock.refresh_from_db()
    assert clock.is_open  # and opens again when it goes


# Adjusting an entry ------------------------------------------------------------------------------


def test_an_adjustment_needs_a_reason(rules: Any, county: Any, listed: Any, users: dict[str, Any]) -> None:
    plan, _ = generate_plan(year=2026, quarter=None, jurisdiction=county, today=dt.date(2026, 5, 1))
    entry = plan.entries.get(enterprise=listed)
    with pytest.raises(DomainError) as refused:
        plan_entry_adjust(entry_id=entry.pk, actor=users["committee"], required=1, assignee=None, reason=" ")
    assert (refused.value.code, refused.value.field) == ("invalid", "reason")
    with pytest.raises(DomainError) as refused:
        plan_entry_adjust(entry_id=entry.pk, actor=users["inspector_town"], required=1, assignee=None, reason="x")
    assert refused.value.code == "forbidden"  # a township inspector does not change the county's plan


def test_the_adjust_form_names_the_missing_reason_and_saves_nothing(
    client: Any, rules: Any, county: Any, listed: Any, users: dict[str, Any]
) -> None:
    plan, _ = generate_plan(year=2026, quarter=None, jurisdiction=county, today=dt.date(2026, 5, 1))
    entry = plan.entries.get(enterprise=listed)
    client.force_login(users["county_office"])
    url = reverse("supervision:plan_entry_adjust", args=[entry.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"required": "4", "assignee": "", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.required == 2 and entry.adjusted_at is None
    response = client.post(url, {"required": "4", "assignee": str(users["inspector_town"].pk), "reason": "举报"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.required, entry.assignee, entry.adjusted_by) == (4, users["inspector_town"], users["county_office"])
    # Saved again unchanged, with no reason: nothing is adjusted, nothing asked.
    stamped = entry.adjusted_at
    response = client.post(url, {"required": "4", "assignee": str(users["inspector_town"].pk), "reason": ""})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.adjusted_at, entry.adjust_reason) == (stamped, "举报")
    response = client.post(url, {"required": "x", "assignee": "999999", "reason": "r"})
    assert response.status_code == 200 and {"required", "assignee"} <= set(response.context["form"].errors)


# Pages -------------------------------------------------------------------------------------------


def _firms(org: Any, n: int) -> None:
    for _ in range(n):
        EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))


def test_the_plan_page_costs_the_same_queries_for_few_or_many_entries(
    client: Any, org: Any, rules: Any, county: Any, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(users["county_office"])
    _firms(org, 2)
    plan, _ = generate_plan(year=2026, quarter=None, jurisdiction=county, today=dt.date(2026, 5, 1))
    url = reverse("supervision:plan_detail", args=[plan.pk])
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        response = client.get(url + "?status=due")
    assert response.status_code == 200
    _firms(org, 30)
    generate_plan(year=2026, quarter=None, jurisdiction=county, today=dt.date(2026, 5, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["counts"]["total"] == plan.entries.count()


def test_a_county_sees_its_plan_with_under_and_over_inspected_enterprises(
    client: Any, org: Any, rules: Any, county: Any, listed: Any, users: dict[str, Any]
) -> None:
    with frozen(shanghai(2026, 7, 2)):
        plan, _ = generate_plan(year=2026, quarter=2, jurisdiction=county)
        over = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614"))
        _certificate(org, over, 1, expires=dt.date(2027, 12, 31))
        generate_plan(year=2026, quarter=2, jurisdiction=county)
        for day in (dt.date(2026, 4, 1), dt.date(2026, 5, 1)):
            Inspection.objects.create(enterprise=over, inspected_on=day, reason="campaign", reason_note="专项行动")
        client.force_login(users["county_office"])
        response = client.get(reverse("supervision:plan_detail", args=[plan.pk]), {"status": "overdue"})
        assert [e.enterprise for e in response.context["page_obj"]] == [listed]
        assert response.context["counts"]["overdue"] == 1 and response.context["counts"]["over_cap"] == 1
        html = response.content.decode()
        assert "逾期" in html and "超上限" in html
        # The chip of the list shown is pressed, its count still readable (a light badge on the filled chip).
        chips = html.split('data-testid="status-counts"', 1)[1].split("</div>", 1)[0]
        pressed = re.findall(r'<a class="btn btn-sm btn-(\w+)" href="\?([^"]*)" aria-current="true">', chips)
        assert pressed == [("danger", "status=overdue")], chips
        assert '<span class="badge text-bg-light" data-testid="count-overdue">1</span>' in chips
        assert '<span class="badge text-bg-warning" data-testid="count-over_cap">1</span>' in chips


def test_an_inspector_of_another_county_gets_404_and_a_township_sees_its_own(
    client: Any, org: Any, rules: Any, county: Any, listed: Any, plain: Any, users: dict[str, Any]
) -> None:
    plan, _ = generate_plan(year=2026, quarter=None, jurisdiction=county, today=dt.date(2026, 5, 1))
    outsider = UserFactory(role="inspector")
    outsider.jurisdictions.add(org.jurisdiction("上杭县"))
    client.force_login(outsider)
    assert client.get(reverse("supervision:plan_detail", args=[plan.pk])).status_code == 404
    entry = plan.entries.get(enterprise=listed)
    assert client.get(reverse("supervision:plan_entry_adjust", args=[entry.pk])).status_code == 404
    client.force_login(users["inspector_town"])  # 东城街道 only: not 西陂街道's enterprise
    response = client.get(reverse("supervision:plan_detail", args=[plan.pk]))
    seen = {e.enterprise for e in response.context["page_obj"]}
    assert listed in seen and plain not in seen
    client.force_login(users["enterprise"])
    assert client.get(reverse("supervision:plans")).status_code == 403


def test_list_mine_rules_generate_and_assignee_search(
    client: Any,
    org: Any,
    rules: Any,
    county: Any,
    listed: Any,
    users: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(users["committee"])
    with django_capture_on_commit_callbacks(execute=True):  # the queued generation runs (eagerly in tests)
        response = client.post(
            reverse("supervision:plan_generate"), {"year": "2026", "quarter": "", "jurisdiction": county.pk}
        )
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:plan_detail", args=[plan.pk])
    response = client.post(reverse("supervision:plan_generate"), {"year": "abc", "jurisdiction": county.pk})
    assert response.status_code == 302 and InspectionPlan.objects.count() == 1
    assert client.get(reverse("supervision:plans")).status_code == 200
    rules_page = client.get(reverse("supervision:plan_rules"))
    assert rules_page.status_code == 200 and "严重失信主体" in rules_page.content.decode()
    found = client.get(reverse("supervision:plan_assignees", args=[plan.pk]), {"q": "inspector"}).json()["results"]
    assert {row["id"] for row in found} == {users["inspector"].pk, users["inspector_town"].pk}

    client.force_login(users["inspector"])
    response = client.get(reverse("supervision:plan_mine"))
    assert response.status_code == 200
    assert listed in [e.enterprise for e in response.context["page_obj"]]
    # The plan and "my inspections due" draw an entry alike: the enterprise (linked), its class, done / required.
    entry = next(e for e in response.context["page_obj"] if e.enterprise == listed)
    cells = f'<a href="{listed.get_absolute_url()}">{listed.name}</a>'
    for page in (response, client.get(reverse("supervision:plan_detail", args=[plan.pk]))):
        html = page.content.decode()
        assert cells in html and entry.class_name in html and f"{entry.done} / {entry.required}" in html


def test_the_enterprise_page_shows_the_class(client: Any, rules: Any, listed: Any, users: dict[str, Any]) -> None:
    client.force_login(users["inspector"])
    response = client.get(listed.get_absolute_url())
    assert response.status_code == 200
    assert "严重失信主体" in response.content.decode()


def test_the_nightly_task_makes_this_years_and_this_quarters_plan_of_every_county(
    org: Any, rules: Any, listed: Any
) -> None:
    from safety_platform.models import Jurisdiction
    from supervision.tasks import plans_generate_current_task

    with frozen(shanghai(2026, 8, 3)):
        added = plans_generate_current_task()
        counties = Jurisdiction.objects.filter(level="county").count()
        assert InspectionPlan.objects.filter(year=2026, quarter__isnull=True).count() == counties
        assert InspectionPlan.objects.filter(year=2026, quarter=3).count() == counties
        assert added == 2 * InspectionPlanEntry.objects.filter(plan__quarter=3).count() >= 2
        assert plans_generate_current_task() == 0  # a second night adds nothing
