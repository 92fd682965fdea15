"""Writes of warnings: issue (and reach every enterprise concerned), acknowledge, record measures, lift."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.registry.choices import EnterpriseStatus
from safety_platform.choices import Role
from safety_platform.locking import lock_in_state
from safety_platform.models import Industry, Jurisdiction, User
from safety_platform.permissions import can, is_enterprise_person
from safety_platform.scoping import within_path
from safety_platform.services import DomainError, notify

from ..choices import AcknowledgedVia, WarningKind, WarningLevel, WarningStatus
from ..models import EmergencyWarning, WarningRecipient
from .common import ensure_visible, jurisdiction_in_scope, require, require_text
from .reach import ack_link_read, warning_reach_people


def warning_target_enterprises(warning: EmergencyWarning) -> QuerySet[Enterprise]:
    """Operating enterprises inside any target jurisdiction (its whole subtree) and, when industries are
    given, in any of them (a code covers every code under it) — one query."""
    paths = list(warning.jurisdictions.values_list("path", flat=True))
    if not paths:
        return Enterprise.objects.none()
    qs = Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).filter(
        reduce(or_, (within_path("jurisdiction__path", p) for p in paths))
    )
    codes = list(warning.industries.values_list("code", flat=True))
    if codes:
        qs = qs.filter(reduce(or_, (Q(industry__code__startswith=c) for c in codes)))
    return qs


def warning_notify_targets(*, warning: EmergencyWarning) -> int:
    """Create a recipient row for every enterprise concerned and notify its users; SMS (and e-mail) to the
    contacts without an account and, for red and orange warnings, to each principal in charge with an
    acknowledgement link (`warning_reach_people`). Idempotent: running it again (or after new enterprises were
    registered) adds only who is missing, and nobody is notified twice."""
    targets = list(warning_target_enterprises(warning).values_list("pk", flat=True))
    now = timezone.now()
    # ignore_conflicts + the (warning, enterprise) unique constraint: a repeat run inserts nothing twice.
    WarningRecipient.objects.bulk_create(
        [WarningRecipient(warning=warning, enterprise_id=pk, notified_at=now) for pk in targets],
        ignore_conflicts=True,
        batch_size=500,
    )
    # bulk_create sends no model signal: the dashboards' "warnings not acknowledged" figure follows by a task
    # (a city-wide warning reaches tens of thousands of enterprises: seconds of recounting, not in the request).
    if targets:
        from safety_platform.tasks_util import enqueue

        from ..enterprise_hooks import warning_figures_refresh_task

        enqueue(warning_figures_refresh_task, warning.pk)
    users = User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise__warnings__warning=warning)
    notify(
        recipients=users,
        title=_("[%(level)s warning] %(title)s") % {"level": warning.get_level_display(), "title": warning.title},
        body=warning.measures_required or warning.content,
        url=warning.get_absolute_url(),
        category="emergency.warning",
        dedup_key=f"warning:{warning.pk}",
    )
    # After notify(): a principal who is also a user and just got the warning's SMS is not sent a second one.
    warning_reach_people(warning=warning)
    return len(targets)


def warning_issue(
    *,
    actor: User,
    title: str,
    kind: str,
    level: str,
    content: str,
    jurisdictions: Iterable[Jurisdiction],
    industries: Iterable[Industry] = (),
    measures_required: str = "",
    valid_until: dt.datetime | None = None,
) -> EmergencyWarning:
    """发布预警: for jurisdictions (down to grid) and optionally industries; every enterprise concerned is
    notified at once and appears in the acknowledgement list."""
    require(can(actor, "emergency.issue_warning"), _("Only supervision staff issue warnings."))
    targets = list(jurisdictions)
    if not targets:
        raise ValidationError({"jurisdictions": _("Choose at least one jurisdiction.")})
    outside = [j.name for j in targets if not jurisdiction_in_scope(actor, j)]
    if outside:
        raise ValidationError(
            {"jurisdictions": _("Outside your jurisdictions: %(names)s") % {"names": ", ".join(outside)}}
        )
    if level not in WarningLevel.values:
        raise ValidationError({"level": _("Unknown warning level.")})
    if kind not in WarningKind.values:
        raise ValidationError({"kind": _("Unknown warning kind.")})
    require_text(title, "title", _("Give the warning a title."))
    require_text(content, "content", _("Say what the warning is about."))
    now = timezone.now()
    if valid_until is not None and valid_until <= now:
        raise ValidationError({"valid_until": _("The end of validity must be in the future.")})
    with transaction.atomic():
        warning = EmergencyWarning.objects.create(
            title=title.strip()[:200],
            kind=kind,
            level=level,
            content=content.strip(),
            measures_required=measures_required.strip(),
            valid_until=valid_until,
            issued_by=actor,
            issued_at=now,
        )
        warning.jurisdictions.set(targets)
        warning.industries.set(list(industries))
        warning_notify_targets(warning=warning)
    return warning


def warning_acknowledge(
    *,
    actor: User | None,
    warning: EmergencyWarning,
    enterprise: Enterprise | None = None,
    measures_taken: str = "",
    link_token: str = "",
) -> WarningRecipient:
    """签收: the enterprise acknowledges (staff may record an acknowledgement given by phone). Acknowledging
    twice keeps the first time (and how it came); new measures replace the old text.

    Without an account (`actor` None): the principal in charge through the SMS link; `link_token` must be the
    link's genuine, unexpired token for this warning (DomainError "not_found" / "ack_link_expired" otherwise).
    """
    by_name = ""
    enterprise_id: int | None
    if actor is None:
        link = ack_link_read(link_token)
        if link.warning_id != warning.pk:
            raise DomainError(_("This link is not valid."), code="not_found")
        enterprise_id = link.enterprise_id
        via = AcknowledgedVia.SMS_LINK
        principal = Enterprise.objects.filter(pk=enterprise_id).values_list("principal_name", flat=True).first()
        by_name = (principal or "")[:60]
    elif is_enterprise_person(actor):
        enterprise_id = actor.enterprise_id
        via = AcknowledgedVia.SITE
    else:
        via = AcknowledgedVia.PHONE
        require(can(actor, "emergency.record_acknowledgement"), _("You may not acknowledge warnings."))
        if enterprise is None:
            raise ValidationError({"enterprise": _("Say which enterprise acknowledged.")})
        ensure_visible(actor, enterprise, _("This enterprise is outside your scope."))
        enterprise_id = enterprise.pk
    with transaction.atomic():
        recipient = (
            WarningRecipient.objects.select_for_update().filter(warning=warning, enterprise_id=enterprise_id).first()  # type: ignore[misc]  # = None is IS NULL in Django; the plugin refuses None
        )
        if recipient is None:
            raise DomainError(_("This warning was not sent to this enterprise."), code="forbidden")
        lifted = EmergencyWarning.objects.filter(pk=warning.pk, status=WarningStatus.LIFTED).exists()
        if lifted and recipient.acknowledged_at is None:
            raise DomainError(_("This warning has been lifted."), field="status", code="warning_lifted")
        now = timezone.now()
        if recipient.acknowledged_at is None:
            recipient.acknowledged_at = now
            recipient.acknowledged_by = actor
            recipient.acknowledged_via = via
            recipient.acknowledged_by_name = by_name
        if measures_taken.strip():
            recipient.measures_taken = measures_taken.strip()
            recipient.measures_updated_at = now
        recipient.save()
    return recipient


def warning_lift(*, actor: User, warning: EmergencyWarning, note: str = "") -> EmergencyWarning:
    require(can(actor, "emergency.issue_warning"), _("Only supervision staff lift warnings."))
    require(
        EmergencyWarning.objects.visible_to(actor).filter(pk=warning.pk).exists()
        and all(jurisdiction_in_scope(actor, j) for j in warning.jurisdictions.all()),
        _("You may only lift warnings issued for your jurisdictions."),
    )
    with transaction.atomic():
        locked = lock_in_state(
            EmergencyWarning.objects.all(),
            warning.pk,
            [WarningStatus.ISSUED],
            message=_("This warning is already lifted."),
            code="warning_lifted",
        )
        locked.status = WarningStatus.LIFTED
        locked.lifted_at = timezone.now()
        locked.lifted_by = actor
        locked.lift_note = note.strip()[:300]
        locked.save(update_fields=["status", "lifted_at", "lifted_by", "lift_note"])
    return locked


def warning_remind_unacknowledged(*, actor: User, warning: EmergencyWarning) -> int:
    """Remind the enterprises that have not acknowledged (at most once a day per warning)."""
    require(can(actor, "emergency.issue_warning"), _("Only supervision staff send reminders."))
    if not EmergencyWarning.objects.filter(pk=warning.pk, status=WarningStatus.ISSUED).exists():
        raise DomainError(_("This warning has been lifted."), field="status", code="warning_lifted")
    users = User.objects.filter(
        is_active=True,
        role=Role.ENTERPRISE,
        enterprise__warnings__warning=warning,
        enterprise__warnings__acknowledged_at__isnull=True,
    )
    visible = Enterprise.objects.visible_to(actor).values("pk")
    users = users.filter(enterprise__in=visible)
    day = f"{timezone.localdate():%Y%m%d}"
    reminded = notify(
        recipients=users,
        title=_("Reminder: acknowledge the %(level)s warning %(title)s")
        % {"level": warning.get_level_display(), "title": warning.title},
        url=warning.get_absolute_url(),
        category="emergency.warning",
        dedup_key=f"warning:{warning.pk}:remind:{day}",
    )
    # Red and orange: the principals of the enterprises still silent get the link again (once a day).
    warning_reach_people(warning=warning, reminder=day, enterprises=Enterprise.objects.visible_to(actor))
    return reminded
