"""Web UI of source control: planning admission, the banned-equipment catalog, declared equipment, exits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safety_platform.audit import audit_entries_for
from safety_platform.permissions import can
from safety_platform.security import signed_in_user

from ..common.hazard_link import hazard_url
from ..common.views import enterprise_initial, filtered_page, new_record_page, run_service, save_form
from ..registry.importexport import import_upload
from ..registry.models import Enterprise
from .filtersets import (
    CatalogEntryFilterSet,
    DeclaredEquipmentFilterSet,
    DensePlaceFilterSet,
    ExitProposalFilterSet,
    HighRiskProjectFilterSet,
)
from .forms import (
    CatalogEntryForm,
    CatalogImportForm,
    DecisionForm,
    DensePlaceForm,
    EquipmentForm,
    ExitProposalForm,
    HighRiskProjectForm,
    NoteForm,
)
from .models import CatalogEntry, ExitStatus, ReviewDecision, SeparationDistance, SitingReview
from .selectors import (
    catalog_visible_to,
    dense_places_visible_to,
    equipment_matches,
    equipment_visible_to,
    exit_proposals_visible_to,
    projects_visible_to,
    siting_reviews,
)
from .services import (
    CATALOG_COLUMNS,
    catalog_entry_save,
    catalog_import,
    dense_place_save,
    equipment_declare,
    equipment_update,
    exit_proposal_create,
    exit_proposal_decide,
    exit_proposal_execute,
    exit_proposal_withdraw,
    high_risk_project_save,
    siting_review_decide,
    siting_review_run,
)

# Planning admission -------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(
        request, projects_visible_to(request.user), HighRiskProjectFilterSet, ("-created_at", "-id")
    )
    context["rules"] = SeparationDistance.objects.order_by("category", "-valid_from")
    return render(request, "enterprises/admission/project_list.html", context)


def _planning_form(request: HttpRequest, form_class: Any, instance: Any, save: Any, template: str, done: str) -> Any:
    if not can(request.user, "enterprises.manage_planning"):
        raise PermissionDenied
    form = form_class(request.POST or None, instance=instance, user=request.user)
    saved = save_form(request, form, lambda: save(form.instance, form.opened), success=done)
    if saved:
        return saved
    return render(request, template, {"form": form, "object": instance})


@login_required
def project_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk) if pk else None
    result = _planning_form(
        request,
        HighRiskProjectForm,
        project,
        lambda p, opened: high_risk_project_save(actor=signed_in_user(request), project=p, opened=opened),
        "enterprises/admission/project_form.html",
        _("Project saved."),
    )
    return redirect(result) if not isinstance(result, HttpResponse) else result


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    reviews = list(siting_reviews(project))
    return render(
        request,
        "enterprises/admission/project_detail.html",
        {
            "project": project,
            "reviews": reviews,
            "latest": reviews[0] if reviews else None,
            "rule": SeparationDistance.objects.in_force(project.category),
            # A planner may see a project whose enterprise they do not supervise: its name, no link.
            "enterprise_linked": project.enterprise_id is not None
            and Enterprise.objects.visible_to(request.user).filter(pk=project.enterprise_id).exists(),
            "decision_form": DecisionForm(),
            "pending": ReviewDecision.PENDING,
            "audit_entries": audit_entries_for(project)[:30],
        },
    )


@login_required
@require_POST
def project_review(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    review = run_service(request, lambda: siting_review_run(actor=signed_in_user(request), project=project))
    if review:
        count = review.conflicts.count()
        if count:
            messages.warning(
                request,
                _("%(n)d population-dense place(s) inside the separation distance of %(d)s m.")
                % {"n": count, "d": review.separation_m},
            )
        else:
            messages.success(request, _("No population-dense place inside %(d)s m.") % {"d": review.separation_m})
    return redirect(project)


@login_required
@require_POST
def siting_decide(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(SitingReview.objects.visible_to(request.user).select_related("project"), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: siting_review_decide(
                actor=signed_in_user(request),
                review=review,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["decision_note"],
            ),
            success=_("Decision recorded."),
        )
    else:
        if not can(request.user, "enterprises.manage_planning", review.project.jurisdiction):
            raise PermissionDenied
        messages.error(request, _("Choose a decision."))
    return redirect(review.project)


def _siting_flags(request: HttpRequest, place: Any) -> Any:
    """Tell who saved a place which projects' siting reviews it re-ran (siting both ways, §2.1)."""
    for review in place.siting_reviews:
        conflicts = [c for c in review.conflicts.all() if c.place_id == place.pk]
        if conflicts:
            messages.warning(
                request,
                _(
                    "%(place)s is %(m)s m from the high-risk project %(project)s, inside its separation distance of "
                    "%(d)s m: its siting review was run again."
                )
                % {
                    "place": place.name,
                    "m": conflicts[0].distance_m,
                    "project": review.project.name,
                    "d": review.separation_m,
                },
            )
        else:
            messages.info(
                request,
                _(
                    "%(place)s is no longer inside the separation distance of %(project)s: its siting review was run "
                    "again."
                )
                % {"place": place.name, "project": review.project.name},
            )
    return place


@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "enterprises.read_registers"):
        raise PermissionDenied
    context = filtered_page(request, dense_places_visible_to(request.user), DensePlaceFilterSet, ("name", "id"))
    return render(request, "enterprises/admission/place_list.html", context)


@login_required
def place_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    place = get_object_or_404(dense_places_visible_to(request.user), pk=pk) if pk else None
    result = _planning_form(
        request,
        DensePlaceForm,
        place,
        lambda p, opened: _siting_flags(
            request, dense_place_save(actor=signed_in_user(request), place=p, opened=opened)
        ),
        "enterprises/admission/place_form.html",
        _("Place saved."),
    )
    return redirect("enterprises:place_list") if not isinstance(result, HttpResponse) else result


# Catalog ---------------------------------------------------------------------------------------------


@login_required
def catalog_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(
        request, catalog_visible_to(request.user), CatalogEntryFilterSet, ("source_document", "batch", "name", "id")
    )
    return render(request, "enterprises/admission/catalog_list.html", context)


@login_required
def catalog_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(catalog_visible_to(request.user), pk=pk)
    matches = (
        entry.matches.filter(pk__in=equipment_visible_to(request.user).values("matches"))
        .select_related("equipment__enterprise")
        .order_by("-matched_at")
    )
    rows = [{"match": m, "hazard_url": hazard_url(m.hazard_id)} for m in matches[:200]]
    return render(
        request,
        "enterprises/admission/catalog_detail.html",
        {"entry": entry, "rows": rows},
    )


@login_required
def catalog_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can(request.user, "enterprises.edit_catalog"):
        raise PermissionDenied
    entry = get_object_or_404(CatalogEntry.objects.visible_to(request.user), pk=pk) if pk else None
    form = CatalogEntryForm(request.POST or None, instance=entry)
    saved = save_form(
        request,
        form,
        lambda: catalog_entry_save(actor=signed_in_user(request), entry=form.instance, opened=form.opened),
        success=_("Catalog entry saved; declared equipment is being matched against it."),
    )
    if saved:
        return redirect(saved)
    return render(request, "enterprises/admission/catalog_form.html", {"form": form, "entry": entry})


@login_required
def catalog_import_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "enterprises.edit_catalog"):
        raise PermissionDenied
    form = CatalogImportForm(request.POST or None, request.FILES or None)
    result = import_upload(request, form, catalog_import)
    if result is not None:
        if result.imported:
            messages.success(
                request,
                _("Imported: %(c)d created, %(u)d updated.") % {"c": result.created, "u": result.updated},
            )
        else:
            messages.error(request, _("Nothing was imported: the file has errors."))
    return render(
        request,
        "enterprises/admission/catalog_import.html",
        {"form": form, "result": result, "columns": CATALOG_COLUMNS},
    )


# Declared equipment -------------------------------------------------------------------------------


@login_required
def equipment_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(
        request, equipment_visible_to(request.user), DeclaredEquipmentFilterSet, ("enterprise__name", "name", "id")
    )
    return render(request, "enterprises/admission/equipment_list.html", context)


@login_required
def equipment_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "enterprises.manage_equipment"):
        raise PermissionDenied
    form = EquipmentForm(request.POST or None, user=user, initial=enterprise_initial(request))

    def declare() -> Any:
        data = dict(form.cleaned_data)
        enterprise = data.pop("enterprise", None) or user.enterprise
        return equipment_declare(actor=user, enterprise=enterprise, data=data)

    item = save_form(request, form, declare, success=_("Equipment declared."))
    if item:
        _report_matches(request, item)
        return redirect("enterprises:equipment_edit", pk=item.pk)
    return render(request, "enterprises/admission/equipment_form.html", {"form": form, "item": None})


def _report_matches(request: HttpRequest, item: Any) -> None:
    for match in equipment_matches(item):
        messages.warning(
            request,
            _("“%(name)s” is listed in the catalog (%(entry)s, %(status)s); a hazard has been registered.")
            % {"name": item.name, "entry": match.entry.name, "status": match.entry.get_status_display()},
        )


@login_required
def equipment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(equipment_visible_to(request.user), pk=pk)
    can_edit = can(request.user, "enterprises.manage_equipment", item.enterprise)
    form = EquipmentForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    saved = save_form(
        request,
        form,
        lambda: equipment_update(
            actor=signed_in_user(request), equipment=item, data=form.cleaned_data, opened=form.opened
        ),
        success=_("Changes saved."),
    )
    if saved:
        _report_matches(request, saved)
        return redirect("enterprises:equipment_edit", pk=item.pk)
    matches = [{"match": m, "hazard_url": hazard_url(m.hazard_id)} for m in equipment_matches(item)]
    return render(
        request,
        "enterprises/admission/equipment_form.html",
        {"form": form, "item": item, "matches": matches, "can_edit": can_edit},
    )


# Exit proposals ---------------------------------------------------------------------------------


@login_required
def exit_list(request: HttpRequest) -> HttpResponse:
    context = filtered_page(
        request, exit_proposals_visible_to(request.user), ExitProposalFilterSet, ("-created_at", "-id")
    )
    return render(request, "enterprises/admission/exit_list.html", context)


@login_required
def exit_new(request: HttpRequest) -> HttpResponse:
    return new_record_page(
        request,
        permission="enterprises.propose_exit",
        form_class=ExitProposalForm,
        service=exit_proposal_create,
        template="enterprises/admission/exit_form.html",
        success=_("Exit proposed; the committee office has been notified."),
    )


@login_required
def exit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(exit_proposals_visible_to(request.user), pk=pk)
    user: Any = request.user
    return render(
        request,
        "enterprises/admission/exit_detail.html",
        {
            "proposal": proposal,
            "transitions": proposal.transitions.select_related("actor"),
            "status_changes": proposal.enterprise.status_changes.select_related("changed_by")[:10],
            "can_decide": can(user, "enterprises.decide_exit") and proposal.status == ExitStatus.PROPOSED,
            "can_execute": can(user, "enterprises.decide_exit") and proposal.status == ExitStatus.APPROVED,
            "can_withdraw": proposal.status in (ExitStatus.PROPOSED, ExitStatus.APPROVED)
            and can(user, "enterprises.withdraw_exit", proposal),
            "note_form": NoteForm(),
        },
    )


@login_required
@require_POST
def exit_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = get_object_or_404(exit_proposals_visible_to(request.user), pk=pk)
    note = request.POST.get("note", "")
    actor: Any = request.user
    calls = {
        "approve": (
            lambda: exit_proposal_decide(actor=actor, proposal=proposal, approve=True, note=note),
            _("Approved."),
        ),
        "reject": (
            lambda: exit_proposal_decide(actor=actor, proposal=proposal, approve=False, note=note),
            _("Rejected."),
        ),
        "execute": (
            lambda: exit_proposal_execute(actor=actor, proposal=proposal, note=note),
            _("Exit carried out; the enterprise is closed."),
        ),
        "withdraw": (lambda: exit_proposal_withdraw(actor=actor, proposal=proposal, note=note), _("Withdrawn.")),
    }
    if action not in calls:
        raise PermissionDenied
    call, success = calls[action]
    run_service(request, call, success=success)
    return redirect(proposal)
