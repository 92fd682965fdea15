"""Responsible inspecting authorities (一企一责任主体): the list of enterprises inspected by another authority than
their county, and the form that sets or changes one enterprise's authority."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from safety_platform.pagination import render_list_page
from safety_platform.permissions import CITY_ROLES, STAFF_ROLES, can, has_role
from safety_platform.refusals import refusal_into
from safety_platform.scoping import in_own_areas

from .forms_authorities import AuthorityFilterForm, AuthoritySetForm
from .models import ResponsibleAuthority
from .services.authorities import current_authority, responsible_authority_set

PAGE_SIZE = 50
SET_ACTION = "supervision.set_authority"


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "supervision/authority_refused.html", {"message": message}, status=403)


def _settable(user: Any) -> QuerySet[Enterprise]:
    """The enterprises the user may give to another authority (the picker searches only these)."""
    return Enterprise.objects.visible_to(user)


def authorities_visible(user: Any) -> QuerySet[ResponsibleAuthority]:
    """The rows about enterprises the user sees, and those that give an enterprise to one of the user's areas."""
    rows = ResponsibleAuthority.objects.all()
    if has_role(user, CITY_ROLES):
        return rows
    scope = Q(enterprise__in=Enterprise.objects.visible_to(user).values("pk")) | in_own_areas(user, "authority__path")
    return rows.filter(scope)


@login_required
def authorities(request: HttpRequest) -> HttpResponse:
    """Enterprises whose inspecting authority is not their own county, newest change first."""
    user: Any = request.user
    if not has_role(user, STAFF_ROLES):
        return _refused(request, _("Responsible inspecting authorities are for government staff."))
    form = AuthorityFilterForm(request.GET or None, enterprises=Enterprise.objects.visible_to(user))
    rows = authorities_visible(user)
    if form.is_bound and form.is_valid() and form.cleaned_data.get("enterprise"):
        rows = rows.filter(enterprise=form.cleaned_data["enterprise"])
    rows = rows.select_related("enterprise__jurisdiction", "authority", "department", "set_by").order_by(
        "-set_at", "-pk"
    )
    return render_list_page(request, "supervision/authority_list.html", rows, PAGE_SIZE, form=form)


@login_required
def authority_set(request: HttpRequest) -> HttpResponse:
    """Set or change one enterprise's inspecting authority, with the reason; unchanged, nothing is written."""
    user: Any = request.user
    if not can(user, SET_ACTION):
        return _refused(
            request,
            _(
                "Only committee staff, administrators and the county office of the enterprise's county set its "
                "responsible inspecting authority."
            ),
        )
    enterprises = _settable(user)
    if request.method == "POST":
        form = AuthoritySetForm(request.POST, enterprises=enterprises)
        if form.is_valid():
            data = form.cleaned_data
            # A refusal stays on the form, a 403 for another county's enterprise (the page says why).
            with refusal_into(form, pages=False) as refused:
                _row, changed = responsible_authority_set(
                    actor=user,
                    enterprise=data["enterprise"],
                    authority=data["authority"],
                    department=data["department"],
                    reason=data["reason"],
                )
            if not refused:
                if changed:
                    messages.success(
                        request,
                        _("The responsible inspecting authority of %(name)s is saved; the next plan uses it.")
                        % {"name": data["enterprise"].name},
                    )
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect(reverse("supervision:authorities") + f"?enterprise={data['enterprise'].pk}")
            if refused.code == "forbidden":
                return render(request, "supervision/authority_form.html", {"form": form, "current": None}, status=403)
        return render(request, "supervision/authority_form.html", {"form": form, "current": None})
    initial: dict[str, Any] = {}
    current = None
    chosen = request.GET.get("enterprise", "")
    if chosen.isdecimal() and len(chosen) < 19:
        enterprise = enterprises.select_related("jurisdiction").filter(pk=int(chosen)).first()
        if enterprise is not None:
            current = current_authority(enterprise)
            initial = {"enterprise": enterprise, "authority": current.authority, "department": current.department}
    form = AuthoritySetForm(initial=initial, enterprises=enterprises)
    return render(request, "supervision/authority_form.html", {"form": form, "current": current})
