"""The acknowledgement link of a red or orange warning's SMS (/w/<token>/): no login.

GET shows the warning and a "确认收到" button and writes nothing; POST acknowledges through
`warning_acknowledge` (the token checked again there). A forged or altered link is a 404 page, an expired
one a 410 page telling the principal to log in or call the office.

Not throttled per address: the token is signed (guessing one is hopeless), the POST is idempotent and the
page reads one row; the platform's only rate limiter (the risk card's) is specific to card reports.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from safety_platform.services import DomainError

from ..choices import WarningStatus
from ..models import WarningRecipient
from ..services.reach import ack_link_read
from ..services.warnings import warning_acknowledge


def _page(request: HttpRequest, state: str, status: int, **context: Any) -> HttpResponse:
    response = render(request, "emergency/warning_ack_link.html", {"state": state, **context}, status=status)
    # The token is in the address: keep it out of search engines and caches.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@csrf_protect
def warning_ack(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        link = ack_link_read(token)
    except DomainError as exc:
        if exc.code == "ack_link_expired":
            return _page(request, "expired", 410)
        return _page(request, "invalid", 404)
    recipient = (
        WarningRecipient.objects.select_related("warning", "enterprise")
        .filter(warning_id=link.warning_id, enterprise_id=link.enterprise_id)
        .first()
    )
    if recipient is None:
        return _page(request, "invalid", 404)
    error = ""
    if request.method == "POST":
        try:
            warning_acknowledge(actor=None, warning=recipient.warning, link_token=token)
        except DomainError as exc:
            if exc.code == "ack_link_expired":
                return _page(request, "expired", 410)
            error = exc.message
        else:
            return redirect(request.path)
    warning = recipient.warning
    if recipient.acknowledged_at is not None:
        state = "acknowledged"
    elif warning.status == WarningStatus.LIFTED:
        state = "lifted"
    else:
        state = "open"
    return _page(
        request,
        state,
        409 if error else 200,
        warning=warning,
        jurisdictions=list(warning.jurisdictions.values_list("name", flat=True)),
        enterprise=recipient.enterprise,
        recipient=recipient,
        error=error,
        expires_at=link.expires_at,
    )
