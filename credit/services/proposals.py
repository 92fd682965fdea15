"""Credit follows events, a person confirms (DESIGN §3b, §5).

An untrustworthy record the platform derives from an event (an accident, an overdue major hazard, a late
or missing filing, a decided penalty case) is a proposal (待确认): it carries the evidence and the rule
(so the rule-set version) and counts in nothing until staff of the supervising department or the committee
confirm it. Rejected (未采纳), it keeps the reason and never counts. A statutory clock runs from the
proposal (the days come from the rule set in force, so the number is versioned); a proposal left undecided
past it is escalated by the deadline job, never applied silently.

    proposed ─confirm→ active (replaces the matter's earlier records; blacklist rules run; regrade)
       └──────reject→ rejected (the grade stays as it was)
       └─superseded→ rejected by the system (a newer event about the same matter proposes again)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.locking import lock_in_state
from safety_platform.models import User
from safety_platform.permissions import can
from safety_platform.services import (
    DomainError,
    deadline_cancel,
    deadline_met,
    deadline_open,
    department_users,
    enterprise_users,
    notify,
    required_text,
)

from ..choices import RecordStatus
from ..models import CreditRecord, RuleSet

# The kind of the statutory clock a proposal opens (StatutoryDeadline.kind).
PROPOSAL_DEADLINE_KIND = register_deadline_kind("credit_proposal", gettext_lazy("decision on a proposed credit record"))
# One bulk decision covers at most this many records (a page of the list is 25).
MAX_BATCH = 200

CONFIRM = "confirm"
REJECT = "reject"


def _enterprise_url(record: CreditRecord) -> str:
    return reverse("credit:enterprise", args=[record.enterprise_id]) + f"#record-{record.pk}"


def proposal_days(record: CreditRecord) -> int:
    """Days the department has to decide: from the rule set in force today, else the record's own version."""
    rule_set = RuleSet.objects.in_force(timezone.localdate()) or record.rule.rule_set
    return int(rule_set.proposal_days)


def credit_proposal_opened(*, record: CreditRecord) -> None:
    """A proposal was made: start its clock and tell the enterprise and the department that decides.

    Called in the transaction that created the record. Stored text (the clock's title, the notices) is
    written in the platform's language, whoever's event caused it.
    """
    enterprise = record.enterprise
    due_at = timezone.now() + dt.timedelta(days=proposal_days(record))
    with translation.override(settings.LANGUAGE_CODE):
        deadline_open(
            source=record,
            kind=PROPOSAL_DEADLINE_KIND,
            title=_("Confirm or reject the proposed credit record: %(name)s, %(rule)s")
            % {"name": enterprise.name, "rule": record.rule.title},
            due_at=due_at,
            enterprise=enterprise,
            # Whoever sees the clock (the area's inspectors, the enterprise, on escalation the offices) can open
            # the enterprise's credit page; the deciders' list is for department and committee staff only.
            url=_enterprise_url(record),
            legal_basis=_("Credit records derived from platform events count only once a person confirms them."),
        )
        notify(
            recipients=enterprise_users(enterprise.pk),
            title=_("Proposed untrustworthy credit record: %(rule)s") % {"rule": record.rule.title},
            body=_(
                "%(evidence)s The supervising department will confirm or reject it; until then it does not "
                "count in your grade."
            )
            % {"evidence": record.evidence},
            url=_enterprise_url(record),
            category="credit",
            dedup_key=f"credit_record:{record.pk}:proposed",
        )
        notify(
            recipients=department_users(record.department_id),
            title=_("Credit record awaiting your confirmation: %(name)s") % {"name": enterprise.name},
            body=f"{record.rule.title}. {record.evidence}",
            url=reverse("credit:proposals"),
            category="credit",
            dedup_key=f"credit_record:{record.pk}:to_decide",
        )


def _tell_decision(record: CreditRecord) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if record.is_active:
            title = _("Credit record confirmed: %(rule)s") % {"rule": record.rule.title}
            body = _("It now counts in your grade. Reason: %(reason)s") % {"reason": record.decision_reason}
        else:
            title = _("Proposed credit record not adopted: %(rule)s") % {"rule": record.rule.title}
            body = _("It does not count in your grade. Reason: %(reason)s") % {"reason": record.decision_reason}
        notify(
            recipients=enterprise_users(record.enterprise_id),
            title=title,
            body=body,
            url=_enterprise_url(record),
            category="credit",
            dedup_key=f"credit_record:{record.pk}:decided",
        )


def _decide(record: CreditRecord, *, actor: User | None, status: str, reason: str) -> None:
    record.status = status
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.decision_reason = reason[:300]
    record.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])


def _confirm(record: CreditRecord, *, actor: User, reason: str) -> None:
    from .records import _after_record_change, credit_record_revoke

    # The proposal replaces the matter's earlier records (an accident's first grading, a certificate
    # granted before it was revoked) only now that it counts; until then those keep counting.
    if record.source_key:
        earlier = CreditRecord.objects.filter(
            enterprise_id=record.enterprise_id, source_key=record.source_key, status=RecordStatus.ACTIVE
        ).exclude(pk=record.pk)
        for old in earlier.order_by("pk"):
            credit_record_revoke(
                actor=None,
                record=old,
                reason=_("Replaced by a later event about the same matter (%(day)s).")
                % {"day": record.occurred_on.isoformat()},
            )
    _decide(record, actor=actor, status=RecordStatus.ACTIVE, reason=reason)
    deadline_met(source=record, kind=PROPOSAL_DEADLINE_KIND)
    _after_record_change(record)  # blacklist rules on the confirmed record; the grade is recalculated
    _tell_decision(record)


def _reject(record: CreditRecord, *, actor: User, reason: str) -> None:
    _decide(record, actor=actor, status=RecordStatus.REJECTED, reason=reason)
    deadline_met(source=record, kind=PROPOSAL_DEADLINE_KIND)
    _tell_decision(record)  # nothing to recalculate: a proposal never counted


def credit_proposal_supersede(*, record: CreditRecord, reason: str) -> None:
    """The system rejects an undecided proposal (a newer event about the same matter, a voided report).

    The caller holds the row's lock. The enterprise hears of the newer proposal instead, so no notice here.
    """
    _decide(record, actor=None, status=RecordStatus.REJECTED, reason=reason)
    deadline_cancel(source=record, kind=PROPOSAL_DEADLINE_KIND)


def credit_proposals_decide(
    *, actor: User, record_ids: Iterable[Any], decision: str, reason: str
) -> list[CreditRecord]:
    """Confirm or reject proposed records with one reason, all or none.

    Every record must be one the actor may decide (staff of its department, or the committee) and still
    awaiting a decision; otherwise nothing changes and the refusal says why.
    """
    if decision not in (CONFIRM, REJECT):
        raise DomainError(_("Choose to confirm or to reject."), field="decision", code="invalid")
    reason = required_text(reason, field="reason", message=_("Give the reason for the decision."))
    try:
        ids = sorted({int(pk) for pk in record_ids})
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Select proposed records from the list."), field="records", code="invalid") from exc
    if not ids:
        raise DomainError(_("Select at least one proposed record."), field="records", code="invalid")
    if len(ids) > MAX_BATCH:
        raise DomainError(
            _("Decide at most %(count)d records at once.") % {"count": MAX_BATCH}, field="records", code="invalid"
        )
    if not can(actor, "credit.decide_proposals"):
        raise DomainError(
            _("Only the supervising department's staff and the committee decide proposed credit records."),
            code="forbidden",
        )
    base = CreditRecord.objects.select_related("enterprise", "rule", "rule__rule_set")
    decided: list[CreditRecord] = []
    with transaction.atomic():
        # Locked in id order, so two people deciding overlapping selections wait for each other instead of
        # deadlocking; the second one finds the records decided and is told so (nothing applied twice).
        for pk in ids:
            try:
                record = lock_in_state(
                    base,
                    pk,
                    [RecordStatus.PROPOSED],
                    message=_("A selected record is no longer awaiting a decision (now: %(status)s). Reload the list."),
                    code="credit_record_not_proposed",
                    field=None,
                )
            except CreditRecord.DoesNotExist as exc:
                raise DomainError(_("A selected record does not exist."), field="records", code="not_found") from exc
            if not can(actor, "credit.decide_proposal", record):
                raise DomainError(
                    _("%(name)s is not supervised by your department: its records are decided there.")
                    % {"name": record.enterprise.name},
                    code="forbidden",
                )
            if decision == CONFIRM:
                _confirm(record, actor=actor, reason=reason)
            else:
                _reject(record, actor=actor, reason=reason)
            decided.append(record)
    return decided


def credit_proposal_confirm(*, actor: User, record: CreditRecord, reason: str) -> CreditRecord:
    """Confirm one proposed record: it counts from now on (see `credit_proposals_decide`)."""
    return credit_proposals_decide(actor=actor, record_ids=[record.pk], decision=CONFIRM, reason=reason)[0]


def credit_proposal_reject(*, actor: User, record: CreditRecord, reason: str) -> CreditRecord:
    """Reject one proposed record with the reason: the grade stays as it was."""
    return credit_proposals_decide(actor=actor, record_ids=[record.pk], decision=REJECT, reason=reason)[0]
