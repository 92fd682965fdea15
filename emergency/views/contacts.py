"""Warning contacts without an account: list (search, area, kind), register, edit, deactivate/reactivate."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from safety_platform.permissions import can
from safety_platform.security import signed_in_user

from ..filtersets import WarningContactFilterSet
from ..forms import WarningContactForm
from ..models import WarningContact
from ..services.contacts import (
    contact_create,
    contact_set_active,
    contact_update,
)
from .common import filtered_page, form_page, loader, register_view, run


def _visible(request: HttpRequest) -> QuerySet[WarningContact]:
    return WarningContact.objects.visible_to(request.user).select_related("jurisdiction", "industry", "enterprise")


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "emergency.read_contacts"):
        raise PermissionDenied
    return render(
        request,
        "emergency/contact_list.html",
        {
            **filtered_page(request, WarningContactFilterSet, _visible(request), ("jurisdiction__path", "name", "id")),
        },
    )


contact_create_view = register_view(
    WarningContactForm,
    contact_create,
    rule="emergency.manage_contacts",
    success=_lazy("Contact registered: warnings for the area now reach them by SMS."),
    title=_lazy("Register a warning contact"),
    list_url="emergency:contact_list",
    then="emergency:contact_list",
)


_contact = loader(WarningContact.objects.visible_to)


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    if not can(request.user, "emergency.edit_contact", contact):
        raise PermissionDenied
    form = WarningContactForm(request.POST or None, instance=contact, user=request.user)
    return form_page(
        request,
        form,
        lambda: contact_update(
            actor=signed_in_user(request), contact=contact, data=form.cleaned_data, opened=form.opened
        ),
        success=_("Changes saved."),
        title=contact.name,
        cancel_url=reverse("emergency:contact_list"),
        template="emergency/contact_form.html",
        then="emergency:contact_list",
        context={"contact": contact},
    )


@login_required
@require_POST
def contact_active(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    active = request.POST.get("active") == "1"
    run(
        request,
        contact_set_active,
        actor=request.user,
        contact=contact,
        active=active,
        success=_("Contact reactivated.") if active else _("Contact deactivated: warnings no longer reach them."),
    )
    return redirect("emergency:contact_list")
