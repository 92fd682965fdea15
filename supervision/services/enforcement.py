"""Enforcement: numbered documents and the administrative penalty case (Administrative Penalty Law 2021).

Numbers: one counter row per (authority, kind, year), locked (`SELECT … FOR UPDATE`) while a document is
numbered and saved, so two inspectors issuing at once get consecutive numbers, never the same one; the
unique constraint on (authority, kind, year, serial) backs it in the database. A number typed by hand (a paper
document entered later) takes the same lock and is refused, naming the field, when it exists.

Cases: every step locks the case row in its source state (`lock_in_state`), checks who may take it, records a
`PenaltyCaseTransition` and, where the law asks for one, the step's document. The decision clock (90 days from
filing, art. 60) and the hearing window (5 days after the notice, art. 64) come from the versioned
`EnforcementRuleSet` recorded on the case; the decision clock and the fine's payment stand on the platform's
one statutory clock (`deadline_open`), so they escalate like every other legal deadline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety_platform.choices import FactKind, JurisdictionLevel
from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.locking import lock_in_state
from safety_platform.models import Jurisdiction
from safety_platform.permissions import can
from safety_platform.services import (
    DomainError,
    deadline_cancel,
    deadline_met,
    deadline_open,
    enterprise_users,
    fact_record,
    notify,
    required_text,
)

from ..models.enforcement import (
    INSPECTION_KINDS,
    KIND_ABBREVIATION,
    CaseStatus,
    DocumentCounter,
    DocumentKind,
    EnforcementDocument,
    EnforcementRuleSet,
    PenaltyCase,
    PenaltyCaseTransition,
    Violation,
)

DEADLINE_DECISION = register_deadline_kind("penalty_decision", gettext_lazy("penalty decision"))
DEADLINE_FINE = register_deadline_kind("penalty_fine", gettext_lazy("payment of a fine"))
DEADLINE_HEARING_WINDOW = register_deadline_kind("penalty_hearing_window", gettext_lazy("request for a hearing"))
DECISION_BASIS = "《中华人民共和国行政处罚法》第六十条"
HEARING_BASIS = "《中华人民共和国行政处罚法》第六十四条"
FINE_BASIS = "《中华人民共和国行政处罚法》第六十七条"
DEFAULT_RULES = {"version": "行政处罚法2021.1", "hearing_request_days": 5, "decision_days": 90, "fine_payment_days": 15}
EARLIEST_DAY = dt.date(2000, 1, 1)

# Short names of Longyan's authorities in document numbers (龙新应急…: 新罗区应急管理局).
AUTHORITY_SHORT: dict[str, str] = {
    "新罗区": "龙新",
    "永定区": "龙永",
    "长汀县": "汀",
    "上杭县": "杭",
    "武平县": "武",
    "连城县": "连",
    "漳平市": "漳",
}

# The credit facts a decided case calls for (credit's rule table maps them to records and blacklist cases).
VIOLATION_FACT: dict[str, str] = {
    Violation.LICENCE: FactKind.LICENCE_VIOLATION,
    Violation.RECTIFICATION_REFUSED: FactKind.RECTIFICATION_REFUSED,
    Violation.OCCUPATIONAL: FactKind.OCCUPATIONAL_HAZARD,
    Violation.SAFETY_STAFF: FactKind.SAFETY_STAFF_MISSING,
}

NUMBER_TYPED = re.compile(r"〔(\d{4})〕\s*(\d+)\s*号?\s*$")


# Rules -----------------------------------------------------------------------------------------


def enforcement_rules_in_force(day: dt.date | None = None) -> EnforcementRuleSet:
    """The rule set in force on `day` (the newest effective on or before it); the default if none is stored."""
    rules = EnforcementRuleSet.objects.in_force(day)
    if rules is None:
        rules, _created = EnforcementRuleSet.objects.get_or_create(
            version=DEFAULT_RULES["version"],
            defaults={**{k: v for k, v in DEFAULT_RULES.items() if k != "version"}, "effective_from": EARLIEST_DAY},
        )
    return rules


# Who may act -----------------------------------------------------------------------------------


def _forbidden() -> DomainError:
    return DomainError(_("Your role may not take this step for this enterprise."), code="forbidden")


# Numbers ---------------------------------------------------------------------------------------


def authority_for(enterprise: Any) -> Jurisdiction:
    """The issuing authority: the county (district, zone) of the enterprise, else the city."""
    county = enterprise.jurisdiction.county()
    if county is not None:
        return county
    return (
        Jurisdiction.objects.filter(pk__in=enterprise.jurisdiction.ancestor_ids).order_by("path").first()
        or enterprise.jurisdiction
    )


def authority_short(authority: Jurisdiction) -> str:
    if authority.level == JurisdictionLevel.CITY:
        return "龙岩"
    return AUTHORITY_SHORT.get(authority.name, "龙" + authority.name[:1])


def document_number(authority: Jurisdiction, kind: str, year: int, serial: int) -> str:
    return f"{authority_short(authority)}应急{KIND_ABBREVIATION[kind]}〔{year}〕{serial}号"


def _locked_counter(authority: Jurisdiction, kind: str, year: int) -> DocumentCounter:
    """The counter row, locked until the caller's transaction ends (created on the year's first document)."""
    counters = DocumentCounter.objects.filter(authority=authority, kind=kind, year=year)
    counter = counters.select_for_update().first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first document of the year may create it
                DocumentCounter.objects.create(authority=authority, kind=kind, year=year, last=0)
        except IntegrityError:
            pass
        counter = counters.select_for_update().get()
    return counter


def parse_typed_number(text: str, year: int) -> int:
    """The serial of a number typed by hand: "12", or the whole number "龙新应急责改〔2026〕12号" of that year."""
    text = (text or "").strip()
    if text.isdigit():
        serial = int(text)
    else:
        match = NUMBER_TYPED.search(text)
        if match is None:
            raise DomainError(
                _("Type the serial (e.g. 12) or the whole number (e.g. 龙新应急责改〔2026〕12号)."),
                field="number",
                code="invalid",
            )
        if int(match.group(1)) != year:
            raise DomainError(
                _("The number's year is %(typed)s but the document is issued in %(year)s.")
                % {"typed": match.group(1), "year": year},
                field="number",
                code="invalid",
            )
        serial = int(match.group(2))
    if serial < 1 or serial > 999999:
        raise DomainError(_("A serial is a whole number from 1 to 999999."), field="number", code="invalid")
    return serial


def _number_taken(number: str) -> DomainError:
    return DomainError(
        _("The document number %(number)s already exists.") % {"number": number},
        field="number",
        code="document_number_taken",
    )


def _allocate(authority: Jurisdiction, kind: str, year: int, typed: str) -> tuple[int, bool]:
    """(serial, typed by hand). Inside the caller's transaction; the counter row stays locked until it commits."""
    counter = _locked_counter(authority, kind, year)
    taken = EnforcementDocument.objects.filter(authority=authority, kind=kind, year=year)
    if typed.strip():
        serial = parse_typed_number(typed, year)
        if taken.filter(serial=serial).exists():
            raise _number_taken(document_number(authority, kind, year, serial))
        return serial, True
    serial = counter.last + 1
    # Skip the numbers of paper documents typed in by hand ahead of the counter.
    used = set(taken.filter(serial__gte=serial).values_list("serial", flat=True))
    while serial in used:
        serial += 1
    counter.last = serial
    counter.save(update_fields=["last"])
    return serial, False


def _create_document(
    *,
    actor: Any,
    kind: str,
    enterprise: Any,
    issued_on: dt.date,
    number: str = "",
    inspection: Any = None,
    case: PenaltyCase | None = None,
    findings: str = "",
    legal_basis: str = "",
    order_items: list[dict[str, Any]] | None = None,
    rectify_by: dt.date | None = None,
    conclusion: str = "",
    replaces: EnforcementDocument | None = None,
) -> EnforcementDocument:
    authority = case.authority if case is not None else authority_for(enterprise)
    year = issued_on.year
    serial, typed = _allocate(authority, kind, year, number)
    User = get_user_model()
    try:
        with transaction.atomic():
            return EnforcementDocument.objects.create(
                authority=authority,
                kind=kind,
                year=year,
                serial=serial,
                number=document_number(authority, kind, year, serial),
                hand_numbered=typed,
                enterprise=enterprise,
                inspection=inspection,
                case=case,
                issued_on=issued_on,
                issued_by=actor if isinstance(actor, User) else None,
                findings=(findings or "").strip(),
                legal_basis=(legal_basis or "").strip(),
                order_items=order_items or [],
                rectify_by=rectify_by,
                conclusion=(conclusion or "").strip(),
                replaces=replaces,
            )
    except IntegrityError as exc:  # the database's unique constraint: never two documents with one number
        raise _number_taken(document_number(authority, kind, year, serial)) from exc


# Documents -------------------------------------------------------------------------------------


def _check_day(day: dt.date | None, field: str) -> dt.date:
    if day is None:
        raise DomainError(_("Give the date."), field=field, code="invalid")
    if day > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field=field, code="invalid")
    if day < EARLIEST_DAY:
        raise DomainError(_("The date is too far in the past."), field=field, code="invalid")
    return day


def document_issue(
    *,
    actor: Any,
    kind: str,
    enterprise: Any,
    issued_on: dt.date | None,
    number: str = "",
    inspection: Any = None,
    findings: str = "",
    legal_basis: str = "",
    items: Sequence[str] = (),
    rectify_by: dt.date | None = None,
    hazard_codes: Sequence[str] = (),
    conclusion: str = "",
    replaces: EnforcementDocument | None = None,
) -> EnforcementDocument:
    """Issue an inspection document: 现场检查记录, 责令限期整改指令书 or 整改复查意见书.

    With `replaces` (重新制发): a voided document of the same kind and enterprise, replaced once; the new document
    gets a new number (the voided one's is never reused) and names the one it replaces.

    An order to rectify needs at least one item or linked hazard, and a deadline; each item becomes a hazard
    (through the hazards app's `hazard_register` and `hazard_assess`, so its rectification clock starts), and the
    hazards named by code are linked. All in one transaction: a refusal leaves nothing behind.
    """
    from hazards.choices import HazardGrade, HazardSource
    from hazards.models import Hazard
    from hazards.services import hazard_assess, hazard_register

    if kind not in INSPECTION_KINDS:
        raise DomainError(_("Choose the kind of document."), field="kind", code="invalid")
    if not can(actor, "supervision.issue_document", enterprise):
        # Only an inspector issues on site: the order's hazards are assessed by the inspector who found them.
        raise _forbidden()
    issued_on = _check_day(issued_on, "issued_on")
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise DomainError(_("This inspection is of another enterprise."), field="inspection", code="invalid")
    items = [line.strip() for line in items if line and line.strip()]
    codes = [c.strip() for c in hazard_codes if c and c.strip()]
    if kind == DocumentKind.RECTIFICATION_ORDER:
        if not items and not codes:
            raise DomainError(
                _("List at least one item to rectify, or the codes of the hazards the order covers."),
                field="items",
                code="order_needs_items",
            )
        if rectify_by is None:
            raise DomainError(_("Set the deadline to rectify by."), field="rectify_by", code="invalid")
        if rectify_by < issued_on:
            raise DomainError(
                _("The deadline cannot be before the day the order is issued."), field="rectify_by", code="invalid"
            )
        if rectify_by < timezone.localdate():
            raise DomainError(_("The deadline cannot be in the past."), field="rectify_by", code="invalid")
        if not (legal_basis or "").strip():
            raise DomainError(
                _("Give the legal basis of the order."), field="legal_basis", code="order_needs_legal_basis"
            )
    if kind == DocumentKind.REINSPECTION_OPINION and not (conclusion or "").strip():
        raise DomainError(_("Give the conclusion of the re-inspection."), field="conclusion", code="invalid")
    if replaces is not None:
        if replaces.kind != kind:
            raise DomainError(
                _("A re-issued document is of the same kind as the one it replaces."), field="kind", code="invalid"
            )
        if replaces.enterprise_id != enterprise.pk:
            raise DomainError(
                _("A re-issued document is for the same enterprise as the one it replaces."),
                field="enterprise",
                code="invalid",
            )
    linked = list(Hazard.objects.filter(enterprise=enterprise, code__in=codes)) if codes else []
    missing = sorted(set(codes) - {h.code for h in linked})
    if missing:
        raise DomainError(
            _("No hazard of this enterprise has the code %(codes)s.") % {"codes": ", ".join(missing)},
            field="hazard_codes",
            code="invalid",
        )
    with transaction.atomic():
        if replaces is not None:
            _lock_replaced(replaces.pk)
        document = _create_document(
            actor=actor,
            kind=kind,
            enterprise=enterprise,
            issued_on=issued_on,
            number=number,
            replaces=replaces,
            inspection=inspection,
            findings=findings,
            legal_basis=legal_basis,
            order_items=[{"text": text, "deadline": rectify_by.isoformat() if rectify_by else ""} for text in items],
            rectify_by=rectify_by if kind == DocumentKind.RECTIFICATION_ORDER else None,
            conclusion=conclusion,
        )
        created = []
        if kind == DocumentKind.RECTIFICATION_ORDER:
            assert rectify_by is not None
            for index, text in enumerate(items, start=1):
                hazard, _new = hazard_register(
                    enterprise=enterprise,
                    title=text[:200],
                    description=_("Ordered by %(number)s.") % {"number": document.number},
                    source=HazardSource.INSPECTION,
                    reported_by=actor,
                    external_key=f"enforcement:{document.pk}:{index}",
                )
                hazard = hazard_assess(
                    hazard_id=hazard.pk,
                    actor=actor,
                    grade=HazardGrade.GENERAL,
                    deadline=rectify_by,
                    responsible_person=enterprise.principal_name or enterprise.legal_representative or enterprise.name,
                    note=document.number,
                )
                created.append(hazard)
        if created or linked:
            document.hazards.add(*created, *linked)
        if kind == DocumentKind.RECTIFICATION_ORDER:
            notify(
                recipients=enterprise_users(enterprise.pk),
                title=_("Order to rectify %(number)s: rectify by %(day)s")
                % {"number": document.number, "day": rectify_by},
                url=document.get_absolute_url(),
                category="hazard",
                dedup_key=f"enforcement:document:{document.pk}",
            )
    return document


# Correcting a mistake: void, then re-issue ------------------------------------------------------

# Only the documents an inspector issues on their own are voided and re-issued here; a case's documents are the
# record of its steps and are corrected through the case (withdrawn and filed again).
VOIDABLE_KINDS = INSPECTION_KINDS


def document_void(*, actor: Any, document_id: int, reason: str) -> EnforcementDocument:
    """作废: an issued document is never edited; a mistake voids it, with the reason, by whom and when (kept on the
    document and in the audit trail). Its number stays taken for ever.

    An order to rectify that is voided keeps its hazards: they are real findings, registered and assessed by
    the inspector, and they keep their state, deadline and rectification clock (the enterprise is still bound
    to fix them, nothing goes unsupervised meanwhile). What the voided order created is the link from those
    hazards to it: the link is dropped (no hazard is left under a voided order) and their codes are kept on the
    voided document, whose print lists them; a re-issued order links them again."""
    reason = (reason or "").strip()
    if not EnforcementDocument.objects.visible_to(actor).filter(pk=document_id).exists():
        raise DomainError(_("Document not found."), code="not_found")
    if not reason:
        raise DomainError(_("Give the reason for voiding the document."), field="reason", code="invalid")
    User = get_user_model()
    with transaction.atomic():
        document = (
            EnforcementDocument.objects.select_for_update(of=("self",))
            .select_related("enterprise__jurisdiction")
            .get(pk=document_id)
        )
        if document.kind not in VOIDABLE_KINDS:
            raise DomainError(
                _("A penalty case's documents are corrected through the case (withdraw it and file it again)."),
                code="document_not_voidable",
            )
        if not can(actor, "supervision.void_document", document):
            raise DomainError(
                _("Only the inspector who issued the document or county-level staff may void it."), code="forbidden"
            )
        if document.voided_at is not None:
            raise DomainError(
                _("The document %(number)s is already voided.") % {"number": document.number},
                code="document_already_voided",
            )
        hazards = list(document.hazards.order_by("code").values_list("pk", "code"))
        document.voided_at = timezone.now()
        document.voided_by = actor if isinstance(actor, User) else None
        document.void_reason = reason[:300]
        document.voided_hazard_codes = [code for _pk, code in hazards]
        document.save(update_fields=["voided_at", "voided_by", "void_reason", "voided_hazard_codes"])
        if hazards:
            document.hazards.remove(*[pk for pk, _code in hazards])
        notify(
            recipients=enterprise_users(document.enterprise_id),
            title=_("Document %(number)s is void: %(reason)s") % {"number": document.number, "reason": reason[:120]},
            url=document.get_absolute_url(),
            category="hazard",
            dedup_key=f"enforcement:document:{document.pk}:void",
        )
    return document


def _lock_replaced(document_id: int) -> EnforcementDocument:
    """The voided document a re-issue replaces, locked so that two re-issues at once cannot both replace it."""
    document = EnforcementDocument.objects.select_for_update(of=("self",)).get(pk=document_id)
    if document.voided_at is None:
        raise DomainError(
            _("Only a voided document is re-issued; void %(number)s first.") % {"number": document.number},
            code="document_not_voided",
        )
    replacement = EnforcementDocument.objects.filter(replaces=document).values_list("number", flat=True).first()
    if replacement is not None:
        raise DomainError(
            _("The document %(number)s was already re-issued as %(replacement)s.")
            % {"number": document.number, "replacement": replacement},
            code="document_already_replaced",
        )
    return document


def reissue_initial(document: EnforcementDocument) -> dict[str, Any]:
    """The document form prefilled from a voided document (重新制发): same kind, enterprise and content; the
    hazards it covered named by code (not as items, which would register them twice); no number (a new one)."""
    today = timezone.localdate()
    items_as_hazards = document.voided_hazard_codes or []
    return {
        "kind": document.kind,
        "enterprise": document.enterprise,
        "issued_on": today,
        "findings": document.findings,
        "legal_basis": document.legal_basis,
        "rectify_by": document.rectify_by if document.rectify_by and document.rectify_by >= today else None,
        "hazard_codes": ", ".join(items_as_hazards),
        "conclusion": document.conclusion,
    }


# Cases -----------------------------------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    """The last moment of `day` in the platform's time zone (a legal day runs to its end)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)) - dt.timedelta(
        microseconds=1
    )


def _open_decision_clock(case: PenaltyCase) -> None:
    deadline_open(
        source=case,
        kind=DEADLINE_DECISION,
        title=_("Decide penalty case: %(title)s") % {"title": case.title[:120]},
        due_at=_end_of(case.decide_by),
        enterprise=case.enterprise,
        url=case.get_absolute_url(),
        legal_basis=DECISION_BASIS,
    )


def _log(case: PenaltyCase, *, action: str, from_status: str, actor: Any, note: str = "", document: Any = None) -> None:
    User = get_user_model()
    PenaltyCaseTransition.objects.create(
        case=case,
        action=action,
        from_status=from_status,
        to_status=case.status,
        actor=actor if isinstance(actor, User) else None,
        note=(note or "").strip(),
        document=document,
    )


# The document a step issues: 立案审批表, 行政处罚告知书, 行政处罚决定书, 结案审批表.
STEP_DOCUMENT: dict[str, str] = {
    "open": DocumentKind.CASE_FILING,
    "notify": DocumentKind.PENALTY_NOTICE,
    "decide": DocumentKind.PENALTY_DECISION,
    "close": DocumentKind.CASE_CLOSING,
}


def _log_with_document(
    case: PenaltyCase, action: str, from_status: str, actor: Any, issued_on: dt.date, findings: str, **document: Any
) -> EnforcementDocument:
    """A step that issues the case's document (`STEP_DOCUMENT`): the document, numbered under its counter's lock
    (`_create_document`), and the transition naming it, noted with the findings (`note` to note otherwise)."""
    note = document.pop("note", findings)
    issued = _create_document(
        actor=actor,
        kind=STEP_DOCUMENT[action],
        enterprise=case.enterprise,
        issued_on=issued_on,
        case=case,
        findings=findings,
        **document,
    )
    _log(case, action=action, from_status=from_status, actor=actor, note=note, document=issued)
    return issued


def case_open(
    *,
    actor: Any,
    enterprise: Any,
    title: str,
    filed_on: dt.date | None,
    violation: str = Violation.OTHER,
    inspection: Any = None,
    findings: str = "",
    number: str = "",
) -> PenaltyCase:
    """立案: open a case; the decision clock (90 days by the rule set in force) starts on the filing day."""
    if not can(actor, "supervision.act_on_case", enterprise):
        raise _forbidden()
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the cause of the case."), field="title", code="invalid")
    if violation not in Violation.values:
        raise DomainError(_("Choose the violation."), field="violation", code="invalid")
    filed_on = _check_day(filed_on, "filed_on")
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise DomainError(_("This inspection is of another enterprise."), field="inspection", code="invalid")
    rules = enforcement_rules_in_force(filed_on)
    with transaction.atomic():
        case = PenaltyCase.objects.create(
            authority=authority_for(enterprise),
            enterprise=enterprise,
            inspection=inspection,
            title=title[:200],
            violation=violation,
            status=CaseStatus.FILED,
            rule_set=rules,
            filed_on=filed_on,
            filed_by=actor if isinstance(actor, get_user_model()) else None,
            decide_by=filed_on + dt.timedelta(days=rules.decision_days),
        )
        _log_with_document(case, "open", "", actor, filed_on, findings, number=number, inspection=inspection)
        _open_decision_clock(case)
    return case


# A case's steps, in the order its page offers them: the states each is taken from, and whether it is county-level
# staff's (`supervision.decide_case`) rather than the field's (`supervision.act_on_case`).
CASE_STEPS: dict[str, tuple[tuple[str, ...], bool]] = {
    "investigate": ((CaseStatus.FILED,), False),
    "notify": ((CaseStatus.INVESTIGATING,), False),
    "statement": ((CaseStatus.NOTIFIED,), False),
    "hearing": ((CaseStatus.HEARING,), False),
    "decide": ((CaseStatus.NOTIFIED, CaseStatus.HEARING), True),
    "execute": ((CaseStatus.DECIDED,), False),
    "close": ((CaseStatus.EXECUTING,), True),
    "extend": ((CaseStatus.FILED, CaseStatus.INVESTIGATING, CaseStatus.NOTIFIED, CaseStatus.HEARING), True),
    "withdraw": ((CaseStatus.FILED, CaseStatus.INVESTIGATING, CaseStatus.NOTIFIED, CaseStatus.HEARING), True),
}


def _step(case_id: int, actor: Any, step: str) -> tuple[PenaltyCase, str]:
    """The case row, locked, in one of the states `step` is taken from, if the actor may take it; and its status
    before."""
    states, decide = CASE_STEPS[step]
    case = lock_in_state(
        PenaltyCase.objects.select_related("enterprise__jurisdiction", "rule_set"),
        case_id,
        states,
        message=_("This case is “%(status)s”; that step is not possible now."),
        code="case_wrong_status",
    )
    allowed = can(actor, "supervision.decide_case" if decide else "supervision.act_on_case", case.enterprise)
    if not allowed:
        raise _forbidden()
    return case, case.status


def _case_lookup(actor: Any, case_id: int) -> None:
    """Not found for a case the actor may not see (its existence is not leaked)."""
    if not PenaltyCase.objects.visible_to(actor).filter(pk=case_id).exists():
        raise DomainError(_("Case not found."), code="not_found")


def case_investigate(*, actor: Any, case_id: int, note: str = "") -> PenaltyCase:
    """调查取证: the investigation starts (evidence is gathered and recorded in the note)."""
    _case_lookup(actor, case_id)
    with transaction.atomic():
        case, before = _step(case_id, actor, "investigate")
        case.status = CaseStatus.INVESTIGATING
        case.save(update_fields=["status", "updated_at"])
        _log(case, action="investigate", from_status=before, actor=actor, note=note)
    return case


def case_notify(
    *,
    actor: Any,
    case_id: int,
    notified_on: dt.date | None,
    findings: str,
    legal_basis: str,
    number: str = "",
) -> PenaltyCase:
    """告知: the party is told the facts, the intended penalty and its rights; the hearing window opens
    (until the end of the rule set's 5th day after the notice)."""
    _case_lookup(actor, case_id)
    notified_on = _check_day(notified_on, "notified_on")
    if not (findings or "").strip():
        raise DomainError(_("State the facts and the intended penalty."), field="findings", code="invalid")
    if not (legal_basis or "").strip():
        raise DomainError(_("A penalty needs its legal basis."), field="legal_basis", code="penalty_needs_legal_basis")
    with transaction.atomic():
        case, before = _step(case_id, actor, "notify")
        if notified_on < case.filed_on:
            raise DomainError(_("The notice cannot precede the filing."), field="notified_on", code="invalid")
        case.notified_on = notified_on
        request_by = notified_on + dt.timedelta(days=case.rule_set.hearing_request_days)
        case.hearing_request_by = request_by
        case.status = CaseStatus.NOTIFIED
        case.save(update_fields=["notified_on", "hearing_request_by", "status", "updated_at"])
        # The notice's findings stay on the document: the transition names it without a note.
        _log_with_document(
            case, "notify", before, actor, notified_on, findings, number=number, legal_basis=legal_basis, note=""
        )
        # The party's window stands on the statutory clock too: once it has passed without a request the case
        # is ready to be decided, and the clock says so (met by a hearing request, the decision or a withdrawal).
        deadline_open(
            source=case,
            kind=DEADLINE_HEARING_WINDOW,
            title=_("Hearing window ends, then decide: %(title)s") % {"title": case.title[:120]},
            due_at=_end_of(request_by),
            enterprise=case.enterprise,
            url=case.get_absolute_url(),
            legal_basis=HEARING_BASIS,
        )
    return case


def case_record_statement(
    *,
    actor: Any,
    case_id: int,
    statement: str = "",
    hearing_requested: bool = False,
    requested_on: dt.date | None = None,
) -> PenaltyCase:
    """陈述申辩 and 听证申请: the party's statement; a hearing request within the window moves the case to 听证."""
    _case_lookup(actor, case_id)
    with transaction.atomic():
        case, before = _step(case_id, actor, "statement")
        document = None
        if hearing_requested:
            requested_on = _check_day(requested_on or timezone.localdate(), "requested_on")
            if not case.hearing_window_open_on(requested_on):
                raise DomainError(
                    _("A hearing could be requested until %(day)s; this request is too late.")
                    % {"day": case.hearing_request_by},
                    field="requested_on",
                    code="hearing_window_closed",
                )
            if case.notified_on is not None and requested_on < case.notified_on:
                raise DomainError(
                    _("A hearing cannot be requested before the notice."), field="requested_on", code="invalid"
                )
            case.hearing_requested_on = requested_on
            case.status = CaseStatus.HEARING
            deadline_met(source=case, kind=DEADLINE_HEARING_WINDOW)
            document = _create_document(
                actor=actor,
                kind=DocumentKind.HEARING_NOTICE,
                enterprise=case.enterprise,
                issued_on=requested_on,
                case=case,
                findings=statement,
            )
        elif not (statement or "").strip():
            raise DomainError(_("Record the party's statement."), field="statement", code="invalid")
        if (statement or "").strip():
            case.statement = "\n".join(s for s in (case.statement, statement.strip()) if s)
        case.save(update_fields=["statement", "hearing_requested_on", "status", "updated_at"])
        _log(case, action="statement", from_status=before, actor=actor, note=statement, document=document)
    return case


def case_hold_hearing(*, actor: Any, case_id: int, held_on: dt.date | None, note: str) -> PenaltyCase:
    """听证: the hearing is held and its record kept; the case may then be decided."""
    _case_lookup(actor, case_id)
    held_on = _check_day(held_on, "held_on")
    if not (note or "").strip():
        raise DomainError(_("Record what the hearing found."), field="note", code="invalid")
    with transaction.atomic():
        case, before = _step(case_id, actor, "hearing")
        if case.hearing_held_on is not None:
            raise DomainError(_("The hearing was already held."), code="hearing_already_held")
        if case.hearing_requested_on is not None and held_on < case.hearing_requested_on:
            raise DomainError(_("The hearing cannot precede its request."), field="held_on", code="invalid")
        case.hearing_held_on = held_on
        case.hearing_note = note.strip()
        case.save(update_fields=["hearing_held_on", "hearing_note", "updated_at"])
        _log(case, action="hearing", from_status=before, actor=actor, note=note)
    return case


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Enter an amount in yuan."), field="fine_amount", code="invalid") from exc
    # is_finite first: comparing NaN raises instead of answering.
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        raise DomainError(_("Enter an amount in yuan."), field="fine_amount", code="invalid")
    return amount.quantize(Decimal("0.01"))


def case_decide(
    *,
    actor: Any,
    case_id: int,
    decided_on: dt.date | None,
    legal_basis: str,
    fine_amount: Any = None,
    suspension_days: int | None = None,
    licence_revocation_proposed: bool = False,
    findings: str = "",
    number: str = "",
) -> PenaltyCase:
    """决定 (county-level staff): the penalty, with its legal basis, after the hearing window has ended and any
    hearing asked for has been held. Records the credit facts the case calls for (proposals for a person to
    confirm, never applied here) and starts the fine's payment clock."""
    _case_lookup(actor, case_id)
    decided_on = _check_day(decided_on, "decided_on")
    amount = _money(fine_amount)
    if suspension_days is not None and (suspension_days < 0 or suspension_days > 3650):
        raise DomainError(_("Give the days of suspension (up to 3650)."), field="suspension_days", code="invalid")
    if not (amount or suspension_days or licence_revocation_proposed):
        raise DomainError(
            _("Decide a fine, a suspension or a proposal to revoke a licence (or withdraw the case)."),
            field="fine_amount",
            code="penalty_missing",
        )
    if not (legal_basis or "").strip():
        raise DomainError(_("A penalty needs its legal basis."), field="legal_basis", code="penalty_needs_legal_basis")
    with transaction.atomic():
        case, before = _step(case_id, actor, "decide")
        if case.hearing_window_open_on(decided_on) and case.hearing_held_on is None:
            raise DomainError(
                _("The party may request a hearing until %(day)s; decide after that day.")
                % {"day": case.hearing_request_by},
                field="decided_on",
                code="hearing_window_open",
            )
        if case.status == CaseStatus.HEARING and case.hearing_held_on is None:
            raise DomainError(
                _("The party asked for a hearing: hold it before deciding."),
                field="decided_on",
                code="hearing_not_held",
            )
        if case.hearing_held_on is not None and decided_on < case.hearing_held_on:
            raise DomainError(_("The decision cannot precede the hearing."), field="decided_on", code="invalid")
        case.decided_on = decided_on
        case.fine_amount = amount
        case.suspension_days = suspension_days or None
        case.licence_revocation_proposed = bool(licence_revocation_proposed)
        case.legal_basis = legal_basis.strip()
        case.status = CaseStatus.DECIDED
        case.save()
        document = _log_with_document(
            case, "decide", before, actor, decided_on, findings, number=number, legal_basis=legal_basis
        )
        deadline_met(source=case, kind=DEADLINE_DECISION)
        deadline_met(source=case, kind=DEADLINE_HEARING_WINDOW)
        if amount:
            deadline_open(
                source=case,
                kind=DEADLINE_FINE,
                title=_("Fine of %(number)s to be paid") % {"number": document.number},
                due_at=_end_of(decided_on + dt.timedelta(days=case.rule_set.fine_payment_days)),
                enterprise=case.enterprise,
                url=case.get_absolute_url(),
                legal_basis=FINE_BASIS,
            )
        _record_facts(case, document)
    return case


def _record_facts(case: PenaltyCase, document: EnforcementDocument) -> None:
    occurred_at = timezone.make_aware(dt.datetime.combine(case.decided_on or case.filed_on, dt.time(12)))
    payload = {
        "case_id": case.pk,
        "number": document.number,
        "code": document.number,
        "violation": case.violation,
        "fine_amount": str(case.fine_amount or ""),
        "suspension_days": case.suspension_days or 0,
        "licence_revocation_proposed": case.licence_revocation_proposed,
        # The heaviest penalty decided: credit's rules match on it (one record per case).
        "penalty": (
            "licence_revocation"
            if case.licence_revocation_proposed
            else "suspension"
            if case.suspension_days
            else "fine"
        ),
        "note": case.title,
    }
    # The decision, and the violation's own fact where credit's rules have one: each once per case.
    facts: dict[str, str] = {FactKind.PENALTY_DECIDED: "decided"}
    violation = VIOLATION_FACT.get(case.violation)
    if violation is not None:
        facts[violation] = violation
    for kind, key in facts.items():
        fact_record(
            kind=kind,
            dedup_key=f"penalty:{case.pk}:{key}",
            occurred_at=occurred_at,
            enterprise=case.enterprise,
            source=case,
            payload=payload,
        )


def case_execute(*, actor: Any, case_id: int, executed_on: dt.date | None, note: str = "") -> PenaltyCase:
    """执行: the decision is served and executed; the enterprise is reminded of an unpaid fine."""
    _case_lookup(actor, case_id)
    executed_on = _check_day(executed_on, "executed_on")
    with transaction.atomic():
        case, before = _step(case_id, actor, "execute")
        if case.decided_on is not None and executed_on < case.decided_on:
            raise DomainError(_("Execution cannot precede the decision."), field="executed_on", code="invalid")
        case.executed_on = executed_on
        case.status = CaseStatus.EXECUTING
        case.save(update_fields=["executed_on", "status", "updated_at"])
        _log(case, action="execute", from_status=before, actor=actor, note=note)
        if case.fine_amount and case.fine_paid_on is None:
            notify(
                recipients=enterprise_users(case.enterprise_id),
                title=_("Reminder: pay the fine of %(amount)s yuan by %(day)s")
                % {
                    "amount": case.fine_amount,
                    "day": (case.decided_on or executed_on) + dt.timedelta(days=case.rule_set.fine_payment_days),
                },
                url=case.get_absolute_url(),
                category="deadline",
                dedup_key=f"enforcement:case:{case.pk}:fine",
            )
    return case


def case_close(
    *, actor: Any, case_id: int, closed_on: dt.date | None, fine_paid_on: dt.date | None = None, note: str = ""
) -> PenaltyCase:
    """结案 (county-level staff): a fine must be paid (its day recorded) before the case closes."""
    _case_lookup(actor, case_id)
    closed_on = _check_day(closed_on, "closed_on")
    with transaction.atomic():
        case, before = _step(case_id, actor, "close")
        if case.fine_amount and fine_paid_on is None and case.fine_paid_on is None:
            raise DomainError(_("Record the day the fine was paid."), field="fine_paid_on", code="fine_unpaid")
        if fine_paid_on is not None:
            fine_paid_on = _check_day(fine_paid_on, "fine_paid_on")
            case.fine_paid_on = fine_paid_on
            deadline_met(source=case, kind=DEADLINE_FINE)
        case.closed_on = closed_on
        case.status = CaseStatus.CLOSED
        case.save(update_fields=["closed_on", "fine_paid_on", "status", "updated_at"])
        _log_with_document(case, "close", before, actor, closed_on, note)
    return case


def case_extend(*, actor: Any, case_id: int, days: int | None, reason: str) -> PenaltyCase:
    """延期 (county-level staff): the decision deadline moves by `days`; the clock moves with it."""
    _case_lookup(actor, case_id)
    if not days or days < 1 or days > 365:
        raise DomainError(_("Give the days of the extension (1 to 365)."), field="days", code="invalid")
    required_text(reason, field="reason", message=_("Give the reason for the extension."))
    with transaction.atomic():
        case, before = _step(case_id, actor, "extend")
        case.extension_days += days
        case.extension_reason = reason.strip()[:300]
        case.extension_approved_by = actor if isinstance(actor, get_user_model()) else None
        case.decide_by = case.decide_by + dt.timedelta(days=days)
        case.save(update_fields=["extension_days", "extension_reason", "extension_approved_by", "decide_by"])
        _log(case, action="extend", from_status=before, actor=actor, note=reason)
        _open_decision_clock(case)
    return case


def case_withdraw(*, actor: Any, case_id: int, reason: str) -> PenaltyCase:
    """撤销立案 (county-level staff): before a decision; the decision clock is cancelled."""
    _case_lookup(actor, case_id)
    required_text(reason, field="reason", message=_("Give the reason for withdrawing the case."))
    with transaction.atomic():
        case, before = _step(case_id, actor, "withdraw")
        case.status = CaseStatus.WITHDRAWN
        case.save(update_fields=["status", "updated_at"])
        _log(case, action="withdraw", from_status=before, actor=actor, note=reason)
        deadline_cancel(source=case)
    return case


def case_allowed_steps(actor: Any, case: PenaltyCase) -> list[str]:
    """The steps `actor` may take on `case` now (the page shows a form for each)."""
    field = can(actor, "supervision.act_on_case", case.enterprise)
    county = can(actor, "supervision.decide_case", case.enterprise)
    steps = []
    for step, (states, decide) in CASE_STEPS.items():
        if case.status not in states or not (county if decide else field):
            continue
        if step == "hearing" and case.hearing_held_on is not None:
            continue
        steps.append(step)
    return steps
