"""Web shell: home page per role, notifications, health check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .navigation import home_widgets_for
from .pagination import ListPaginator
from .security import signed_in_user
from .selectors import deadline_counts_for, deadlines_open_for, notifications_for
from .services import notification_mark_read


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    widgets = [{"template": widget.template, **widget.context(request)} for widget in home_widgets_for(user)]
    context = {
        "role": "admin" if user.is_superuser else user.role,
        "widgets": widgets,
        "deadlines": deadlines_open_for(user, limit=8),
        "deadline_counts": deadline_counts_for(user),
        "recent_notifications": notifications_for(user)[:5],
    }
    return render(request, "home.html", context)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = ListPaginator(notifications_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("id")
    notification_mark_read(user=signed_in_user(request), notification_id=int(raw) if raw and raw.isdecimal() else None)
    target = request.POST.get("next") or ""
    # Only back into the platform: an outside `next` would make this an open redirect.
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "notifications"
    return redirect(target)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for the load balancer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
