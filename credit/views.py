"""Web UI of credit: grades (department view and enterprise page), records, blacklist workflow,
due inspections, and the departments' feed usage."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from safety_platform.audit import audit_entries_for
from safety_platform.choices import ApiScope
from safety_platform.models import ApiKey, ApiKeyUse
from safety_platform.net import same_site_target
from safety_platform.pagination import list_page, render_list_page
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.refusals import refusal_into, refusal_message
from safety_platform.security import signed_in_user
from safety_platform.services import DomainError
from safety_platform.uploads import serve_protected

from . import selectors, services
from .choices import BLACKLIST_OPEN_STATUSES, BlacklistStatus, DeliveryStatus, RepairStatus
from .filtersets import BlacklistListFilterSet, ProposalListFilterSet, RatingListFilterSet, RecordListFilterSet
from .forms import (
    ApproveForm,
    BlacklistProposalForm,
    CreditRecordForm,
    NoteForm,
    ObjectionForm,
    OptionalNoteForm,
    ReasonForm,
    RepairForm,
    WebhookForm,
)
from .models import BlacklistEntry, CreditRating, CreditRecord, CreditRepair, RuleSet, WebhookSubscription
from .services.proposals import CONFIRM

PAGE_SIZE = 25


def _visible_enterprise(request: HttpRequest, pk: int) -> Enterprise:
    return get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("jurisdiction"), pk=pk)


# Extension points (registered in apps.py) -------------------------------------------------------


def enterprise_panel_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any]:
    rating = CreditRating.objects.filter(enterprise=enterprise).select_related("rule_set").first()
    open_entry = (
        BlacklistEntry.objects.visible_to(request.user)
        .filter(enterprise=enterprise, status__in=BLACKLIST_OPEN_STATUSES)
        .first()
    )
    return {"rating": rating, "open_entry": open_entry, "enterprise": enterprise}


def home_widget_context(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    if is_enterprise_person(user):
        return {
            "own_rating": CreditRating.objects.filter(enterprise_id=user.enterprise_id).first(),
            "is_enterprise": True,
        }
    return {
        "distribution": selectors.grade_distribution(user),
        "is_enterprise": False,
        # Deciders see how many proposed records wait for them (a count over a small partial index).
        "proposals": selectors.proposals_to_decide(user).count() if can(user, "credit.decide_proposals") else None,
    }


# Grades -----------------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Department/committee/inspector view: the enterprises they supervise and their grades."""
    user: Any = request.user
    if is_enterprise_person(user):
        return redirect("credit:enterprise", pk=user.enterprise_id)
    filterset = RatingListFilterSet(request.GET, queryset=selectors.ratings_visible_to(user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    # Worst first, in the order of the credit_rating_overview index (LIMIT reads one page of it); ties on
    # score by id, not by enterprise name: a name order would sort every enterprise at the base score.
    return render_list_page(
        request,
        "credit/overview.html",
        queryset.order_by("-grade", "score", "id"),
        PAGE_SIZE,
        filterset=filterset,
        distribution=selectors.grade_distribution(user),
        rule_set=RuleSet.objects.in_force(_today()),
    )


def _today() -> Any:
    return timezone.localdate()


@login_required
def enterprise_credit(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's credit page: grade, score, the reasons, history, records, blacklist."""
    enterprise = _visible_enterprise(request, pk)
    context = selectors.enterprise_credit(enterprise, request.user)
    user: Any = request.user
    for record in context["proposals"]:
        record.enterprise = enterprise  # every proposal here is this enterprise's: no query per row to decide
    context.update(
        {
            "enterprise": enterprise,
            "can_propose": can(user, "credit.propose_blacklist")
            and not any(e.status in BLACKLIST_OPEN_STATUSES for e in context["blacklist"]),
            "revocable": {r.pk for r in context["records"] if r.is_active and can(user, "credit.revoke_record", r)},
            "revoke_form": ReasonForm(),
            "decidable": {r.pk for r in context["proposals"] if can(user, "credit.decide_proposal", r)},
        }
    )
    from .views_joint import joint_enterprise_context  # joint measures: their own module

    context.update(joint_enterprise_context(request, enterprise))
    return render(request, "credit/enterprise.html", context)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The rule set in force (and the other versions): what every grade is based on."""
    rule_sets = RuleSet.objects.visible_to(request.user)
    version = request.GET.get("version")
    current = get_object_or_404(rule_sets, version=version) if version else RuleSet.objects.in_force(_today())
    if current is None:
        raise Http404
    return render(
        request,
        "credit/rules.html",
        {
            "rule_set": current,
            "rules": current.rules.order_by("criterion", "-points", "code"),
            "limits": current.limits.order_by("criterion"),
            "versions": rule_sets.order_by("-effective_from", "-id"),
        },
    )


# Records ---------------------------------------------------------------------------------------


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if is_enterprise_person(user):
        return redirect("credit:enterprise", pk=user.enterprise_id)
    base = CreditRecord.objects.visible_to(user).select_related("enterprise", "rule", "department")
    filterset = RecordListFilterSet(request.GET, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    rows = queryset.order_by("-created_at", "-id")
    return render_list_page(request, "credit/records.html", rows, PAGE_SIZE, filterset=filterset)


@login_required
def record_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible_enterprise(request, pk)
    if not can(request.user, "credit.record"):
        raise PermissionDenied
    form = CreditRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with refusal_into(form) as refused:
            services.credit_record_create(
                actor=signed_in_user(request),
                enterprise=enterprise,
                rule=form.cleaned_data["rule"],
                occurred_on=form.cleaned_data["occurred_on"],
                evidence=form.cleaned_data["evidence"],
                evidence_file=form.cleaned_data.get("evidence_file"),
            )
        if not refused:
            messages.success(request, _("Credit record saved; the grade is being recalculated."))
            return redirect("credit:enterprise", pk=enterprise.pk)
    return render(request, "credit/record_form.html", {"form": form, "enterprise": enterprise})


def revoke_posted(request: HttpRequest, form: Any, revoke: Callable[..., Any], done: str) -> None:
    """A revocation posted with its reason (a record's, a joint measure's): without a reason, or refused by the
    service, the page says why; done, it says so. `revoke(actor=..., reason=...)` calls the service."""
    if not form.is_valid():
        messages.error(request, _("Give the reason for the revocation."))
        return
    with refusal_message(request) as refused:
        revoke(actor=signed_in_user(request), reason=form.cleaned_data["reason"])
    if not refused:
        messages.success(request, done)


@login_required
@require_POST
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(CreditRecord.objects.visible_to(request.user), pk=pk)
    revoke = partial(services.credit_record_revoke, record=record)
    revoke_posted(request, ReasonForm(request.POST), revoke, _("Record revoked."))
    return redirect("credit:enterprise", pk=record.enterprise_id)


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    """待确认信用记录: records the platform proposed from events, for the staff who confirm or reject them."""
    user: Any = request.user
    if not can(user, "credit.decide_proposals"):
        raise PermissionDenied
    base = selectors.proposals_to_decide(user)
    filterset = ProposalListFilterSet(request.GET, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    page, query = list_page(request, queryset.order_by("created_at", "id"), PAGE_SIZE)
    now = timezone.now()
    for record in selectors.explained_records(page.object_list, user):
        left = selectors.days_left(record.due_at, now)  # type: ignore[attr-defined]
        record.days_left = left  # type: ignore[attr-defined]
        record.days_overdue = -left if left is not None and left < 0 else 0  # type: ignore[attr-defined]
    return render(
        request,
        "credit/proposals.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": query,
            "reason_form": ReasonForm(),
            "rule_set": RuleSet.objects.in_force(_today()),
        },
    )


@login_required
@require_POST
def proposals_decide(request: HttpRequest) -> HttpResponse:
    """Confirm or reject the selected proposals with one reason (all or none)."""
    target = same_site_target(request, request.POST.get("next"), reverse("credit:proposals"))
    decision = request.POST.get("decision", "")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the decision."))
        return redirect(target)
    with refusal_message(request) as refused:
        decided = services.credit_proposals_decide(
            actor=signed_in_user(request),
            record_ids=request.POST.getlist("records"),
            decision=decision,
            reason=form.cleaned_data["reason"],
        )
    if not refused:
        if decision == CONFIRM:
            messages.success(
                request,
                _("%(count)d record(s) confirmed: they count from now on; the grades are being recalculated.")
                % {"count": len(decided)},
            )
        else:
            messages.success(
                request,
                _("%(count)d record(s) not adopted: the grades stay as they were.") % {"count": len(decided)},
            )
    return redirect(target)


@login_required
def record_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    record = get_object_or_404(CreditRecord.objects.visible_to(request.user), pk=pk)
    return serve_protected(record.evidence_file)


# Blacklist -------------------------------------------------------------------------------------


@login_required
def blacklist(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    base = BlacklistEntry.objects.visible_to(user).select_related("enterprise", "department", "rule_set")
    filterset = BlacklistListFilterSet(request.GET, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    counts = base.aggregate(**{status: Count("id", filter=Q(status=status)) for status in BlacklistStatus.values})
    rows = queryset.order_by("-updated_at", "-id")
    return render_list_page(request, "credit/blacklist.html", rows, PAGE_SIZE, filterset=filterset, counts=counts)


@login_required
def blacklist_propose(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible_enterprise(request, pk)
    if not can(request.user, "credit.propose_blacklist"):
        raise PermissionDenied
    form = BlacklistProposalForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        with refusal_into(form) as refused:
            entry = services.blacklist_propose(
                actor=signed_in_user(request),
                enterprise=enterprise,
                case=form.cleaned_data["case"],
                reason=form.cleaned_data["reason"],
                legal_basis=form.cleaned_data["legal_basis"],
                evidence_records=form.cleaned_data["evidence_records"],
            )
        if not refused:
            messages.success(request, _("Proposal recorded. Serve the prior notice to open the objection window."))
            return redirect(entry)
    return render(
        request,
        "credit/blacklist_propose.html",
        {"form": form, "enterprise": enterprise, "rule_set": RuleSet.objects.in_force(_today())},
    )


@login_required
def blacklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    entry = get_object_or_404(
        BlacklistEntry.objects.visible_to(user).select_related(
            "enterprise", "department", "rule_set", "rule", "proposed_by", "notice_served_by", "approved_by"
        ),
        pk=pk,
    )
    repairs = list(entry.repairs.select_related("applied_by", "decided_by"))
    own = can(user, "credit.answer_listing", entry)
    committee = can(user, "credit.decide_listing", entry)  # the committee, or the county office of its county
    handles = can(user, "credit.handle_proposal", entry)
    status = entry.status
    actions = {
        "notice": handles and status == BlacklistStatus.PROPOSED,
        "object": own and entry.objection_window_open,
        "decide_objection": committee and status == BlacklistStatus.OBJECTED,
        # Not offered while the objection period runs: the page says from when instead.
        "approve": committee and status == BlacklistStatus.NOTICED and entry.approvable_from is None,
        "approve_later": committee and status == BlacklistStatus.NOTICED and entry.approvable_from is not None,
        "reject": (committee or handles)
        and status in (BlacklistStatus.PROPOSED, BlacklistStatus.NOTICED, BlacklistStatus.OBJECTED),
        "repair_apply": own
        and status == BlacklistStatus.ACTIVE
        and not any(r.status == RepairStatus.PENDING for r in repairs),
        "repair_decide": committee and any(r.status == RepairStatus.PENDING for r in repairs),
    }
    return render(
        request,
        "credit/blacklist_detail.html",
        {
            "entry": entry,
            "transitions": entry.transitions.select_related("actor"),
            "evidence": selectors.explained_records(entry.evidence_records.select_related("rule", "fact"), user),
            "repairs": repairs,
            "actions": actions,
            "repair_from": services.repair_possible_from(entry),
            "period_end": entry.period_end(_today()),
            "today": _today(),
            "approve_form": ApproveForm(),
            "note_form": NoteForm(),
            "optional_note_form": OptionalNoteForm(),
            "objection_form": ObjectionForm(),
            "repair_form": RepairForm(),
            "audit_entries": audit_entries_for(entry)[:30] if not own else [],
        },
    )


@login_required
@require_POST
def blacklist_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every workflow step posts here; the service checks role, state and the same-person rule."""
    user: Any = request.user
    entry = get_object_or_404(BlacklistEntry.objects.visible_to(user), pk=pk)
    post, files = request.POST, request.FILES
    with refusal_message(request) as refused:
        if action == "notice":
            services.blacklist_serve_notice(actor=user, entry=entry, note=post.get("note", ""))
            done = _("Prior notice served; the objection window is open.")
        elif action == "object":
            objection_form = ObjectionForm(post)
            if not objection_form.is_valid():
                raise DomainError(_("State the grounds of the objection."), field="objection", code="invalid")
            services.blacklist_object(actor=user, entry=entry, objection=objection_form.cleaned_data["objection"])
            done = _("Objection filed.")
        elif action in ("uphold", "dismiss"):
            services.blacklist_decide_objection(
                actor=user, entry=entry, upheld=action == "uphold", note=post.get("note", "")
            )
            done = _("Decision on the objection recorded.")
        elif action == "approve":
            approve_form = ApproveForm(post)
            if not approve_form.is_valid():
                raise DomainError(
                    " ".join(str(m) for errs in approve_form.errors.values() for m in errs), code="invalid"
                )
            services.blacklist_approve(
                actor=user,
                entry=entry,
                listed_on=approve_form.cleaned_data["listed_on"],
                note=approve_form.cleaned_data["note"],
            )
            done = _("Approved and published.")
        elif action == "reject":
            services.blacklist_reject(actor=user, entry=entry, note=post.get("note", ""))
            done = _("The enterprise will not be listed.")
        elif action == "repair_apply":
            repair_form = RepairForm(post, files)
            if not repair_form.is_valid():
                raise DomainError(_("Describe what has been corrected."), field="statement", code="invalid")
            services.credit_repair_apply(
                actor=user,
                entry=entry,
                statement=repair_form.cleaned_data["statement"],
                evidence_file=repair_form.cleaned_data.get("evidence_file"),
            )
            done = _("Credit repair application submitted.")
        elif action in ("repair_approve", "repair_reject"):
            repair = get_object_or_404(entry.repairs.all(), pk=post.get("repair", "0") or 0)
            services.credit_repair_decide(
                actor=user, repair=repair, approve=action == "repair_approve", note=post.get("note", "")
            )
            done = _("Decision on the credit repair recorded.")
        else:
            raise Http404
    if not refused:
        messages.success(request, done)
    return redirect("credit:blacklist_detail", pk=entry.pk)


@login_required
def repair_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    repair = get_object_or_404(CreditRepair.objects.visible_to(request.user), pk=pk)
    return serve_protected(repair.evidence_file)


# Differentiated supervision ---------------------------------------------------------------------


def supervision(request: HttpRequest) -> HttpResponse:
    """The old due-inspection list moved: the inspection plans of the supervision app show who is due."""
    try:
        target = reverse("supervision:plans")
    except NoReverseMatch:  # the plans page lands with its own change; until then the inspections list
        target = reverse("supervision:inspections")
    return HttpResponsePermanentRedirect(target)


# Departments' feed usage ------------------------------------------------------------------------


@login_required
def feed_usage(request: HttpRequest) -> HttpResponse:
    """Which department key pulled the blacklist/grades, and when (ApiKeyUse, logged by the platform)."""
    if not can(request.user, "credit.see_feed_usage"):
        raise PermissionDenied
    uses = ApiKeyUse.objects.filter(path__startswith="/api/v1/credit/").select_related("department", "key")
    page, query = list_page(request, uses.order_by("-at", "-id"), PAGE_SIZE)
    keys = (
        ApiKey.objects.filter(uses__path__startswith="/api/v1/credit/")
        .select_related("department")
        .annotate(calls=Count("uses"), last_call=Max("uses__at"))
        .order_by("-last_call")
    )
    key_rows: list[Any] = list(keys)  # each key also carries its scopes' labels for the page
    for k in key_rows:
        k.scope_labels = [_scope_label(scope) for scope in k.scopes or []]
    for use in page:
        use.feed_label = _feed_label(use.path)
    return render(request, "credit/feed_usage.html", {"page_obj": page, "query": query, "keys": key_rows})


def _scope_label(scope: str) -> str:
    try:
        return str(ApiScope(scope).label)
    except ValueError:
        return scope


def _feed_label(path: str) -> str:
    """Which feed a request read, in words (the path stays in the row's tooltip)."""
    if path.startswith("/api/v1/credit/blacklist/"):
        return _("Blacklist feed")
    if path.startswith("/api/v1/credit/ratings/"):
        return _("Credit grade feed")
    return _("Other credit request")


# Departments' webhooks -------------------------------------------------------------------------


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    """A department registers the URL its system receives signed change notifications on."""
    user: Any = request.user
    if not can(user, "credit.see_webhooks"):
        raise PermissionDenied
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_into(form) as refused:
            services.webhook_subscription_create(actor=user, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Webhook registered. Verify deliveries with the signing secret shown here."))
            return redirect("credit:webhooks")
    subscriptions = (
        WebhookSubscription.objects.visible_to(user)
        .select_related("department")
        .annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        )
    )
    return render(
        request,
        "credit/webhooks.html",
        {
            "form": form,
            "subscriptions": subscriptions.order_by("-is_active", "name"),
        },
    )


@login_required
@require_POST
def webhook_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription.objects.visible_to(request.user), pk=pk)
    with refusal_message(request) as refused:
        services.webhook_subscription_deactivate(actor=request.user, subscription=subscription)
    if not refused:
        messages.success(request, _("Webhook switched off."))
    return redirect("credit:webhooks")
