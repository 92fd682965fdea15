"""Writes of the shared core: notifications, facts, statutory deadlines, API keys, users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import ApiScope, JurisdictionLevel, Role
from .models import ApiKey, Fact, Jurisdiction, Notification, StatutoryDeadline, User
from .models.apikeys import generate_api_key
from .models.deadlines import EscalationLevel
from .signals import deadline_escalated, fact_recorded


class DomainError(Exception):
    """A business rule refused the action; the web UI shows the message, the API answers with the code.

    `code` is required and stable: a snake_case name of the rule that refused (e.g. "plan_incomplete"),
    which API clients and tests read instead of the wording. Three codes are kinds rather than rules and
    set the API's status: "invalid" (400, with `field`), "forbidden" (403), "not_found" (404); every
    other code is a 409 (a hazard step its state does not allow is "conflict").
    """

    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


# Notifications ---------------------------------------------------------------------------------


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    category: str = "",
    dedup_key: str | None = None,
) -> int:
    """Notify each recipient once. With a `dedup_key`, repeating the call notifies nobody twice."""
    rows = [
        Notification(recipient=user, title=title[:200], body=body, url=url, category=category, dedup_key=dedup_key)
        for user in {u.pk: u for u in recipients}.values()
    ]
    if not rows:
        return 0
    if dedup_key is None:
        return len(Notification.objects.bulk_create(rows))
    existing = set(
        Notification.objects.filter(dedup_key=dedup_key, recipient__in=[r.recipient for r in rows]).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [r for r in rows if r.recipient.pk not in existing]
    # ignore_conflicts covers a concurrent run that inserted the same (recipient, key) meanwhile.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    qs = Notification.objects.visible_to(user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def committee_office_users() -> models.QuerySet[User]:
    """Committee staff and staff of the committee office department (安委办)."""
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.COMMITTEE) | Q(role=Role.DEPARTMENT, department__is_committee_office=True)
    )


def department_users(department_id: int | None) -> models.QuerySet[User]:
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, role=Role.DEPARTMENT, department_id=department_id)


def inspectors_for(jurisdiction: Jurisdiction | None, *, levels: Iterable[str] | None = None) -> models.QuerySet[User]:
    """Active inspectors whose jurisdictions contain `jurisdiction` (optionally only at some levels)."""
    if jurisdiction is None:
        return User.objects.none()
    qs = User.objects.filter(is_active=True, role=Role.INSPECTOR, jurisdictions__in=jurisdiction.ancestor_ids)
    if levels is not None:
        qs = qs.filter(jurisdictions__level__in=list(levels))
    return qs.distinct()


def responsible_inspectors(jurisdiction: Jurisdiction | None, responsible: User | None = None) -> list[User]:
    """Who is told first about a record in `jurisdiction`: its responsible inspector while active, else the
    township and grid inspectors of the area, else the county's. The one policy for hazards and deadlines."""
    if responsible is not None and responsible.is_active:
        return [responsible]
    local = list(inspectors_for(jurisdiction, levels=[JurisdictionLevel.TOWNSHIP, JurisdictionLevel.GRID]))
    return local or list(inspectors_for(jurisdiction, levels=[JurisdictionLevel.COUNTY]))


# Facts ---------------------------------------------------------------------------------------


def fact_record(
    *,
    kind: str,
    dedup_key: str,
    occurred_at: dt.datetime,
    enterprise: Any = None,
    jurisdiction: Jurisdiction | None = None,
    source: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[Fact, bool]:
    """Record a fact once (by `dedup_key`); listeners of `fact_recorded` hear of it after commit."""
    if jurisdiction is None and enterprise is not None:
        jurisdiction = enterprise.jurisdiction
    with transaction.atomic():
        existing = Fact.objects.filter(dedup_key=dedup_key).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                fact = Fact.objects.create(
                    kind=kind,
                    dedup_key=dedup_key,
                    occurred_at=occurred_at,
                    enterprise=enterprise,
                    jurisdiction=jurisdiction,
                    source_type=ContentType.objects.get_for_model(source) if source is not None else None,
                    source_id=source.pk if source is not None else None,
                    payload=payload or {},
                )
        except IntegrityError:  # a concurrent writer recorded the same fact first
            return Fact.objects.get(dedup_key=dedup_key), False
    transaction.on_commit(lambda: fact_recorded.send(sender=Fact, fact=fact))
    return fact, True


# Statutory deadlines ------------------------------------------------------------------------


def deadline_open(
    *,
    source: models.Model,
    kind: str,
    title: str,
    due_at: dt.datetime,
    enterprise: Any = None,
    jurisdiction: Jurisdiction | None = None,
    responsible: User | None = None,
    url: str = "",
    legal_basis: str = "",
) -> StatutoryDeadline:
    """Start (or move) the clock for `kind` on `source`. Moving a deadline restarts its escalation."""
    if jurisdiction is None and enterprise is not None:
        jurisdiction = enterprise.jurisdiction
    ct = ContentType.objects.get_for_model(source)
    deadline, created = StatutoryDeadline.objects.get_or_create(
        source_type=ct,
        source_id=source.pk,
        kind=kind,
        defaults={
            "title": title,
            "due_at": due_at,
            "enterprise": enterprise,
            "jurisdiction": jurisdiction,
            "responsible": responsible,
            "url": url,
            "legal_basis": legal_basis,
        },
    )
    if not created and (deadline.due_at != due_at or not deadline.is_open):
        deadline.due_at = due_at
        deadline.title = title
        deadline.met_at = None
        deadline.cancelled_at = None
        deadline.escalation_level = EscalationLevel.NONE
        deadline.escalated_at = None
        deadline.save()
    return deadline


def _deadline_qs(source: models.Model, kind: str | None) -> models.QuerySet[StatutoryDeadline]:
    qs = StatutoryDeadline.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).open()
    return qs.filter(kind=kind) if kind else qs


def deadline_met(*, source: models.Model, kind: str | None = None, at: dt.datetime | None = None) -> int:
    """Stop the clock(s) of `source` (all kinds when `kind` is None)."""
    return _deadline_qs(source, kind).update(met_at=at or timezone.now())


def deadline_cancel(*, source: models.Model, kind: str | None = None) -> int:
    return _deadline_qs(source, kind).update(cancelled_at=timezone.now())


def _escalation_recipients(deadline: StatutoryDeadline, level: int) -> list[User]:
    jurisdiction = deadline.jurisdiction
    if level == EscalationLevel.RESPONSIBLE:
        return responsible_inspectors(jurisdiction, deadline.responsible if deadline.responsible_id else None)
    if level == EscalationLevel.COUNTY:
        return list(inspectors_for(jurisdiction, levels=[JurisdictionLevel.COUNTY]))
    return list(committee_office_users())


def deadlines_escalate(*, now: dt.datetime | None = None) -> int:
    """Escalate overdue deadlines one level per step of DEADLINE_ESCALATION_DAYS. Idempotent.

    A row is claimed with a conditional UPDATE on its current level, so two workers running at once
    cannot both escalate (and notify) the same step; notifications also carry a dedup key.
    """
    now = now or timezone.now()
    steps: list[int] = list(getattr(settings, "DEADLINE_ESCALATION_DAYS", (0, 3, 7)))
    escalated = 0
    candidates = (
        StatutoryDeadline.objects.overdue(now)
        .filter(escalation_level__lt=EscalationLevel.COMMITTEE)
        .select_related("jurisdiction", "responsible", "enterprise")
        .order_by("due_at")
    )
    for deadline in candidates.iterator(chunk_size=500):
        overdue_for = now - deadline.due_at
        target = deadline.escalation_level
        for level, days in enumerate(steps, start=1):
            if overdue_for >= dt.timedelta(days=days):
                target = max(target, level)
        if target <= deadline.escalation_level:
            continue
        # The level change and its notices commit together: a worker killed between them leaves
        # neither, and the next run escalates and notifies again (never a raised level without its notice).
        with transaction.atomic():
            claimed = StatutoryDeadline.objects.filter(
                pk=deadline.pk, escalation_level=deadline.escalation_level
            ).update(escalation_level=target, escalated_at=now)
            if not claimed:
                continue
            # Stored text: written in the platform's language (Chinese), not in whoever triggered it.
            with translation.override(settings.LANGUAGE_CODE):
                title = _("[Overdue] %(title)s") % {"title": deadline.title}
            # One key per deadline and due date, not per level: a person who is on two levels (the
            # responsible county inspector is also one of the county's inspectors) is told of this overdue
            # deadline once; the (recipient, dedup_key) unique constraint holds that in the database too.
            # A moved deadline that passes again is a new event (a new due date, a new key).
            overdue_key = f"deadline:{deadline.pk}:overdue:{deadline.due_at.isoformat()}"
            for level in range(deadline.escalation_level + 1, target + 1):
                notify(
                    recipients=_escalation_recipients(deadline, level),
                    title=title,
                    body=f"{deadline.legal_basis}".strip(),
                    url=deadline.url,
                    category="deadline",
                    dedup_key=overdue_key,
                )
                deadline_escalated.send(sender=StatutoryDeadline, deadline=deadline, level=level)
        escalated += 1
    return escalated


# API keys -------------------------------------------------------------------------------------


def api_key_create(
    *,
    name: str,
    scopes: Iterable[str],
    department: Any = None,
    enterprise: Any = None,
    expires_at: dt.datetime | None = None,
    days: int | None = None,
    created_by: User | None = None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with the raw secret, which is shown once and never stored."""
    scopes = sorted(set(scopes))
    unknown = set(scopes) - ApiKey.valid_scopes()
    if unknown:
        raise DomainError(
            _("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(sorted(unknown))}, field="scopes", code="invalid"
        )
    if (department is None) == (enterprise is None):
        raise DomainError(
            _("A key belongs to exactly one department or one enterprise."),
            field="department",
            code="api_key_needs_one_owner",
        )
    if enterprise is not None and set(scopes) - {ApiScope.HAZARDS_PUSH, ApiScope.HAZARDS_READ}:
        raise DomainError(
            _("Enterprise keys may only push and read their own hazards."),
            field="scopes",
            code="enterprise_key_scope_not_allowed",
        )
    if expires_at is None:
        expires_at = timezone.now() + dt.timedelta(days=days or settings.API_KEY_DEFAULT_DAYS)
    raw, prefix, hashed = generate_api_key()
    key = ApiKey.objects.create(
        name=name,
        department=department,
        enterprise=enterprise,
        prefix=prefix,
        hashed_secret=hashed,
        scopes=scopes,
        expires_at=expires_at,
        created_by=created_by,
    )
    return key, raw


def api_key_revoke(*, key: ApiKey, by: User | None = None, reason: str = "") -> ApiKey:
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.revoked_by = by
            key.revoke_reason = reason[:200]
            key.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return key
