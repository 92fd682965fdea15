"""Warnings that reach people without logging in: contacts without an account (预警联系人) and, for red and
orange warnings, each enterprise's principal in charge (主要负责人) by SMS with an acknowledgement link.

Messages are recorded as `OutboundMessage` rows in the caller's transaction (delivery is a Celery task), with
the event keys the warning page reads back:

- ``warning:<warning id>:principal:<enterprise id>`` and ``warning:<warning id>:contact:<contact id>``;
- a reminder adds ``:remind:<yyyymmdd>`` (at most one reminder a day, as for the in-site reminder).

One event never sends the same person the same message twice: besides the (channel, address, key) constraint,
an address that this warning (or this reminder) already reached on a channel — a principal who is also a
platform user and got the warning's SMS through `notify`, or the same mobile listed as two contacts — is skipped.

The acknowledgement link is ``/w/<token>/``: the token is signed (django.core.signing, its own salt) and
carries the warning, the enterprise and the moment it expires, so it needs no table and cannot be forged or
prolonged. It expires with the warning (`valid_until`), else WARNING_ACK_LINK_HOURS after it was sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from safety_platform import channels
from safety_platform.models import OutboundMessage
from safety_platform.models.notifications import OutboundChannel
from safety_platform.services import DomainError, outbound_deliver_soon, outbound_message

from ..choices import WarningLevel
from ..models import EmergencyWarning, WarningContact, WarningRecipient

ACK_LINK_SALT = "emergency.warning-ack-link"
# "." separates the payload's numbers and the signature: none of them contains it (base62, urlsafe base64).
_SEP = "."
CATEGORY = "emergency.warning"
PRINCIPAL_LEVELS = frozenset({WarningLevel.RED, WarningLevel.ORANGE})
SMS = OutboundChannel.SMS.value
EMAIL = OutboundChannel.EMAIL.value


# The acknowledgement link ---------------------------------------------------------------------------------


def _signer() -> signing.Signer:
    return signing.Signer(salt=ACK_LINK_SALT, sep=_SEP)


def ack_link_expiry(warning: EmergencyWarning, now: dt.datetime | None = None) -> dt.datetime:
    """Until the warning's end when it has one, else WARNING_ACK_LINK_HOURS from now."""
    if warning.valid_until is not None:
        return warning.valid_until
    hours = getattr(settings, "WARNING_ACK_LINK_HOURS", 72)
    return (now or timezone.now()) + dt.timedelta(hours=hours)


def ack_link_token(*, warning_id: int, enterprise_id: int, expires_at: dt.datetime) -> str:
    """A short signed token: base62 of warning id, enterprise id and expiry (Unix seconds), then the signature."""
    numbers = (warning_id, enterprise_id, int(expires_at.timestamp()))
    return _signer().sign(_SEP.join(signing.b62_encode(n) for n in numbers))


def ack_link_url(*, warning: EmergencyWarning, enterprise_id: int, now: dt.datetime | None = None) -> str:
    """The link's path; the SMS carries it made absolute with PUBLIC_BASE_URL (without that setting an SMS
    cannot carry a usable link, and the notification layer leaves it out)."""
    token = ack_link_token(warning_id=warning.pk, enterprise_id=enterprise_id, expires_at=ack_link_expiry(warning, now))
    return reverse("emergency-public:warning_ack", args=[token])


@dataclass(frozen=True)
class AckLink:
    warning_id: int
    enterprise_id: int
    expires_at: dt.datetime


def ack_link_read(token: str) -> AckLink:
    """The warning and enterprise a token names. A forged, altered or malformed token → DomainError "not_found";
    a genuine one past its time → "ack_link_expired"."""
    try:
        payload = _signer().unsign(token)
        warning_b62, enterprise_b62, expiry_b62 = payload.split(_SEP)
        link = AckLink(
            warning_id=signing.b62_decode(warning_b62),
            enterprise_id=signing.b62_decode(enterprise_b62),
            expires_at=dt.datetime.fromtimestamp(signing.b62_decode(expiry_b62), tz=dt.UTC),
        )
    except (signing.BadSignature, ValueError, OverflowError, OSError) as exc:
        raise DomainError(_("This link is not valid."), code="not_found") from exc
    if timezone.now() >= link.expires_at:
        raise DomainError(_("This link has expired."), code="ack_link_expired")
    return link


# Sending ---------------------------------------------------------------------------------------------------


def _title(warning: EmergencyWarning) -> str:
    return _("[%(level)s warning] %(title)s") % {"level": warning.get_level_display(), "title": warning.title}


def _already_reached(warning: EmergencyWarning, suffix: str) -> set[tuple[str, str]]:
    """(channel, address) pairs this warning's event (issue: no suffix; a reminder: its suffix) already reached,
    by any key — the in-site users' copies included. One query on the keys' prefix (an indexed LIKE)."""
    base = f"warning:{warning.pk}"
    rows = OutboundMessage.objects.filter(Q(dedup_key=base) | Q(dedup_key__startswith=f"{base}:")).values_list(
        "channel", "address", "dedup_key"
    )
    reached: set[tuple[str, str]] = set()
    for channel, address, key in rows.iterator(chunk_size=5000):
        is_reminder = ":remind:" in key
        if (suffix and key.endswith(suffix)) or (not suffix and not is_reminder):
            reached.add((channel, address))
    return reached


def _queue(messages: Iterable[OutboundMessage], reached: set[tuple[str, str]]) -> int:
    """Insert the messages not yet sent to their address, at most one per (channel, address): one bulk INSERT."""
    fresh: list[OutboundMessage] = []
    for message in messages:
        pair = (message.channel, message.address)
        if pair in reached:
            continue
        reached.add(pair)
        fresh.append(message)
    if not fresh:
        return 0
    # The (channel, address, dedup_key) constraint keeps a concurrent run of the same event from doubling any.
    OutboundMessage.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    outbound_deliver_soon()
    return len(fresh)


def warning_reach_people(
    *, warning: EmergencyWarning, reminder: str = "", enterprises: QuerySet[Enterprise] | None = None
) -> dict[str, int]:
    """Queue the SMS (and e-mail) of a warning to people without an account; returns how many per kind.

    On issue (`reminder` empty): every active contact the warning targets (see
    `WarningContactQuerySet.for_targets`) and, for red and orange warnings, the principal in charge of every
    enterprise that received it. On a reminder (`reminder` = "yyyymmdd"): the principals of the enterprises that
    have not acknowledged — contacts have nothing to acknowledge and are not reminded. `enterprises` limits the
    principals (a reminder reaches only the enterprises the reminding staff member sees).

    Set-based whatever the number of enterprises: the targets in one query each, what was already sent in one,
    one bulk insert.
    """
    suffix = f":remind:{reminder}" if reminder else ""
    title = _title(warning)
    body = warning.measures_required or warning.content
    messages: list[OutboundMessage] = []
    if not reminder:
        paths = list(warning.jurisdictions.values_list("path", flat=True))
        codes = list(warning.industries.values_list("code", flat=True))
        targeted = WarningContact.objects.for_targets(paths=paths, industry_codes=codes).order_by("pk")
        sms_text = channels.render_sms(title=title, body=body, url="", category=CATEGORY)
        for contact in targeted.only("pk", "name", "mobile", "email"):
            key = f"warning:{warning.pk}:contact:{contact.pk}"
            messages.append(
                outbound_message(SMS, contact.mobile, title, sms_text, "", CATEGORY, key, contact.name, None)
            )
            if contact.email:
                subject, text = channels.render_email(
                    title=title, body=body, url="", category=CATEGORY, name=contact.name
                )
                messages.append(
                    outbound_message(EMAIL, contact.email, subject, text, "", CATEGORY, key, contact.name, None)
                )
    contacts = len(messages)
    principals = 0
    if warning.level in PRINCIPAL_LEVELS:
        recipients = WarningRecipient.objects.filter(warning=warning)
        if reminder:
            recipients = recipients.filter(acknowledged_at__isnull=True)
        rows = Enterprise.objects.filter(pk__in=recipients.values("enterprise_id")).exclude(principal_mobile="")
        if enterprises is not None:
            rows = rows.filter(pk__in=enterprises.values("pk"))
        now = timezone.now()
        for enterprise_id, name, mobile in (
            rows.order_by("pk").values_list("pk", "principal_name", "principal_mobile").iterator(chunk_size=5000)
        ):
            url = ack_link_url(warning=warning, enterprise_id=enterprise_id, now=now)
            text = channels.render_sms(title=title, body=body, url=url, category=CATEGORY, name=name)
            key = f"warning:{warning.pk}:principal:{enterprise_id}{suffix}"
            messages.append(outbound_message(SMS, mobile, title, text, url, CATEGORY, key, name, None))
            principals += 1
    queued = _queue(messages, _already_reached(warning, suffix)) if messages else 0
    return {"contacts": contacts, "principals": principals, "queued": queued}
