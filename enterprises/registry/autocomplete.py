"""The enterprise search box's answers (`enterprises:autocomplete`): JSON, at most 20, in the caller's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .selectors import enterprise_search

MAX_QUERY = 100


@require_GET
@login_required
def enterprise_autocomplete(request: HttpRequest) -> JsonResponse:
    """`?q=` a part of the name or the start of the credit code; `operating=1`: operating enterprises only."""
    text = request.GET.get("q", "")
    if len(text) > MAX_QUERY:
        message = _("Type at most %(n)d characters.") % {"n": MAX_QUERY}
        return JsonResponse({"errors": {"q": [message]}}, status=400)
    rows = enterprise_search(request.user, text, operating_only=request.GET.get("operating") in ("1", "true"))
    results = [
        {"id": row["id"], "label": row["name"], "detail": f"{row['credit_code']} · {row['jurisdiction__name']}"}
        for row in rows
    ]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response
