"""Risk sources: LEC and matrix scores, the banding as versioned data, the risk map's drill-down."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.choices import VoidKind
from hazards.models import Hazard, RiskBand, RiskBanding, RiskSource
from hazards.selectors import risk_map
from hazards.services import (
    hazard_close,
    hazard_void,
    risk_banding_activate,
    risk_banding_new_version,
    risk_source_save,
)
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazards.factories import make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def lec(l_: str, e: str, c: str, name: str = "岗位") -> dict[str, Any]:
    return {
        "name": name,
        "method": "lec",
        "lec_l": l_,
        "lec_e": e,
        "lec_c": c,
        "control_measures": "措施",
        "responsible_person": "张三",
    }


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("321", "red"),
        ("320", "orange"),  # D > 320 is red: 320 itself is orange
        ("160", "orange"),  # 160–320 orange includes 160
        ("159.99", "yellow"),
        ("70", "yellow"),  # 70–160 yellow includes 70; < 70 is blue
        ("69.99", "blue"),
        ("0.1", "blue"),
    ],
)
def test_lec_boundaries_follow_the_design(score: str, level: str, reference: Any) -> None:
    banding = RiskBanding.objects.active("lec")
    assert banding is not None and banding.version == 1
    assert banding.level_for(Decimal(score)) == level


def test_lec_score_and_level_are_recorded_with_the_banding_version(users: dict[str, Any], xinluo_chem: Any) -> None:
    source = risk_source_save(actor=users["enterprise"], enterprise=xinluo_chem, data=lec("10", "1", "7"))
    assert source.score == Decimal("70.00") and source.level == "yellow"
    assert source.banding.version == 1 and source.formula == "D = 10 × 1 × 7 = 70"
    assert risk_source_save(actor=users["enterprise"], enterprise=xinluo_chem, data=lec("10", "6", "40")).level == "red"
    matrix = risk_source_save(
        actor=users["inspector"],
        enterprise=xinluo_chem,
        data={
            "name": "m",
            "method": "matrix",
            "likelihood": 4,
            "severity": 5,
            "control_measures": "c",
            "responsible_person": "r",
        },
    )
    assert matrix.score == 20 and matrix.level == "red"


@pytest.mark.parametrize(("field", "value"), [("lec_l", "7"), ("lec_e", "4"), ("lec_c", "50"), ("lec_l", "abc")])
def test_lec_values_outside_the_standard_sets_are_refused(
    field: str, value: str, users: dict[str, Any], xinluo_chem: Any
) -> None:
    data = {**lec("3", "6", "15"), field: value}
    with pytest.raises(DomainError) as exc:
        risk_source_save(actor=users["enterprise"], enterprise=xinluo_chem, data=data)
    assert exc.value.field == field and exc.value.code == "invalid"


def test_a_new_banding_version_regrades_in_sql_and_the_old_one_stays(users: dict[str, Any], xinluo_chem: Any) -> None:
    source = risk_source_save(actor=users["enterprise"], enterprise=xinluo_chem, data=lec("3", "6", "7"))  # 126
    assert source.level == "yellow"
    old = RiskBanding.objects.active("lec")
    new = risk_banding_new_version(banding=old)
    assert new.version == 2 and not new.is_active and new.bands.count() == 4
    RiskBand.objects.filter(banding=new, level="orange").update(lower_bound=Decimal("120"))
    assert risk_banding_activate(banding=new) == 1
    source.refresh_from_db()
    assert source.level == "orange" and source.banding == new
    old.refresh_from_db()
    assert not old.is_active and old.bands.get(level="orange").lower_bound == Decimal("160")
    assert RiskBanding.objects.active("lec") == new


def test_only_inspectors_and_the_enterprise_edit_risk_sources(users: dict[str, Any], xinluo_chem: Any) -> None:
    for role in ("committee", "department", "admin"):
        with pytest.raises(DomainError) as exc:
            risk_source_save(actor=users[role], enterprise=xinluo_chem, data=lec("3", "6", "7"))
        assert exc.value.code == "forbidden"


def test_risk_form_saves_and_shows_the_level(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    client.force_login(users["enterprise"])
    response = client.post(
        reverse("hazards:risk_create"),
        {**lec("6", "6", "15", name="液氯钢瓶间"), "lec_l": "6"},
    )
    assert response.status_code == 302
    source = RiskSource.objects.get(name="液氯钢瓶间")
    assert source.level == "red"
    page = client.get(source.get_absolute_url()).content.decode()
    assert "D = 6 × 6 × 15 = 540" in page
    response = client.post(reverse("hazards:risk_create"), {**lec("", "6", "15", name="x")})
    assert response.status_code == 200 and not RiskSource.objects.filter(name="x").exists()


def test_risk_map_counts_by_colour_per_child_and_drills_down_to_enterprises(
    users: dict[str, Any], org: Any, xinluo_chem: Any, django_assert_max_num_queries: Any
) -> None:
    xinluo_site = EnterpriseFactory(
        jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"), industry=org.industry("E4710")
    )
    town = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/雁石镇"), industry=org.industry("B0810"))
    shanghang = EnterpriseFactory(jurisdiction=org.jurisdiction("上杭县/临江镇"), industry=org.industry("B0810"))
    inspector = users["inspector"]
    # 东城化工: red, red, blue; 西陂: orange; 雁石镇 (no grid): yellow
    for factors, enterprise in [
        (("10", "6", "40"), xinluo_chem),
        (("6", "6", "15"), xinluo_chem),
        (("1", "1", "1"), xinluo_chem),
        (("3", "6", "15"), xinluo_site),
        (("1", "6", "15"), town),
    ]:
        risk_source_save(actor=inspector, enterprise=enterprise, data=lec(*factors))
    make_hazard(xinluo_chem, state="assessed", grade="major", inspector=inspector)
    make_hazard(xinluo_site, state="assessed", inspector=inspector)
    city = org.jurisdiction("新罗区").parent
    committee = users["committee"]
    make_hazard(shanghang)  # registered, open, in 上杭县
    with django_assert_max_num_queries(6):
        data = risk_map(committee, city)
    rows = {row.name: row for row in data["rows"]}
    assert rows["新罗区"].levels == {"red": 2, "blue": 1, "orange": 1, "yellow": 1}
    assert rows["新罗区"].open_hazards == 2 and rows["新罗区"].major_open == 1
    assert rows["上杭县"].total == 0 and rows["上杭县"].open_hazards == 1
    assert data["totals"].total == 5
    county = risk_map(committee, org.jurisdiction("新罗区"))
    by_town = {row.name: row.levels for row in county["rows"]}
    assert by_town == {"东城街道": {"red": 2, "blue": 1}, "西陂街道": {"orange": 1}, "雁石镇": {"yellow": 1}}
    township = risk_map(committee, org.jurisdiction("新罗区/雁石镇"))
    assert [(r.name, r.levels) for r in township["enterprise_rows"]] == [(town.name, {"yellow": 1})]
    grid = risk_map(committee, org.jurisdiction("新罗区/东城街道/东城第一网格"))
    assert grid["rows"] == [] and grid["enterprise_rows"][0].levels == {"red": 2, "blue": 1}
    # An inspector of one township sees only that township's share.
    scoped = risk_map(users["inspector_town"], city)
    assert [(r.name, r.total) for r in scoped["rows"]] == [("新罗区", 3)]


OPEN_STATES = {"registered", "assessed", "reported", "rectifying", "remediated"}


def _child(path: str, node: Any) -> str:
    return node.path if path == node.path else path[: path.index("/", len(node.path)) + 1]


def map_by_hand(user: Any, node: Any) -> dict[str, tuple[dict[str, int], int, int]]:
    """The map's figures counted one record at a time in Python from what the user may see (not the map's
    SQL nor the summaries): per child path of `node`, levels, open hazards, open major hazards."""
    out: dict[str, tuple[dict[str, int], int, int]] = {}
    levels: dict[str, Counter[str]] = defaultdict(Counter)
    hazards: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for source in RiskSource.objects.visible_to(user).select_related("enterprise__jurisdiction"):
        path = source.enterprise.jurisdiction.path
        if path.startswith(node.path):
            levels[_child(path, node)][source.level] += 1
    for h in Hazard.objects.visible_to(user).select_related("enterprise__jurisdiction"):
        path = h.enterprise.jurisdiction.path
        if path.startswith(node.path) and h.state in OPEN_STATES:
            hazards[_child(path, node)][0] += 1
            hazards[_child(path, node)][1] += h.grade == "major"
    for key in levels.keys() | hazards.keys():
        out[key] = (dict(levels[key]), *hazards.get(key, [0, 0]))
    return out


def map_figures(data: dict[str, Any]) -> dict[str, tuple[dict[str, int], int, int]]:
    return {
        row.key: (row.levels, row.open_hazards, row.major_open)
        for row in data["rows"]
        if row.levels or row.open_hazards
    }


def test_risk_map_equals_the_records_in_every_role_s_scope_at_once_and_in_constant_queries(
    users: dict[str, Any], org: Any, xinluo_chem: Any, shanghang_site: Any
) -> None:
    """Read from the summaries (or, for one enterprise's scope, from its records), the map shows exactly what
    counting the records the user may see gives — per child, in total — and a change shows at once."""
    xipi = EnterpriseFactory(
        jurisdiction=org.jurisdiction("新罗区/西陂街道/西陂第一网格"), industry=org.industry("E4710")
    )
    town = EnterpriseFactory(jurisdiction=org.jurisdiction("新罗区/雁石镇"), industry=org.industry("B0810"))
    inspector, committee = users["inspector"], users["committee"]
    city = org.jurisdiction("新罗区").parent
    city_inspector = UserFactory(username="inspector_city", role="inspector")
    city_inspector.jurisdictions.add(city)
    for factors, enterprise in [
        (("10", "6", "40"), xinluo_chem),  # red
        (("1", "1", "1"), xinluo_chem),  # blue
        (("3", "6", "15"), xipi),  # orange
        (("1", "6", "15"), town),  # yellow
        (("10", "6", "40"), shanghang_site),  # red
        (("6", "6", "15"), shanghang_site),  # red
    ]:
        risk_source_save(actor=city_inspector, enterprise=enterprise, data=lec(*factors))
    make_hazard(xinluo_chem, state="assessed", grade="major", inspector=inspector)
    make_hazard(xinluo_chem, state="rectifying", inspector=inspector)
    closing = make_hazard(xinluo_chem, state="remediated", grade="major", inspector=inspector)
    report = make_hazard(xinluo_chem, source="worker_report")
    hazard_void(hazard_id=report.pk, actor=inspector, kind=VoidKind.values[0], reason="重复举报")
    make_hazard(xipi, state="reported", grade="major", inspector=inspector)
    make_hazard(town)  # registered: open, not graded
    make_hazard(shanghang_site, state="assessed", grade="major", inspector=city_inspector)
    grid_inspector = UserFactory(username="inspector_grid", role="inspector")
    grid_inspector.jurisdictions.add(xinluo_chem.jurisdiction)
    nodes = [city, org.jurisdiction("新罗区"), org.jurisdiction("新罗区/东城街道"), xinluo_chem.jurisdiction]
    roles = ["admin", "committee", "inspector", "inspector_town", "department", "department_zjj", "enterprise"]
    for user in [*(users[role] for role in roles), grid_inspector, city_inspector]:
        for node in nodes:
            data = risk_map(user, node)
            hand = map_by_hand(user, node)
            label = (user.username, node.name)
            expected_rows = {key: figures for key, figures in hand.items() if key != node.path}
            assert map_figures(data) == expected_rows, label
            totals = data["totals"]
            assert totals.levels == dict(sum((Counter(levels) for levels, _o, _m in hand.values()), Counter())), label
            assert (totals.open_hazards, totals.major_open) == (
                sum(o for _l, o, _m in hand.values()),
                sum(m for _l, _o, m in hand.values()),
            ), label

    # The figures as a user reads them: 新罗区 for the committee, the department's and the enterprise's share.
    rows = {row.name: row for row in risk_map(committee, city)["rows"]}
    assert rows["新罗区"].levels == {"red": 1, "blue": 1, "orange": 1, "yellow": 1}
    assert (rows["新罗区"].open_hazards, rows["新罗区"].major_open) == (5, 3)
    assert (rows["上杭县"].levels, rows["上杭县"].open_hazards) == ({"red": 2}, 1)
    own = risk_map(users["enterprise"], city)
    assert (own["totals"].levels, own["totals"].open_hazards) == ({"red": 1, "blue": 1}, 3)
    # A hazard closed out leaves the open figures at once (the summary is written in the same transaction).
    hazard_close(hazard_id=closing.pk, actor=inspector)
    rows = {row.name: row for row in risk_map(committee, city)["rows"]}
    assert (rows["新罗区"].open_hazards, rows["新罗区"].major_open) == (4, 2)

    def queries(user: Any, node: Any) -> int:
        with CaptureQueriesContext(connection) as ctx:
            risk_map(user, node)
        return len(ctx.captured_queries)

    before = {(role, node.pk): queries(users[role], node) for role in ("committee", "enterprise") for node in nodes}
    # More enterprises, areas, risk sources and hazards: the same number of queries.
    for path in ("永定区/凤城街道", "长汀县", "新罗区/东城街道/东城第一网格", "新罗区/西陂街道/西陂第一网格"):
        for _ in range(3):
            more = EnterpriseFactory(jurisdiction=org.jurisdiction(path), industry=org.industry("B0810"))
            risk_source_save(actor=city_inspector, enterprise=more, data=lec("3", "6", "15"))
            make_hazard(more)
    after = {(role, node.pk): queries(users[role], node) for role in ("committee", "enterprise") for node in nodes}
    assert after == before
    # Risk levels, hazards, the children, the node's own enterprises, the ancestors; at a grid, its
    # enterprises' levels and hazards.
    assert before[("committee", city.pk)] == 5
    assert before[("committee", xinluo_chem.jurisdiction.pk)] == 7


def test_risk_map_page_renders_the_chart_data(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    risk_source_save(actor=users["inspector"], enterprise=xinluo_chem, data=lec("10", "6", "40"))
    client.force_login(users["committee"])
    body = client.get(reverse("hazards:risk_map")).content.decode()
    assert 'id="risk-chart-data"' in body and "vendor/echarts/echarts.min.js" in body
    assert "新罗区" in body


def test_a_hazard_is_reported_at_a_risk_source(client: Any, users: dict[str, Any], world: dict[str, Any]) -> None:
    source = risk_source_save(actor=users["inspector"], enterprise=world["xinluo_chem"], data=lec("3", "6", "15"))
    client.force_login(users["inspector"])
    page = client.get(reverse("hazards:create") + f"?risk_source={source.pk}").content.decode()
    assert source.name in page
    response = client.post(
        reverse("hazards:create"),
        {"enterprise": world["xinluo_chem"].pk, "title": "报警仪失效", "risk_source": source.pk},
    )
    assert response.status_code == 302
    from hazards.models import Hazard

    assert Hazard.objects.get().risk_source == source
    assert "报警仪失效" in client.get(source.get_absolute_url()).content.decode()
    # A risk source of another enterprise is refused.
    response = client.post(
        reverse("hazards:create"),
        {"enterprise": world["xinluo_site"].pk, "title": "塔吊", "risk_source": source.pk},
    )
    assert response.status_code == 200 and Hazard.objects.count() == 1
