"""Web shell: home page per role, notifications, health check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .choices import Role
from .navigation import home_widgets_for
from .net import same_site_target
from .pagination import ListPaginator
from .refusals import refusal_into, refusal_message
from .security import signed_in_user
from .selectors import (
    deadline_counts_for,
    deadlines_open_for,
    notification_preferences_of,
    notifications_for,
    outbound_messages,
)
from .services import notification_mark_read, notification_preferences_save, outbound_message_retry


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
    # Only back into the platform: an outside `next` would make this an open redirect.
    return redirect(same_site_target(request, request.POST.get("next"), reverse("notifications")))


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """通知设置: the user's mobile, e-mail and the channels per notice group."""
    from .notification_forms import NotificationPreferencesForm

    user = signed_in_user(request)
    form = NotificationPreferencesForm(request.POST or None, user=user, preferences=notification_preferences_of(user))
    if request.method == "POST" and form.is_valid():
        with refusal_into(form) as refused:
            notification_preferences_save(
                user=user,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                choices=form.choices(),
            )
        if not refused:
            messages.success(request, _("Notification settings saved."))
            return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _may_see_outbound(user: Any) -> bool:
    return bool(user.is_superuser or user.role in (Role.ADMIN, Role.COMMITTEE))


@login_required
def outbound_list(request: HttpRequest) -> HttpResponse:
    """外发通知: every e-mail and SMS with its status, failures with their error, for admins and committee staff."""
    from .notification_forms import OutboundFilterForm

    if not _may_see_outbound(request.user):
        raise PermissionDenied
    form = OutboundFilterForm(request.GET)
    # A filter value that is not one of the choices is shown next to its field; the list is then empty.
    qs = outbound_messages(**form.cleaned_data) if form.is_valid() else outbound_messages().none()
    # count_with_page: the capped total in the page's own statement (not for .none(): nothing to compile).
    page = ListPaginator(qs, 25, count_with_page=form.is_valid()).get_page(request.GET.get("page"))
    return render(request, "notifications/outbound.html", {"page_obj": page, "form": form})


@login_required
@require_POST
def outbound_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """重发: a failed message is sent again now (by the delivery task, not in this request)."""
    if not _may_see_outbound(request.user):
        raise PermissionDenied
    with refusal_message(request) as refused:
        message = outbound_message_retry(message_id=pk)
    if not refused:
        messages.success(request, _("The message to %(address)s will be sent again.") % {"address": message.address})
    return redirect(same_site_target(request, request.POST.get("next"), reverse("notification_outbound")))


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for the load balancer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
