"""The posted risk card (岗位风险告知卡): its QR code, its token, and the hazards workers report through it.

The QR code carries the risk source's `card_token`, never its id: the public page it opens shows only
what is printed on the card (with the level as it is now), and a leaked card is invalidated by
issuing a new token. Workers report without logging in, so reports are throttled per address and
per card through the cache (one counter per window; the same cache the platform runs on).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from safety_platform.locking import lock_found
from safety_platform.permissions import can
from safety_platform.services import DomainError, notify
from safety_platform.uploads import image_without_metadata

from ..choices import AttachmentKind, HazardSource
from ..models import Hazard, RiskSource
from .loop import _enterprise_users, _local_inspectors, hazard_register

# (scope, how many reports, per how many seconds): per address at one card, per address over all cards,
# per card over all addresses. Workers of one site often share one address (a carrier's NAT, the plant's
# Wi-Fi), so the address-wide limit is looser than the one at a single card. The address is the one login
# throttling uses (`safety_platform.net.client_ip`: REMOTE_ADDR, or X-Forwarded-For behind
# TRUSTED_PROXY_COUNT proxies).
CARD_REPORT_LIMITS: tuple[tuple[str, int, int], ...] = (("ip_card", 5, 3600), ("ip", 30, 3600), ("card", 20, 3600))
DESCRIPTION_MAX = 1000
TITLE_MAX = 60


def risk_card_qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG markup, sized by its container (viewBox, no width/height)."""
    import segno

    # Error correction "M" survives a scratched or partly dirty card; the URL is short enough.
    return segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="risk-card-qr")


def risk_card_find(token: Any) -> RiskSource | None:
    """The risk source a card token belongs to (None for an unknown, malformed or revoked token)."""
    try:
        token = uuid.UUID(str(token))
    except (TypeError, ValueError, AttributeError):
        return None
    return RiskSource.objects.select_related("enterprise").filter(card_token=token).first()


def risk_card_regenerate(*, actor: Any, risk_source_id: int) -> RiskSource:
    """Issue a new card token: every card printed before stops working (a leaked or misused card)."""
    if not can(actor, "hazards.edit_risk"):
        raise DomainError(_("Your role may not do this."), code="forbidden")
    with transaction.atomic():
        source = lock_found(RiskSource.objects.visible_to(actor), risk_source_id, message=_("Risk source not found."))
        source.card_token = uuid.uuid4()
        source.save(update_fields=["card_token", "updated_at"])
    return source


def card_report_throttled(*, ip: str | None, token: Any) -> bool:
    """Count one report attempt from `ip` on the card `token`; True when a limit is already reached.

    Fixed windows in the cache: `add` creates the counter with its expiry only if it is missing and
    `incr` is atomic on Redis, so concurrent requests cannot both slip under the limit.
    """
    throttled = False
    for scope, limit, window in CARD_REPORT_LIMITS:
        who = {"ip_card": f"{ip or 'unknown'}:{token}", "ip": ip or "unknown", "card": str(token)}[scope]
        key = f"hazards:card-report:{scope}:{who}"
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        if count > limit:
            throttled = True
    return throttled


def _title_from(description: str) -> str:
    first_line = description.strip().splitlines()[0].strip()
    return first_line if len(first_line) <= TITLE_MAX else first_line[: TITLE_MAX - 1] + "…"


def hazard_report_from_card(
    *,
    risk_source: RiskSource,
    description: str,
    reporter_name: str = "",
    reporter_phone: str = "",
    photos: Sequence[Any] = (),
) -> Hazard:
    """A worker reports a hazard at a posted risk card: registered for the card's enterprise and risk source.

    The report enters the loop as registered (登记); an inspector grades it (a worker's report is not
    graded by the employer alone). The enterprise's users and the local inspectors are notified in the
    same transaction as the registration.
    """
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the hazard in a few words."), field="description", code="invalid")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_("At most %(n)d characters.") % {"n": DESCRIPTION_MAX}, field="description", code="invalid")
    reporter_name = (reporter_name or "").strip()[:30]
    reporter_phone = (reporter_phone or "").strip()[:20]
    contact = ", ".join(part for part in (reporter_name, reporter_phone) if part)
    label = str(HazardSource.WORKER_REPORT.label)
    with transaction.atomic():
        hazard, _created = hazard_register(
            enterprise=risk_source.enterprise,
            title=_title_from(description),
            description=description,
            source=HazardSource.WORKER_REPORT,
            location=risk_source.name,
            actor_label=label,
            risk_source=risk_source,
            # A phone photo's EXIF carries the position, the device and often its owner's name.
            files=[(image_without_metadata(photo), AttachmentKind.PHOTO) for photo in photos],
        )
        if contact:
            # Confidential (安全生产法 art. 73: reporters are protected): not in the timeline or the audit
            # trail, which the enterprise reads; a queryset update keeps it out of the audit log.
            Hazard.objects.filter(pk=hazard.pk).update(reporter_contact=contact[:60])
            hazard.reporter_contact = contact[:60]
        notify(
            recipients=[*_enterprise_users(hazard), *_local_inspectors(hazard)],
            title=_("Worker report at %(post)s: %(hazard)s") % {"post": risk_source.name, "hazard": hazard.title},
            body=description,
            url=hazard.get_absolute_url(),
            category="hazard",
            dedup_key=f"hazard:{hazard.pk}:worker_report",
        )
    return hazard
