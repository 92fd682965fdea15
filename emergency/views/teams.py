"""Rescue teams: search (skill, jurisdiction, distance), detail, create/edit, readiness, members, equipment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from safety_platform.audit import audit_entries_for

from .. import services
from ..filtersets import TeamFilterSet
from ..forms import EquipmentForm, MemberForm, ReadinessForm, TeamForm
from ..selectors import team_detail_queryset, teams_visible_to
from .common import edit_view, filtered_page, form_invalid_message, loader, register_view, run, step_view, with_data


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(request, TeamFilterSet, teams_visible_to(request.user).order_by("name", "id"))
    filterset = context["filterset"]
    return render(
        request,
        "emergency/team_list.html",
        {
            **context,
            "near": filterset.is_valid() and filterset.form.cleaned_data.get("lat") is not None,
        },
    )


_team = loader(teams_visible_to)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(team_detail_queryset(request.user), pk=pk)
    return render(
        request,
        "emergency/team_detail.html",
        {
            "team": team,
            "readiness_form": ReadinessForm(initial={"readiness": team.readiness}),
            "member_form": MemberForm(),
            "equipment_form": EquipmentForm(),
            "readiness_changes": team.readiness_changes.select_related("changed_by")[:10],
            "audit_entries": audit_entries_for(team)[:20],
        },
    )


team_create = register_view(
    TeamForm,
    services.team_create,
    success=_lazy("Rescue team registered."),
    title=_lazy("Register a rescue team"),
    list_url="emergency:team_list",
)


# The form shows the team's specialties from the row (a ModelForm's initial data takes its many-to-many fields).
team_edit = edit_view(
    _team,
    TeamForm,
    services.team_update,
    rule="emergency.manage_resource",
    target="team",
    title="name",
)


team_readiness = step_view(
    _team, ReadinessForm, with_data(services.team_set_readiness, "team"), _lazy("Readiness updated.")
)


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


team_equipment_add = step_view(
    _team,
    EquipmentForm,
    lambda actor, team, form: services.team_equipment_save(actor=actor, team=team, data=form.cleaned_data),
    _lazy("Equipment added."),
)
