"""Enterprise self-checks (自查): failed items become hazards (自报); fixed ones go to verification (自改)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.choices import Role
from safety_platform.services import DomainError

from ..choices import CheckOutcome, HazardGrade, HazardSource
from ..models import Checklist, SelfCheck, SelfCheckAnswer
from .loop import actor_role, hazard_assess, hazard_register, hazard_start, hazard_submit


@dataclass
class Answer:
    item_id: int
    outcome: str
    note: str = ""
    photos: Sequence[Any] = field(default_factory=list)


def self_check_submit(*, actor: Any, checklist: Checklist, answers: Sequence[Answer], note: str = "") -> SelfCheck:
    """Record a self-check. Each item marked as a hazard is registered (source self_check); an item
    fixed at once is assessed as general, remediated and — with a photo — sent for verification."""
    if actor_role(actor) != Role.ENTERPRISE or not actor.enterprise_id:
        raise DomainError(_("Only an enterprise checks itself."), code="forbidden")
    enterprise = actor.enterprise
    if not Checklist.objects.for_industry(enterprise.industry).filter(pk=checklist.pk).exists():
        raise DomainError(_("This checklist does not apply to your industry."), field="checklist", code="invalid")
    items = {item.pk: item for item in checklist.items.filter(is_active=True)}
    by_item = {a.item_id: a for a in answers}
    missing = [item for pk, item in items.items() if pk not in by_item]
    if missing:
        raise DomainError(_("Answer every item (%(n)d left).") % {"n": len(missing)}, field="answers", code="invalid")
    unknown = set(by_item) - set(items)
    if unknown:
        raise DomainError(_("Unknown checklist items."), field="answers", code="invalid")
    for answer in answers:
        if answer.outcome not in CheckOutcome.values:
            raise DomainError(_("Unknown outcome."), field=f"item_{answer.item_id}", code="invalid")
        if answer.outcome in (CheckOutcome.HAZARD, CheckOutcome.FIXED) and not answer.note.strip():
            raise DomainError(
                _("Describe the hazard found at “%(item)s”.") % {"item": items[answer.item_id].text[:60]},
                field=f"item_{answer.item_id}",
                code="invalid",
            )
    with transaction.atomic():
        check = SelfCheck.objects.create(
            enterprise=enterprise, checklist=checklist, performed_by=actor, note=(note or "").strip()
        )
        rows = []
        for item_id, item in items.items():
            answer = by_item[item_id]
            hazard = None
            if answer.outcome in (CheckOutcome.HAZARD, CheckOutcome.FIXED):
                hazard, _created = hazard_register(
                    enterprise=enterprise,
                    title=item.text[:200],
                    description=answer.note.strip(),
                    source=HazardSource.SELF_CHECK,
                    reported_by=actor,
                    external_key=f"selfcheck:{check.pk}:{item.pk}",
                    files=[] if answer.outcome == CheckOutcome.FIXED else [(p, "photo") for p in answer.photos],
                )
                if answer.outcome == CheckOutcome.FIXED:
                    hazard = _self_fix(actor, hazard.pk, answer)
            rows.append(
                SelfCheckAnswer(
                    self_check=check, item=item, outcome=answer.outcome, note=answer.note.strip()[:400], hazard=hazard
                )
            )
        SelfCheckAnswer.objects.bulk_create(rows)
    return check


def _self_fix(actor: Any, hazard_id: int, answer: Answer) -> Any:
    """自改: a general hazard fixed on the spot; with a photo it goes straight to verification."""
    name = getattr(actor, "full_name", "") or actor.username
    hazard_assess(
        hazard_id=hazard_id,
        actor=actor,
        grade=HazardGrade.GENERAL,
        deadline=timezone.localdate(),
        responsible_person=name,
        note=_("Fixed on the spot during the self-check."),
    )
    hazard = hazard_start(hazard_id=hazard_id, actor=actor)
    if answer.photos:
        hazard = hazard_submit(hazard_id=hazard_id, actor=actor, note=answer.note, after=list(answer.photos))
    return hazard
