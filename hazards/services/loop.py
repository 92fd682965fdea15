"""The hazard closed loop: registration and every transition, each recorded and locked.

Every state change goes through `_transition`: inside one transaction it locks the hazard row
(`select_for_update`), checks the actor's role and scope and the source state, applies the change,
writes the append-only transition record with its attachments, and registers follow-up work with
`transaction.on_commit`. Two users acting on the same hazard at once therefore serialize on the row
lock: the second sees the state the first left and is refused with a DomainError (API 409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import FactKind, Role
from safety_platform.concurrency import Opened, check_opened
from safety_platform.dates import is_future
from safety_platform.locking import lock_found
from safety_platform.models import Jurisdiction
from safety_platform.permissions import AREA_ROLES, COMMITTEE_OFFICE_ROLES, INSPECTOR_ROLES, SITE_ROLES, can
from safety_platform.rules import rule_number
from safety_platform.services import (
    DomainError,
    committee_office_users,
    county_office_users,
    deadline_cancel,
    deadline_met,
    deadline_open,
    department_users,
    enterprise_users,
    fact_record,
    notify,
    required_text,
    responsible_inspectors,
)
from safety_platform.tasks_util import enqueue
from safety_platform.uploads import IMAGE, OFFICE, PDF, validate_upload

from ..choices import (
    DEADLINE_RECTIFICATION,
    DEADLINE_VERIFICATION,
    OPEN_STATES,
    SELF_REPORTED_SOURCES,
    AttachmentKind,
    HazardGrade,
    HazardSource,
    HazardState,
    TransitionAction,
    VoidKind,
)
from ..legal_numbers import VERIFICATION_DAYS
from ..models import Campaign, Hazard, HazardAttachment, HazardCodeCounter, HazardTransition, RemediationPlan

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EARLIEST_FOUND_ON = dt.date(2000, 1, 1)  # no record of this platform goes back further
RECTIFICATION_BASIS = "《安全生产事故隐患排查治理暂行规定》(国家安全监管总局令第16号)"
# The rectification deadline (限期整改) proposed when a hazard is graded; the inspector may set another. A
# general hazard is small and fixable at once (SAWS Order 16); a major one needs a plan, funds, often a stop.
RECTIFICATION_DAYS: dict[str, int] = {HazardGrade.GENERAL: 15, HazardGrade.MAJOR: 60}
SYSTEM = "system"

Upload = Any  # an UploadedFile (or any file object with name/size/read/seek)
FileSpec = tuple[Upload, str]  # (file, AttachmentKind)


@dataclass(frozen=True)
class Rule:
    """Who may take an action, and from which states."""

    sources: frozenset[str]
    target: str | None  # None: the state does not change (a recorded step within the state)
    roles: frozenset[str]


S = HazardState

# The roles are the permission module's role groups (safety_platform/permissions.py), never written here.
RULES: dict[str, Rule] = {
    TransitionAction.ASSESS: Rule(frozenset({S.REGISTERED}), S.ASSESSED, SITE_ROLES),
    TransitionAction.REPORT: Rule(frozenset({S.ASSESSED}), S.REPORTED, SITE_ROLES),
    # Listed supervision (挂牌督办): the city's committee for any hazard, a county office for its county's (scope).
    TransitionAction.LIST: Rule(frozenset({S.REPORTED, S.RECTIFYING}), None, COMMITTEE_OFFICE_ROLES),
    TransitionAction.START: Rule(frozenset({S.ASSESSED, S.REPORTED}), S.RECTIFYING, SITE_ROLES),
    TransitionAction.PROGRESS: Rule(frozenset({S.RECTIFYING}), None, SITE_ROLES),
    TransitionAction.SUBMIT: Rule(frozenset({S.RECTIFYING}), S.REMEDIATED, SITE_ROLES),
    TransitionAction.CLOSE: Rule(frozenset({S.REMEDIATED}), S.CLOSED, INSPECTOR_ROLES),
    TransitionAction.REJECT: Rule(frozenset({S.REMEDIATED}), S.RECTIFYING, INSPECTOR_ROLES),
    TransitionAction.REFUSE: Rule(frozenset({S.ASSESSED, S.REPORTED, S.RECTIFYING}), None, INSPECTOR_ROLES),
    TransitionAction.EXTEND: Rule(frozenset({S.ASSESSED, S.REPORTED, S.RECTIFYING}), None, INSPECTOR_ROLES),
    # The authorities void a worker's risk-card report (spam, a duplicate, unfounded); never the enterprise,
    # which could otherwise hide the reports against it. Inspectors only within their jurisdictions (scope).
    TransitionAction.VOID: Rule(OPEN_STATES, S.VOIDED, AREA_ROLES),
}


# Principals ----------------------------------------------------------------------------------


def actor_role(actor: Any) -> str:
    """The role a principal acts in: a user's role, "api" for API keys, "system" for services."""
    if actor is None:
        return SYSTEM
    if getattr(actor, "api_key", None) is not None:
        return "api"
    if getattr(actor, "is_superuser", False):
        return Role.ADMIN
    return str(getattr(actor, "role", ""))


def _actor_fields(actor: Any, label: str = "") -> dict[str, Any]:
    User = get_user_model()
    if isinstance(actor, User):
        return {"actor": actor, "actor_label": label}
    if actor is not None:
        return {"actor": None, "actor_label": (label or str(actor))[:100]}
    return {"actor": None, "actor_label": label[:100]}


def action_refusal(actor: Any, hazard: Hazard, action: str) -> DomainError | None:
    """Why `actor` may not take `action` on `hazard` now (None = allowed), as the error to raise.

    code "forbidden" when the actor's role may never do this to this hazard (the API answers 403);
    "conflict" when the hazard is not in a state that allows it, or a code naming the rule that refuses
    (e.g. "hazard_not_major") — the API answers 409 with that code.
    """
    rule = RULES[action]
    role = actor_role(actor)
    forbidden = _("Your role may not do this.")
    if role not in rule.roles:
        return DomainError(forbidden, code="forbidden")
    if role == Role.ENTERPRISE and getattr(actor, "enterprise_id", None) != hazard.enterprise_id:
        return DomainError(forbidden, code="forbidden")
    if action == TransitionAction.ASSESS and role == Role.ENTERPRISE and hazard.source not in SELF_REPORTED_SOURCES:
        return DomainError(_("Hazards found by the regulator are assessed by an inspector."), code="forbidden")
    if action == TransitionAction.VOID and hazard.source != HazardSource.WORKER_REPORT:
        # The role may void; this hazard is not voidable (the API answers 409).
        return DomainError(_("Only a worker's report from a risk card can be voided."), code="hazard_not_voidable")
    if hazard.state not in rule.sources:
        return DomainError(
            _("This hazard is “%(state)s”: “%(action)s” is possible only when it is %(states)s.")
            % {
                "state": hazard.get_state_display(),
                "action": TransitionAction(action).label,
                "states": " / ".join(str(HazardState(s).label) for s in sorted(rule.sources)),
            },
            code="conflict",
        )
    if action in (TransitionAction.REPORT, TransitionAction.LIST) and hazard.grade != HazardGrade.MAJOR:
        return DomainError(_("Only a major hazard is reported and listed."), code="hazard_not_major")
    if action == TransitionAction.LIST and hazard.is_listed:
        return DomainError(_("This hazard is already under listed supervision."), code="hazard_already_listed")
    if action == TransitionAction.START and hazard.grade == HazardGrade.MAJOR and hazard.state == S.ASSESSED:
        return DomainError(
            _("A major hazard must be reported with its remediation plan before remediation starts."),
            code="major_hazard_not_reported",
        )
    return None


def action_blocker(actor: Any, hazard: Hazard, action: str) -> str | None:
    """The message of `action_refusal` (None = allowed)."""
    refusal = action_refusal(actor, hazard, action)
    return refusal.message if refusal else None


def allowed_actions(actor: Any, hazard: Hazard) -> list[str]:
    return [action for action in RULES if action_blocker(actor, hazard, action) is None]


# Registration --------------------------------------------------------------------------------


def _region_code(enterprise: Any) -> str:
    """GB/T 2260 code of the most specific coded jurisdiction above the enterprise (its county)."""
    code = (
        Jurisdiction.objects.filter(pk__in=enterprise.jurisdiction.ancestor_ids, code__isnull=False)
        .exclude(code="")
        .order_by("-path")
        .values_list("code", flat=True)
        .first()
    )
    return code or "350800"


def _next_code(region: str, year: int) -> str:
    """Issue the next readable code. The counter row stays locked until the registration commits."""
    counters = HazardCodeCounter.objects.filter(region=region, year=year)
    if not counters.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                HazardCodeCounter.objects.create(region=region, year=year, last=1)
        except IntegrityError:  # a concurrent first registration of the year created it
            counters.update(last=F("last") + 1)
    serial = counters.values_list("last", flat=True).get()
    return f"YH-{region}-{year}-{serial:06d}"


def _validate_files(files: Iterable[FileSpec]) -> list[tuple[Upload, str, str]]:
    checked = []
    for upload, kind in files:
        kinds = (IMAGE, PDF, OFFICE) if kind == AttachmentKind.DOCUMENT else (IMAGE,)
        try:
            ext = validate_upload(upload, kinds=kinds)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="files", code="invalid") from exc
        checked.append((upload, kind, ext))
    return checked


def _attach(
    hazard: Hazard, transition: HazardTransition, files: Sequence[tuple[Upload, str, str]], by: Any
) -> list[int]:
    User = get_user_model()
    ids = []
    for upload, kind, ext in files:
        attachment = HazardAttachment(
            hazard=hazard,
            transition=transition,
            kind=kind,
            original_name=str(getattr(upload, "name", "") or "")[-200:],
            size=int(getattr(upload, "size", 0) or 0),
            uploaded_by=by if isinstance(by, User) else None,
        )
        # The stored name is random (random_upload_path via upload_to); only the checked extension is kept.
        attachment.file.save(f"upload.{ext}", upload, save=False)
        attachment.save()
        ids.append(attachment.pk)
    if ids:
        from ..tasks import attachments_make_thumbnails

        enqueue(attachments_make_thumbnails, ids)
    return ids


def hazard_register(
    *,
    enterprise: Any,
    title: str,
    description: str,
    source: str,
    reported_by: Any = None,
    location: str = "",
    found_at: dt.datetime | None = None,
    external_key: str | None = None,
    actor_label: str = "",
    campaign: Campaign | None = None,
    risk_source: Any = None,
    files: Sequence[FileSpec] = (),
) -> tuple[Hazard, bool]:
    """Register a hazard (登记) found by any channel; idempotent per (source, external_key).

    The cross-app contract: joint inspections and equipment matching call exactly this. Callers are
    trusted services (no role check here); web and API views check the user first.
    Returns (hazard, created); a repeat with the same (source, external_key) returns the existing one.
    The app's own channels also name the actor for the history (`actor_label`), the campaign, the risk source and
    the files checked and attached in the same transaction.
    """
    if source not in HazardSource.values:
        raise DomainError(_("Unknown hazard source “%(s)s”.") % {"s": source}, field="source", code="invalid")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Describe the hazard in a few words."), field="title", code="invalid")
    if external_key is not None:
        external_key = str(external_key).strip()[:200] or None
    if external_key is not None:
        existing = Hazard.objects.filter(source=source, external_key=external_key).first()
        if existing is not None:
            return existing, False
    found_at = found_at or timezone.now()
    if is_future(found_at):
        raise DomainError(_("A hazard cannot be found in the future."), field="found_at", code="invalid")
    if timezone.localtime(found_at).date() < EARLIEST_FOUND_ON:
        # A typo in the year ("0156-02-18"): it would number the hazard in year 156, and a time before 1901
        # in Asia/Shanghai has a local-mean-time offset (+08:05:43) that is no valid RFC 3339 date-time.
        raise DomainError(
            _("A hazard cannot have been found before %(day)s.") % {"day": EARLIEST_FOUND_ON.isoformat()},
            field="found_at",
            code="invalid",
        )
    checked = _validate_files(files)
    User = get_user_model()
    reporter = reported_by if isinstance(reported_by, User) else None
    try:
        with transaction.atomic():
            hazard = Hazard.objects.create(
                code=_next_code(_region_code(enterprise), timezone.localtime(found_at).year),
                enterprise=enterprise,
                title=title[:200],
                description=(description or "").strip(),
                location=(location or "").strip()[:200],
                source=source,
                external_key=external_key,
                found_at=found_at,
                reported_by=reporter,
                inspector=reporter if reporter is not None and reporter.role == Role.INSPECTOR else None,
                campaign=campaign,
                risk_source=risk_source,
            )
            transition = HazardTransition.objects.create(
                hazard=hazard,
                action=TransitionAction.REGISTER,
                from_state="",
                to_state=HazardState.REGISTERED,
                details={"source": source, **({"external_key": external_key} if external_key else {})},
                **_actor_fields(reported_by, actor_label or (str(HazardSource(source).label) if not reporter else "")),
            )
            _attach(hazard, transition, checked, reported_by)
            if hazard.inspector is not None and source in (HazardSource.INSPECTION, HazardSource.JOINT_INSPECTION):
                # An inspector logging a hazard on site is an inspection visit: credit's due-inspection
                # list reads it (one visit per enterprise, inspector and day).
                fact_record(
                    kind=FactKind.INSPECTION_CONDUCTED,
                    dedup_key=f"inspection:{enterprise.pk}:{timezone.localdate(found_at)}:{hazard.inspector.pk}",
                    occurred_at=found_at,
                    enterprise=enterprise,
                    source=hazard,
                    payload={"inspector_id": hazard.inspector.pk, "hazard_id": hazard.pk, "note": hazard.code},
                )
    except IntegrityError:
        # A concurrent registration with the same (source, external_key) won the unique constraint.
        if external_key is None:
            raise
        return Hazard.objects.get(source=source, external_key=external_key), False
    return hazard, True


def hazard_log(
    *,
    actor: Any,
    enterprise: Any,
    title: str,
    description: str = "",
    location: str = "",
    found_at: dt.datetime | None = None,
    campaign: Campaign | None = None,
    photos: Sequence[Upload] = (),
    grade: str = "",
    deadline: dt.date | None = None,
    responsible_person: str = "",
    responsible_phone: str = "",
    client_key: str = "",
    risk_source: Any = None,
) -> Hazard:
    """An inspector logs a hazard on site, or an enterprise self-reports one, with photos.

    An inspector may assess it in the same step (grade, deadline, responsible person). `client_key`
    is generated by the browser for the draft, so a submission retried after a dropped connection
    returns the hazard the first attempt created instead of a duplicate.
    """
    from enterprises.models import Enterprise

    role = actor_role(actor)
    if role == Role.INSPECTOR:
        source = HazardSource.INSPECTION
    elif role == Role.ENTERPRISE:
        source = HazardSource.SELF_CHECK
    else:
        raise DomainError(_("Only inspectors and enterprises log hazards."), code="forbidden")
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise DomainError(_("This enterprise is outside your scope."), field="enterprise", code="forbidden")
    if campaign is not None and not _campaign_covers(campaign, enterprise, found_at):
        raise DomainError(
            _("The campaign “%(c)s” does not cover this enterprise at that date.") % {"c": campaign},
            field="campaign",
            code="invalid",
        )
    if risk_source is not None and risk_source.enterprise_id != enterprise.pk:
        raise DomainError(_("This risk source belongs to another enterprise."), field="risk_source", code="invalid")
    client_key = (client_key or "").strip()[:64]
    with transaction.atomic():
        hazard, created = hazard_register(
            enterprise=enterprise,
            title=title,
            description=description,
            source=source,
            reported_by=actor,
            location=location,
            found_at=found_at,
            external_key=f"web:{actor.pk}:{client_key}" if client_key else None,
            campaign=campaign,
            risk_source=risk_source,
            files=[(photo, AttachmentKind.PHOTO) for photo in photos],
        )
        if not created:
            return hazard
        if not grade and (responsible_person.strip() or responsible_phone.strip()):
            # "Assess later" still keeps who was named on site: the assessment form offers them again.
            hazard.responsible_person = responsible_person.strip()[:60]
            hazard.responsible_phone = responsible_phone.strip()[:30]
            hazard.save(update_fields=["responsible_person", "responsible_phone", "updated_at"])
        if grade:
            hazard = hazard_assess(
                hazard_id=hazard.pk,
                actor=actor,
                grade=grade,
                deadline=deadline,
                responsible_person=responsible_person,
                responsible_phone=responsible_phone,
            )
    return hazard


def _campaign_covers(campaign: Campaign, enterprise: Any, found_at: dt.datetime | None) -> bool:
    day = timezone.localtime(found_at).date() if found_at else timezone.localdate()
    if not (campaign.starts_on <= day <= campaign.ends_on):
        return False
    return Campaign.objects.filter(pk=campaign.pk).covering(enterprise).exists()


# Transitions ---------------------------------------------------------------------------------


def _enterprise_users(hazard: Hazard) -> Any:
    return enterprise_users(hazard.enterprise_id)


def _local_inspectors(hazard: Hazard) -> list[Any]:
    return responsible_inspectors(hazard.enterprise.jurisdiction, hazard.inspector if hazard.inspector_id else None)


def _transition(
    *,
    hazard_id: int,
    action: str,
    actor: Any,
    note: str = "",
    files: Sequence[FileSpec] = (),
    apply: Callable[[Hazard, dict[str, Any]], None] | None = None,
    require_note: bool = False,
    require_files: bool = False,
) -> Hazard:
    note = (note or "").strip()
    if require_note and not note:
        raise DomainError(_("Give a note for this step."), field="note", code="invalid")
    if require_files and not files:
        raise DomainError(_("Attach at least one photo or document."), field="files", code="invalid")
    checked = _validate_files(files)
    with transaction.atomic():
        queryset = Hazard.objects.all() if actor is None else Hazard.objects.visible_to(actor)
        # Lock only the hazard row (of=self): the scope filter joins enterprise and jurisdiction rows,
        # which other transitions must stay free to read.
        hazard = lock_found(
            queryset.select_related("enterprise", "enterprise__jurisdiction", "inspector"),
            hazard_id,
            message=_("Hazard not found."),
        )
        refusal = action_refusal(actor, hazard, action)
        if refusal is not None:
            raise refusal
        from_state = hazard.state
        details: dict[str, Any] = {}
        if apply is not None:
            apply(hazard, details)
        rule = RULES[action]
        if rule.target is not None:
            hazard.state = rule.target
        hazard.save()
        transition = HazardTransition.objects.create(
            hazard=hazard,
            action=action,
            from_state=from_state,
            to_state=hazard.state,
            note=note,
            details=details,
            **_actor_fields(actor),
        )
        _attach(hazard, transition, checked, actor)
        _after_transition(hazard, transition)
    return hazard


def _after_transition(hazard: Hazard, transition: HazardTransition) -> None:
    """Notifications, facts and clocks of a step, written in the step's transaction.

    Notifications are rows in the same database, so writing them here makes them atomic with the
    step: a report of a major hazard can never be recorded without its notification (no outbox needed).
    """
    action = transition.action
    url = hazard.get_absolute_url()
    key = f"hazard:{hazard.pk}:{action}:{transition.pk}"
    label = f"{hazard.code} {hazard.title}"

    def tell(recipients: Iterable[Any], title: str, *, category: str = "hazard", dedup_key: str = key) -> None:
        notify(
            recipients=recipients, title=title, body=transition.note, url=url, category=category, dedup_key=dedup_key
        )

    if action == TransitionAction.ASSESS:
        tell(
            _enterprise_users(hazard), _("Rectify by %(date)s: %(hazard)s") % {"date": hazard.deadline, "hazard": label}
        )
    elif action == TransitionAction.REPORT:
        recipients = [
            *department_users(hazard.enterprise.supervising_department_id),
            *committee_office_users(),
            *county_office_users(hazard.enterprise.jurisdiction),
        ]
        title = _("Major hazard reported: %(hazard)s (%(enterprise)s)") % {
            "hazard": label,
            "enterprise": hazard.enterprise.name,
        }
        tell(recipients, title, category="major_hazard", dedup_key=f"hazard:{hazard.pk}:reported")
    elif action == TransitionAction.LIST:
        recipients = [*_enterprise_users(hazard), *_local_inspectors(hazard)]
        title = _("Listed supervision (挂牌督办): %(hazard)s") % {"hazard": label}
        tell(recipients, title, category="major_hazard", dedup_key=f"hazard:{hazard.pk}:listed")
    elif action == TransitionAction.SUBMIT:
        tell(_local_inspectors(hazard), _("Remediation to verify: %(hazard)s") % {"hazard": label})
    elif action in (TransitionAction.REJECT, TransitionAction.CLOSE, TransitionAction.REFUSE, TransitionAction.EXTEND):
        titles: dict[str, StrOrPromise] = {
            TransitionAction.REJECT: _("Verification failed, remediate again: %(hazard)s"),
            TransitionAction.CLOSE: _("Hazard closed out: %(hazard)s"),
            TransitionAction.REFUSE: _("Refusal to rectify recorded: %(hazard)s"),
            TransitionAction.EXTEND: _("Deadline extended to %(date)s: %(hazard)s"),
        }
        tell(_enterprise_users(hazard), titles[action] % {"hazard": label, "date": hazard.deadline})


def _open_hazard_clock(hazard: Hazard, kind: str, title: str, due_at: dt.datetime) -> None:
    """A statutory clock of the hazard (rectification, verification): its enterprise's, the inspector answers."""
    deadline_open(
        source=hazard,
        kind=kind,
        title=title,
        due_at=due_at,
        enterprise=hazard.enterprise,
        responsible=hazard.inspector,
        url=hazard.get_absolute_url(),
        legal_basis=RECTIFICATION_BASIS,
    )


def _open_rectification_clock(hazard: Hazard) -> None:
    if hazard.deadline is None:
        return
    title = _("Rectify hazard %(code)s: %(title)s") % {"code": hazard.code, "title": hazard.title[:120]}
    _open_hazard_clock(hazard, DEADLINE_RECTIFICATION, title, hazard.due_at)  # type: ignore[arg-type]


def proposed_deadline(grade: str, *, today: dt.date | None = None) -> dt.date | None:
    """The rectification deadline the rule proposes for a grade (None before the hazard is graded)."""
    days = RECTIFICATION_DAYS.get(grade)
    return None if days is None else (today or timezone.localdate()) + dt.timedelta(days=days)


def _check_deadline(deadline: dt.date | None, *, field: str = "deadline") -> dt.date:
    if deadline is None:
        raise DomainError(_("Set a rectification deadline."), field=field, code="invalid")
    if deadline < timezone.localdate():
        raise DomainError(_("The deadline cannot be in the past."), field=field, code="invalid")
    return deadline


def hazard_assess(
    *,
    hazard_id: int,
    actor: Any,
    grade: str,
    deadline: dt.date | None,
    responsible_person: str,
    responsible_phone: str = "",
    note: str = "",
) -> Hazard:
    """评估: grade the hazard, set the rectification deadline (限期整改) and the responsible person."""
    if grade not in HazardGrade.values:
        raise DomainError(_("Choose general or major."), field="grade", code="invalid")
    deadline = _check_deadline(deadline)
    if not (responsible_person or "").strip():
        raise DomainError(
            _("Name the person responsible for the remediation."), field="responsible_person", code="invalid"
        )

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        hazard.grade = grade
        hazard.deadline = deadline
        hazard.responsible_person = responsible_person.strip()[:60]
        hazard.responsible_phone = (responsible_phone or "").strip()[:30]
        hazard.assessed_at = timezone.now()
        if actor_role(actor) == Role.INSPECTOR and hazard.inspector_id is None:
            hazard.inspector = actor
        details.update({"grade": grade, "deadline": deadline.isoformat(), "responsible_person": responsible_person})
        _open_rectification_clock(hazard)

    return _transition(hazard_id=hazard_id, action=TransitionAction.ASSESS, actor=actor, note=note, apply=apply)


def hazard_report(*, hazard_id: int, actor: Any, note: str = "") -> Hazard:
    """报告: a major hazard is reported to its supervising department and the committee office."""

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        plan = RemediationPlan.objects.filter(hazard=hazard).first()
        if plan is None or not plan.is_complete:
            missing = plan.missing_labels() if plan else [RemediationPlan._meta.verbose_name]
            raise DomainError(
                _("The remediation plan is incomplete: %(missing)s.") % {"missing": "、".join(str(m) for m in missing)},
                field="plan",
                code="plan_incomplete",
            )
        hazard.reported_at = timezone.now()
        details["plan_id"] = plan.pk

    return _transition(hazard_id=hazard_id, action=TransitionAction.REPORT, actor=actor, note=note, apply=apply)


def hazard_list_supervision(*, hazard_id: int, actor: Any, note: str = "") -> Hazard:
    """挂牌督办: the committee office puts a major hazard under listed supervision."""

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        hazard.is_listed = True

    return _transition(hazard_id=hazard_id, action=TransitionAction.LIST, actor=actor, note=note, apply=apply)


def hazard_start(*, hazard_id: int, actor: Any, note: str = "") -> Hazard:
    """治理: remediation starts (a major hazard only with a complete plan, after its report)."""

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        if hazard.grade == HazardGrade.MAJOR:
            plan = RemediationPlan.objects.filter(hazard=hazard).first()
            if plan is None or not plan.is_complete:
                raise DomainError(
                    _("A major hazard needs a complete remediation plan first."), field="plan", code="plan_incomplete"
                )

    return _transition(hazard_id=hazard_id, action=TransitionAction.START, actor=actor, note=note, apply=apply)


def hazard_progress(*, hazard_id: int, actor: Any, note: str = "", photos: Sequence[Upload] = ()) -> Hazard:
    """监控: a progress update during remediation, with photos."""
    if not (note or "").strip() and not photos:
        raise DomainError(_("Describe the progress or attach a photo."), field="note", code="invalid")
    return _transition(
        hazard_id=hazard_id,
        action=TransitionAction.PROGRESS,
        actor=actor,
        note=note,
        files=[(p, AttachmentKind.PROGRESS) for p in photos],
    )


def hazard_submit(
    *,
    hazard_id: int,
    actor: Any,
    note: str = "",
    before: Sequence[Upload] = (),
    after: Sequence[Upload] = (),
    documents: Sequence[Upload] = (),
) -> Hazard:
    """治理完成: the enterprise submits evidence (before/after photos, documents) for verification."""
    files = [
        *[(f, AttachmentKind.BEFORE) for f in before],
        *[(f, AttachmentKind.AFTER) for f in after],
        *[(f, AttachmentKind.DOCUMENT) for f in documents],
    ]

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        hazard.submitted_at = timezone.now()
        details["on_time"] = hazard.deadline is None or timezone.localdate() <= hazard.deadline
        deadline_met(source=hazard, kind=DEADLINE_RECTIFICATION)
        # Fujian practice: verification and closing (核销) within the rule book's days of the request (10).
        window = rule_number(VERIFICATION_DAYS, on=timezone.localdate())
        hazard.verification_rule_version = window.version
        title = _("Verify and close hazard %(code)s") % {"code": hazard.code}
        _open_hazard_clock(hazard, DEADLINE_VERIFICATION, title, timezone.now() + dt.timedelta(days=window.days))

    return _transition(
        hazard_id=hazard_id,
        action=TransitionAction.SUBMIT,
        actor=actor,
        note=note,
        files=files,
        apply=apply,
        require_files=True,
    )


def _hazard_fact(hazard: Hazard, kind: str, event: str, *, at: dt.datetime | None = None, **payload: Any) -> bool:
    """Record the platform fact of a hazard's `event` (at `at`, now by default), once: its dedup key is the hazard's
    and the event's. The payload names the hazard (id and code) besides what is given. True if newly recorded."""
    _fact, created = fact_record(
        kind=kind,
        dedup_key=f"hazard:{hazard.pk}:{event}",
        occurred_at=at or timezone.now(),
        enterprise=hazard.enterprise,
        source=hazard,
        payload={"hazard_id": hazard.pk, "code": hazard.code, **payload},
    )
    return created


def hazard_close(*, hazard_id: int, actor: Any, note: str = "", photos: Sequence[Upload] = ()) -> Hazard:
    """销账: an inspector verifies the remediation on site and closes the hazard out."""

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        now = timezone.now()
        hazard.closed_at = now
        deadline_met(source=hazard)
        on_time = hazard.submitted_at is not None and (
            hazard.deadline is None or timezone.localtime(hazard.submitted_at).date() <= hazard.deadline
        )
        due_at = hazard.due_at.isoformat() if hazard.due_at else None
        _hazard_fact(
            hazard, FactKind.HAZARD_CLOSED, "closed", at=now, grade=hazard.grade, on_time=on_time, due_at=due_at
        )

    return _transition(
        hazard_id=hazard_id,
        action=TransitionAction.CLOSE,
        actor=actor,
        note=note,
        files=[(p, AttachmentKind.PHOTO) for p in photos],
        apply=apply,
    )


def hazard_reject(*, hazard_id: int, actor: Any, note: str, new_deadline: dt.date | None = None) -> Hazard:
    """Failed verification: the hazard goes back to remediation with the reason."""
    if new_deadline is not None:
        _check_deadline(new_deadline, field="new_deadline")

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        if new_deadline is not None:
            details.update({"old_deadline": hazard.deadline.isoformat() if hazard.deadline else None})
            hazard.deadline = new_deadline
            details["deadline"] = new_deadline.isoformat()
        hazard.submitted_at = None
        deadline_met(source=hazard, kind=DEADLINE_VERIFICATION)
        # The rectification clock runs again (already overdue if the deadline has passed).
        _open_rectification_clock(hazard)

    return _transition(
        hazard_id=hazard_id, action=TransitionAction.REJECT, actor=actor, note=note, apply=apply, require_note=True
    )


def hazard_refuse(*, hazard_id: int, actor: Any, note: str) -> Hazard:
    """An inspector records that the enterprise refuses to rectify (a credit fact)."""

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        _hazard_fact(hazard, FactKind.RECTIFICATION_REFUSED, "refused", grade=hazard.grade, note=note[:500])

    return _transition(
        hazard_id=hazard_id, action=TransitionAction.REFUSE, actor=actor, note=note, apply=apply, require_note=True
    )


def hazard_extend(*, hazard_id: int, actor: Any, deadline: dt.date | None, note: str) -> Hazard:
    """An inspector extends the rectification deadline (延期), with the reason."""
    deadline = _check_deadline(deadline)

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        if hazard.deadline is not None and deadline <= hazard.deadline:
            raise DomainError(
                _("The new deadline must be later than the current one."), field="deadline", code="invalid"
            )
        details.update({"old_deadline": hazard.deadline.isoformat() if hazard.deadline else None})
        hazard.deadline = deadline
        details["deadline"] = deadline.isoformat()
        _open_rectification_clock(hazard)

    return _transition(
        hazard_id=hazard_id, action=TransitionAction.EXTEND, actor=actor, note=note, apply=apply, require_note=True
    )


def hazard_void(*, hazard_id: int, actor: Any, kind: str, reason: str) -> Hazard:
    """作废: the authorities void a worker's risk-card report as spam/malicious or duplicate/unfounded.

    The hazard stays, in the voided state, with the step (who, when, kind, reason) in its history and the
    audit trail; it leaves every count (`HazardQuerySet.counted`), its statutory clocks stop without being
    met (no escalation), the unread notices about it are marked read, and a `hazard_voided` fact lets credit
    revoke any record the report had caused.
    """
    if kind not in VoidKind.values:
        raise DomainError(_("Choose why the report is voided."), field="kind", code="invalid")
    required_text(reason, field="reason", message=_("Give the reason for voiding the report."))

    def apply(hazard: Hazard, details: dict[str, Any]) -> None:
        from safety_platform.models import Notification

        details["kind"] = kind
        deadline_cancel(source=hazard)
        Notification.objects.filter(dedup_key__startswith=f"hazard:{hazard.pk}:", read_at__isnull=True).update(
            read_at=timezone.now()
        )
        _hazard_fact(hazard, FactKind.HAZARD_VOIDED, "voided", void_kind=kind)

    return _transition(hazard_id=hazard_id, action=TransitionAction.VOID, actor=actor, note=reason, apply=apply)


PLAN_STATES = frozenset({S.ASSESSED, S.REPORTED, S.RECTIFYING})


def remediation_plan_save(
    *, hazard_id: int, actor: Any, data: dict[str, Any], opened: Opened | None = None
) -> RemediationPlan:
    """Write the remediation plan of a major hazard (enterprise or inspector), before or during remediation.

    With `opened` (the form's hidden version, the API's If-Match) a part of the plan changed by someone else
    meanwhile refuses the save with `StaleEdit`; a plan not written yet is compared as an empty one.
    """
    role = actor_role(actor)
    if not can(actor, "hazards.edit_plan"):
        raise DomainError(_("Your role may not do this."), code="forbidden")
    with transaction.atomic():
        # Lock the hazard so that a plan cannot change under a concurrent report.
        hazard = lock_found(Hazard.objects.visible_to(actor), hazard_id, message=_("Hazard not found."))
        if role == Role.ENTERPRISE and actor.enterprise_id != hazard.enterprise_id:
            raise DomainError(_("Your role may not do this."), code="forbidden")
        if hazard.grade != HazardGrade.MAJOR:
            raise DomainError(_("Only a major hazard needs a remediation plan."), code="hazard_not_major")
        if hazard.state not in PLAN_STATES:
            raise DomainError(_("The plan can no longer be changed in this state."), code="plan_not_editable")
        plan = RemediationPlan.objects.select_for_update().filter(hazard=hazard).first()
        check_opened(opened, plan or RemediationPlan(hazard=hazard))
        if plan is None:
            plan = RemediationPlan(hazard=hazard)
        for name in (*RemediationPlan.REQUIRED_FIELDS, "funds_amount"):
            if name in data:
                value = data[name]
                setattr(plan, name, value.strip() if isinstance(value, str) else value)
        plan.updated_by = actor
        plan.save()
    return plan


def attachments_make_thumbnails(*, attachment_ids: Iterable[int]) -> int:
    """Small JPEG previews of photos, for timelines on a weak signal. Idempotent (skips existing)."""
    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps

    made = 0
    for attachment in HazardAttachment.objects.filter(pk__in=list(attachment_ids)):
        if not attachment.is_image:
            continue
        name = thumbnail_name(attachment)
        storage = attachment.file.storage
        if storage.exists(name):
            continue
        try:
            with attachment.file.open("rb") as handle, Image.open(handle) as original:
                image = ImageOps.exif_transpose(original).convert("RGB")
                image.thumbnail((480, 480))
                from io import BytesIO

                buffer = BytesIO()
                image.save(buffer, "JPEG", quality=75)
        except (OSError, ValueError):
            continue
        storage.save(name, ContentFile(buffer.getvalue()))
        made += 1
    return made


def thumbnail_name(attachment: HazardAttachment) -> str:
    return f"{attachment.file.name}.thumb.jpg"


def hazard_record_overdue(*, hazard_id: int, due_at: dt.datetime | None = None) -> bool:
    """Record that a hazard passed its rectification deadline (major_hazard_overdue / hazard_overdue).

    Called when the statutory clock escalates; idempotent through the fact's dedup key, so running the
    escalation job again (or escalating to the next level) records nothing new.
    """
    hazard = Hazard.objects.select_related("enterprise").filter(pk=hazard_id).first()
    if hazard is None or hazard.state not in (S.ASSESSED, S.REPORTED, S.RECTIFYING):
        return False
    major = hazard.grade == HazardGrade.MAJOR
    due = due_at or hazard.due_at
    kind, event = (FactKind.MAJOR_HAZARD_OVERDUE, "major_overdue") if major else (FactKind.HAZARD_OVERDUE, "overdue")
    return _hazard_fact(hazard, kind, event, at=due, due_at=due.isoformat() if due else None)


def hazard_step(action: str, hazard_id: int, actor: Any, data: dict[str, Any]) -> Any:
    """Run one step of the closed loop with cleaned form (web) or serializer (API) data: both call this."""
    calls: dict[str, Callable[[], Any]] = {
        TransitionAction.ASSESS: lambda: hazard_assess(
            hazard_id=hazard_id,
            actor=actor,
            grade=data.get("grade", ""),
            deadline=data.get("deadline"),
            responsible_person=data.get("responsible_person", ""),
            responsible_phone=data.get("responsible_phone", ""),
            note=data.get("note", ""),
        ),
        TransitionAction.REPORT: lambda: hazard_report(hazard_id=hazard_id, actor=actor, note=data.get("note", "")),
        TransitionAction.LIST: lambda: hazard_list_supervision(
            hazard_id=hazard_id, actor=actor, note=data.get("note", "")
        ),
        TransitionAction.START: lambda: hazard_start(hazard_id=hazard_id, actor=actor, note=data.get("note", "")),
        TransitionAction.PROGRESS: lambda: hazard_progress(
            hazard_id=hazard_id, actor=actor, note=data.get("note", ""), photos=data.get("photos") or []
        ),
        TransitionAction.SUBMIT: lambda: hazard_submit(
            hazard_id=hazard_id,
            actor=actor,
            note=data.get("note", ""),
            before=data.get("before") or [],
            after=data.get("after") or [],
            documents=data.get("documents") or [],
        ),
        TransitionAction.CLOSE: lambda: hazard_close(
            hazard_id=hazard_id, actor=actor, note=data.get("note", ""), photos=data.get("photos") or []
        ),
        TransitionAction.REJECT: lambda: hazard_reject(
            hazard_id=hazard_id, actor=actor, note=data.get("note", ""), new_deadline=data.get("new_deadline")
        ),
        TransitionAction.REFUSE: lambda: hazard_refuse(hazard_id=hazard_id, actor=actor, note=data.get("note", "")),
        TransitionAction.EXTEND: lambda: hazard_extend(
            hazard_id=hazard_id, actor=actor, deadline=data.get("deadline"), note=data.get("note", "")
        ),
        TransitionAction.VOID: lambda: hazard_void(
            hazard_id=hazard_id, actor=actor, kind=data.get("kind", ""), reason=data.get("reason", "")
        ),
    }
    return calls[action]()
