"""Web UI of the hazards app: phone-first pages for inspectors, the enterprise portal, dashboards.

Every page reads through `visible_to(request.user)`; objects outside a user's scope are 404.
Writes go through the services; a refused step shows the service's message.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from safety_platform.audit import audit_entries_for
from safety_platform.model_meta import verbose_name_of
from safety_platform.net import client_ip
from safety_platform.pagination import ListPaginator
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.refusals import refusal_into, refusal_message
from safety_platform.uploads import serve_protected

from . import forms as f
from . import selectors, services
from .choices import (
    CheckOutcome,
    StatPeriodKind,
    TransitionAction,
)
from .filtersets import HazardFilterSet, RiskSourceFilterSet
from .location import hazard_position_set
from .models import (
    Campaign,
    Checklist,
    HazardAttachment,
    HazardStatReport,
    RemediationPlan,
    RiskBanding,
    RiskSource,
    SelfCheck,
)
from .models.risk import plain_number
from .views_map import map_node

PAGE_SIZE = 25


def _role(user: Any) -> str:
    return services.actor_role(user)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Hazards --------------------------------------------------------------------------------------


@login_required
def hazard_list(request: HttpRequest) -> HttpResponse:
    filterset = HazardFilterSet(request.GET, queryset=selectors.hazards_visible_to(request.user), request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = ListPaginator(queryset.order_by("-found_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": _query(request),
            "today": timezone.localdate(),
        },
    )


def _login_required_or_401(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`login_required`, except that a report sent from the phone's outbox (fetch) whose login expired
    is answered 401 in JSON: the phone keeps the report and asks for a new login (a redirect to the
    login page would look like a refusal)."""
    page_view = login_required(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and request.headers.get("X-Requested-With") == "fetch":
            login_url = f"{reverse('login')}?{urlencode({'next': request.path})}"
            return JsonResponse({"ok": False, "login_url": login_url}, status=401)
        return page_view(request, *args, **kwargs)

    return wrapped


def _log_with_position(user: Any, data: dict[str, Any]) -> Any:
    """Log the hazard and record where it is (the form checked the pair), in one transaction."""
    with transaction.atomic():
        hazard = services.hazard_log(
            actor=user,
            enterprise=data.get("enterprise") or user.enterprise,
            title=data["title"],
            description=data["description"],
            location=data["location"],
            campaign=data.get("campaign"),
            photos=data["photos"],
            grade=data.get("grade") or "",
            deadline=data.get("deadline"),
            responsible_person=data.get("responsible_person") or "",
            responsible_phone=data.get("responsible_phone") or "",
            client_key=data.get("client_key") or "",
            risk_source=data.get("risk_source"),
        )
        return hazard_position_set(hazard=hazard, latitude=data.get("latitude"), longitude=data.get("longitude"))


@_login_required_or_401
def hazard_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "hazards.log"):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if request.GET.get("enterprise", "").isdecimal():
        initial["enterprise"] = request.GET["enterprise"]
    risk_source = None
    if request.GET.get("risk_source", "").isdecimal():
        risk_source = RiskSource.objects.visible_to(user).filter(pk=request.GET["risk_source"]).first()
        if risk_source is not None:
            initial.update(enterprise=risk_source.enterprise_id, risk_source=risk_source.pk, location=risk_source.name)
    form = f.HazardLogForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            # The phone (wants_json) shows the refusal next to the waiting report, with the status the API
            # would answer; no message is left behind in the session for some later page.
            with refusal_into(form, request=None if wants_json else request, pages=not wants_json) as refused:
                hazard = _log_with_position(user, data)
            if refused and wants_json:
                return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=refused.status)
            if not refused:
                if wants_json:
                    return JsonResponse({"ok": True, "url": hazard.get_absolute_url(), "code": hazard.code})
                messages.success(request, _("Hazard %(code)s registered.") % {"code": hazard.code})
                return redirect(hazard)
        if wants_json:
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
    return render(request, "hazards/form.html", {"form": form, "risk_source": risk_source})


ACTION_FORMS: dict[str, type[Any]] = {
    TransitionAction.ASSESS: f.AssessForm,
    TransitionAction.REPORT: f.NoteForm,
    TransitionAction.LIST: f.NoteForm,
    TransitionAction.START: f.NoteForm,
    TransitionAction.PROGRESS: f.ProgressForm,
    TransitionAction.SUBMIT: f.SubmitForm,
    TransitionAction.CLOSE: f.CloseForm,
    TransitionAction.REJECT: f.RejectForm,
    TransitionAction.REFUSE: f.RequiredNoteForm,
    TransitionAction.EXTEND: f.ExtendForm,
    TransitionAction.VOID: f.VoidForm,
}

ACTION_STYLE: dict[str, str] = {
    TransitionAction.ASSESS: "primary",
    TransitionAction.REPORT: "danger",
    TransitionAction.LIST: "danger",
    TransitionAction.START: "primary",
    TransitionAction.PROGRESS: "secondary",
    TransitionAction.SUBMIT: "success",
    TransitionAction.CLOSE: "success",
    TransitionAction.REJECT: "warning",
    TransitionAction.REFUSE: "outline-danger",
    TransitionAction.EXTEND: "outline-secondary",
    TransitionAction.VOID: "outline-dark",
}


def _action_forms(user: Any, hazard: Any, bound: tuple[str, Any] | None = None) -> list[dict[str, Any]]:
    forms = []
    for action in services.allowed_actions(user, hazard):
        if bound is not None and bound[0] == action:
            form = bound[1]
        else:
            initial = {}
            if action == TransitionAction.ASSESS:
                # The grade and the deadline the rule proposes for it come from the form; the person named
                # when the hazard was logged (also with "assess later") is offered again, with the phone.
                initial = {
                    "responsible_person": hazard.responsible_person,
                    "responsible_phone": hazard.responsible_phone,
                }
            form = ACTION_FORMS[action](initial=initial, prefix=action)
        forms.append(
            {
                "action": action,
                "label": TransitionAction(action).label,
                "form": form,
                "style": ACTION_STYLE[action],
                "multipart": any(isinstance(fld, f.MultipleFileField) for fld in form.fields.values()),
            }
        )
    return forms


def _hazard_context(request: HttpRequest, hazard: Any, bound: tuple[str, Any] | None = None) -> dict[str, Any]:
    user: Any = request.user
    plan = RemediationPlan.objects.filter(hazard=hazard).first()
    return {
        "hazard": hazard,
        "timeline": selectors.hazard_timeline(hazard),
        "plan": plan,
        "plan_missing": plan.missing_labels() if plan else [],
        "can_edit_plan": hazard.is_major
        and hazard.state in services.loop.PLAN_STATES
        and can(user, "hazards.edit_plan"),
        "action_forms": _action_forms(user, hazard, bound),
        "audit_entries": audit_entries_for(hazard)[:30],
        "today": timezone.localdate(),
        "can_see_reporter": can(user, "hazards.see_reporter"),  # kept from the employer
    }


@login_required
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_object_or_404(
        selectors.hazards_visible_to(request.user).select_related("inspector", "risk_source"), pk=pk
    )
    return render(request, "hazards/detail.html", _hazard_context(request, hazard))


@login_required
@require_POST
def hazard_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: Any = request.user
    hazard = get_object_or_404(selectors.hazards_visible_to(user), pk=pk)
    if action not in ACTION_FORMS:
        raise Http404
    if _role(user) not in services.RULES[action].roles:
        raise PermissionDenied
    form = ACTION_FORMS[action](request.POST, request.FILES, prefix=action)
    if form.is_valid():
        with refusal_into(form, request=request) as refused:
            services.hazard_step(action, hazard.pk, user, form.cleaned_data)
        if refused and not refused.on_form:
            return redirect(hazard)
        if not refused:
            messages.success(request, _("Done: %(step)s.") % {"step": TransitionAction(action).label})
            return redirect(hazard)
    hazard.refresh_from_db()
    context = _hazard_context(request, hazard, bound=(action, form))
    context["open_action"] = action
    return render(request, "hazards/detail.html", context, status=400)


@login_required
def hazard_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    hazard = get_object_or_404(selectors.hazards_visible_to(user), pk=pk)
    if not can(user, "hazards.edit_plan"):
        raise PermissionDenied
    plan = RemediationPlan.objects.filter(hazard=hazard).first()
    form = f.PlanForm(request.POST or None, instance=plan, hazard=hazard)
    if request.method == "POST" and form.is_valid():
        with refusal_into(form, request=request) as refused:
            plan = services.remediation_plan_save(
                hazard_id=hazard.pk, actor=user, data=form.cleaned_data, opened=form.opened
            )
        if not refused:
            if plan.is_complete:
                messages.success(request, _("Remediation plan saved; it is complete."))
            else:
                messages.warning(
                    request,
                    _("Plan saved. Still missing: %(m)s.") % {"m": "、".join(str(x) for x in plan.missing_labels())},
                )
            return redirect(hazard)
    return render(request, "hazards/plan_form.html", {"form": form, "hazard": hazard})


@login_required
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    """Stream an attachment only to users who may see its hazard (404 otherwise)."""
    attachment = get_object_or_404(HazardAttachment.objects.visible_to(request.user), pk=pk)
    if request.GET.get("thumb") and attachment.is_image:
        name = services.loop.thumbnail_name(attachment)
        storage = attachment.file.storage
        if storage.exists(name):
            thumb = attachment.file.__class__(attachment, attachment.file.field, name)
            return serve_protected(thumb, download_name=f"thumb-{attachment.pk}.jpg")
    return serve_protected(attachment.file, download_name=attachment.original_name or None)


# Risk sources and the risk map ----------------------------------------------------------------


@login_required
def risk_list(request: HttpRequest) -> HttpResponse:
    base = RiskSource.objects.visible_to(request.user).select_related("enterprise", "banding")
    filterset = RiskSourceFilterSet(request.GET, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    rows = queryset.order_by("enterprise__name", "name", "id")
    page = ListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/risk_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "query": _query(request),
            "today": timezone.localdate(),
            "bandings": RiskBanding.objects.filter(is_active=True).prefetch_related("bands"),
        },
    )


def _risk_form_view(request: HttpRequest, source: RiskSource | None) -> HttpResponse:
    user: Any = request.user
    if not can(user, "hazards.edit_risk"):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if source is not None:
        initial = {
            "enterprise": source.enterprise_id,
            "name": source.name,
            "description": source.description,
            "method": source.method,
            "lec_l": plain_number(source.lec_l) if source.lec_l is not None else "",
            "lec_e": plain_number(source.lec_e) if source.lec_e is not None else "",
            "lec_c": plain_number(source.lec_c) if source.lec_c is not None else "",
            "likelihood": source.likelihood,
            "severity": source.severity,
            "control_measures": source.control_measures,
            "emergency_measures": source.emergency_measures,
            "responsible_person": source.responsible_person,
            "responsible_phone": source.responsible_phone,
            "review_date": source.review_date,
        }
    elif request.GET.get("enterprise", "").isdecimal():
        initial["enterprise"] = request.GET["enterprise"]
    form = f.RiskSourceForm(request.POST or None, user=user, initial=initial, row=source)
    if source is not None and "enterprise" in form.fields:
        form.fields["enterprise"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = source.enterprise if source else (data.get("enterprise") or user.enterprise)
        with refusal_into(form, request=request) as refused:
            source = services.risk_source_save(
                actor=user, enterprise=enterprise, data=data, risk_source=source, opened=form.opened
            )
        if not refused:
            messages.success(request, _("Risk source saved: %(level)s.") % {"level": source.get_level_display()})
            return redirect(source)
    return render(
        request,
        "hazards/risk_form.html",
        {
            "form": form,
            "source": source,
            "bandings": RiskBanding.objects.filter(is_active=True).prefetch_related("bands"),
        },
    )


@login_required
def risk_create(request: HttpRequest) -> HttpResponse:
    return _risk_form_view(request, None)


@login_required
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(RiskSource.objects.visible_to(request.user).select_related("enterprise"), pk=pk)
    return _risk_form_view(request, source)


@login_required
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(
        RiskSource.objects.visible_to(request.user).select_related("enterprise", "banding"), pk=pk
    )
    return render(
        request,
        "hazards/risk_detail.html",
        {
            "source": source,
            "bands": source.banding.describe(),
            "hazards": source.hazards.select_related("enterprise").order_by("-found_at")[:20],
            "audit_entries": audit_entries_for(source)[:20],
        },
    )


def risk_card_public_url(request: HttpRequest, source: RiskSource) -> str:
    """The absolute address the QR code of a risk card opens: PUBLIC_BASE_URL, else the request's host."""
    path = reverse("hazards:card_public", args=[source.card_token])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
def risk_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable risk notice card (岗位风险告知卡) of a risk source, with its QR code."""
    source = get_object_or_404(RiskSource.objects.visible_to(request.user).select_related("enterprise"), pk=pk)
    url = risk_card_public_url(request, source)
    return render(
        request,
        "hazards/risk_card.html",
        {
            "source": source,
            "public_url": url,
            "qr_svg": mark_safe(services.risk_card_qr_svg(url)),  # markup made by segno from the URL alone
        },
    )


@login_required
@require_POST
def risk_card_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    with refusal_message(request) as refused:
        source = services.risk_card_regenerate(actor=request.user, risk_source_id=pk)
    if refused:
        return redirect("hazards:risk_detail", pk=pk)
    messages.success(request, _("A new card code was issued: print the card again; the old cards no longer work."))
    return redirect("hazards:risk_card", pk=source.pk)


@never_cache
@csrf_protect
def card_public(request: HttpRequest, token: Any) -> HttpResponse:
    """The page a worker's phone opens from a posted risk card: the level as it is now, and a report form.

    No login. It shows only what the printed card shows; an unknown or revoked token is a 404.
    """
    source = services.risk_card_find(token)
    if source is None:
        raise Http404
    form = f.CardReportForm()
    status = 200
    throttled = False
    if request.method == "POST":
        throttled = services.card_report_throttled(ip=client_ip(request), token=source.card_token)
        if throttled:
            status = 429
            # Keep what the worker typed, so a later try needs no retyping.
            form = f.CardReportForm(
                initial={name: request.POST.get(name, "")[:1000] for name in ("description", "reporter_name")}
            )
        else:
            form = f.CardReportForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                with refusal_into(form) as refused:
                    services.hazard_report_from_card(
                        risk_source=source,
                        description=data["description"],
                        reporter_name=data["reporter_name"],
                        reporter_phone=data["reporter_phone"],
                        photos=[data["photo"]] if data.get("photo") else [],
                    )
                if not refused:
                    return redirect(f"{request.path}?sent=1")
            status = 400
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    response = render(
        request,
        "hazards/card_public.html",
        {
            "source": source,
            "enterprise_name": source.enterprise.name,
            "form": form,
            "throttled": throttled,
            "sent": request.GET.get("sent") == "1" and request.method == "GET",
        },
        status=status,
    )
    # The token is in the address: keep it out of search engines. The Referer stays same-origin (the
    # platform's default policy); "no-referrer" would make browsers post the form with "Origin: null",
    # which CSRF protection refuses.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


MAP_ENTERPRISES_PAGE = 100


@login_required
def risk_map_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "hazards.see_risk_map"):
        raise PermissionDenied
    node = map_node(request)
    # A grid's own enterprises, a page at a time: 500 of a grid's rows made a 280 KB page for a phone (and the
    # 501st enterprise was never shown).
    page = ListPaginator(selectors.enterprises_at(user, node), MAP_ENTERPRISES_PAGE).get_page(request.GET.get("page"))
    data = selectors.risk_map(user, node, enterprises=list(page.object_list))
    chart = {
        "names": [row.name for row in data["rows"]],
        "ids": [row.jurisdiction.pk for row in data["rows"] if row.jurisdiction],
        "series": {
            level: [row.levels.get(level, 0) for row in data["rows"]] for level in ("red", "orange", "yellow", "blue")
        },
    }
    return render(
        request, "hazards/risk_map.html", {**data, "chart": chart, "page_obj": page, "query": f"node={node.pk}"}
    )


# Campaigns --------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.campaigns_with_stats(request.user).order_by("-starts_on", "-id")
    page = ListPaginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/campaign_list.html",
        {
            "page_obj": page,
            "query": "",
            "today": timezone.localdate(),
        },
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaigns_with_stats(request.user), pk=pk)
    hazards = selectors.hazards_visible_to(request.user).filter(campaign=campaign).order_by("-found_at")
    page = ListPaginator(hazards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/campaign_detail.html",
        {
            "campaign": campaign,
            "industries": campaign.industries.all(),
            "jurisdictions": campaign.jurisdictions.all(),
            "page_obj": page,
            "query": "",
            "today": timezone.localdate(),
        },
    )


def _campaign_form_view(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    user: Any = request.user
    if not can(user, "hazards.edit_campaign", campaign):
        raise PermissionDenied
    initial = {}
    if campaign is not None:
        initial = {
            "name": campaign.name,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "industries": list(campaign.industries.all()),
            "jurisdictions": list(campaign.jurisdictions.all()),
        }
    form = f.CampaignForm(request.POST or None, user=user, initial=initial, row=campaign)
    if request.method == "POST" and form.is_valid():
        with refusal_into(form, request=request) as refused:
            campaign = services.campaign_save(actor=user, data=form.cleaned_data, campaign=campaign, opened=form.opened)
        if not refused:
            messages.success(request, _("Campaign saved."))
            return redirect(campaign)
    return render(request, "hazards/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _campaign_form_view(request, None)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    return _campaign_form_view(request, campaign)


# Enterprise self-checks ---------------------------------------------------------------------


@login_required
def selfcheck_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    checks = (
        SelfCheck.objects.visible_to(user)
        .select_related("enterprise", "checklist", "performed_by")
        .order_by("-performed_at", "-id")
    )
    page = ListPaginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    checklists = []
    if is_enterprise_person(user):
        checklists = list(Checklist.objects.for_industry(user.enterprise.industry).select_related("industry"))
    return render(
        request,
        "hazards/selfcheck_list.html",
        {"page_obj": page, "query": "", "checklists": checklists},
    )


@login_required
def selfcheck_create(request: HttpRequest, checklist_id: int) -> HttpResponse:
    user: Any = request.user
    if not can(user, "hazards.self_check"):
        raise PermissionDenied
    checklist = get_object_or_404(Checklist.objects.for_industry(user.enterprise.industry), pk=checklist_id)
    items = list(checklist.items.filter(is_active=True).order_by("order", "id"))
    form = f.SelfCheckForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = [
            services.Answer(
                item_id=item.pk,
                outcome=data[f"outcome_{item.pk}"],
                note=data.get(f"note_{item.pk}") or "",
                photos=data.get(f"photo_{item.pk}") or [],
            )
            for item in items
        ]
        with refusal_into(form, request=request) as refused:
            check = services.self_check_submit(actor=user, checklist=checklist, answers=answers, note=data["note"])
        if not refused:
            found = sum(1 for a in answers if a.outcome in (CheckOutcome.HAZARD, CheckOutcome.FIXED))
            messages.success(request, _("Self-check recorded; %(n)d hazard(s) registered.") % {"n": found})
            return redirect(check)
    return render(request, "hazards/selfcheck_form.html", {"form": form, "checklist": checklist})


@login_required
def selfcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(
        SelfCheck.objects.visible_to(request.user).select_related("enterprise", "checklist", "performed_by"), pk=pk
    )
    answers = check.answers.select_related("item", "hazard").order_by("item__order", "id")
    return render(request, "hazards/selfcheck_detail.html", {"check": check, "answers": answers})


# Statistics -------------------------------------------------------------------------------------


def _recent_periods(today: dt.date) -> list[tuple[str, str]]:
    periods = []
    year, quarter = services.previous_period(today, StatPeriodKind.QUARTER)
    for _i in range(4):
        periods.append((f"quarter:{year}:{quarter}", f"{year}Q{quarter}"))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    periods.append((f"year:{today.year - 1}:0", _("%(y)s (annual)") % {"y": today.year - 1}))
    return periods


@login_required
def stats_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    reports = selectors.stat_reports_visible_to(user).order_by("-period_end", "enterprise__name")
    status = request.GET.get("status", "")
    if status in ("draft", "submitted"):
        reports = reports.filter(status=status)
    page = ListPaginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    year, quarter = services.previous_period(today, StatPeriodKind.QUARTER)
    generate_form = f.StatGenerateForm(periods=_recent_periods(today)) if is_enterprise_person(user) else None
    return render(
        request,
        "hazards/stats_list.html",
        {
            "page_obj": page,
            "query": _query(request),
            "generate_form": generate_form,
            "summary": selectors.stat_filing_summary(user, kind=StatPeriodKind.QUARTER, year=year, quarter=quarter),
            "summary_period": f"{year}Q{quarter}",
            "status": status,
        },
    )


@login_required
@require_POST
def stats_generate(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "hazards.file_statistics"):
        raise PermissionDenied
    form = f.StatGenerateForm(request.POST, periods=_recent_periods(timezone.localdate()))
    if not form.is_valid():
        messages.error(request, _("Choose a period."))
        return redirect("hazards:stats_list")
    kind, year, quarter = form.cleaned_data["period"].split(":")
    report = services.stat_report_get_or_create(
        enterprise=user.enterprise, kind=kind, year=int(year), quarter=int(quarter)
    )
    return redirect(report)


@login_required
def stats_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    report = get_object_or_404(selectors.stat_reports_visible_to(user), pk=pk)
    form = f.NoteForm(request.POST or None)
    if request.method == "POST":
        if not can(user, "hazards.file_statistics"):
            raise PermissionDenied
        if form.is_valid():
            with refusal_into(form, request=request) as refused:
                report = services.stat_report_submit(report_id=report.pk, actor=user, note=form.cleaned_data["note"])
            if not refused:
                if report.was_late:
                    messages.warning(request, _("Statistics submitted late; the late filing is in your credit record."))
                else:
                    messages.success(request, _("Statistics submitted on time."))
                return redirect(report)
    # Read-only on GET: a draft shows the figures as the records stand now; nothing is written until filed.
    values = selectors.stat_report_figures(report)
    figures = [(verbose_name_of(HazardStatReport, name), value) for name, value in values.items()]
    filing_state = selectors.stat_report_filing_state(report)
    return render(
        request,
        "hazards/stats_detail.html",
        {
            "report": report,
            "figures": figures,
            "form": form,
            "filing_state": filing_state,
            "can_submit": is_enterprise_person(user) and filing_state in ("due", "late"),
        },
    )


# Plausibility ---------------------------------------------------------------------------------


@login_required
def plausibility_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "hazards.see_plausibility"):
        raise PermissionDenied
    return render(
        request,
        "hazards/plausibility.html",
        {
            "silent": selectors.plausibility_silent_enterprises(user, limit=100),
            "vague": selectors.plausibility_vague_hazards(user)[:100],
            "no_deadline": selectors.plausibility_no_deadline(user)[:100],
            "window_days": selectors.ZERO_SELF_REPORT_WINDOW_DAYS,
            "min_found": selectors.ZERO_SELF_REPORT_MIN_FOUND,
            "unassessed_days": selectors.UNASSESSED_DAYS,
        },
    )


# Enterprise panel and home widgets (context builders) -------------------------------------------


def enterprise_panel_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any]:
    return {
        "enterprise": enterprise,
        "hazards": selectors.hazards_open_for_enterprise(request.user, enterprise)[:10],
        "counts": selectors.hazard_counts(request.user, enterprise=enterprise),
        "risk_counts": selectors.risk_level_counts(request.user, enterprise=enterprise),
        "can_log": can(request.user, "hazards.log"),
        "can_edit_risk": can(request.user, "hazards.edit_risk"),
        "today": timezone.localdate(),
    }


def home_widget_context(request: HttpRequest) -> dict[str, Any]:
    return {"counts": selectors.hazard_counts(request.user), "role": _role(request.user)}
