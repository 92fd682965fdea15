"""The blacklist workflow (严重失信主体名单, MEM Order 11).

proposed ─notice→ noticed ─(objection window)→ active ─(end date / approved repair)→ removed
             │           └─object→ objected ─dismiss→ noticed / ─uphold→ rejected
             └─────────────reject──────────────────→ rejected

Each step locks the entry, checks the state it comes from, changes it, appends a transition, and
announces the change (notifications; the outbox for departments' webhooks) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.locking import lock_row
from safety_platform.models import User
from safety_platform.permissions import can, require
from safety_platform.services import (
    DomainError,
    committee_office_users,
    deadline_met,
    deadline_open,
    department_users,
    enterprise_users,
    notify,
    required_text,
)
from safety_platform.tasks_util import enqueue

from ..choices import (
    BlacklistCase,
    BlacklistOrigin,
    BlacklistStatus,
    ObjectionDecision,
    RecordStatus,
    RemovalReason,
    RepairStatus,
    WebhookTopic,
)
from ..models import BlacklistEntry, BlacklistTransition, CreditRecord, CreditRepair, RuleSet, add_months
from .push import outbox_emit
from .records import store_upload

# The stable error code of an approval asked for while the objection period runs (409 in the API).
OBJECTION_PERIOD_RUNNING = "objection_period_running"

ORDER_11 = "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）"

# The statutory clock of a listing's end (DESIGN §3b): due the last day of the period, when the daily expiry
# job removes the entry; met by that removal or by an approved credit repair.
PERIOD_END_DEADLINE_KIND = register_deadline_kind("blacklist_period_end", gettext_lazy("end of a blacklisting period"))


def blacklist_period_clock(entry: BlacklistEntry) -> None:
    """Open (or move) the clock of an active entry's period end; idempotent (the backfill calls it)."""
    if entry.status != BlacklistStatus.ACTIVE or entry.ends_on is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        deadline_open(
            source=entry,
            kind=PERIOD_END_DEADLINE_KIND,
            title=_("End of the blacklist period: %(name)s") % {"name": entry.enterprise.name},
            due_at=timezone.make_aware(dt.datetime.combine(entry.ends_on, dt.time(23, 59, 59))),
            enterprise=entry.enterprise,
            url=entry.get_absolute_url(),
            legal_basis=ORDER_11,
        )


def _lock(entry: BlacklistEntry) -> BlacklistEntry:
    return lock_row(BlacklistEntry.objects.select_related("enterprise", "rule_set"), entry.pk)


def _require(entry: BlacklistEntry, *states: str) -> None:
    if entry.status not in states:
        raise DomainError(
            _("Not possible while the entry is %(status)s.") % {"status": entry.get_status_display()},
            code="blacklist_wrong_status",
        )


def _transition(entry: BlacklistEntry, *, to: str, action: str, actor: User | None, note: str = "") -> None:
    """Change the state, stamp `updated_at` (the sync key) and append the transition row."""
    from_status = entry.status
    now = timezone.now()
    entry.status = to
    entry.updated_at = now
    entry.save()
    BlacklistTransition.objects.create(
        entry=entry, from_status=from_status, to_status=to, action=action, actor=actor, at=now, note=note
    )
    if entry.is_published or from_status == BlacklistStatus.ACTIVE:
        _announce(entry)


def _record_repair_step(entry: BlacklistEntry, *, action: str, actor: User, note: str) -> None:
    """A step of a credit repair: in the entry's history, its status unchanged (an approval removes the entry)."""
    BlacklistTransition.objects.create(
        entry=entry, from_status=entry.status, to_status=entry.status, action=action, actor=actor, note=note
    )


def _reasons(note: str) -> str:
    """A decision's reasons, which it must give."""
    return required_text(note, field="note", message=_("Give the reasons for the decision."))


def _announce(entry: BlacklistEntry) -> None:
    """Write the published change to the outbox (always: it is also the push log) in this transaction."""
    from ..api.serializers import BlacklistEntrySerializer

    entry = BlacklistEntry.objects.select_related("enterprise", "department", "rule_set").get(pk=entry.pk)
    outbox_emit(
        topic=WebhookTopic.BLACKLIST, items=[(entry.pk, dict(BlacklistEntrySerializer(entry).data))], always=True
    )


def _tell(recipients: Iterable[User], entry: BlacklistEntry, title: str, body: str = "", key: str = "") -> None:
    notify(
        recipients=recipients,
        title=title,
        body=body,
        url=reverse("credit:blacklist_detail", args=[entry.pk]),
        category="blacklist",
        dedup_key=f"blacklist:{entry.pk}:{key}" if key else None,
    )


def _recalculate_after_commit(enterprise_id: int) -> None:
    from ..tasks import recalculate_enterprise_task

    enqueue(recalculate_enterprise_task, enterprise_id)


# Proposal ------------------------------------------------------------------------------------


def _create_entry(**fields: Any) -> BlacklistEntry:
    try:
        with transaction.atomic():
            entry = BlacklistEntry.objects.create(**fields)
    except IntegrityError as exc:  # the database's one-open-entry rule caught a concurrent proposal
        raise DomainError(
            _("This enterprise already has an open blacklist entry."), code="blacklist_already_active"
        ) from exc
    BlacklistTransition.objects.create(
        entry=entry,
        from_status="",
        to_status=BlacklistStatus.PROPOSED,
        action="propose",
        actor=fields.get("proposed_by"),
        at=entry.proposed_at,
        note=fields.get("reason", ""),
    )
    return entry


def blacklist_propose(
    *,
    actor: User,
    enterprise: Enterprise,
    case: str,
    reason: str,
    legal_basis: str = "",
    evidence_records: Iterable[CreditRecord] = (),
) -> BlacklistEntry:
    """A department (or the committee) proposes listing an enterprise it supervises."""
    if not can(actor, "credit.propose_blacklist"):
        raise DomainError(_("Only departments and the committee propose blacklist entries."), code="forbidden")
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise DomainError(_("You do not supervise this enterprise."), code="forbidden")
    if case not in BlacklistCase.values:
        raise DomainError(_("Choose an Order 11 case."), field="case", code="invalid")
    reason = required_text(reason, field="reason", message=_("Give the reason for the listing."))
    rule_set = RuleSet.objects.in_force(timezone.localdate())
    if rule_set is None:
        raise DomainError(
            _("No published credit rule set: publish one in the admin first."), code="no_published_rule_set"
        )
    records = [r for r in evidence_records if r.enterprise_id == enterprise.pk]
    with transaction.atomic():
        if BlacklistEntry.objects.open().filter(enterprise=enterprise).exists():
            raise DomainError(
                _("This enterprise already has an open blacklist entry."), code="blacklist_already_active"
            )
        entry = _create_entry(
            enterprise=enterprise,
            origin=BlacklistOrigin.DEPARTMENT,
            case=case,
            rule_set=rule_set,
            reason=reason,
            legal_basis=(legal_basis or "").strip() or ORDER_11,
            department=actor.department if actor.department_id else enterprise.supervising_department,
            proposed_by=actor,
        )
        if records:
            entry.evidence_records.set(records)
        _tell(
            committee_office_users(),
            entry,
            _("Blacklist proposal: %(name)s") % {"name": enterprise.name},
            reason,
            key="proposed",
        )
    return entry


def blacklist_propose_by_rule(*, record: CreditRecord) -> BlacklistEntry | None:
    """Order 11 cases detected from records: enough records of a blacklist rule within its window.

    The system only proposes; a person confirms by serving the prior notice (and becomes the
    proposer, so a different person must approve).
    """
    rule = record.rule
    if not rule.blacklist_case or record.status != RecordStatus.ACTIVE:
        return None
    since = add_months(record.occurred_on, -rule.blacklist_window_months)
    counted = list(
        CreditRecord.objects.active().filter(
            enterprise_id=record.enterprise_id,
            rule_code=rule.code,
            occurred_on__gt=since,
            occurred_on__lte=record.occurred_on,
        )
    )
    if len(counted) < rule.blacklist_threshold:
        return None
    if BlacklistEntry.objects.open().filter(enterprise_id=record.enterprise_id).exists():
        return None
    enterprise = record.enterprise
    reason = _('%(case)s: %(count)d record(s) of "%(rule)s" within %(months)d months.') % {
        "case": BlacklistCase(rule.blacklist_case).label,
        "count": len(counted),
        "rule": rule.title,
        "months": rule.blacklist_window_months,
    }
    try:
        with transaction.atomic():
            entry = _create_entry(
                enterprise=enterprise,
                origin=BlacklistOrigin.RULE,
                case=rule.blacklist_case,
                rule=rule,
                rule_set=rule.rule_set,
                reason=reason,
                legal_basis=rule.legal_basis or ORDER_11,
                department=enterprise.supervising_department,
                proposed_by=None,
            )
    except DomainError:
        return None  # proposed concurrently by someone else: one open entry is enough
    entry.evidence_records.set(counted)
    recipients = list(committee_office_users()) + list(department_users(enterprise.supervising_department_id))
    _tell(
        recipients,
        entry,
        _("Blacklist proposed by rule: %(name)s — confirm and serve notice") % {"name": enterprise.name},
        reason,
        key="proposed",
    )
    return entry


# Prior notice and objection --------------------------------------------------------------------


def blacklist_serve_notice(*, actor: User, entry: BlacklistEntry, note: str = "") -> BlacklistEntry:
    """Serve prior notice on the enterprise; the objection window opens (Order 11)."""
    with transaction.atomic():
        entry = _lock(entry)
        if not can(actor, "credit.handle_proposal", entry):
            raise DomainError(_("Only the proposing department or the committee may do this."), code="forbidden")
        _require(entry, BlacklistStatus.PROPOSED)
        today = timezone.localdate()
        entry.notice_served_by = actor
        entry.notice_served_at = timezone.now()
        entry.objection_deadline = today + dt.timedelta(days=entry.rule_set.objection_days)
        if entry.proposed_by_id is None:
            entry.proposed_by = actor  # confirming a rule's proposal makes this person the proposer
        _transition(entry, to=BlacklistStatus.NOTICED, action="serve_notice", actor=actor, note=note)
        _tell(
            enterprise_users(entry.enterprise_id),
            entry,
            _("Prior notice: your enterprise is proposed for the serious-untrustworthiness list"),
            _("Reason: %(reason)s. You may object until %(day)s.")
            % {"reason": entry.reason, "day": entry.objection_deadline.isoformat()},
            key="noticed",
        )
    return entry


def blacklist_object(*, actor: User, entry: BlacklistEntry, objection: str) -> BlacklistEntry:
    """The enterprise objects within the window; the listing waits for the committee's decision."""
    objection = (objection or "").strip()
    if not objection:
        raise DomainError(_("State the grounds of the objection."), field="objection", code="invalid")
    with transaction.atomic():
        entry = _lock(entry)
        require(actor, "credit.answer_listing", entry, message=_("Only the enterprise concerned may object."))
        _require(entry, BlacklistStatus.NOTICED)
        if not entry.objection_window_open:
            raise DomainError(_("The objection window has closed."), code="objection_window_closed")
        entry.objection = objection
        entry.objection_filed_at = timezone.now()
        _transition(entry, to=BlacklistStatus.OBJECTED, action="object", actor=actor, note=objection)
        _tell(
            committee_office_users(),
            entry,
            _("Objection to a blacklist proposal: %(name)s") % {"name": entry.enterprise.name},
            objection,
            key="objected",
        )
    return entry


def blacklist_decide_objection(*, actor: User, entry: BlacklistEntry, upheld: bool, note: str) -> BlacklistEntry:
    """The committee upholds the objection (not listed) or dismisses it (the listing may proceed)."""
    note = _reasons(note)
    with transaction.atomic():
        entry = _lock(entry)
        require(actor, "credit.decide_listing", entry, message=_("Only committee staff decide on objections."))
        _require(entry, BlacklistStatus.OBJECTED)
        entry.objection_decision = ObjectionDecision.UPHELD if upheld else ObjectionDecision.DISMISSED
        entry.objection_decision_note = note
        if upheld:
            entry.decision_note = note
            _transition(entry, to=BlacklistStatus.REJECTED, action="uphold_objection", actor=actor, note=note)
            title = _("Your objection was upheld: the enterprise is not listed")
        else:
            _transition(entry, to=BlacklistStatus.NOTICED, action="dismiss_objection", actor=actor, note=note)
            title = _("Your objection was dismissed")
        _tell(enterprise_users(entry.enterprise_id), entry, title, note, key="objection-decided")
    return entry


# Decision and publication ----------------------------------------------------------------------


def blacklist_approve(
    *,
    actor: User,
    entry: BlacklistEntry,
    listed_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    note: str = "",
) -> BlacklistEntry:
    """Committee approval publishes the entry: reason, legal basis, rule version, start and end.

    The period is not a choice (MEM Order 11): the entry's rule-set version fixes it (3 years), and
    the end is computed from the start. `ends_on`, when given, must be that day: an earlier end is an
    early removal, which only an approved credit repair decides (`credit_repair_decide`), after the
    rule set's minimum months on the list. The listing cannot start before the day of approval.
    """
    with transaction.atomic():
        entry = _lock(entry)
        require(actor, "credit.decide_listing", entry, message=_("Only committee staff approve blacklist entries."))
        _require(entry, BlacklistStatus.NOTICED)
        if actor.pk in {entry.proposed_by_id, entry.notice_served_by_id}:
            raise DomainError(
                _("The approver must be a different person from the proposer."), code="approver_is_proposer"
            )
        if entry.approvable_from is not None and entry.objection_deadline is not None:  # (the one implies the other)
            raise DomainError(
                _("The objection period runs until %(deadline)s: approval is possible from %(day)s.")
                % {
                    "deadline": formats.date_format(entry.objection_deadline, "Y-m-d"),
                    "day": formats.date_format(entry.approvable_from, "Y-m-d"),
                },
                code=OBJECTION_PERIOD_RUNNING,
            )
        today = timezone.localdate()
        listed_on = listed_on or today
        if listed_on < today:
            raise DomainError(
                _("The listing cannot start before the day of approval (%(day)s).")
                % {"day": formats.date_format(today, "Y-m-d")},
                field="listed_on",
                code="invalid",
            )
        period_end = entry.period_end(listed_on)
        if ends_on is not None and ends_on != period_end:
            raise DomainError(
                _(
                    "The listing period is %(years)d years under rule set %(version)s: listed from %(start)s, "
                    "it ends on %(end)s. An earlier end needs an approved credit repair, possible %(months)d "
                    "months after listing at the earliest."
                )
                % {
                    "years": entry.rule_set.blacklist_years,
                    "version": entry.rule_set.version,
                    "start": formats.date_format(listed_on, "Y-m-d"),
                    "end": formats.date_format(period_end, "Y-m-d"),
                    "months": entry.rule_set.repair_min_months,
                },
                field="ends_on",
                code="invalid",
            )
        entry.approved_by = actor
        entry.approved_at = timezone.now()
        entry.listed_on = listed_on
        entry.ends_on = period_end
        entry.decision_note = (note or "").strip()
        _transition(entry, to=BlacklistStatus.ACTIVE, action="approve", actor=actor, note=entry.decision_note)
        blacklist_period_clock(entry)
        _tell(
            list(enterprise_users(entry.enterprise_id)) + list(department_users(entry.department_id)),
            entry,
            _("Listed as a serious untrustworthy entity: %(name)s") % {"name": entry.enterprise.name},
            _("Listed from %(start)s to %(end)s. Reason: %(reason)s")
            % {"start": listed_on.isoformat(), "end": period_end.isoformat(), "reason": entry.reason},
            key="approved",
        )
        _recalculate_after_commit(entry.enterprise_id)
    return entry


def blacklist_reject(*, actor: User, entry: BlacklistEntry, note: str) -> BlacklistEntry:
    """Not listed: the committee refuses, or the proposing department withdraws, before publication."""
    note = _reasons(note)
    with transaction.atomic():
        entry = _lock(entry)
        if not (can(actor, "credit.decide_listing", entry) or can(actor, "credit.handle_proposal", entry)):
            raise DomainError(_("Only the proposing department or the committee may do this."), code="forbidden")
        _require(entry, BlacklistStatus.PROPOSED, BlacklistStatus.NOTICED, BlacklistStatus.OBJECTED)
        entry.decision_note = note
        was_noticed = entry.status != BlacklistStatus.PROPOSED
        _transition(entry, to=BlacklistStatus.REJECTED, action="reject", actor=actor, note=note)
        if was_noticed:
            _tell(
                enterprise_users(entry.enterprise_id),
                entry,
                _("The blacklist proposal was dropped"),
                note,
                key="rejected",
            )
    return entry


# Removal -------------------------------------------------------------------------------------


def _remove(entry: BlacklistEntry, *, reason: str, on: dt.date, actor: User | None, note: str) -> None:
    entry.removed_on = on
    entry.removal_reason = reason
    _transition(entry, to=BlacklistStatus.REMOVED, action=f"remove_{reason}", actor=actor, note=note)
    deadline_met(source=entry, kind=PERIOD_END_DEADLINE_KIND)
    _tell(
        list(enterprise_users(entry.enterprise_id)) + list(department_users(entry.department_id)),
        entry,
        _("Removed from the serious-untrustworthiness list: %(name)s") % {"name": entry.enterprise.name},
        note,
        key="removed",
    )
    _recalculate_after_commit(entry.enterprise_id)


def blacklist_expire_due(*, today: dt.date | None = None) -> int:
    """Remove every entry whose period has ended (scheduled daily). Idempotent."""
    today = today or timezone.localdate()
    removed = 0
    due = list(
        BlacklistEntry.objects.filter(status=BlacklistStatus.ACTIVE, ends_on__lte=today).values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            entry = BlacklistEntry.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=pk)
            if entry.status != BlacklistStatus.ACTIVE or entry.ends_on is None or entry.ends_on > today:
                continue  # changed since the list was read
            _remove(
                entry,
                reason=RemovalReason.EXPIRED,
                on=entry.ends_on,
                actor=None,
                note=_("Listing period ended on %(day)s.") % {"day": entry.ends_on.isoformat()},
            )
            removed += 1
    return removed


def repair_possible_from(entry: BlacklistEntry) -> dt.date | None:
    if entry.listed_on is None:
        return None
    return add_months(entry.listed_on, entry.rule_set.repair_min_months)


def credit_repair_apply(
    *, actor: User, entry: BlacklistEntry, statement: str, evidence_file: Any = None
) -> CreditRepair:
    """The listed enterprise applies for early removal (possible after 12 months on the list)."""
    statement = (statement or "").strip()
    if not statement:
        raise DomainError(_("Describe what has been corrected."), field="statement", code="invalid")
    repair = CreditRepair(entry=entry, statement=statement, applied_by=actor)
    if evidence_file:
        store_upload(repair.evidence_file, evidence_file, "credit/repair")
    with transaction.atomic():
        entry = _lock(entry)
        require(
            actor, "credit.answer_listing", entry, message=_("Only the listed enterprise may apply for credit repair.")
        )
        _require(entry, BlacklistStatus.ACTIVE)
        start = repair_possible_from(entry)
        if start is not None and timezone.localdate() < start:
            raise DomainError(
                _("Credit repair can be applied for from %(day)s (%(months)d months after listing).")
                % {"day": start.isoformat(), "months": entry.rule_set.repair_min_months},
                code="repair_too_early",
            )
        if entry.repairs.filter(status=RepairStatus.PENDING).exists():
            raise DomainError(_("An application is already waiting for a decision."), code="repair_already_pending")
        repair.entry = entry
        repair.save()
        _record_repair_step(entry, action="repair_apply", actor=actor, note=statement)
        _tell(
            committee_office_users(),
            entry,
            _("Credit repair application: %(name)s") % {"name": entry.enterprise.name},
            statement,
            key=f"repair-{repair.pk}",
        )
    return repair


def credit_repair_decide(*, actor: User, repair: CreditRepair, approve: bool, note: str) -> CreditRepair:
    """Approval removes the entry early; a rejection leaves it listed until its end date."""
    note = _reasons(note)
    with transaction.atomic():
        entry = _lock(repair.entry)
        repair = CreditRepair.objects.select_for_update().get(pk=repair.pk)
        require(actor, "credit.decide_listing", entry, message=_("Only committee staff decide on credit repair."))
        if repair.status != RepairStatus.PENDING:
            raise DomainError(_("This application has already been decided."), code="repair_already_decided")
        repair.status = RepairStatus.APPROVED if approve else RepairStatus.REJECTED
        repair.decided_by = actor
        repair.decided_at = timezone.now()
        repair.decision_note = note
        if approve:
            _require(entry, BlacklistStatus.ACTIVE)
            start = repair_possible_from(entry)
            today = timezone.localdate()
            if start is not None and today < start:
                raise DomainError(
                    _("Early removal is possible from %(day)s.") % {"day": start.isoformat()}, code="repair_too_early"
                )
            repair.save()
            _remove(entry, reason=RemovalReason.REPAIRED, on=today, actor=actor, note=note)
        else:
            repair.save()
            _record_repair_step(entry, action="repair_reject", actor=actor, note=note)
            _tell(
                enterprise_users(entry.enterprise_id),
                entry,
                _("Credit repair application rejected"),
                note,
                key=f"repair-{repair.pk}-rejected",
            )
    return repair


def blacklist_clocks_backfill() -> int:
    """Open the period-end clock of every active entry (idempotent: `open_rule_clocks`, the demo)."""
    opened = 0
    entries = BlacklistEntry.objects.filter(status=BlacklistStatus.ACTIVE).select_related("enterprise").order_by("pk")
    for entry in entries.iterator(chunk_size=500):
        with transaction.atomic():
            blacklist_period_clock(entry)
        opened += 1
    return opened
