"""Warnings: list, issue, detail with who has (not) acknowledged, acknowledge, lift, remind."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from safety_platform.permissions import can, is_enterprise_person

from .. import services
from ..choices import WarningStatus
from ..filtersets import WarningFilterSet
from ..forms import AcknowledgeForm, NoteForm, WarningForm
from ..models import WarningRecipient
from ..selectors import warning_ack_stats, warning_recipients, warnings_visible_to
from ..selectors.warnings import principal_deliveries, warning_contact_deliveries
from ..services.reach import PRINCIPAL_LEVELS
from .common import filtered_page, loader, paginate, post_step, register_view, run, with_data


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(request, WarningFilterSet, warnings_visible_to(request.user), ("-issued_at", "-id"))
    page = context["page_obj"]
    own: dict[int, Any] = {}
    user: Any = request.user
    if is_enterprise_person(user):
        # The enterprise's own acknowledgement state for the warnings on this page, in one query.
        own = {
            r.warning_id: r
            for r in WarningRecipient.objects.filter(enterprise_id=user.enterprise_id, warning__in=[w.pk for w in page])
        }
    rows = [(w, own.get(w.pk)) for w in page]
    return render(
        request,
        "emergency/warning_list.html",
        {
            **context,
            "rows": rows,
            "is_enterprise": is_enterprise_person(user),
        },
    )


_warning = loader(warnings_visible_to)


@login_required
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning(request, pk)
    user: Any = request.user
    recipients = warning_recipients(user, warning)
    # Who issues warnings follows who has not acknowledged yet; the others see the whole list.
    show = request.GET.get("show", "pending" if can(user, "emergency.issue_warning") else "all")
    if show == "pending":
        recipients = recipients.filter(acknowledged_at__isnull=True)
    elif show == "acknowledged":
        recipients = recipients.filter(acknowledged_at__isnull=False)
    page, query = paginate(request, recipients, size=50)
    # Who reads the contacts sees, per enterprise on the page and per contact, whether the SMS went out (one query
    # each).
    reads_contacts = can(user, "emergency.read_contacts")
    deliveries = principal_deliveries(warning, page) if reads_contacts else {}
    rows = [(r, deliveries.get(r.enterprise_id)) for r in page]
    contacts, contacts_total = warning_contact_deliveries(user, warning) if reads_contacts else ([], 0)
    mine = (
        WarningRecipient.objects.filter(warning=warning, enterprise_id=user.enterprise_id).first()
        if is_enterprise_person(user)
        else None
    )
    return render(
        request,
        "emergency/warning_detail.html",
        {
            "warning": warning,
            "stats": warning_ack_stats(user, warning),
            "page_obj": page,
            "rows": rows,
            "contacts": contacts,
            "contacts_total": contacts_total,
            "principal_sms": warning.level in PRINCIPAL_LEVELS,
            "query": query,
            "show": show,
            "mine": mine,
            "live": warning.status == WarningStatus.ISSUED,
            "ack_form": AcknowledgeForm(
                user=user, warning=warning, initial={"measures_taken": mine.measures_taken if mine else ""}
            ),
            "note_form": NoteForm(prefix="note"),
        },
    )


warning_create = register_view(
    WarningForm,
    lambda actor, data: services.warning_issue(actor=actor, **data),
    rule="emergency.issue_warning",
    success=lambda warning: _("Warning issued to %(n)d enterprises.") % {"n": warning.recipients.count()},
    title=_lazy("Issue a warning"),
    list_url="emergency:warning_list",
)


@login_required
@require_POST
def warning_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning(request, pk)
    return post_step(
        request,
        warning,
        AcknowledgeForm(request.POST, user=request.user, warning=warning),
        with_data(services.warning_acknowledge, "warning"),
        success=_("Acknowledged. Thank you."),
        on_invalid=lambda request, form: messages.error(request, _("Choose the enterprise that acknowledged.")),
    )


@login_required
@require_POST
def warning_lift(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning(request, pk)
    form = NoteForm(request.POST, prefix="note")
    form.is_valid()
    run(
        request,
        services.warning_lift,
        actor=request.user,
        warning=warning,
        note=form.cleaned_data.get("note", ""),
        success=_("Warning lifted."),
    )
    return redirect(warning)


@login_required
@require_POST
def warning_remind(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning(request, pk)
    sent = run(request, services.warning_remind_unacknowledged, actor=request.user, warning=warning)
    if sent is not None:
        messages.success(request, _("Reminder sent to %(n)d users.") % {"n": 0 if sent is True else sent})
    return redirect(warning)
