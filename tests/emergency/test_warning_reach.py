"""Warnings reach people without logging in: contacts without an account get the SMS (and e-mail); red and
orange warnings reach each enterprise's principal in charge by SMS with a signed, expiring acknowledgement
link; nobody gets the same text twice; the warning page shows what was sent and how each acknowledgement came."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emergency.models import WarningContact, WarningRecipient
from emergency.services import warning_acknowledge, warning_issue, warning_notify_targets, warning_remind_unacknowledged
from emergency.services.reach import ack_link_read, ack_link_token
from safety_platform.models import Industry, OutboundMessage
from safety_platform.services import DomainError
from tests.clock import shanghai
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

LINK = re.compile(r"https?://\S+/w/(\S+)/")
T0 = dt.datetime(2026, 7, 14, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _public_base(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://aq.longyan.gov.cn"


@pytest.fixture
def area(org: Any, xinluo_chem: Any, shanghang_site: Any) -> dict[str, Any]:
    xinluo_chem.principal_name = "林建华"
    xinluo_chem.principal_mobile = "13805970001"
    xinluo_chem.save()
    shanghang_site.principal_name = "陈志强"
    shanghang_site.principal_mobile = "13805970002"
    shanghang_site.save()
    dongcheng = org.jurisdiction("新罗区/东城街道")
    return {
        "chem": xinluo_chem,
        "site": shanghang_site,
        "no_mobile": EnterpriseFactory(
            name="东城无手机企业",
            jurisdiction=org.jurisdiction("新罗区/东城街道/东城第二网格"),
            industry=org.industry("E4710"),
        ),
        "village": WarningContact.objects.create(
            name="东城社区王主任",
            kind="community",
            jurisdiction=org.jurisdiction("新罗区/东城街道/东城第一网格"),
            mobile="13905970011",
            email="wang@example.cn",
        ),
        "township": WarningContact.objects.create(
            name="东城街道值班室", kind="township", jurisdiction=dongcheng, mobile="13905970012"
        ),
        "chem_contact": WarningContact.objects.create(
            name="化工行业联络员",
            kind="other",
            jurisdiction=dongcheng,
            industry=org.industry("C26"),
            mobile="13905970013",
        ),
        "inactive": WarningContact.objects.create(
            name="已调离联络员", kind="village", jurisdiction=dongcheng, mobile="13905970014", is_active=False
        ),
        "shanghang": WarningContact.objects.create(
            name="临江镇联络员", kind="township", jurisdiction=org.jurisdiction("上杭县/临江镇"), mobile="13905970015"
        ),
    }


def issue(users: dict[str, Any], jurisdictions: list[Any], level: str = "red", **extra: Any) -> Any:
    return warning_issue(
        actor=extra.pop("actor", users["committee"]),
        title=extra.pop("title", "暴雨预警"),
        kind="weather",
        level=level,
        content="特大暴雨，注意防范",
        measures_required="停工撤人",
        jurisdictions=jurisdictions,
        industries=list(Industry.objects.filter(code__in=extra.pop("industries", []))),
        **extra,
    )


def sent(warning: Any, kind: str) -> dict[str, OutboundMessage]:
    return {
        m.dedup_key: m for m in OutboundMessage.objects.filter(dedup_key__startswith=f"warning:{warning.pk}:{kind}:")
    }


def link_path(message: OutboundMessage) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return f"/w/{match.group(1)}/"


# Who is reached --------------------------------------------------------------------------------------------


def test_contacts_of_the_area_get_the_warning_by_sms_and_email_others_not(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区/东城街道")], level="blue")
    messages = OutboundMessage.objects.filter(dedup_key__startswith=f"warning:{warning.pk}:contact:")
    reached = {(m.name, m.channel) for m in messages}
    assert reached == {
        ("东城社区王主任", "sms"),
        ("东城社区王主任", "email"),
        ("东城街道值班室", "sms"),
        ("化工行业联络员", "sms"),  # no industry named: every contact of the area
    }
    sms = messages.get(name="东城街道值班室", channel="sms")
    assert sms.address == "13905970012" and sms.status == "pending" and "暴雨预警" in sms.body
    assert f"warning:{warning.pk}:contact:{area['township'].pk}" == sms.dedup_key


def test_a_warning_for_an_industry_reaches_contacts_of_that_industry_and_general_ones_only(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区")], level="blue", industries=["E47"])
    names = set(
        OutboundMessage.objects.filter(dedup_key__startswith=f"warning:{warning.pk}:contact:").values_list(
            "name", flat=True
        )
    )
    assert names == {"东城社区王主任", "东城街道值班室"}  # not the chemicals contact, not 上杭, not the inactive one


def test_red_warning_sends_each_principal_an_sms_with_an_acknowledgement_link(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区"), org.jurisdiction("上杭县")])
    principals = sent(warning, "principal")
    assert set(principals) == {
        f"warning:{warning.pk}:principal:{area['chem'].pk}",
        f"warning:{warning.pk}:principal:{area['site'].pk}",
    }  # the enterprise without a principal's mobile gets none
    chem = principals[f"warning:{warning.pk}:principal:{area['chem'].pk}"]
    assert chem.channel == "sms" and chem.address == "13805970001" and chem.name == "林建华"
    assert chem.body.startswith("【") and "https://aq.longyan.gov.cn/w/" in chem.body
    response = client.get(link_path(chem))  # no login
    assert response.status_code == 200
    page = response.content.decode()
    assert "龙岩市东城化工有限公司" in page and "暴雨预警" in page and "停工撤人" in page


@pytest.mark.parametrize("level", ["orange", "red"])
def test_orange_and_red_reach_principals(users: dict[str, Any], org: Any, area: dict[str, Any], level: str) -> None:
    warning = issue(users, [org.jurisdiction("新罗区")], level=level)
    assert list(sent(warning, "principal")) == [f"warning:{warning.pk}:principal:{area['chem'].pk}"]


@pytest.mark.parametrize("level", ["blue", "yellow"])
def test_blue_and_yellow_send_no_principal_sms(
    users: dict[str, Any], org: Any, area: dict[str, Any], level: str
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区")], level=level)
    assert sent(warning, "principal") == {}
    assert sent(warning, "contact")  # the contacts still hear of it


def test_reissue_and_reminders_never_send_the_same_text_twice(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    with time_machine.travel(T0, tick=False):
        warning = issue(users, [org.jurisdiction("新罗区"), org.jurisdiction("上杭县")])
        first = OutboundMessage.objects.count()
        warning_notify_targets(warning=warning)  # a re-run (e.g. after new registrations)
        assert OutboundMessage.objects.count() == first
        warning_acknowledge(actor=users["enterprise"], warning=warning)  # 东城化工 acknowledged in the platform
        warning_remind_unacknowledged(actor=users["committee"], warning=warning)
        reminders = OutboundMessage.objects.filter(
            dedup_key__contains=":principal:", dedup_key__endswith=":remind:20260714"
        )
        # Only the silent enterprise's principal, with a fresh link; no contact is reminded.
        assert list(reminders.values_list("address", flat=True)) == ["13805970002"]
        assert (
            not OutboundMessage.objects.filter(dedup_key__contains=":contact:")
            .filter(dedup_key__contains=":remind:")
            .exists()
        )
        again = OutboundMessage.objects.count()
        warning_remind_unacknowledged(actor=users["committee"], warning=warning)  # pressed twice the same day
        assert OutboundMessage.objects.count() == again
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        warning_remind_unacknowledged(actor=users["committee"], warning=warning)
        assert (
            OutboundMessage.objects.filter(dedup_key__endswith=":remind:20260715", address="13805970002").count() == 1
        )


def test_a_principal_who_is_also_a_user_with_that_mobile_gets_one_sms(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    UserFactory(username="boss", role="enterprise", enterprise=area["chem"], phone="138-0597-0001")
    issue(users, [org.jurisdiction("新罗区")])
    assert OutboundMessage.objects.filter(address="13805970001", channel="sms").count() == 1


def test_a_reminder_reaches_only_principals_the_staff_member_sees(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    with time_machine.travel(T0, tick=False):
        warning = issue(users, [org.jurisdiction("新罗区"), org.jurisdiction("上杭县")])
        warning_remind_unacknowledged(actor=users["inspector"], warning=warning)  # 新罗区 only
        reminded = OutboundMessage.objects.filter(dedup_key__endswith=":remind:20260714", channel="sms")
        assert set(reminded.values_list("address", flat=True)) == {"13805970001"}


def test_issuing_to_many_enterprises_takes_the_same_queries_as_to_a_few(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    grid = org.jurisdiction("新罗区/西陂街道")

    def run(n: int) -> int:
        for i in range(n):
            EnterpriseFactory(
                jurisdiction=grid, industry=org.industry("C2611"), principal_mobile=f"1370597{n:02d}{i:02d}"
            )
        with CaptureQueriesContext(connection) as ctx:
            warning = issue(users, [grid], title=f"预警{n}")
        assert len(sent(warning, "principal")) >= n
        return len(ctx.captured_queries)

    few, many = run(3), run(30)
    assert many == few, (few, many)


# The acknowledgement link ----------------------------------------------------------------------------------


def test_get_shows_the_warning_and_writes_nothing_post_acknowledges_as_the_principal(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any, django_assert_max_num_queries: Any
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区")])
    path = link_path(sent(warning, "principal")[f"warning:{warning.pk}:principal:{area['chem'].pk}"])
    with django_assert_max_num_queries(8):
        page = client.get(path)
    assert page.status_code == 200 and "确认收到" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    recipient = WarningRecipient.objects.get(warning=warning, enterprise=area["chem"])
    assert recipient.acknowledged_at is None  # a GET (a link preview, a scanner) never acknowledges
    response = client.post(path)
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is not None and recipient.acknowledged_by is None
    assert recipient.acknowledged_via == "sms_link" and recipient.acknowledged_by_name == "林建华"
    again = client.get(path).content.decode()
    assert 'data-testid="ack-done"' in again and "确认收到" not in again.split('data-testid="ack-done"')[1]
    when = recipient.acknowledged_at
    client.post(path)  # a second press keeps the first time
    recipient.refresh_from_db()
    assert recipient.acknowledged_at == when


def test_an_expired_link_is_refused_with_a_410_page(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        warning = issue(users, [org.jurisdiction("新罗区")])  # no end given: the link lasts 72 hours
        path = link_path(sent(warning, "principal")[f"warning:{warning.pk}:principal:{area['chem'].pk}"])
    with time_machine.travel(T0 + dt.timedelta(hours=71), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(hours=72, seconds=1), tick=False):
        response = client.get(path)
        assert response.status_code == 410
        assert "链接已过期" in response.content.decode() and "登录" in response.content.decode()
        assert client.post(path).status_code == 410
    assert WarningRecipient.objects.get(warning=warning, enterprise=area["chem"]).acknowledged_at is None


def test_the_link_ends_with_the_warnings_validity(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        warning = issue(users, [org.jurisdiction("新罗区")], valid_until=T0 + dt.timedelta(hours=6))
        path = link_path(sent(warning, "principal")[f"warning:{warning.pk}:principal:{area['chem'].pk}"])
    with time_machine.travel(T0 + dt.timedelta(hours=7), tick=False):
        assert client.get(path).status_code == 410


def test_a_forged_or_altered_link_is_refused(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    from django.core import signing

    warning = issue(users, [org.jurisdiction("新罗区"), org.jurisdiction("上杭县")])
    path = link_path(sent(warning, "principal")[f"warning:{warning.pk}:principal:{area['chem'].pk}"])
    token = path.split("/")[2]
    payload, signature = token.rsplit(".", 1)
    parts = payload.split(".")
    other = ".".join([parts[0], signing.b62_encode(area["site"].pk), parts[2]])  # another enterprise, same signature
    for bad in (
        f"{other}.{signature}",
        f"{payload}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        "not-a-token",
        token[:20],
    ):
        response = client.get(f"/w/{bad}/")
        assert response.status_code == 404, bad
        assert "链接无效" in response.content.decode()
        assert client.post(f"/w/{bad}/").status_code == 404
    assert not WarningRecipient.objects.filter(warning=warning, acknowledged_at__isnull=False).exists()


def test_a_token_signed_with_another_salt_or_for_another_warning_does_not_acknowledge(
    users: dict[str, Any], org: Any, area: dict[str, Any]
) -> None:
    from django.core import signing

    warning = issue(users, [org.jurisdiction("新罗区")])
    other = issue(users, [org.jurisdiction("上杭县")], title="另一预警")
    forged = signing.Signer(salt="something-else", sep=".").sign("1.2.3")
    with pytest.raises(DomainError) as excinfo:
        ack_link_read(forged)
    assert excinfo.value.code == "not_found"
    later = timezone.now() + dt.timedelta(hours=1)
    token = ack_link_token(warning_id=other.pk, enterprise_id=area["site"].pk, expires_at=later)
    with pytest.raises(DomainError) as excinfo:
        warning_acknowledge(actor=None, warning=warning, link_token=token)
    assert excinfo.value.code == "not_found"


def test_a_lifted_warning_says_so_and_takes_no_acknowledgement(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    from emergency.services import warning_lift

    warning = issue(users, [org.jurisdiction("新罗区")])
    path = link_path(sent(warning, "principal")[f"warning:{warning.pk}:principal:{area['chem'].pk}"])
    warning_lift(actor=users["committee"], warning=warning)
    page = client.get(path).content.decode()
    assert 'data-testid="ack-lifted"' in page and 'data-testid="ack-confirm"' not in page
    assert client.post(path).status_code == 409
    assert WarningRecipient.objects.get(warning=warning, enterprise=area["chem"]).acknowledged_at is None


# The warning page ------------------------------------------------------------------------------------------


def test_warning_page_shows_sms_delivery_and_how_each_acknowledgement_came(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    warning = issue(users, [org.jurisdiction("新罗区"), org.jurisdiction("上杭县")])
    chem_key = f"warning:{warning.pk}:principal:{area['chem'].pk}"
    OutboundMessage.objects.filter(dedup_key=chem_key).update(status="sent", sent_at=timezone.now())
    OutboundMessage.objects.filter(dedup_key=f"warning:{warning.pk}:principal:{area['site'].pk}").update(
        status="failed", attempts=6, last_error="HTTP 500"
    )
    client.post(link_path(OutboundMessage.objects.get(dedup_key=chem_key)))
    client.force_login(users["committee"])
    page = client.get(reverse("emergency:warning_detail", args=[warning.pk]), {"show": "all"}).content.decode()
    chem_row = page.split(f'data-enterprise="{area["chem"].pk}"')[1].split("</li>")[0]
    site_row = page.split(f'data-enterprise="{area["site"].pk}"')[1].split("</li>")[0]
    none_row = page.split(f'data-enterprise="{area["no_mobile"].pk}"')[1].split("</li>")[0]
    assert (
        'data-status="sent"' in chem_row
        and 'data-via="sms_link"' in chem_row
        and "企业主要负责人（短信链接）" in chem_row
    )
    assert 'data-status="failed"' in site_row and "发送失败" in site_row
    assert 'data-status="none"' in none_row
    contacts = page.split('data-testid="warning-contacts"')[1]
    assert "东城社区王主任" in contacts and "临江镇联络员" in contacts and "已调离联络员" not in contacts
    assert 'data-status="pending"' in contacts


def test_warning_page_queries_stay_flat_as_recipients_and_contacts_grow(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    grid = org.jurisdiction("新罗区/西陂街道")
    warning = issue(users, [org.jurisdiction("新罗区")])
    client.force_login(users["committee"])
    url = reverse("emergency:warning_detail", args=[warning.pk])

    def count() -> int:
        client.get(url, {"show": "all"})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"show": "all"}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(12):
        EnterpriseFactory(jurisdiction=grid, industry=org.industry("C2611"), principal_mobile=f"137059720{i:02d}")
        WarningContact.objects.create(name=f"西陂联络员{i}", jurisdiction=grid, mobile=f"136059720{i:02d}")
    warning_notify_targets(warning=warning)
    assert count() == before


# Contacts: pages and bad input ------------------------------------------------------------------------------


def test_contact_list_is_scoped_filtered_paginated_and_flat_in_queries(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    url = reverse("emergency:contact_list")
    client.force_login(users["inspector"])  # 新罗区
    page = client.get(url).content.decode()
    assert "东城街道值班室" in page and "临江镇联络员" not in page
    page = client.get(url, {"kind": "community"}).content.decode()
    assert "东城社区王主任" in page and "东城街道值班室" not in page
    client.force_login(users["committee"])
    page = client.get(url, {"jurisdiction": org.jurisdiction("上杭县").pk}).content.decode()
    assert "临江镇联络员" in page and "东城街道值班室" not in page

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grid = org.jurisdiction("新罗区/西陂街道")

    def add(start: int) -> None:  # more than a page each time
        for i in range(start, start + 30):
            WarningContact.objects.create(
                name=f"联络员{i}", jurisdiction=grid, industry=org.industry("C2611"), mobile=f"136059730{i:02d}"
            )

    add(0)
    before = count()
    add(30)
    assert count() == before <= 20
    client.force_login(users["enterprise"])
    assert client.get(url).status_code == 403


def test_contact_form_refuses_a_number_that_is_not_a_mainland_mobile_naming_the_field(
    users: dict[str, Any], org: Any, client: Any
) -> None:
    client.force_login(users["inspector"])
    data = {"name": "西陂村李主任", "kind": "village", "jurisdiction": org.jurisdiction("新罗区/西陂街道").pk}
    for bad in ("0597-2288001", "1234567890", "2380597000", "138059700011"):
        response = client.post(reverse("emergency:contact_create"), {**data, "mobile": bad})
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert list(errors) == ["mobile"] and "手机号" in errors["mobile"][0], errors
    assert not WarningContact.objects.exists()
    response = client.post(reverse("emergency:contact_create"), {**data, "mobile": "+86 138-0597-3001"})
    assert response.status_code == 302
    assert WarningContact.objects.get().mobile == "13805973001"


def test_inspectors_manage_contacts_only_in_their_jurisdictions(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    client.force_login(users["inspector"])  # 新罗区
    response = client.post(
        reverse("emergency:contact_create"),
        {
            "name": "外县联络员",
            "kind": "village",
            "jurisdiction": org.jurisdiction("上杭县").pk,
            "mobile": "13805973002",
        },
    )
    assert response.status_code == 200 and "jurisdiction" in response.context["form"].errors
    assert client.get(reverse("emergency:contact_edit", args=[area["shanghang"].pk])).status_code == 404
    client.force_login(users["department"])
    assert client.get(reverse("emergency:contact_list")).status_code == 200  # reads
    assert client.get(reverse("emergency:contact_edit", args=[area["township"].pk])).status_code == 403


def test_a_deactivated_contact_is_no_longer_reached(
    users: dict[str, Any], org: Any, area: dict[str, Any], client: Any
) -> None:
    client.force_login(users["inspector_town"])
    response = client.post(reverse("emergency:contact_active", args=[area["township"].pk]), {"active": "0"})
    assert response.status_code == 302
    area["township"].refresh_from_db()
    assert area["township"].is_active is False
    warning = issue(users, [org.jurisdiction("新罗区/东城街道")], level="yellow")
    names = {m.name for m in sent(warning, "contact").values()}
    assert "东城社区王主任" in names and "东城街道值班室" not in names


# The enterprise's principal ---------------------------------------------------------------------------------


def test_enterprise_form_refuses_a_bad_principal_mobile_and_stores_a_good_one_as_11_digits(
    users: dict[str, Any], xinluo_chem: Any, client: Any
) -> None:
    client.force_login(users["committee"])
    url = reverse("enterprises:edit", args=[xinluo_chem.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data["opened_version"] = form.initial.get("opened_version", "")
    response = client.post(url, {**data, "principal_name": "林建华", "principal_mobile": "0597-2288001"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["principal_mobile"] and "手机号" in errors["principal_mobile"][0]
    response = client.post(url, {**data, "principal_name": "林建华", "principal_mobile": "138 0597 0009"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    xinluo_chem.refresh_from_db()
    assert (xinluo_chem.principal_name, xinluo_chem.principal_mobile) == ("林建华", "13805970009")
    assert "13805970009" in client.get(reverse("enterprises:detail", args=[xinluo_chem.pk])).content.decode()


def test_enterprise_api_refuses_a_bad_principal_mobile_naming_the_field(
    users: dict[str, Any], xinluo_chem: Any, api_client: Any
) -> None:
    api_client.force_authenticate(users["committee"])
    url = f"/api/v1/enterprises/{xinluo_chem.pk}/"
    response = api_client.patch(url, {"principal_mobile": "12345"}, format="json")
    assert response.status_code == 400 and "principal_mobile" in str(response.json())
    response = api_client.patch(url, {"principal_mobile": "+8613805970008"}, format="json")
    assert response.status_code == 200 and response.json()["principal_mobile"] == "13805970008"


def test_demo_contacts_are_reached_by_the_demo_warning_and_reseeding_adds_nothing(
    users: dict[str, Any], xinluo_chem: Any
) -> None:
    from emergency.demo import CONTACTS, seed_emergency_demo

    seed_emergency_demo()
    assert WarningContact.objects.count() == len(CONTACTS)
    first = OutboundMessage.objects.filter(dedup_key__contains=":contact:").count()
    # Every demo contact lies in the demo warning's counties (the 永定 village one too); two have e-mail.
    assert first == len(CONTACTS) + 2
    seed_emergency_demo()
    assert WarningContact.objects.count() == len(CONTACTS)
    assert OutboundMessage.objects.filter(dedup_key__contains=":contact:").count() == first


def test_department_staff_read_contacts_without_links_to_forms_they_may_not_open(
    users: dict[str, Any], area: dict[str, Any], client: Any
) -> None:
    client.force_login(users["department"])
    page = client.get(reverse("emergency:contact_list")).content.decode()
    assert "东城街道值班室" in page
    assert reverse("emergency:contact_edit", args=[area["township"].pk]) not in page
    client.force_login(users["inspector"])
    page = client.get(reverse("emergency:contact_list")).content.decode()
    assert reverse("emergency:contact_edit", args=[area["township"].pk]) in page
