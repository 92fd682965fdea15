"""The web UI: a hazard walked through the whole loop by the roles that own each step; query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.models import Checklist, Hazard, SelfCheck
from hazards.services import risk_source_save, stat_report_get_or_create
from tests.clock import shanghai
from tests.hazards.factories import COMPLETE_PLAN, image_upload, make_hazard

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def act(client: Any, hazard: Hazard, action: str, data: dict[str, Any]) -> Any:
    payload = {f"{action}-{k}": v for k, v in data.items()}
    return client.post(reverse("hazards:act", args=[hazard.pk, action]), payload)


def test_whole_loop_in_the_web_ui(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    # The inspector logs the hazard on site with a photo and grades it at once.
    client.force_login(users["inspector"])
    response = client.post(
        reverse("hazards:create"),
        {
            "enterprise": xinluo_chem.pk,
            "title": "液氯钢瓶间通风失效",
            "description": "排风机损坏，氯气报警仪离线。",
            "location": "钢瓶间",
            "photos": [image_upload()],
            "grade": "major",
            "deadline": later,
            "responsible_person": "赖安全",
            "client_key": "k-1",
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert hazard.state == "assessed" and hazard.grade == "major"
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="plan-incomplete"' in page and 'data-testid="action-report"' in page
    # Reporting without a plan is refused with a message, nothing changes.
    response = client.post(reverse("hazards:act", args=[hazard.pk, "report"]), follow=True)
    assert response.status_code == 200 and Hazard.objects.get().state == "assessed"
    # The enterprise writes the plan, reports, starts, posts progress and submits evidence.
    client.force_login(users["enterprise"])
    plan = {**COMPLETE_PLAN, "deadline": later}
    assert client.post(reverse("hazards:plan", args=[hazard.pk]), plan).status_code == 302
    assert act(client, hazard, "report", {"note": "已停用钢瓶间"}).status_code == 302
    client.force_login(users["committee"])
    assert act(client, hazard, "list", {"note": "挂牌督办"}).status_code == 302
    client.force_login(users["enterprise"])
    assert act(client, hazard, "start", {}).status_code == 302
    assert act(client, hazard, "progress", {"note": "更换排风机", "photos": [image_upload()]}).status_code == 302
    response = act(client, hazard, "submit", {"note": "已整改"})
    assert response.status_code == 400  # evidence is required
    assert act(client, hazard, "submit", {"after": [image_upload(color="green")]}).status_code == 302
    # The inspector fails the verification once, then closes it out.
    client.force_login(users["inspector"])
    assert act(client, hazard, "reject", {"note": "报警仪仍离线"}).status_code == 302
    client.force_login(users["enterprise"])
    assert act(client, hazard, "submit", {"documents": [image_upload()]}).status_code == 302
    client.force_login(users["inspector_town"])
    assert act(client, hazard, "close", {"note": "复核合格"}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == "closed" and hazard.is_listed
    page = client.get(hazard.get_absolute_url()).content.decode()
    for step in ("register", "assess", "report", "list", "start", "progress", "submit", "reject", "close"):
        assert f'data-testid="step-{step}"' in page, step
    assert "复核合格" in page and "报警仪仍离线" in page
    assert 'data-testid="action-' not in page  # nothing left to do


def test_deadline_extension_and_refusal_are_taken_in_the_ui_and_the_api_by_inspectors_only(
    client: Any, api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    """The two steps the whole-loop walk does not take: only an inspector takes them, both show in the timeline."""
    web = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    api = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    later = (web.deadline + dt.timedelta(days=15)).isoformat()
    client.force_login(users["enterprise"])
    assert act(client, web, "extend", {"deadline": later, "note": "设备到货延迟"}).status_code == 403
    assert act(client, web, "refuse", {"note": "拒不整改"}).status_code == 403
    client.force_login(users["inspector"])
    assert act(client, web, "extend", {"deadline": later, "note": "设备到货延迟"}).status_code == 302
    assert act(client, web, "refuse", {"note": "拒不整改"}).status_code == 302
    web.refresh_from_db()
    assert web.deadline.isoformat() == later and web.state == "rectifying"
    page = client.get(web.get_absolute_url()).content.decode()
    assert 'data-testid="step-extend"' in page and 'data-testid="step-refuse"' in page
    assert "设备到货延迟" in page and "拒不整改" in page

    api_client.force_authenticate(users["enterprise"])
    assert api_client.post(f"/api/v1/hazards/{api.pk}/extend/", {"deadline": later, "note": "x"}).status_code == 403
    api_client.force_authenticate(users["inspector_town"])
    response = api_client.post(f"/api/v1/hazards/{api.pk}/extend/", {"deadline": later, "note": "设备到货延迟"})
    assert response.status_code == 200 and response.json()["deadline"] == later
    response = api_client.post(f"/api/v1/hazards/{api.pk}/refuse/", {"note": "拒不整改"}, format="json")
    assert response.status_code == 200
    assert [t["action"] for t in response.json()["transitions"]][-2:] == ["extend", "refuse"]


def test_illegal_step_in_the_ui_shows_a_message_and_changes_nothing(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    hazard = make_hazard(xinluo_chem, state="assessed", inspector=users["inspector"])
    client.force_login(users["inspector"])
    response = act(client, hazard, "close", {})
    assert response.status_code == 302
    messages = [str(m) for m in client.get(hazard.get_absolute_url()).context["messages"]]
    assert messages and Hazard.objects.get(pk=hazard.pk).state == "assessed"
    client.force_login(users["enterprise"])
    assert act(client, hazard, "close", {}).status_code == 403
    assert client.post(reverse("hazards:act", args=[hazard.pk, "explode"])).status_code == 404


def test_fetch_submission_returns_json_and_a_retry_does_not_duplicate(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    client.force_login(users["enterprise"])
    data = {"title": "叉车无证驾驶", "client_key": "f9b1"}
    first = client.post(reverse("hazards:create"), data, HTTP_X_REQUESTED_WITH="fetch")
    again = client.post(reverse("hazards:create"), data, HTTP_X_REQUESTED_WITH="fetch")
    assert first.status_code == 200 and first.json()["ok"]
    assert again.json()["url"] == first.json()["url"]
    assert Hazard.objects.get().source == "self_check"
    bad = client.post(reverse("hazards:create"), {"title": ""}, HTTP_X_REQUESTED_WITH="fetch")
    assert bad.status_code == 400 and "title" in bad.json()["errors"]


def test_enterprise_form_has_no_enterprise_choice_and_inspector_form_only_own_enterprises(
    client: Any, users: dict[str, Any], world: dict[str, Any]
) -> None:
    client.force_login(users["enterprise"])
    page = client.get(reverse("hazards:create")).content.decode()
    assert 'name="enterprise"' not in page and 'name="grade"' not in page
    assert 'capture="environment"' in page and "hazards/offline-form.js" in page
    client.force_login(users["inspector_town"])
    page = client.get(reverse("hazards:create")).content.decode()
    # A search box, not a list of every enterprise (issue 16); what it finds is the inspector's own.
    assert "data-picker" in page and world["xinluo_chem"].name not in page
    search = reverse("enterprises:autocomplete")
    assert client.get(search, {"q": world["xinluo_chem"].name}).json()["results"]
    assert not client.get(search, {"q": world["xinluo_site"].name}).json()["results"]
    response = client.post(reverse("hazards:create"), {"enterprise": world["xinluo_site"].pk, "title": "x"})
    assert response.status_code == 200 and not Hazard.objects.exists()


# Query counts: several rows first, so that an N+1 would show --------------------------------------


def add_rows(users: dict[str, Any], world: dict[str, Any], batch: int) -> None:
    """Hazards in four states, risk sources, self-checks and statistics for two enterprises (one batch)."""
    inspector = users["inspector"]
    checklist = Checklist.objects.create(name=f"通用{batch}")
    for enterprise in (world["xinluo_chem"], world["xinluo_site"]):
        for state in ("registered", "assessed", "rectifying", "remediated"):
            make_hazard(enterprise, state=state, inspector=inspector)
        for factors in (("3", "6", "15"), ("10", "6", "40"), ("1", "1", "1")):
            risk_source_save(
                actor=inspector,
                enterprise=enterprise,
                data={
                    "name": f"点{batch}{factors}",
                    "method": "lec",
                    "lec_l": factors[0],
                    "lec_e": factors[1],
                    "lec_c": factors[2],
                    "control_measures": "m",
                    "responsible_person": "r",
                },
            )
        SelfCheck.objects.create(enterprise=enterprise, checklist=checklist)
        SelfCheck.objects.create(enterprise=enterprise, checklist=checklist)
        stat_report_get_or_create(enterprise=enterprise, kind="quarter", year=2025 - batch, quarter=3)
        stat_report_get_or_create(enterprise=enterprise, kind="quarter", year=2025 - batch, quarter=4)


@pytest.fixture
def many(users: dict[str, Any], world: dict[str, Any]) -> None:
    add_rows(users, world, 0)


def count_queries(call: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


PAGES = [
    ("hazards:list", {}),
    ("hazards:list", {"overdue": "true", "grade": "general"}),
    ("hazards:risk_list", {}),
    ("hazards:risk_map", {}),
    ("hazards:campaign_list", {}),
    ("hazards:selfcheck_list", {}),
    ("hazards:stats_list", {}),
    ("hazards:plausibility", {}),
]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_list_pages_queries_do_not_grow_with_rows(
    name: str, params: dict[str, str], client: Any, users: dict[str, Any], world: dict[str, Any], many: None
) -> None:
    """Twice the rows, the same queries: one query per row (an N+1) would show at once, which a loose
    upper bound over a handful of rows would not."""
    client.force_login(users["inspector"])
    page = lambda: client.get(reverse(name), params)  # noqa: E731
    assert page().status_code == 200  # warms the session, menus and translations
    few = count_queries(page)
    add_rows(users, world, 1)
    assert count_queries(page) == few
    assert few <= 14


def test_hazard_detail_queries_do_not_grow_with_the_history(
    client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    from hazards.services import hazard_progress

    client.force_login(users["inspector"])
    page = lambda: client.get(hazard.get_absolute_url())  # noqa: E731
    assert page().status_code == 200
    short = count_queries(page)
    for n in range(6):
        hazard_progress(hazard_id=hazard.pk, actor=users["enterprise"], note=f"进展{n}", photos=[image_upload()])
    assert count_queries(page) == short


API_LISTS = [
    "/api/v1/hazards/",
    "/api/v1/risk-sources/",
    "/api/v1/hazard-campaigns/",
    "/api/v1/hazard-statistics/",
    "/api/v1/risk-map/",
]


@pytest.mark.parametrize("url", API_LISTS)
def test_api_lists_queries_do_not_grow_with_rows(
    url: str, api_client: Any, users: dict[str, Any], world: dict[str, Any], many: None
) -> None:
    api_client.force_authenticate(users["inspector"])
    endpoint = lambda: api_client.get(url)  # noqa: E731
    assert endpoint().status_code == 200
    few = count_queries(endpoint)
    add_rows(users, world, 1)
    assert count_queries(endpoint) == few
    assert few <= 6


def test_api_detail_queries_do_not_grow_with_the_history(
    api_client: Any, users: dict[str, Any], xinluo_chem: Any
) -> None:
    hazard = make_hazard(xinluo_chem, state="rectifying", inspector=users["inspector"])
    from hazards.services import hazard_progress

    api_client.force_authenticate(users["inspector"])
    detail = lambda: api_client.get(f"/api/v1/hazards/{hazard.pk}/")  # noqa: E731
    assert detail().status_code == 200
    short = count_queries(detail)
    for n in range(6):
        hazard_progress(hazard_id=hazard.pk, actor=users["enterprise"], note=f"进展{n}", photos=[image_upload()])
    assert count_queries(detail) == short


def render_panel(user: Any, enterprise: Any) -> str:
    """The hazards section of the enterprise page, rendered as the enterprise view does."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from hazards.views import enterprise_panel_context

    request = RequestFactory().get("/")
    request.user = user
    panel = {"title": "Hazards", **enterprise_panel_context(request, enterprise)}
    return render_to_string("hazards/_panel.html", {"panel": panel, "user": user}, request=request)


def test_enterprise_panel_has_bounded_queries_and_shows_only_that_enterprise(
    users: dict[str, Any], world: dict[str, Any], many: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        html = render_panel(users["inspector"], world["xinluo_chem"])
    assert 'id="hazards-panel"' in html
    assert html.count('data-testid="hazard-row"') == 4
    assert world["xinluo_site"].name not in html
