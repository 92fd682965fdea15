"""Writes of the shared core: notifications, facts, statutory deadlines, API keys, users."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import channels
from .choices import ApiScope, JurisdictionLevel, Role
from .claims import claim_rows
from .models import (
    ApiKey,
    Fact,
    Jurisdiction,
    Notification,
    NotificationPreference,
    OutboundMessage,
    StatutoryDeadline,
    User,
)
from .models.apikeys import generate_api_key
from .models.deadlines import EscalationLevel
from .models.notifications import OutboundChannel, OutboundStatus
from .signals import deadline_escalated, fact_recorded
from .validators import normalize_mainland_mobile

logger = logging.getLogger(__name__)


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


def required_text(value: str | None, *, field: str, message: str) -> str:
    """A text a step cannot do without (a reason, a note), stripped; blank (or only spaces) is refused as `invalid`
    under `field` with `message`."""
    text = (value or "").strip()
    if not text:
        raise DomainError(message, field=field, code="invalid")
    return text


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
    """Notify each recipient once: an in-site notice, plus e-mail / SMS as each person chose.

    With a `dedup_key`, repeating the call notifies nobody twice (on any channel). E-mail and SMS
    follow the recipient's `NotificationPreference` for the category's group, else the group's
    default (see `NotificationGroup`: SMS for urgent groups, e-mail for all); a channel needs an
    address (the user's e-mail, a valid mainland mobile in `phone`). Only rows are written here, in
    the caller's transaction; delivery runs in a Celery task after commit. Returns how many in-site
    notices were created.

    Queries: a handful whatever the number of recipients (existing notices, preferences, two bulk
    inserts, the outbox row).
    """
    users = list({u.pk: u for u in recipients}.values())
    rows = [
        Notification(recipient=user, title=title[:200], body=body, url=url, category=category, dedup_key=dedup_key)
        for user in users
    ]
    if not rows:
        return 0
    if dedup_key is None:
        created = len(Notification.objects.bulk_create(rows))
        fresh_users = users
    else:
        existing = set(
            Notification.objects.filter(dedup_key=dedup_key, recipient__in=[r.recipient for r in rows]).values_list(
                "recipient_id", flat=True
            )
        )
        fresh = [r for r in rows if r.recipient.pk not in existing]
        # ignore_conflicts covers a concurrent run that inserted the same (recipient, key) meanwhile.
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
        created = len(fresh)
        fresh_users = [r.recipient for r in fresh]
    if fresh_users:
        _queue_outbound_for_users(fresh_users, title=title, body=body, url=url, category=category, dedup_key=dedup_key)
    return created


def _queue_outbound_for_users(
    users: list[User], *, title: str, body: str, url: str, category: str, dedup_key: str | None
) -> int:
    from .models.notifications import URGENT_GROUPS, notification_group

    group = notification_group(category)
    urgent = group in URGENT_GROUPS
    chosen = {
        pref.user_id: pref
        for pref in NotificationPreference.objects.filter(user__in=[u.pk for u in users], group=group)
    }
    # Without a key the notice is its own event: one key shared by this call's recipients.
    key = dedup_key or f"notice:{uuid.uuid4().hex}"
    texts: dict[str, Any] = {}
    messages: list[OutboundMessage] = []
    for user in users:
        pref = chosen.get(user.pk)
        wants_email = pref.email if pref is not None else True
        wants_sms = pref.sms if pref is not None else urgent
        name = user.full_name or user.username
        if wants_email and user.email:
            if "email" not in texts:
                texts["email"] = channels.render_email(title=title, body=body, url=url, category=category)
            subject, text = texts["email"]
            messages.append(
                outbound_message(OutboundChannel.EMAIL, user.email, subject, text, url, category, key, name, user)
            )
        mobile = _mobile_or_none(user.phone)
        if wants_sms and mobile:
            if "sms" not in texts:
                texts["sms"] = channels.render_sms(title=title, body=body, url=url, category=category)
            messages.append(
                outbound_message(OutboundChannel.SMS, mobile, title, texts["sms"], url, category, key, name, user)
            )
    if not messages:
        return 0
    # A concurrent run of the same event inserted some already: the constraint keeps one of each.
    OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True)
    outbound_deliver_soon()
    return len(messages)


def _mobile_or_none(value: str) -> str | None:
    from django.core.exceptions import ValidationError

    if not value:
        return None
    try:
        return normalize_mainland_mobile(value)
    except ValidationError:
        return None


def outbound_message(
    channel: str,
    address: str,
    title: str,
    text: str,
    url: str,
    category: str,
    dedup_key: str,
    name: str,
    recipient: User | None,
) -> OutboundMessage:
    """An unsaved message, its text already rendered: for senders that queue many at once in one bulk INSERT
    (a warning to thousands of principals) and then call `outbound_deliver_soon`; one of a kind: `notify_address`."""
    return OutboundMessage(
        channel=channel,
        address=address,
        name=name[:60],
        recipient=recipient,
        category=category[:40],
        dedup_key=dedup_key[:200],
        title=title[:200],
        body=text,
        url=channels.absolute_url(url)[:500],
        next_attempt_at=timezone.now(),
    )


def outbound_deliver_soon() -> None:
    """Deliver after commit (through the task outbox: never waiting on Redis); the sweep catches the rest."""
    from .tasks import outbound_deliver_task
    from .tasks_util import enqueue

    enqueue(outbound_deliver_task)


def notify_address(
    *,
    channel: str,
    address: str,
    title: str,
    body: str = "",
    url: str = "",
    category: str = "",
    dedup_key: str,
    name: str = "",
) -> bool:
    """Queue an e-mail or SMS to a person without an account (a village contact, a principal's mobile).

    `channel` is "sms" (`address` a mainland mobile number, stored normalized) or "email". `url` may
    be absolute or site-relative (made absolute with PUBLIC_BASE_URL). Recorded in the caller's
    transaction and delivered by a Celery task; unique on (channel, address, dedup_key), so one
    event reaches one person once. Returns True when a new message was queued, False when this
    event already had one for that address. A bad channel or address raises DomainError (code
    "invalid", field "channel" / "address").
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if channel == OutboundChannel.SMS:
        try:
            address = normalize_mainland_mobile(address)
        except ValidationError as exc:
            raise DomainError(str(exc.messages[0]), code="invalid", field="address") from exc
        text = channels.render_sms(title=title, body=body, url=url, category=category, name=name)
        subject = title
    elif channel == OutboundChannel.EMAIL:
        address = (address or "").strip()
        try:
            validate_email(address)
        except ValidationError as exc:
            raise DomainError(_("Enter a valid e-mail address."), code="invalid", field="address") from exc
        subject, text = channels.render_email(title=title, body=body, url=url, category=category, name=name)
    else:
        raise DomainError(_("Choose SMS or e-mail."), code="invalid", field="channel")
    if not dedup_key:
        raise DomainError(_("An event key is required."), code="invalid", field="dedup_key")
    if OutboundMessage.objects.filter(channel=channel, address=address, dedup_key=dedup_key).exists():
        return False
    message = outbound_message(channel, address, subject, text, url, category, dedup_key, name, None)
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert of the same event loses quietly
            message.save()
    except IntegrityError:
        return False
    outbound_deliver_soon()
    return True


# Delivery: claimed in small batches, sent, marked; a failure waits 1, 5, 15, 60 minutes, then 6 hours.
OUTBOUND_BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(minutes=60),
    dt.timedelta(hours=6),
)
OUTBOUND_MAX_ATTEMPTS = len(OUTBOUND_BACKOFF) + 1
OUTBOUND_BATCH = 20


def _outbound_claim_length() -> dt.timedelta:
    """OUTBOUND_CLAIM_SECONDS (default 5 minutes): longer than a batch's sends (each bounded by the SMTP /
    gateway timeouts of a few seconds); a worker that dies mid-batch leaves its rows to be sent again then."""
    return dt.timedelta(seconds=getattr(settings, "OUTBOUND_CLAIM_SECONDS", 300))


def _outbound_claim(now: dt.datetime, ids: Iterable[int] | None) -> list[OutboundMessage]:
    candidates = OutboundMessage.objects.due(now)
    if ids is not None:
        candidates = candidates.filter(pk__in=list(ids))
    until = now + _outbound_claim_length()
    return claim_rows(
        candidates,
        order_by=("next_attempt_at", "id"),
        limit=OUTBOUND_BATCH,
        unchanged=("status", "next_attempt_at", "attempts"),
        claim=lambda row: {"status": OutboundStatus.SENDING, "next_attempt_at": until, "attempts": row.attempts + 1},
    )


def outbound_deliver(*, ids: Iterable[int] | None = None, limit: int = 1000) -> int:
    """Send due e-mail / SMS messages (all, or only `ids`); returns how many were sent.

    Idempotent: a message is claimed before it is sent and marked after, so two workers never send
    it together; a worker that dies between the send and the mark leaves the claim to run out, and
    the message goes again with the same `message_id`, by which the gateway / mail system drops the
    duplicate. A failed attempt is recorded (attempts, last_error) and retried after the back-off;
    after OUTBOUND_MAX_ATTEMPTS the message is marked failed and stays visible on the outbound page.
    """
    sent = handled = 0
    while handled < limit:
        batch = _outbound_claim(timezone.now(), ids)
        if not batch:
            break
        for message in batch:
            handled += 1
            try:
                channels.deliver(message)
            except channels.DeliveryError as exc:
                _outbound_failed(message, str(exc))
                continue
            except Exception as exc:  # a bug in an adapter must not stop the batch: the message records it
                logger.exception("delivering outbound message %s failed", message.pk)
                _outbound_failed(message, f"{type(exc).__name__}: {exc}")
                continue
            OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.SENDING).update(
                status=OutboundStatus.SENT, sent_at=timezone.now(), next_attempt_at=None
            )
            sent += 1
    return sent


def _outbound_failed(message: OutboundMessage, error: str) -> None:
    now = timezone.now()
    if message.attempts >= OUTBOUND_MAX_ATTEMPTS:
        fields: dict[str, Any] = {"status": OutboundStatus.FAILED, "next_attempt_at": None}
    else:
        wait = OUTBOUND_BACKOFF[min(message.attempts, len(OUTBOUND_BACKOFF)) - 1]
        fields = {"status": OutboundStatus.PENDING, "next_attempt_at": now + wait}
    logger.warning("outbound message %s (attempt %s) failed: %s", message.pk, message.attempts, error)
    OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.SENDING).update(
        last_error=error[:2000], **fields
    )


def outbound_message_retry(*, message_id: int) -> OutboundMessage:
    """Send a failed message again now (the "重发" button); its attempts start afresh, its last error stays."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise DomainError(_("This message does not exist."), code="not_found")
        if message.status != OutboundStatus.FAILED:
            raise DomainError(_("Only a failed message can be sent again."), code="outbound_not_failed")
        message.status = OutboundStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        outbound_deliver_soon()
    return message


def outbound_messages_hold(sender: Any = None, *, action: str, **kwargs: Any) -> dict[str, int]:
    """E-mail / SMS around a backup and restore (the `outbound_hold` signal of safety_platform.backup).

    count: messages not yet sent (for the manifest); hold: after a restore, those may have been sent by the
    lost database, so they wait (pending, with no next attempt, the reason as their last error) for an
    operator; release (`restore --release-outbound`): they go, each with its original message id, by which
    the gateway / mail system drops one that did arrive before the failure.
    """
    unsent = OutboundMessage.objects.filter(status__in=[OutboundStatus.PENDING, OutboundStatus.SENDING])
    if action == "count":
        return {"outbound_messages": unsent.count()}
    if action == "hold":
        held = unsent.update(
            status=OutboundStatus.PENDING,
            next_attempt_at=None,
            last_error=_("Held after a restore: sent when an operator releases the held messages."),
        )
        return {"outbound_messages": held} if held else {}  # the restore's report lists only what it held
    if action == "release":
        released = OutboundMessage.objects.filter(status=OutboundStatus.PENDING, next_attempt_at__isnull=True).update(
            next_attempt_at=timezone.now()
        )
        return {"outbound_messages": released} if released else {}
    return {}


def notification_preferences_save(*, user: User, phone: str, email: str, choices: dict[str, dict[str, bool]]) -> None:
    """Save a user's mobile, e-mail and, per notice group, whether e-mail / SMS are wanted.

    `phone` is validated as a mainland mobile (stored normalized; "" clears it). Refusals name the
    field (DomainError code "invalid").
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from .models.notifications import NotificationGroup

    phone = (phone or "").strip()
    if phone:
        try:
            phone = normalize_mainland_mobile(phone)
        except ValidationError as exc:
            raise DomainError(str(exc.messages[0]), code="invalid", field="phone") from exc
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(_("Enter a valid e-mail address."), code="invalid", field="email") from exc
    with transaction.atomic():
        user.phone, user.email = phone, email
        user.save(update_fields=["phone", "email"])  # save(), not update(): the audit trail records it
        rows = [
            NotificationPreference(
                user=user,
                group=group,
                email=bool(choices.get(group, {}).get("email")),
                sms=bool(choices.get(group, {}).get("sms")),
            )
            for group in NotificationGroup.values
        ]
        NotificationPreference.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "group"], update_fields=["email", "sms"]
        )


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


def county_office_users(jurisdiction: Jurisdiction | None) -> models.QuerySet[User]:
    """Active county committee office staff (县安委办) of the county that contains `jurisdiction`."""
    if jurisdiction is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, role=Role.COUNTY_OFFICE, jurisdictions__in=jurisdiction.ancestor_ids
    ).distinct()


def department_users(department_id: int | None) -> models.QuerySet[User]:
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, role=Role.DEPARTMENT, department_id=department_id)


def enterprise_users(enterprise_id: int | Iterable[int] | None) -> models.QuerySet[User]:
    """The enterprise's own people (active logins of the enterprise role): they are told of what concerns it.

    Given several enterprises' ids, all their people in one query (each user's `enterprise_id` says whose)."""
    if enterprise_id is None:
        return User.objects.none()
    whose = {"enterprise_id": enterprise_id} if isinstance(enterprise_id, int) else {"enterprise_id__in": enterprise_id}
    return User.objects.filter(is_active=True, role=Role.ENTERPRISE, **whose)


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


def deadline_met(*, source: models.Model, kind: str | None = None, at: dt.datetime | None = None) -> int:
    """Stop the clock(s) of `source` (all kinds when `kind` is None)."""
    return StatutoryDeadline.objects.of(source, kind).open().update(met_at=at or timezone.now())


def deadline_cancel(*, source: models.Model, kind: str | None = None) -> int:
    return StatutoryDeadline.objects.of(source, kind).open().update(cancelled_at=timezone.now())


def _escalation_recipients(deadline: StatutoryDeadline, level: int) -> list[User]:
    jurisdiction = deadline.jurisdiction
    if level == EscalationLevel.RESPONSIBLE:
        return responsible_inspectors(jurisdiction, deadline.responsible if deadline.responsible_id else None)
    if level == EscalationLevel.COUNTY:
        # The county level: the county office of the deadline's county, and the county's own inspectors.
        office = list(county_office_users(jurisdiction))
        inspectors = list(inspectors_for(jurisdiction, levels=[JurisdictionLevel.COUNTY]))
        return office + [user for user in inspectors if user not in office]
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
