"""The order's page offers a designated warehouse's keeper the dispatch form (从本库出库) only while something of the
approved quantities is still to be dispatched: once every line has gone out, the form is not shown (it could only
have been sent with every quantity at 0)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from emergency.choices import DispatchStatus
from emergency.models import SupplyItem
from emergency.services import dispatch_approve, dispatch_request, dispatch_ship, stock_receive
from tests.clock import shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.clock(shanghai(2026, 12, 4, 10))]


def _offers_dispatch(client: Any, order: Any) -> bool:
    page = client.get(order.get_absolute_url())
    assert page.status_code == 200
    offered = reverse("emergency:dispatch_ship", args=[order.pk]) in page.content.decode()
    assert offered == (page.context["ship_form"] is not None)
    return offered


def test_the_dispatch_form_goes_once_everything_is_dispatched(
    client: Any, users: dict[str, Any], org: Any, xinluo_store: Any, shanghang_store: Any, tent: Any
) -> None:
    from tests.factories import UserFactory

    quilt = SupplyItem.objects.get(code="quilt")
    committee = users["committee"]
    keeper: Any = UserFactory(username="inspector_shanghang", role="inspector")
    keeper.jurisdictions.add(org.jurisdiction("上杭县"))
    for store in (xinluo_store, shanghang_store):
        stock_receive(actor=committee, warehouse=store, item=tent, quantity=10)
        stock_receive(actor=committee, warehouse=store, item=quilt, quantity=10)
    order = dispatch_request(
        actor=users["inspector"],
        title="暴雨安置",
        requesting_jurisdiction=org.jurisdiction("新罗区"),
        destination="西陂小学",
        lines=[(tent, 6), (quilt, 4)],
    )
    dispatch_approve(actor=committee, order=order, source_warehouses=[xinluo_store, shanghang_store])
    tents, quilts = (order.lines.get(item=item).pk for item in (tent, quilt))

    client.force_login(keeper)
    assert _offers_dispatch(client, order)
    # The tents all go out from 新罗区; the quilts are still to dispatch: both keepers are still offered the form.
    dispatch_ship(actor=users["inspector"], order=order, warehouse=xinluo_store, quantities={tents: 6})
    assert _offers_dispatch(client, order)
    client.force_login(users["inspector"])
    assert _offers_dispatch(client, order)
    # 上杭县 sends the quilts: nothing is left to dispatch, the order is on its way, and no keeper gets the form.
    dispatch_ship(actor=keeper, order=order, warehouse=shanghang_store, quantities={quilts: 4})
    order.refresh_from_db()
    assert order.status == DispatchStatus.IN_TRANSIT
    assert not _offers_dispatch(client, order)
    client.force_login(keeper)
    assert not _offers_dispatch(client, order)
    # The requester can still confirm the delivery on the same page.
    client.force_login(users["inspector"])
    assert (
        reverse("emergency:dispatch_deliver", args=[order.pk]) in client.get(order.get_absolute_url()).content.decode()
    )
