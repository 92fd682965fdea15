"""Rule-set versions: publish a draft, copy a version into a new draft (old versions never change)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safety_platform.models import User
from safety_platform.services import DomainError

from ..choices import RuleSetStatus
from ..models import CriterionLimit, Rule, RuleSet


def rule_set_publish(*, rule_set: RuleSet, actor: User | None = None) -> RuleSet:
    """Freeze a draft. From its `effective_from` on, grading uses it; earlier results keep theirs."""
    with transaction.atomic():
        locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        if locked.status != RuleSetStatus.DRAFT:
            raise DomainError(_("Only a draft can be published."), code="rule_set_not_draft")
        if not locked.rules.exists():
            raise DomainError(_("A rule set needs at least one rule."), code="rule_set_empty")
        locked.full_clean()
        locked.status = RuleSetStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = actor
        locked.save()
    return locked


def rule_set_copy(*, rule_set: RuleSet, version: str, effective_from: dt.date, name: str = "") -> RuleSet:
    """A new draft with the same limits and rules, to be edited and published as the next version."""
    version = (version or "").strip()
    if not version:
        raise DomainError(_("Give the new version a name."), field="version", code="invalid")
    if RuleSet.objects.filter(version=version).exists():
        raise DomainError(_("This version already exists."), field="version", code="invalid")
    with transaction.atomic():
        copy = RuleSet.objects.get(pk=rule_set.pk)
        copy.pk = None
        copy.id = None
        copy.version = version
        copy.name = name or rule_set.name
        copy.effective_from = effective_from
        copy.status = RuleSetStatus.DRAFT
        copy.published_at = None
        copy.published_by = None
        copy.based_on = rule_set
        copy._state.adding = True
        copy.save()
        CriterionLimit.objects.bulk_create(
            CriterionLimit(rule_set=copy, criterion=lim.criterion, max_bonus=lim.max_bonus, max_penalty=lim.max_penalty)
            for lim in rule_set.limits.all()
        )
        rules = []
        for rule in rule_set.rules.all():
            rule.pk = None
            rule.id = None
            rule.rule_set = copy
            rule._state.adding = True
            rules.append(rule)
        Rule.objects.bulk_create(rules)
    return copy
