"""Credit behaviour records: recorded by staff, or mapped from platform events (facts)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from safety_platform.choices import FactKind
from safety_platform.models import Fact, User
from safety_platform.permissions import can
from safety_platform.services import DomainError, required_text
from safety_platform.tasks_util import enqueue
from safety_platform.uploads import IMAGE, OFFICE, PDF, random_upload_path, validate_upload

from ..choices import Behaviour, IntakeOutcome, RecordSource, RecordStatus
from ..models import CreditFactIntake, CreditRecord, Rule, RuleSet
from .proposals import credit_proposal_opened, credit_proposal_supersede

logger = logging.getLogger(__name__)

EVIDENCE_KINDS = (IMAGE, PDF, OFFICE)


def _enqueue_recalculation(enterprise_id: int) -> None:
    from ..tasks import recalculate_enterprise_task

    enqueue(recalculate_enterprise_task, enterprise_id)


def store_upload(field: Any, upload: Any, prefix: str) -> None:
    """Validate an evidence upload by content and store it under a random name."""
    try:
        ext = validate_upload(upload, kinds=EVIDENCE_KINDS)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="evidence_file", code="invalid") from exc
    field.save(random_upload_path(prefix, ext), upload, save=False)


def _after_record_change(record: CreditRecord) -> None:
    from .blacklist import blacklist_propose_by_rule

    if record.is_active:
        blacklist_propose_by_rule(record=record)
    _enqueue_recalculation(record.enterprise_id)


def credit_rules_for_manual_entry(on: dt.date | None = None) -> list[Rule]:
    rule_set = RuleSet.objects.in_force(on or timezone.localdate())
    if rule_set is None:
        return []
    return list(rule_set.rules.filter(manual_allowed=True).order_by("criterion", "code"))


def credit_record_create(
    *,
    actor: User,
    enterprise: Enterprise,
    rule: Rule,
    occurred_on: dt.date,
    evidence: str,
    evidence_file: Any = None,
) -> CreditRecord:
    """A department's record of an enterprise's behaviour, under a rule of the version in force.

    It counts at once: a person entered it (only records the platform derives from events are proposals).
    """
    if not can(actor, "credit.record"):
        raise DomainError(
            _("Only supervising departments and the committee record credit behaviour."), code="forbidden"
        )
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise DomainError(_("You do not supervise this enterprise."), code="forbidden")
    today = timezone.localdate()
    rule_set = RuleSet.objects.in_force(today)
    if rule_set is None or rule.rule_set_id != rule_set.pk:
        raise DomainError(_("Choose a rule of the rule set in force."), field="rule", code="invalid")
    if not rule.manual_allowed:
        raise DomainError(
            _("This behaviour is recorded automatically from platform events."), field="rule", code="invalid"
        )
    if occurred_on > today:
        raise DomainError(_("The date cannot be in the future."), field="occurred_on", code="invalid")
    evidence = (evidence or "").strip()
    if not evidence:
        raise DomainError(_("Describe the evidence."), field="evidence", code="invalid")
    record = CreditRecord(
        enterprise=enterprise,
        rule=rule,
        rule_code=rule.code,
        behaviour=rule.behaviour,
        occurred_on=occurred_on,
        evidence=evidence,
        department=actor.department if actor.department_id else None,
        recorded_by=actor,
        source=RecordSource.MANUAL,
    )
    if evidence_file:
        store_upload(record.evidence_file, evidence_file, "credit/evidence")
    with transaction.atomic():
        record.save()
        _after_record_change(record)
    return record


def credit_record_revoke(*, actor: User | None, record: CreditRecord, reason: str) -> CreditRecord:
    """Revoke a record (it stays, marked revoked, with who, when and why). `actor=None` is the system."""
    reason = required_text(reason, field="reason", message=_("Give the reason for the revocation."))
    if actor is not None and not can(actor, "credit.revoke_record", record):
        raise DomainError(_("Only the recording department or the committee may revoke a record."), code="forbidden")
    with transaction.atomic():
        locked = CreditRecord.objects.select_for_update().get(pk=record.pk)
        if locked.status == RecordStatus.REVOKED:
            raise DomainError(_("This record has already been revoked."), code="record_already_revoked")
        if locked.status != RecordStatus.ACTIVE:
            raise DomainError(
                _("This record does not count: a proposed record is confirmed or rejected, not revoked."),
                code="record_not_active",
            )
        locked.status = RecordStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revoke_reason = reason[:300]
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason", "updated_at"])
        _after_record_change(locked)
    return locked


# Platform events ------------------------------------------------------------------------------

_STANDARDIZATION_KINDS = {
    FactKind.STANDARDIZATION_GRANTED,
    FactKind.STANDARDIZATION_REVOKED,
    FactKind.STANDARDIZATION_EXPIRED,
}
_TRAINING_KINDS = {FactKind.TRAINING_COMPLIANT, FactKind.TRAINING_NONCOMPLIANT}


def fact_source_key(fact: Fact) -> str:
    """Events about the same thing share a key; the latest one's record replaces earlier ones.

    - an accident and its re-gradings (`accident:<id>:<revision>`) → `accident:<accident_id>`;
    - a certificate granted, revoked or expired → `stdcert:<certificate_id>`;
    - the training status of an enterprise → `training:<enterprise_id>`;
    - anything else stands alone.
    """
    payload = fact.payload or {}
    if fact.kind == FactKind.ACCIDENT and payload.get("accident_id") is not None:
        return f"accident:{payload['accident_id']}"
    if fact.kind in _STANDARDIZATION_KINDS and payload.get("certificate_id") is not None:
        return f"stdcert:{payload['certificate_id']}"
    if fact.kind in _TRAINING_KINDS:
        return f"training:{fact.enterprise_id}"
    return f"fact:{fact.dedup_key}"[:200]


def matching_rule(rule_set: RuleSet, fact: Fact) -> Rule | None:
    """The rule for an event: same kind, every `fact_match` key equal; the most specific wins."""
    candidates = [rule for rule in rule_set.rules.filter(fact_kind=fact.kind) if rule.matches(fact.payload or {})]
    candidates.sort(key=lambda rule: (-len(rule.fact_match or {}), rule.pk))
    return candidates[0] if candidates else None


def _evidence_text(fact: Fact) -> str:
    """The event in words (pages render it afresh in the reader's language; exports read this)."""
    from ..explain import fact_sentence

    return fact_sentence(fact)


def credit_fact_ingest(*, fact: Fact) -> CreditFactIntake:
    """Turn one platform event into a credit record (or an inspection visit). Once per event.

    The rule comes from the version in force on the day the event happened, so the record keeps
    the rule (and version) that justified it.

    Under an untrustworthy (bad) rule the record is a proposal (待确认): it counts in nothing until staff
    of the supervising department or the committee confirm it (`credit_proposals_decide`), and the
    matter's earlier records keep counting until then. Under a trustworthy (good) rule it counts at once:
    it costs the enterprise nothing, so there is no downgrade for a person to confirm. A newer event about
    the same matter supersedes an undecided proposal (rejected by the system, with the reason).
    """
    existing = CreditFactIntake.objects.filter(fact_id=fact.pk).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        try:
            with transaction.atomic():
                intake = CreditFactIntake.objects.create(fact=fact, outcome=IntakeOutcome.NO_RULE)
        except IntegrityError:  # a concurrent intake of the same event won
            return CreditFactIntake.objects.get(fact_id=fact.pk)
        if fact.enterprise_id is None:
            intake.outcome = IntakeOutcome.NO_ENTERPRISE
            intake.save(update_fields=["outcome"])
            return intake
        if fact.kind == FactKind.INSPECTION_CONDUCTED:
            # Not a credit matter: the supervision app records the inspection (supervision.receivers).
            intake.outcome = IntakeOutcome.INSPECTION
            intake.save(update_fields=["outcome"])
            return intake
        if fact.kind == FactKind.HAZARD_VOIDED:
            _revoke_records_of_voided(fact)
            intake.outcome = IntakeOutcome.NO_RULE
            intake.save(update_fields=["outcome"])
            return intake
        # Serialize events about one enterprise, so two events of the same accident cannot both
        # leave an active record (FOR NO KEY UPDATE does not block inserts referencing the row).
        enterprise = (
            Enterprise.objects.select_for_update(no_key=True, of=("self",))
            .select_related("supervising_department")
            .get(pk=fact.enterprise_id)
        )
        key = fact_source_key(fact)
        group = list(
            CreditRecord.objects.select_for_update().filter(
                enterprise=enterprise, source_key=key, status__in=[RecordStatus.ACTIVE, RecordStatus.PROPOSED]
            )
        )
        if any(record.fact_id is not None and record.fact_id > fact.pk for record in group):
            intake.outcome = IntakeOutcome.STALE  # a later event about the same thing is already in
            intake.save(update_fields=["outcome"])
            return intake
        day = timezone.localdate(fact.occurred_at)
        rule_set = RuleSet.objects.in_force(day)
        rule = matching_rule(rule_set, fact) if rule_set else None
        proposing = rule is not None and rule.behaviour == Behaviour.BAD
        replaced = _("Replaced by a later event about the same matter (%(day)s).") % {"day": day.isoformat()}
        for record in group:
            if record.status == RecordStatus.PROPOSED:
                credit_proposal_supersede(record=record, reason=replaced)
            elif not proposing:
                # A proposal replaces the active records only once confirmed (credit_proposals_decide).
                credit_record_revoke(actor=None, record=record, reason=replaced)
        if rule is None:
            return intake
        record = CreditRecord.objects.create(
            status=RecordStatus.PROPOSED if proposing else RecordStatus.ACTIVE,
            enterprise=enterprise,
            rule=rule,
            rule_code=rule.code,
            behaviour=rule.behaviour,
            occurred_on=day,
            evidence=_evidence_text(fact),
            department=enterprise.supervising_department,
            source=RecordSource.FACT,
            fact=fact,
            source_key=key,
        )
        if proposing:
            credit_proposal_opened(record=record)
        else:
            _after_record_change(record)
        intake.outcome = IntakeOutcome.RECORDED
        intake.record = record
        intake.save(update_fields=["outcome", "record"])
    return intake


def _revoke_records_of_voided(fact: Fact) -> None:
    """A worker's report was voided (spam, duplicate, unfounded): what it caused stops counting.

    Every active record made from an event about the same hazard (overdue, refusal …) is revoked by the
    system with the reason, and an undecided proposal is rejected by the system; the records stay, marked,
    in the enterprise's history.
    """
    if fact.source_type_id is None or fact.source_id is None:
        return
    # credit_record_revoke locks each record and skips none twice (it refuses an already revoked one).
    records = CreditRecord.objects.filter(
        fact__source_type_id=fact.source_type_id,
        fact__source_id=fact.source_id,
        status__in=[RecordStatus.ACTIVE, RecordStatus.PROPOSED],
    )
    reason = _("The hazard report behind this record was voided (%(code)s).") % {
        "code": (fact.payload or {}).get("code", "")
    }
    for record in records.exclude(fact_id=fact.pk).select_for_update():
        if record.status == RecordStatus.PROPOSED:
            credit_proposal_supersede(record=record, reason=reason)  # never decided, never counted
        else:
            credit_record_revoke(actor=None, record=record, reason=reason)


def credit_facts_ingest_pending(*, limit: int | None = None) -> int:
    """Catch up on events the signal missed (a crash between the event's commit and our intake)."""
    from django.db.models import Exists, OuterRef

    pending = (
        Fact.objects.filter(~Exists(CreditFactIntake.objects.filter(fact_id=OuterRef("pk"))))
        .order_by("id")
        .only("id", "kind", "enterprise_id", "payload", "dedup_key", "occurred_at")
    )
    if limit:
        pending = pending[:limit]
    count = 0
    for fact in pending.iterator(chunk_size=500):
        try:
            credit_fact_ingest(fact=fact)
        except Exception:  # one bad event must not stop the sweep
            logger.exception("credit could not ingest fact %s", fact.pk)
            continue
        count += 1
    return count
