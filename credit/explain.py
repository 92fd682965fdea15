"""Credit reasons in words: what a platform event was, as a sentence, and where its record is.

A record made from a platform event (a `Fact`) keeps the event's details as data (ids, keys, enum
values, UTC timestamps). Pages never show those: they show `fact_sentence` in the reader's language,
times in Asia/Shanghai, and a link to the event's own record only when the reader may open it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from safety_platform.choices import FactKind

from .models.rules import FACT_MATCH_VALUES

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def _day(value: Any) -> str:
    """A date or ISO timestamp as the reader's day (Asia/Shanghai), "" when missing."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return formats.date_format(value, "Y-m-d")
    else:
        parsed = parse_datetime(str(value))
        if parsed is None:
            day = parse_date(str(value))
            return formats.date_format(day, "Y-m-d") if day else ""
        moment = parsed
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "Y-m-d")


def _moment(value: Any) -> str:
    """An ISO timestamp as the reader's local date and time (Asia/Shanghai)."""
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value or ""))
    if moment is None:
        return _day(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "Y-m-d H:i")


def period_label(period: Any) -> str:
    """ "2026Q3" → 2026年第3季度, "2026" → 2026年度."""
    text = str(period or "")
    match = _QUARTER.match(text)
    if match:
        return _("Q%(quarter)s %(year)s") % {"year": match.group(1), "quarter": match.group(2)}
    if text.isdigit():
        return _("the year %(year)s") % {"year": text}
    return text


def _with_note(sentence: str, note: Any) -> str:
    note = str(note or "").strip()
    return _("%(sentence)s Note: %(note)s") % {"sentence": sentence, "note": note} if note else sentence


def _penalty_sentence(p: dict[str, Any], day: str) -> str:
    """A decided penalty case: its decision's number and every penalty it decided, in words."""
    penalties = []
    if p.get("fine_amount"):
        penalties.append(
            _("a fine of %(amount)s yuan")
            % {"amount": formats.number_format(p["fine_amount"], decimal_pos=2, force_grouping=True)}
        )
    if p.get("suspension_days"):
        penalties.append(
            _("suspension of production for rectification for %(days)s days") % {"days": p["suspension_days"]}
        )
    if p.get("licence_revocation_proposed"):
        penalties.append(_("a proposal to revoke a licence"))
    return _("Administrative penalty decided on %(day)s (decision %(number)s): %(penalties)s.") % {
        "day": day,
        "number": p.get("number") or "",
        "penalties": _("; ").join(penalties) or _("see the decision"),
    }


def fact_sentence(fact: Any) -> str:
    """The event as a sentence in the active language (no ids, keys or enum values)."""
    p = fact.payload or {}
    kind = fact.kind
    day = _day(fact.occurred_at)
    if kind == FactKind.ACCIDENT:
        grade = FACT_MATCH_VALUES["grade"].get(str(p.get("grade")))
        return _("%(grade)s on %(day)s: %(deaths)s dead, %(injured)s seriously injured, direct loss %(loss)s yuan.") % {
            "grade": grade or _("Production-safety accident"),
            "day": day,
            "deaths": p.get("deaths", 0),
            "injured": p.get("serious_injuries", 0),
            "loss": formats.number_format(p.get("direct_loss_yuan") or 0, force_grouping=True),
        }
    if kind == FactKind.ACCIDENT_CONCEALED:
        return _with_note(_("The accident of %(day)s was concealed or falsely reported.") % {"day": day}, p.get("note"))
    if kind in (FactKind.MAJOR_HAZARD_OVERDUE, FactKind.HAZARD_OVERDUE):
        text = (
            _("Major hazard %(code)s was not rectified by its deadline %(due)s.")
            if kind == FactKind.MAJOR_HAZARD_OVERDUE
            else _("Hazard %(code)s was not rectified by its deadline %(due)s.")
        )
        return text % {"code": p.get("code") or "", "due": _moment(p.get("due_at")) or day}
    if kind == FactKind.HAZARD_CLOSED:
        text = (
            _("Hazard %(code)s was rectified on time and closed out on %(day)s.")
            if p.get("on_time")
            else _("Hazard %(code)s was closed out on %(day)s, after its deadline.")
        )
        return text % {"code": p.get("code") or "", "day": day}
    if kind == FactKind.RECTIFICATION_REFUSED:
        return _with_note(
            _("On %(day)s the enterprise refused to rectify hazard %(code)s.")
            % {"day": day, "code": p.get("code") or ""},
            p.get("note"),
        )
    if kind in (FactKind.STANDARDIZATION_GRANTED, FactKind.STANDARDIZATION_REVOKED, FactKind.STANDARDIZATION_EXPIRED):
        level = FACT_MATCH_VALUES["level"].get(str(p.get("level")), "")
        text = {
            FactKind.STANDARDIZATION_GRANTED: _(
                "Work-safety standardization certificate (%(level)s) granted on %(day)s."
            ),
            FactKind.STANDARDIZATION_REVOKED: _(
                "Work-safety standardization certificate (%(level)s) revoked on %(day)s."
            ),
            FactKind.STANDARDIZATION_EXPIRED: _(
                "Work-safety standardization certificate (%(level)s) expired on %(day)s without re-review."
            ),
        }[FactKind(kind)]
        return text % {"level": level, "day": day}
    if kind == FactKind.TRAINING_COMPLIANT:
        return _("Training check of %(day)s: all %(people)s staff trained as required.") % {
            "day": day,
            "people": p.get("people", 0),
        }
    if kind == FactKind.TRAINING_NONCOMPLIANT:
        return _("Training check of %(day)s: %(missing)s of %(people)s staff not trained as required.") % {
            "day": day,
            "missing": p.get("noncompliant_people", 0),
            "people": p.get("people", 0),
        }
    if kind == FactKind.SELF_REPORT_FILED:
        return _("Hazard statistics for %(period)s filed on time.") % {"period": period_label(p.get("period"))}
    if kind == FactKind.SELF_REPORT_LATE:
        text = (
            _("Hazard statistics for %(period)s filed after the deadline %(due)s.")
            if p.get("submitted")
            else _("Hazard statistics for %(period)s not filed by the deadline %(due)s.")
        )
        return text % {"period": period_label(p.get("period")), "due": _day(p.get("due_on")) or day}
    if kind == FactKind.JOINT_INSPECTION_FINDING:
        text = (
            _("Joint enforcement inspection of %(day)s found (suspected major hazard): %(title)s")
            if p.get("suspected_major")
            else _("Joint enforcement inspection of %(day)s found: %(title)s")
        )
        return text % {"day": day, "title": p.get("title") or ""}
    if kind == FactKind.LICENCE_VIOLATION:
        sentence = _("Operated without or during suspension of a licence (%(licence)s) on %(day)s.") % {
            "licence": p.get("licence") or _("safety licence"),
            "day": day,
        }
        return _with_note(sentence, p.get("note"))
    if kind == FactKind.PENALTY_DECIDED:
        return _with_note(_penalty_sentence(p, day), p.get("note"))
    label = fact.get_kind_display()
    return _with_note(_("%(event)s on %(day)s.") % {"event": label, "day": day}, p.get("note"))


@dataclass
class Explained:
    """One record's reason: the sentence and, if the reader may open it, the event's own page."""

    sentence: str
    url: str = ""


def _openable_sources(facts: Iterable[Any], user: Any) -> dict[tuple[int, int], str]:
    """(content type id, object id) → URL of each event source the user may open (one query per model)."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for fact in facts:
        if fact.source_type_id and fact.source_id:
            wanted[fact.source_type_id].add(fact.source_id)
    urls: dict[tuple[int, int], str] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        queryset = model._default_manager.all()
        if not hasattr(queryset, "visible_to"):
            continue  # no scoping rule: never guess who may see it
        for obj in queryset.visible_to(user).filter(pk__in=ids):
            urls[(type_id, obj.pk)] = obj.get_absolute_url()
    return urls


def explain_records(records: Iterable[Any], user: Any) -> dict[int, Explained]:
    """record id → its reason in words, for records made from events (load them with `fact`)."""
    records = [r for r in records if r.fact_id is not None]
    facts = [r.fact for r in records]
    urls = _openable_sources(facts, user)
    return {
        r.pk: Explained(sentence=fact_sentence(r.fact), url=urls.get((r.fact.source_type_id, r.fact.source_id), ""))
        for r in records
    }
