"""The enterprise page and the home card "标准化与培训" show the enterprise's real standardization and
training facts (the templates once read keys the panel/widget context did not provide, so an enterprise
with a valid certificate and trained staff was shown as having neither)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tests.enterprises.topic_factories import EmployeeFactory, StdCertificateFactory, TrainingFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        yield


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def certified_and_trained(xinluo_chem: Any) -> Any:
    """xinluo_chem with a valid level-2 certificate and two people trained at all three levels before posting."""
    StdCertificateFactory(
        enterprise=xinluo_chem,
        industry=xinluo_chem.industry,
        level=2,
        issuing_level="province",
        certificate_number="闽AQBWH II 202500042",
        issued_on=dt.date(2025, 3, 1),
        expires_on=dt.date(2028, 3, 1),
    )
    for _n in range(2):
        person = EmployeeFactory(enterprise=xinluo_chem, posted_on=TODAY - dt.timedelta(days=40))
        for category in ("company", "workshop", "team"):
            TrainingFactory(
                employee=person,
                category=category,
                hours=Decimal("24"),
                completed_on=TODAY - dt.timedelta(days=45),
            )
    return xinluo_chem


def test_enterprise_page_shows_a_valid_certificate_and_trained_staff(
    client: Any, users: dict[str, Any], certified_and_trained: Any
) -> None:
    client.force_login(users["inspector"])
    page = _text(client.get(reverse("enterprises:detail", args=[certified_and_trained.pk])).content.decode())
    assert "闽AQBWH II 202500042" in page
    assert "尚未登记安全生产标准化证书" not in page
    assert "在岗 2 人，其中 0 人不符合“先培训后上岗”" in page
    assert "尚未登记从业人员" not in page


def test_enterprise_sees_its_own_facts_on_its_page_and_home_card(
    client: Any, users: dict[str, Any], certified_and_trained: Any
) -> None:
    client.force_login(users["enterprise"])
    page = _text(client.get(reverse("enterprises:mine"), follow=True).content.decode())
    assert "闽AQBWH II 202500042" in page and "在岗 2 人，其中 0 人不符合“先培训后上岗”" in page
    home = _text(client.get("/").content.decode())
    card = home[home.index("标准化与培训") :]
    assert re.search(r"有效的标准化证书 1 ", card), card[:300]
    assert re.search(r"已过期或即将到期的特种作业操作证 0 ", card), card[:300]


def test_an_enterprise_with_neither_is_shown_with_neither(
    client: Any, users: dict[str, Any], xinluo_chem: Any, shanghang_site: Any
) -> None:
    # shanghang_site has a certificate: it must not leak onto xinluo_chem's page or home card.
    StdCertificateFactory(enterprise=shanghang_site, industry=shanghang_site.industry)
    client.force_login(users["enterprise"])
    page = _text(client.get(reverse("enterprises:detail", args=[xinluo_chem.pk])).content.decode())
    assert "尚未登记安全生产标准化证书" in page and "尚未登记从业人员" in page
    home = _text(client.get("/").content.decode())
    card = home[home.index("标准化与培训") :]
    assert re.search(r"有效的标准化证书 0 ", card), card[:300]
    client.force_login(users["committee"])
    home = _text(client.get("/").content.decode())
    assert re.search(r"有效的标准化证书 1 ", home[home.index("标准化与培训") :])


def test_the_facts_cost_the_same_queries_for_one_or_many_records(
    client: Any, users: dict[str, Any], certified_and_trained: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["inspector"])
    url = reverse("enterprises:detail", args=[certified_and_trained.pk])
    client.get(url)  # warm caches (content types, translations, the home page's grade counts)
    client.get("/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as home:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries) + len(home.captured_queries)

    few = queries()
    for n in range(3):
        StdCertificateFactory(enterprise=certified_and_trained, industry=certified_and_trained.industry)
        person = EmployeeFactory(enterprise=certified_and_trained, posted_on=TODAY - dt.timedelta(days=10 + n))
        TrainingFactory(employee=person, hours=Decimal("24"), completed_on=TODAY - dt.timedelta(days=20))
    assert queries() == few
