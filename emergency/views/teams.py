"""Rescue teams: search (skill, jurisdiction, distance), detail, create/edit, readiness, members, equipment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety_platform.audit import audit_entries_for
from safety_platform.permissions import can

from .. import services
from ..filtersets import TeamFilterSet
from ..forms import EquipmentForm, MemberForm, ReadinessForm, TeamForm
from ..selectors import team_detail_queryset, teams_visible_to
from ..services.common import is_enterprise_user, is_staff_user
from .common import form_invalid_message, paginate, run


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    filterset = TeamFilterSet(
        request.GET, queryset=teams_visible_to(request.user).order_by("name", "id"), user=request.user
    )
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page, query = paginate(request, queryset)
    return render(
        request,
        "emergency/team_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": query,
            "near": filterset.is_valid() and filterset.form.cleaned_data.get("lat") is not None,
            "can_create": is_staff_user(request.user) or is_enterprise_user(request.user),
        },
    )


def _team(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(teams_visible_to(request.user), pk=pk)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(team_detail_queryset(request.user), pk=pk)
    can_edit = can(request.user, "emergency.manage_resource", team)
    return render(
        request,
        "emergency/team_detail.html",
        {
            "team": team,
            "can_edit": can_edit,
            "readiness_form": ReadinessForm(initial={"readiness": team.readiness}),
            "member_form": MemberForm(),
            "equipment_form": EquipmentForm(),
            "readiness_changes": team.readiness_changes.select_related("changed_by")[:10],
            "audit_entries": audit_entries_for(team)[:20],
        },
    )


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    if not (is_staff_user(request.user) or is_enterprise_user(request.user)):
        raise PermissionDenied
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        specialties = data.pop("specialties", [])
        team = run(request, services.team_create, form=form, actor=request.user, data=data, specialties=specialties)
        if team:
            messages.success(request, _("Rescue team registered."))
            return redirect(team)
    return render(
        request,
        "emergency/form.html",
        {"form": form, "title": _("Register a rescue team"), "cancel_url": reverse("emergency:team_list")},
    )


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    if not can(request.user, "emergency.manage_resource", team):
        raise PermissionDenied
    form = TeamForm(
        request.POST or None, instance=team, user=request.user, initial={"specialties": team.specialties.all()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        specialties = data.pop("specialties", [])
        result = run(
            request,
            services.team_update,
            form=form,
            actor=request.user,
            team=team,
            data=data,
            specialties=specialties,
            opened=form.opened,
        )
        if result:
            messages.success(request, _("Changes saved."))
            return redirect(result)
    return render(
        request, "emergency/form.html", {"form": form, "title": team.name, "cancel_url": team.get_absolute_url()}
    )


@login_required
@require_POST
def team_readiness(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    form = ReadinessForm(request.POST)
    if form.is_valid():
        run(
            request,
            services.team_set_readiness,
            actor=request.user,
            team=team,
            success=_("Readiness updated."),
            **form.cleaned_data,
        )
    else:
        form_invalid_message(request, form)
    return redirect(team)


@login_required
@require_POST
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        member = run(
            request,
            services.team_member_save,
            actor=request.user,
            team=team,
            data={k: data[k] for k in ("name", "position", "phone", "is_leader")},
            skills=data["skills"],
        )
        if member and data.get("certificate"):
            run(
                request,
                services.member_certificate_add,
                actor=request.user,
                member=member,
                data={
                    "name": data["certificate"],
                    "number": data.get("certificate_number", ""),
                    "expires_on": data.get("certificate_expires_on"),
                },
            )
        if member:
            messages.success(request, _("Member added."))
    else:
        form_invalid_message(request, form)
    return redirect(team)


@login_required
@require_POST
def team_equipment_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    form = EquipmentForm(request.POST)
    if form.is_valid():
        run(
            request,
            services.team_equipment_save,
            actor=request.user,
            team=team,
            data=form.cleaned_data,
            success=_("Equipment added."),
        )
    else:
        form_invalid_message(request, form)
    return redirect(team)
