"""Warnings: every enterprise concerned is reached and notified once; acknowledgement and measures are
tracked; the list of who has not acknowledged comes from SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from emergency.models import WarningRecipient
from emergency.selectors import warning_ack_stats, warning_unacknowledged, warnings_visible_to
from emergency.services import (
    warning_acknowledge,
    warning_issue,
    warning_lift,
    warning_notify_targets,
    warning_remind_unacknowledged,
)
from safety_platform.models import Industry, Notification
from safety_platform.services import DomainError
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(org: Any, xinluo_chem: Any, shanghang_site: Any, users: dict[str, Any]) -> dict[str, Any]:
    grid2 = org.jurisdiction("新罗区/东城街道/东城第二网格")
    return {
        "chem": xinluo_chem,
        "site": shanghang_site,
        "grid2_site": EnterpriseFactory(name="东城二网格工地", jurisdiction=grid2, industry=org.industry("E4710")),
        "xipi_chem": EnterpriseFactory(
            name="西陂化工", jurisdiction=org.jurisdiction("新罗区/西陂街道"), industry=org.industry("C2611")
        ),
        "closed": EnterpriseFactory(
            name="已关闭化工厂", jurisdiction=grid2, industry=org.industry("C2614"), status="closed"
        ),
        "chem_user2": UserFactory(username="chem2", role="enterprise", enterprise=xinluo_chem),
    }


def issue(users: dict[str, Any], jurisdictions: list[Any], industries: list[str] = (), **extra: Any) -> Any:  # type: ignore[assignment]
    return warning_issue(
        actor=extra.pop("actor", users["committee"]),
        title=extra.pop("title", "暴雨红色预警"),
        kind="weather",
        level="red",
        content="特大暴雨",
        measures_required="停工撤人",
        jurisdictions=jurisdictions,
        industries=list(Industry.objects.filter(code__in=industries)),
        **extra,
    )


def test_grid_level_warning_reaches_only_that_grids_operating_enterprises(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区/东城街道/东城第二网格")])
    assert set(warning.recipients.values_list("enterprise__name", flat=True)) == {"东城二网格工地"}


def test_county_warning_for_an_industry_reaches_that_industry_in_the_whole_county(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区")], ["C26"])
    names = set(warning.recipients.values_list("enterprise__name", flat=True))
    assert names == {area["chem"].name, "西陂化工"}  # not the construction site, not the closed plant


def test_every_user_of_each_enterprise_is_notified_once_even_when_rerun(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区/东城街道")])
    notified = Notification.objects.filter(dedup_key=f"warning:{warning.pk}")
    assert set(notified.values_list("recipient__username", flat=True)) == {"enterprise", "chem2"}
    assert warning_notify_targets(warning=warning) == 2  # re-run: same targets …
    assert notified.count() == 2  # … nobody notified twice
    assert warning.recipients.count() == 2
    # An enterprise registered afterwards is reached by a re-run.
    EnterpriseFactory(
        name="新开业企业", jurisdiction=org.jurisdiction("新罗区/东城街道"), industry=org.industry("C2614")
    )
    warning_notify_targets(warning=warning)
    assert warning.recipients.count() == 3


def test_acknowledgement_and_measures_are_tracked_and_the_pending_list_shrinks(
    users: dict[str, Any], org: Any, area: dict[str, Any], django_assert_num_queries: Any
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区")])
    committee = users["committee"]
    assert warning_ack_stats(committee, warning) == {"total": 3, "acknowledged": 0}
    first = warning_acknowledge(actor=users["enterprise"], warning=warning, measures_taken="停止动火作业")
    assert first.acknowledged_at is not None and first.acknowledged_by == users["enterprise"]
    again = warning_acknowledge(actor=area["chem_user2"], warning=warning, measures_taken="加派巡查")
    assert again.acknowledged_at == first.acknowledged_at  # the first time is kept
    assert again.measures_taken == "加派巡查" and again.measures_updated_at is not None
    # Staff record an acknowledgement given by phone.
    warning_acknowledge(actor=users["inspector"], warning=warning, enterprise=area["xipi_chem"])
    with django_assert_num_queries(1):
        pending = list(warning_unacknowledged(committee, warning).values_list("enterprise__name", flat=True))
    assert pending == ["东城二网格工地"]
    assert warning_ack_stats(committee, warning) == {"total": 3, "acknowledged": 2}
    listed = warnings_visible_to(committee).get(pk=warning.pk)
    assert (listed.recipient_count, listed.pending_count) == (3, 1)


def test_an_enterprise_not_targeted_cannot_acknowledge(users: dict[str, Any], org: Any, area: dict[str, Any]) -> None:
    warning = issue(users, [org.jurisdiction("上杭县")])
    with pytest.raises(DomainError) as exc:
        warning_acknowledge(actor=users["enterprise"], warning=warning)
    assert exc.value.code == "forbidden"


def test_inspectors_issue_only_for_their_jurisdictions(users: dict[str, Any], org: Any, area: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        issue(users, [org.jurisdiction("上杭县")], actor=users["inspector"])
    assert "jurisdictions" in exc.value.message_dict
    warning = issue(users, [org.jurisdiction("新罗区/西陂街道")], actor=users["inspector"])
    assert warning.recipients.count() == 1
    with pytest.raises(DomainError) as exc:
        issue(users, [org.jurisdiction("新罗区")], actor=users["enterprise"])
    assert exc.value.code == "forbidden"


def test_reminder_goes_to_the_unacknowledged_once_a_day_and_lifting_ends_it(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区/东城街道")])
    grid2_user = UserFactory(username="grid2", role="enterprise", enterprise=area["grid2_site"])
    warning_acknowledge(actor=users["enterprise"], warning=warning)
    assert warning_remind_unacknowledged(actor=users["committee"], warning=warning) == 1
    assert warning_remind_unacknowledged(actor=users["committee"], warning=warning) == 0
    assert Notification.objects.filter(recipient=grid2_user, category="emergency.warning").count() == 1
    warning_lift(actor=users["committee"], warning=warning, note="预警解除")
    with pytest.raises(DomainError) as exc:
        warning_remind_unacknowledged(actor=users["committee"], warning=warning)
    assert exc.value.code == "warning_lifted"
    with pytest.raises(DomainError) as exc:
        warning_acknowledge(actor=grid2_user, warning=warning)
    assert exc.value.code == "warning_lifted"


def test_enterprise_acknowledges_on_the_phone_page_and_staff_see_who_has_not(
    client: Any, users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区/东城街道")])
    client.force_login(users["enterprise"])
    page = client.get(reverse("emergency:warning_detail", args=[warning.pk])).content.decode()
    assert 'data-testid="acknowledge"' in page
    response = client.post(
        reverse("emergency:warning_acknowledge", args=[warning.pk]), {"measures_taken": "撤离低洼处人员"}, follow=True
    )
    assert response.status_code == 200
    recipient = WarningRecipient.objects.get(warning=warning, enterprise=area["chem"])
    assert recipient.acknowledged_at and recipient.measures_taken == "撤离低洼处人员"
    client.force_login(users["inspector"])
    page = client.get(reverse("emergency:warning_detail", args=[warning.pk])).content.decode()
    assert "东城二网格工地" in page and area["chem"].name not in page  # the default view: not acknowledged


def test_api_acknowledge_and_unacknowledged_list(
    api_client: Any, users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区/东城街道")])
    api_client.force_authenticate(users["enterprise"])
    response = api_client.post(
        f"/api/v1/emergency/warnings/{warning.pk}/acknowledge/", {"measures_taken": "值班"}, format="json"
    )
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    api_client.force_authenticate(users["committee"])
    rows = api_client.get(f"/api/v1/emergency/warnings/{warning.pk}/unacknowledged/").json()["results"]
    assert [r["enterprise_name"] for r in rows] == ["东城二网格工地"]
    bad = api_client.post(
        "/api/v1/emergency/warnings/",
        {"title": "x", "kind": "weather", "level": "purple", "content": "x", "jurisdictions": []},
        format="json",
    )
    assert bad.status_code == 400 and {"level", "jurisdictions"} <= set(bad.json()["errors"])
