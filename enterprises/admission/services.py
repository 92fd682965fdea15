"""Writes of source control: siting reviews, the banned-equipment catalog and its matching, exit proposals."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety_platform.concurrency import Opened, check_stored_opened
from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.edits import lock_for_edit
from safety_platform.geo import bounding_box, haversine_km
from safety_platform.locking import lock_in_state
from safety_platform.models import User
from safety_platform.permissions import can, require
from safety_platform.services import (
    DomainError,
    committee_office_users,
    deadline_cancel,
    deadline_met,
    deadline_open,
    notify,
)

from ..common.hazard_link import hazard_register_for
from ..registry.choices import EnterpriseStatus
from ..registry.importexport import ImportOutcome, ImportProblem, read_table
from ..registry.models import Enterprise
from .models import (
    OPEN_EXIT_STATUSES,
    CatalogEntry,
    CatalogKind,
    CatalogModelNumber,
    CatalogStatus,
    DeclaredEquipment,
    DensePlace,
    EquipmentMatch,
    ExitKind,
    ExitProposal,
    ExitStatus,
    ExitTransition,
    HighRiskProject,
    MatchedBy,
    ProjectStatus,
    ReviewDecision,
    SeparationDistance,
    SitingConflict,
    SitingReview,
)

# Planning admission ----------------------------------------------------------------------------

# The sphere every siting distance is measured on (recorded to the centimetre, so kept as it was set).
SITING_EARTH_RADIUS_KM = 6371.0
CENTIMETRE = Decimal("0.01")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (the platform's haversine)."""
    return haversine_km(lat1, lon1, lat2, lon2, radius_km=SITING_EARTH_RADIUS_KM) * 1000


def distance_cm(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Decimal:
    """The distance as recorded and compared: metres rounded to the centimetre."""
    raw = haversine_m(float(lat1), float(lon1), float(lat2), float(lon2))
    return Decimal(repr(raw)).quantize(CENTIMETRE, rounding=ROUND_HALF_UP)


def _save_planning_row(actor: User, row: Any, opened: Opened | None = None) -> Any:
    if not can(actor, "enterprises.manage_planning", row.jurisdiction if row.jurisdiction_id else None):
        raise ValidationError({"jurisdiction": _("This jurisdiction is outside your jurisdictions.")})
    row.full_clean()
    with transaction.atomic():
        check_stored_opened(opened, row)
        row.save()
    return row


def high_risk_project_save(*, actor: User, project: HighRiskProject, opened: Opened | None = None) -> HighRiskProject:
    """Register or edit a high-risk project (the instance carries the new values).

    With `opened`, a field changed by someone else meanwhile refuses the save (`StaleEdit`)."""
    require(actor, "enterprises.manage_planning", message=_("You may not register high-risk projects."))
    if project.pk is None:
        project.created_by = actor
    return _save_planning_row(actor, project, opened)


def dense_place_save(*, actor: User, place: DensePlace, opened: Opened | None = None) -> DensePlace:
    """Register or edit a place; with `opened`, a field changed by someone else meanwhile refuses the save.

    Then the siting check runs the other way (`place_siting_check`): the projects whose separation distance
    the place enters or leaves are reviewed again; their reviews are on `place.siting_reviews`."""
    require(actor, "enterprises.manage_planning", message=_("You may not edit population-dense places."))
    with transaction.atomic():
        _save_planning_row(actor, place, opened)
        place.siting_reviews = place_siting_check(actor=actor, place=place)
    return place


def siting_review_run(*, actor: User, project: HighRiskProject, on: dt.date | None = None) -> SitingReview:
    """Compute every active dense place inside the separation distance of the project's category.

    All places are checked, whatever the reviewer's own jurisdiction: a school across a county
    border is as close as one inside it. A place exactly at the separation distance is outside it
    (the rule asks for a distance of at least that much).
    """
    require(actor, "enterprises.manage_planning", project.jurisdiction, message=_("You may not review this project."))
    rule = SeparationDistance.objects.in_force(project.category, on)
    if rule is None:
        raise DomainError(
            _("No separation distance is configured for this project category."), field="category", code="invalid"
        )
    return _siting_review(actor=actor, project=project, rule=rule)


def _siting_review(
    *,
    actor: User,
    project: HighRiskProject,
    rule: SeparationDistance,
    trigger: DensePlace | None = None,
    places_checked: int | None = None,
) -> SitingReview:
    """One siting review of `project` under `rule` (both directions share it): the review, its conflicts,
    and the notice to the project's reviewers when a dense place lies inside the separation distance."""
    separation = rule.distance_m
    lat0, lon0 = float(project.latitude), float(project.longitude)
    # The platform's bounding box (padded by 1 % and 10 m for the coordinates' rounding), so the database
    # returns a small candidate set; the exact haversine distance decides below.
    box = bounding_box(lat0, lon0, float(separation) / 1000 * 1.01 + 0.01)
    candidates = DensePlace.objects.filter(box.q(), is_active=True).only("id", "name", "kind", "latitude", "longitude")
    if places_checked is None:
        places_checked = DensePlace.objects.filter(is_active=True).count()
    with transaction.atomic():
        review = SitingReview.objects.create(
            project=project,
            rule=rule,
            separation_m=separation,
            rule_version=rule.version,
            project_longitude=project.longitude,
            project_latitude=project.latitude,
            places_checked=places_checked,
            triggered_by_place=trigger,
            created_by=actor,
        )
        conflicts = []
        for place in candidates:
            distance = distance_cm(project.latitude, project.longitude, place.latitude, place.longitude)
            if distance < separation:
                conflicts.append(
                    SitingConflict(
                        review=review, place=place, place_name=place.name, place_kind=place.kind, distance_m=distance
                    )
                )
        SitingConflict.objects.bulk_create(conflicts)
        if conflicts:
            _notify_siting_conflicts(actor=actor, project=project, review=review, conflicts=conflicts)
    return review


def siting_reviewers(project: HighRiskProject) -> list[User]:
    """Who reviews the siting of `project`: the inspectors of its area (up to the city), its registrant
    and whoever decided its latest review."""
    from safety_platform.services import inspectors_for

    people: dict[int, User] = {u.pk: u for u in inspectors_for(project.jurisdiction)}
    decided_by = (
        SitingReview.objects.filter(project=project, decided_by__isnull=False)
        .order_by("-created_at", "-id")
        .values_list("decided_by_id", flat=True)[:1]
    )
    extra_ids = {pk for pk in (project.created_by_id, *decided_by) if pk is not None} - set(people)
    if extra_ids:
        people.update({u.pk: u for u in User.objects.filter(pk__in=extra_ids, is_active=True)})
    return list(people.values())


def _notify_siting_conflicts(
    *, actor: User, project: HighRiskProject, review: SitingReview, conflicts: list[SitingConflict]
) -> None:
    """选址冲突提醒 — the same notice whichever side the review started from."""
    recipients = [u for u in siting_reviewers(project) if u.pk != actor.pk]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        names = "、".join(c.place_name for c in conflicts[:5])
        notify(
            recipients=recipients,
            title=_("Siting conflict: %(project)s") % {"project": project.name},
            body=_("%(n)d population-dense place(s) inside the separation distance of %(d)s m (rule %(v)s): %(names)s.")
            % {"n": len(conflicts), "d": review.separation_m, "v": review.rule_version, "names": names},
            url=project.get_absolute_url(),
            category="siting",
            dedup_key=f"siting-review:{review.pk}",
        )


def _rules_in_force(on: dt.date) -> dict[str, SeparationDistance]:
    """The separation distance in force on `on` for each project category (one query on a small table)."""
    rules: dict[str, SeparationDistance] = {}
    for rule in SeparationDistance.objects.filter(valid_from__lte=on).order_by("category", "-valid_from", "-id"):
        rules.setdefault(rule.category, rule)
    return rules


# A rejected project will not be built: a place near it is no conflict.
LIVE_PROJECT_STATUSES = (ProjectStatus.PROPOSED, ProjectStatus.APPROVED, ProjectStatus.CONDITIONAL)


def place_siting_check(*, actor: User, place: DensePlace, on: dt.date | None = None) -> list[SitingReview]:
    """The other direction of siting (§2.1): after a dense place is registered, moved or (de)activated, every
    live high-risk project whose separation distance it now enters — or has left, or whose distance to it
    changed — gets a new siting review, exactly as if its reviewer had run one: the rule in force and its
    version, every place inside, the same notice. Projects the place does not concern get nothing.

    The database returns only projects inside a bounding box of the largest separation distance in force,
    and those whose latest review lists the place; the exact distance decides in Python. Queries: a few,
    plus a few per project re-reviewed.
    """
    on = on or timezone.localdate()
    rules = _rules_in_force(on)
    if not rules:
        return []
    inside: dict[int, Decimal] = {}
    projects: dict[int, HighRiskProject] = {}
    if place.is_active:
        widest = max(float(rule.distance_m) for rule in rules.values())
        box = bounding_box(float(place.latitude), float(place.longitude), widest / 1000 * 1.01 + 0.01)
        for project in HighRiskProject.objects.filter(
            box.q(), status__in=LIVE_PROJECT_STATUSES, category__in=list(rules)
        ).select_related("jurisdiction"):
            distance = distance_cm(project.latitude, project.longitude, place.latitude, place.longitude)
            if distance < rules[project.category].distance_m:
                inside[project.pk] = distance
                projects[project.pk] = project
    # Where the place stood before: the conflicts with it in each project's latest review.
    latest = SitingReview.objects.filter(project=OuterRef("review__project")).order_by("-created_at", "-id")
    listed: dict[int, Decimal] = dict(
        SitingConflict.objects.filter(place=place, review__project__status__in=LIVE_PROJECT_STATUSES)
        .annotate(latest_review=Subquery(latest.values("pk")[:1]))
        .filter(review_id=F("latest_review"))
        .values_list("review__project_id", "distance_m")
    )
    changed = sorted(pk for pk in set(inside) | set(listed) if inside.get(pk) != listed.get(pk))
    missing = [pk for pk in changed if pk not in projects]
    if missing:
        projects.update(
            {p.pk: p for p in HighRiskProject.objects.filter(pk__in=missing).select_related("jurisdiction")}
        )
    changed = [pk for pk in changed if pk in projects and projects[pk].category in rules]
    if not changed:
        return []
    places_checked = DensePlace.objects.filter(is_active=True).count()
    with transaction.atomic():
        return [
            _siting_review(
                actor=actor,
                project=projects[pk],
                rule=rules[projects[pk].category],
                trigger=place,
                places_checked=places_checked,
            )
            for pk in changed
        ]


def siting_review_decide(*, actor: User, review: SitingReview, decision: str, note: str = "") -> SitingReview:
    """Record the decision on a siting review; the project's status follows it."""
    require(
        actor,
        "enterprises.manage_planning",
        review.project.jurisdiction,
        message=_("You may not decide on this review."),
    )
    if decision not in (ReviewDecision.APPROVED, ReviewDecision.CONDITIONAL, ReviewDecision.REJECTED):
        raise ValidationError({"decision": _("Choose approved, approved with conditions or rejected.")})
    if decision != ReviewDecision.APPROVED and not note.strip():
        raise ValidationError({"decision_note": _("Give the conditions or the reason.")})
    with transaction.atomic():
        locked = SitingReview.objects.select_for_update().get(pk=review.pk)
        if locked.decision != ReviewDecision.PENDING:
            raise DomainError(
                _("This review has already been decided."), field="decision", code="review_already_decided"
            )
        if decision == ReviewDecision.APPROVED and locked.conflicts.exists():
            raise DomainError(
                _("Dense places lie inside the separation distance: approve with conditions or reject."),
                field="decision",
                code="dense_places_too_close",
            )
        latest = SitingReview.objects.filter(project_id=locked.project_id).order_by("-created_at", "-id").first()
        if latest is not None and latest.pk != locked.pk:
            raise DomainError(
                _("A newer review of this project exists; decide on that one."),
                field="decision",
                code="review_superseded",
            )
        locked.decision = decision
        locked.decision_note = note.strip()
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
        status = {
            ReviewDecision.APPROVED: ProjectStatus.APPROVED,
            ReviewDecision.CONDITIONAL: ProjectStatus.CONDITIONAL,
            ReviewDecision.REJECTED: ProjectStatus.REJECTED,
        }[ReviewDecision(decision)]
        HighRiskProject.objects.filter(pk=locked.project_id).update(status=status, updated_at=timezone.now())
    return locked


# Process admission: the catalog ---------------------------------------------------------------


def _sync_model_rows(entry: CatalogEntry) -> None:
    keys = entry.model_keys()
    CatalogModelNumber.objects.filter(entry=entry).exclude(model_key__in=keys).delete()
    existing = set(CatalogModelNumber.objects.filter(entry=entry).values_list("model_key", flat=True))
    CatalogModelNumber.objects.bulk_create(
        [CatalogModelNumber(entry=entry, model_key=key) for key in keys if key not in existing]
    )


def catalog_entry_save(*, actor: User, entry: CatalogEntry, opened: Opened | None = None) -> CatalogEntry:
    """Create or edit a catalog entry, then match every declared item against it (after commit).

    With `opened`, a field changed by someone else meanwhile refuses the save (`StaleEdit`)."""
    require(actor, "enterprises.edit_catalog", message=_("You may not edit the catalog."))
    entry.full_clean()
    with transaction.atomic():
        check_stored_opened(opened, entry)
        entry.save()
        _sync_model_rows(entry)
        _enqueue_rematch()
    return entry


def _enqueue_rematch() -> None:
    from safety_platform.tasks_util import enqueue

    from .tasks import equipment_match_all_task

    enqueue(equipment_match_all_task)


CATALOG_COLUMNS: list[tuple[str, str, str]] = [
    ("name", "名称", "name"),
    ("kind", "类别", "kind"),
    ("status", "禁止或限制", "status"),
    ("reason", "淘汰原因", "reason"),
    ("scope", "适用范围", "scope"),
    ("replacement", "替代装备或工艺", "replacement"),
    ("source_document", "来源文件", "source_document"),
    ("batch", "批次", "batch"),
    ("model_numbers", "型号", "model_numbers"),
    ("published_on", "发布日期", "published_on"),
]
CATALOG_REQUIRED = {"name", "status", "source_document"}
_CATALOG_HEADERS = {h.strip().lower(): f for f, zh, en in CATALOG_COLUMNS for h in (zh, en)}


def _choice(value: str, choices: Any) -> str | None:
    from django.utils import translation

    wanted = value.strip().lower()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for key, label in choices:
                if wanted in (key.lower(), str(label).lower()):
                    return str(key)
    aliases: dict[str, str] = {
        "禁止": CatalogStatus.BANNED,
        "淘汰": CatalogStatus.BANNED,
        "限制": CatalogStatus.RESTRICTED,
    }
    aliases |= {"装备": CatalogKind.EQUIPMENT, "设备": CatalogKind.EQUIPMENT, "工艺": CatalogKind.PROCESS}
    hit = aliases.get(value.strip())
    return str(hit) if hit is not None and hit in dict(choices) else None


def catalog_import(*, actor: User, filename: str, content: bytes, import_valid_rows: bool = False) -> ImportOutcome:
    """Import catalog entries from CSV or Excel; an entry is identified by (source document, batch, name).

    Every bad row is reported with its line and field; nothing is imported from a file with errors
    unless `import_valid_rows` is set.
    """
    require(actor, "enterprises.edit_catalog", message=_("You may not import into the catalog."))
    result = ImportOutcome()
    # The registry's reader: CSV (UTF-8 or GBK) or .xlsx, the header checked the same way.
    table = read_table(filename, content, headers=_CATALOG_HEADERS, required=CATALOG_REQUIRED, problems=result.problems)
    if table is None:
        return result
    fields, body = table
    result.rows = len(body)
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, cells in body:
        raw = {f: (cells[i] if i < len(cells) else "") for i, f in enumerate(fields) if f}
        before = len(result.problems)
        data: dict[str, Any] = {}
        for name in CATALOG_REQUIRED:
            if not raw.get(name, "").strip():
                result.problems.append(ImportProblem(line, name, _("This field is required.")))
        for name in ("name", "reason", "scope", "replacement", "source_document", "batch"):
            data[name] = raw.get(name, "").strip()
        data["model_numbers"] = "\n".join(
            part.strip()
            for part in raw.get("model_numbers", "").replace("；", ";").replace("\n", ";").split(";")
            if part.strip()
        )
        for name, choices, default in (
            ("status", CatalogStatus.choices, None),
            ("kind", CatalogKind.choices, CatalogKind.EQUIPMENT),
        ):
            value = raw.get(name, "").strip()
            if not value:
                data[name] = default
                continue
            chosen = _choice(value, choices)
            if chosen is None:
                result.problems.append(ImportProblem(line, name, _("Unknown value '%(v)s'.") % {"v": value}))
            data[name] = chosen
        if raw.get("published_on", "").strip():
            text = raw["published_on"].strip().split(" ")[0].replace("/", "-").replace(".", "-")
            try:
                data["published_on"] = dt.date.fromisoformat(text)
            except ValueError:
                result.problems.append(
                    ImportProblem(line, "published_on", _("Not a date (YYYY-MM-DD): '%(v)s'.") % {"v": text})
                )
        key = (data["source_document"], data["batch"], data["name"])
        if key in seen:
            result.problems.append(ImportProblem(line, "name", _("Same entry as line %(line)d.") % {"line": seen[key]}))
        seen.setdefault(key, line)
        if len(result.problems) == before:
            candidate = CatalogEntry(**data)
            try:
                candidate.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for fname, messages in exc.message_dict.items():
                    for message in messages:
                        result.problems.append(ImportProblem(line, fname, message))
        if len(result.problems) == before:
            parsed.append((line, data))
    if result.problems and not import_valid_rows:
        return result
    with transaction.atomic():
        for _line, data in parsed:
            entry, created = CatalogEntry.objects.update_or_create(
                source_document=data["source_document"],
                batch=data["batch"],
                name=data["name"],
                defaults={k: v for k, v in data.items() if k not in ("source_document", "batch", "name")},
            )
            _sync_model_rows(entry)
            if created:
                result.created += 1
            else:
                result.updated += 1
        _enqueue_rematch()
    result.imported = True
    return result


# Process admission: declared equipment and matching ----------------------------------------------

EQUIPMENT_FIELDS = (
    "kind",
    "name",
    "model_number",
    "manufacturer",
    "quantity",
    "installed_on",
    "location",
    "catalog_entry",
    "in_use",
)


def equipment_declare(*, actor: User, enterprise: Enterprise, data: dict[str, Any]) -> DeclaredEquipment:
    """Declare an item; a match with the catalog becomes a hazard at once."""
    require(
        actor,
        "enterprises.manage_equipment",
        enterprise,
        message=_("You may not declare equipment for this enterprise."),
    )
    item = DeclaredEquipment(enterprise=enterprise, declared_by=actor)
    for key in EQUIPMENT_FIELDS:
        if key in data:
            setattr(item, key, data[key])
    item.full_clean()
    with transaction.atomic():
        item.save()
        equipment_match(equipment=item, actor=actor)
    return item


def equipment_update(
    *, actor: User, equipment: DeclaredEquipment, data: dict[str, Any], opened: Opened | None = None
) -> DeclaredEquipment:
    """Edit a declared item; with `opened`, a field changed by someone else meanwhile refuses the save."""
    require(
        actor,
        "enterprises.manage_equipment",
        equipment.enterprise,
        message=_("You may not edit this enterprise's equipment."),
    )
    with transaction.atomic():
        locked = lock_for_edit(equipment, data, fields=EQUIPMENT_FIELDS, opened=opened)
        locked.full_clean()
        locked.save()
        equipment_match(equipment=locked, actor=actor)
    return locked


def _matching_entries(equipment: DeclaredEquipment) -> list[tuple[CatalogEntry, str]]:
    found: dict[int, tuple[CatalogEntry, str]] = {}
    if equipment.catalog_entry_id:
        entry = CatalogEntry.objects.filter(pk=equipment.catalog_entry_id, is_active=True).first()
        if entry is not None:
            found[entry.pk] = (entry, MatchedBy.CHOSEN)
    if equipment.model_key:
        for entry in CatalogEntry.objects.active().filter(model_rows__model_key=equipment.model_key).distinct():
            found.setdefault(entry.pk, (entry, MatchedBy.MODEL_NUMBER))
    return list(found.values())


def _match_hazard(match: EquipmentMatch, equipment: DeclaredEquipment, entry: CatalogEntry, actor: Any) -> None:
    if match.hazard_id is not None:
        return
    # The hazard text is stored, so it is written in the platform's language, not the actor's UI language.
    with translation.override(settings.LANGUAGE_CODE):
        _match_hazard_in_platform_language(match, equipment, entry, actor)


def _match_hazard_in_platform_language(
    match: EquipmentMatch, equipment: DeclaredEquipment, entry: CatalogEntry, actor: Any
) -> None:
    status = entry.get_status_display()
    lines = [
        _("Declared %(kind)s “%(name)s” (model %(model)s, quantity %(qty)d) is listed in the catalog as %(status)s.")
        % {
            "kind": equipment.get_kind_display(),
            "name": equipment.name,
            "model": equipment.model_number or "—",
            "qty": equipment.quantity,
            "status": status,
        },
        _("Catalog: %(doc)s %(batch)s — %(entry)s.")
        % {"doc": entry.source_document, "batch": entry.batch, "entry": entry.name},
    ]
    if entry.reason:
        lines.append(_("Reason: %(reason)s") % {"reason": entry.reason})
    if entry.replacement:
        lines.append(_("Replace with: %(replacement)s") % {"replacement": entry.replacement})
    hazard_id = hazard_register_for(
        enterprise=equipment.enterprise,
        title=_("Banned or obsolete equipment in use: %(name)s") % {"name": entry.name}
        if entry.kind == CatalogKind.EQUIPMENT
        else _("Banned or obsolete process in use: %(name)s") % {"name": entry.name},
        description="\n".join(lines),
        source="equipment_match",
        external_key=match.external_key,
        reported_by=actor,
        location=equipment.location,
        found_at=match.matched_at,
    )
    if hazard_id is not None:
        EquipmentMatch.objects.filter(pk=match.pk).update(hazard_id=hazard_id)
        match.hazard_id = hazard_id


def equipment_match(*, equipment: DeclaredEquipment, actor: Any = None) -> list[EquipmentMatch]:
    """Match one item against the active catalog. Idempotent: one match row and one hazard per (item, entry)."""
    if not equipment.in_use:
        return []
    matches = []
    for entry, how in _matching_entries(equipment):
        try:
            with transaction.atomic():
                match, _created = EquipmentMatch.objects.get_or_create(
                    equipment=equipment, entry=entry, defaults={"matched_by": how}
                )
        except IntegrityError:  # a concurrent sweep matched the same pair first
            match = EquipmentMatch.objects.get(equipment=equipment, entry=entry)
        _match_hazard(match, equipment, entry, actor)
        matches.append(match)
    return matches


def equipment_match_all() -> int:
    """Match every item in use against the catalog and register missing hazards. Safe to re-run."""
    by_model = DeclaredEquipment.objects.filter(
        in_use=True, model_key__in=CatalogModelNumber.objects.filter(entry__is_active=True).values("model_key")
    ).exclude(model_key="")
    by_choice = DeclaredEquipment.objects.filter(in_use=True, catalog_entry__is_active=True)
    unregistered = DeclaredEquipment.objects.filter(in_use=True, matches__hazard_id__isnull=True)
    ids = set(by_model.values_list("pk", flat=True)) | set(by_choice.values_list("pk", flat=True))
    ids |= set(unregistered.values_list("pk", flat=True))
    count = 0
    for item in DeclaredEquipment.objects.filter(pk__in=ids).select_related("enterprise", "declared_by"):
        with transaction.atomic():
            count += len(equipment_match(equipment=item, actor=item.declared_by))
    return count


# Backward capacity: exit proposals -------------------------------------------------------------

EXIT_DEADLINE_KIND = register_deadline_kind("enterprise_exit", gettext_lazy("exit of an enterprise"))


def _exit_transition(proposal: ExitProposal, from_status: str, to_status: str, actor: User, note: str) -> None:
    ExitTransition.objects.create(
        proposal=proposal, from_status=from_status, to_status=to_status, actor=actor, note=note.strip()
    )


def exit_proposal_create(
    *, actor: User, enterprise: Enterprise, kind: str, reasons: str, exit_by: dt.date | None = None
) -> ExitProposal:
    """Propose closing (提请关闭) or guiding out (引导退出) an enterprise lacking basic safety conditions."""
    require(actor, "enterprises.propose_exit", enterprise, message=_("You may not propose this enterprise's exit."))
    if kind not in ExitKind.values:
        raise ValidationError({"kind": _("Choose closure or guided exit.")})
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("List the basic safety conditions the enterprise lacks.")})
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise DomainError(_("The enterprise is already closed."), field="enterprise", code="enterprise_already_closed")
    with transaction.atomic():
        if ExitProposal.objects.filter(enterprise=enterprise, status__in=OPEN_EXIT_STATUSES).exists():
            raise DomainError(
                _("This enterprise already has an open exit proposal."),
                field="enterprise",
                code="exit_proposal_already_open",
            )
        try:
            with transaction.atomic():
                proposal = ExitProposal.objects.create(
                    enterprise=enterprise, kind=kind, reasons=reasons.strip(), exit_by=exit_by, proposed_by=actor
                )
        except IntegrityError as exc:  # a concurrent proposal won the race
            raise DomainError(
                _("This enterprise already has an open exit proposal."),
                field="enterprise",
                code="exit_proposal_already_open",
            ) from exc
        _exit_transition(proposal, "", ExitStatus.PROPOSED, actor, reasons)
        notify(
            recipients=committee_office_users(),
            title=_("Exit proposed: %(enterprise)s") % {"enterprise": enterprise.name},
            body=reasons.strip()[:500],
            url=proposal.get_absolute_url(),
            category="exit_proposal",
            dedup_key=f"exit:{proposal.pk}:proposed",
        )
    return proposal


def _lock_proposal(proposal: ExitProposal, allowed: tuple[str, ...]) -> ExitProposal:
    return lock_in_state(
        ExitProposal.objects.select_related("enterprise"),
        proposal.pk,
        allowed,
        message=_("Not possible while the proposal is %(status)s."),
        code="exit_proposal_wrong_status",
    )


def exit_proposal_decide(*, actor: User, proposal: ExitProposal, approve: bool, note: str = "") -> ExitProposal:
    """The committee office approves or rejects a proposal; an approved one gets a statutory exit deadline."""
    require(actor, "enterprises.decide_exit", message=_("Only the safety committee office decides on exit proposals."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Give the reason for rejecting.")})
    with transaction.atomic():
        locked = _lock_proposal(proposal, (ExitStatus.PROPOSED,))
        target = ExitStatus.APPROVED if approve else ExitStatus.REJECTED
        _exit_transition(locked, locked.status, target, actor, note)
        locked.status = target
        locked.decision_note = note.strip()
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at", "updated_at"])
        if approve and locked.exit_by:
            deadline_open(
                source=locked,
                kind=EXIT_DEADLINE_KIND,
                title=_("Exit of %(enterprise)s") % {"enterprise": locked.enterprise.name},
                due_at=timezone.make_aware(dt.datetime.combine(locked.exit_by, dt.time(23, 59))),
                enterprise=locked.enterprise,
                url=locked.get_absolute_url(),
                legal_basis=locked.get_kind_display(),
            )
        recipients = [locked.proposed_by, *locked.enterprise.users.filter(is_active=True)]
        notify(
            recipients=recipients,
            title=(
                _("Exit proposal approved: %(enterprise)s") if approve else _("Exit proposal rejected: %(enterprise)s")
            )
            % {"enterprise": locked.enterprise.name},
            body=note.strip(),
            url=locked.get_absolute_url(),
            category="exit_proposal",
            dedup_key=f"exit:{locked.pk}:decided",
        )
    return locked


def exit_proposal_execute(*, actor: User, proposal: ExitProposal, note: str = "") -> ExitProposal:
    """Carry out an approved proposal: the enterprise is closed (its status history records why)."""
    from ..registry.services import enterprise_change_status

    require(
        actor, "enterprises.decide_exit", message=_("Only the safety committee office records an exit as carried out.")
    )
    with transaction.atomic():
        locked = _lock_proposal(proposal, (ExitStatus.APPROVED,))
        _exit_transition(locked, locked.status, ExitStatus.EXECUTED, actor, note)
        locked.status = ExitStatus.EXECUTED
        locked.save(update_fields=["status", "updated_at"])
        if locked.enterprise.status != EnterpriseStatus.CLOSED:
            enterprise_change_status(
                actor=actor,
                enterprise=locked.enterprise,
                status=EnterpriseStatus.CLOSED,
                reason=(f"{locked.get_kind_display()}: {note.strip()}" if note.strip() else locked.get_kind_display())[
                    :300
                ],
            )
        deadline_met(source=locked, kind=EXIT_DEADLINE_KIND)
    return locked


def exit_proposal_withdraw(*, actor: User, proposal: ExitProposal, note: str) -> ExitProposal:
    require(
        actor,
        "enterprises.withdraw_exit",
        proposal,
        message=_("Only the proposer or the committee office may withdraw a proposal."),
    )
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for withdrawing.")})
    with transaction.atomic():
        locked = _lock_proposal(proposal, OPEN_EXIT_STATUSES)
        _exit_transition(locked, locked.status, ExitStatus.WITHDRAWN, actor, note)
        locked.status = ExitStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        deadline_cancel(source=locked, kind=EXIT_DEADLINE_KIND)
    return locked
