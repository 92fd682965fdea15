"""Credit rule set LY-2021.1: a decided administrative penalty case proposes a credit record (issue 13, item 3).

LY-2016.1 had no rule for the `penalty_decided` event, so a penalty decided in the enforcement module left
the enterprise's credit untouched. A published version is frozen: the rules change by a new version that
copies the version in force and adds three rules, one per penalty the case decided (the heaviest one):

- a fine (罚款): -5 points, counts 12 months;
- suspension of production (责令停产停业整顿): -10 points, 24 months, grade at best 二级;
- a proposal to revoke a licence (提请吊销许可证照): -20 points, 36 months, grade at best 三级, and a listing
  proposal once the record is confirmed (Order 11 art. 3: a penalty for conduct of a bad nature and serious
  circumstances).

Like every record derived from an event, each is proposed (待确认) for a person to confirm.

It is in force from 15 July 2021 (the revised Administrative Penalty Law, the enforcement rules' own date),
or from the copied version's date if that is later. No earlier grade changes: the copy holds every rule of
the old version with its numbers, and no record exists under the new rules yet. Events already taken in are
not taken in again (one intake per event).
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations
from django.utils import timezone

VERSION = "LY-2021.1"
NAME = "龙岩市企业安全生产守信等级评定规则（2021，增列行政处罚）"
EFFECTIVE_FROM = dt.date(2021, 7, 15)
PENALTY_LAW = "《中华人民共和国行政处罚法》（2021年修订）第九条"
NOTE = (
    "2021年起增列行政处罚决定的三条失信规则（罚款；责令停产停业整顿；提请吊销有关许可证照），"
    "一个案件按其最重的处罚记录一条，由监管部门确认后计入。"
)
ORDER_11_ART_3 = "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）第三条"

# code, title, points, validity months, grade cap, the penalty the event reports, blacklist case, legal basis
PENALTY_RULES = [
    ("PEN-FINE", "受到安全生产行政处罚（罚款）", -5, 12, None, "fine", "", PENALTY_LAW),
    (
        "PEN-SUSPENSION",
        "受到责令停产停业整顿的行政处罚",
        -10,
        24,
        2,
        "suspension",
        "",
        PENALTY_LAW + "；《中华人民共和国安全生产法》",
    ),
    (
        "PEN-REVOCATION",
        "受到提请吊销有关许可证照的行政处罚",
        -20,
        36,
        3,
        "licence_revocation",
        "other",
        ORDER_11_ART_3 + "；《中华人民共和国安全生产法》第一百一十三条",
    ),
]

# The copy keeps every other field of the version it copies (numbers, windows, intervals).
_NOT_COPIED = {"id", "version", "name", "effective_from", "status", "published_at", "published_by", "based_on"}


def create_penalty_rule_set(apps, schema_editor):
    RuleSet = apps.get_model("credit", "RuleSet")
    CriterionLimit = apps.get_model("credit", "CriterionLimit")
    Rule = apps.get_model("credit", "Rule")
    if RuleSet.objects.filter(version=VERSION).exists():
        return
    base = RuleSet.objects.filter(status="published").order_by("-effective_from", "-id").first()
    if base is None:
        return  # no rules at all (0002 installs them; a flushed test database puts them back in order)
    if base.rules.filter(fact_kind="penalty_decided").exists():
        return  # an operator already published a version with penalty rules: never a second one
    fields = {
        field.attname: getattr(base, field.attname)
        for field in RuleSet._meta.concrete_fields
        if field.name not in _NOT_COPIED and field.attname not in _NOT_COPIED
    }
    fields.pop("created_at", None)
    fields["notes"] = f"{base.notes}\n{NOTE}".strip()
    rule_set = RuleSet.objects.create(
        **fields,
        version=VERSION,
        name=NAME,
        effective_from=max(EFFECTIVE_FROM, base.effective_from),
        status="published",
        published_at=timezone.now(),
        based_on=base,
    )
    CriterionLimit.objects.bulk_create(
        CriterionLimit(rule_set=rule_set, criterion=lim.criterion, max_bonus=lim.max_bonus, max_penalty=lim.max_penalty)
        for lim in base.limits.all()
    )
    copied = []
    for rule in base.rules.all().order_by("id"):
        rule.pk = None
        rule.id = None
        rule.rule_set = rule_set
        copied.append(rule)
    Rule.objects.bulk_create(copied)
    Rule.objects.bulk_create(
        Rule(
            rule_set=rule_set,
            code=code,
            criterion="responsibility",
            behaviour="bad",
            title=title,
            points=points,
            validity_months=months,
            cap_grade=cap,
            fact_kind="penalty_decided",
            fact_match={"penalty": penalty},
            # Recorded from the decided case only: the same penalty entered by hand as well would count twice.
            manual_allowed=False,
            blacklist_case=case,
            blacklist_threshold=1,
            blacklist_window_months=12,
            legal_basis=basis,
        )
        for code, title, points, months, cap, penalty, case, basis in PENALTY_RULES
    )


class Migration(migrations.Migration):
    dependencies = [("credit", "0010_visits_moved")]

    operations = [migrations.RunPython(create_penalty_rule_set, migrations.RunPython.noop)]
