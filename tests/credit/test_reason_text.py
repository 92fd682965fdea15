"""Credit pages in words: every reason is a sentence in the reader's language with a link to its record
(the event's own page only when the reader may open it), times in Asia/Shanghai, and no keys
(`accident:1:2`), `key=value` details, English enum names or raw audit keys (`type → operation`)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credit.models import BlacklistEntry, CreditRecord
from credit.services import credit_fact_ingest, credit_rating_recalculate
from emergency.services import accident_report
from safety_platform.models import ApiKeyUse, Fact
from safety_platform.services import fact_record
from tests.clock import shanghai
from tests.credit.factories import confirm_pending
from tests.emergency.factories import hours_ago

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]

MACHINE_TEXT = re.compile(r"\b[a-z_]+=\S|\baccident:\d|\bhazard:\d|\b(?:type|operation)\b|\+00:00|\b[a-z]+:read\b")


def machine(text: str) -> list[str]:
    return [match.group(0) for match in MACHINE_TEXT.finditer(text)]


def page(client: Any, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def main_text(body: str) -> str:
    """What a reader sees of the page's content (no markup, scripts or navigation)."""
    content = body.split('id="content"', 1)[-1].split(">", 1)[-1] if 'id="content"' in body else body
    content = re.sub(r"(?s)<script.*?</script>", "", content)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


@pytest.fixture
def accident(users: dict[str, Any], xinluo_chem: Any) -> Any:
    accident = accident_report(
        actor=users["enterprise"],
        title="反应釜泄漏灼伤事故",
        category="hazardous_chemicals",
        occurred_at=hours_ago(0.5),
        location="二车间",
        deaths=1,
        serious_injuries=2,
        direct_loss_yuan="800000",
    )
    credit_fact_ingest(fact=Fact.objects.get(dedup_key=f"accident:{accident.pk}:1"))
    confirm_pending(xinluo_chem)  # the derived record counts once a person confirms it
    return accident


def test_an_accident_record_reads_as_a_sentence_linking_to_the_accident(
    client: Any, users: dict[str, Any], xinluo_chem: Any, accident: Any
) -> None:
    credit_rating_recalculate(enterprise_id=xinluo_chem.pk)
    body = page(client, users["committee"], reverse("credit:enterprise", args=[xinluo_chem.pk]))
    text = main_text(body)
    assert "发生一般事故：死亡1人，重伤2人，直接经济损失" in text
    assert f'href="{accident.get_absolute_url()}"' in body
    assert machine(text) == []
    record = CreditRecord.objects.get(fact__source_id=accident.pk)
    # The grade's reasons link to the record they count.
    assert f'href="#record-{record.pk}"' in body
    # The stored evidence (read by exports and the admin) is words too.
    assert "accident_id" not in record.evidence and f"accident:{accident.pk}" not in record.evidence


def test_a_regraded_accident_says_its_first_record_was_replaced(
    client: Any, users: dict[str, Any], xinluo_chem: Any, accident: Any
) -> None:
    first = CreditRecord.objects.get(fact__source_id=accident.pk)
    regraded, _new = fact_record(
        kind="accident",
        dedup_key=f"accident:{accident.pk}:2",
        occurred_at=accident.occurred_at,
        enterprise=xinluo_chem,
        source=accident,
        payload={"accident_id": accident.pk, "grade": "larger", "deaths": 3, "serious_injuries": 2},
    )
    second = credit_fact_ingest(fact=regraded).record
    confirm_pending(xinluo_chem)
    first.refresh_from_db()
    assert first.status == "revoked" and f"accident:{accident.pk}" not in first.revoke_reason
    body = page(client, users["committee"], reverse("credit:enterprise", args=[xinluo_chem.pk]))
    assert "已被同一事项的后续事件取代" in body and f'href="#record-{second.pk}"' in body
    assert "发生较大事故：死亡3人，重伤2人" in body
    assert machine(main_text(body)) == []


def test_the_event_link_is_shown_only_to_who_may_open_it(
    client: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    # An event about xinluo_chem whose own record is something only some readers may open.
    event, _new = fact_record(
        kind="occupational_hazard",
        dedup_key="test:occ:1",
        occurred_at=timezone.now(),
        enterprise=xinluo_chem,
        source=shanghang_site,
        payload={"note": "粉尘浓度超标"},
    )
    credit_fact_ingest(fact=event)
    url = reverse("credit:enterprise", args=[xinluo_chem.pk])
    link = f'href="{shanghang_site.get_absolute_url()}"'
    committee = page(client, users["committee"], url)
    assert "职业病危害违法行为" in committee and "备注：粉尘浓度超标" in committee and link in committee
    department = page(client, users["department"], url)  # supervises xinluo_chem, not shanghang_site
    assert "备注：粉尘浓度超标" in department and link not in department


def test_event_times_are_shown_in_shanghai_time(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    due = dt.datetime(2026, 6, 30, 16, 30, tzinfo=dt.UTC)  # 2026-07-01 00:30 in Longyan
    event, _new = fact_record(
        kind="hazard_overdue",
        dedup_key="test:overdue:1",
        occurred_at=due,
        enterprise=xinluo_chem,
        payload={"hazard_id": 1, "code": "YH-2026-001", "due_at": due.isoformat()},
    )
    credit_fact_ingest(fact=event)
    text = main_text(page(client, users["committee"], reverse("credit:enterprise", args=[xinluo_chem.pk])))
    assert "事故隐患 YH-2026-001 未在整改期限 2026-07-01 00:30 前整改" in text
    assert "16:30" not in text and machine(text) == []


def test_the_blacklist_entry_reads_in_words(client: Any, users: dict[str, Any], xinluo_chem: Any) -> None:
    event, _new = fact_record(
        kind="licence_violation",
        dedup_key="test:licence:1",
        occurred_at=timezone.now(),
        enterprise=xinluo_chem,
        payload={"licence": "危险化学品经营许可证", "note": "暂扣期间擅自经营"},
    )
    credit_fact_ingest(fact=event)
    confirm_pending(xinluo_chem)
    entry = BlacklistEntry.objects.get(enterprise=xinluo_chem)  # proposed by rule, with its evidence
    assert "RESP-LICENCE" not in entry.reason
    body = page(client, users["committee"], reverse("credit:blacklist_detail", args=[entry.pk]))
    text = main_text(body)
    assert "（危险化学品经营许可证）" in text and "备注：暂扣期间擅自经营" in text
    record = entry.evidence_records.get()
    assert f'href="{record.get_absolute_url()}"' in body  # the evidence links to its record
    # The audit trail reads the evidence change as words, not django-auditlog's keys.
    assert "证据记录" in text and "新增 1 项" in text
    assert machine(text) == [], machine(text)


def test_feed_usage_names_scopes_and_feeds_in_words(client: Any, users: dict[str, Any], org: Any) -> None:
    from tests.credit.test_api import key

    key(org, "blacklist:read", "ratings:read")
    from safety_platform.models import ApiKey

    api_key = ApiKey.objects.get()
    ApiKeyUse.objects.create(
        key=api_key,
        prefix=api_key.prefix,
        department=api_key.department,
        method="GET",
        path="/api/v1/credit/blacklist/",
    )
    text = main_text(page(client, users["committee"], reverse("credit:feed_usage")))
    assert "读取黑名单" in text and "严重失信主体名单接口" in text
    assert machine(text) == [] and "/api/v1/" not in text


def test_explaining_event_records_costs_the_same_queries_for_many(
    client: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    def add(count: int) -> None:
        for index in range(count):
            event, _new = fact_record(
                kind="occupational_hazard",
                dedup_key=f"test:occ:{CreditRecord.objects.count()}:{index}",
                occurred_at=timezone.now() - dt.timedelta(days=index),
                enterprise=xinluo_chem,
                source=shanghang_site,
                payload={"note": "x"},
            )
            credit_fact_ingest(fact=event)
        credit_rating_recalculate(enterprise_id=xinluo_chem.pk)

    url = reverse("credit:enterprise", args=[xinluo_chem.pk])
    client.force_login(users["committee"])
    add(1)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(8)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
