"""Writes of standardization (certificates, re-review reminders, expiry) and demonstration enterprises."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety_platform.choices import FactKind, Role
from safety_platform.deadline_kinds import register_deadline_kind
from safety_platform.locking import lock_in_state
from safety_platform.models import Department, Industry, User
from safety_platform.permissions import can, require
from safety_platform.services import (
    DomainError,
    deadline_cancel,
    deadline_met,
    deadline_open,
    department_users,
    fact_record,
    notify,
)
from safety_platform.uploads import IMAGE, PDF, random_upload_path, validate_upload

from ..registry.models import Enterprise
from .models import (
    ISSUING_LEVEL_FOR,
    CertificateEvent,
    CertificateStatus,
    Demonstration,
    DemonstrationMeasure,
    DemonstrationStatus,
    MeasureKind,
    StandardizationCertificate,
    add_months,
    certificate_validity,
    rereview_months,
)

REREVIEW_DEADLINE_KIND = register_deadline_kind("standardization_rereview", gettext_lazy("standardization re-review"))


def _moment(day: dt.date, at: dt.time = dt.time(12, 0)) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def _event(cert: StandardizationCertificate, from_status: str, to_status: str, actor: Any, note: str = "") -> None:
    CertificateEvent.objects.create(
        certificate=cert,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "api_key", None) is None else None,
        note=note[:300],
    )


def _cert_fact(cert: StandardizationCertificate, kind: str, occurred_at: dt.datetime) -> None:
    suffix = {
        FactKind.STANDARDIZATION_GRANTED: "granted",
        FactKind.STANDARDIZATION_REVOKED: "revoked",
        FactKind.STANDARDIZATION_EXPIRED: "expired",
    }[FactKind(kind)]
    fact_record(
        kind=kind,
        dedup_key=f"stdcert:{cert.pk}:{suffix}",
        occurred_at=occurred_at,
        enterprise=cert.enterprise,
        source=cert,
        payload={"certificate_id": cert.pk, "level": int(cert.level), "expires_on": cert.expires_on.isoformat()},
    )


def _grant(cert: StandardizationCertificate, actor: Any) -> None:
    """A certificate became valid: record the fact, start the re-review clock, retire older ones."""
    _cert_fact(cert, FactKind.STANDARDIZATION_GRANTED, _moment(cert.issued_on))
    deadline_open(
        source=cert,
        kind=REREVIEW_DEADLINE_KIND,
        title=_("Standardization re-review: %(enterprise)s (%(number)s)")
        % {"enterprise": cert.enterprise.name, "number": cert.certificate_number},
        due_at=_moment(cert.expires_on, dt.time(23, 59)),
        enterprise=cert.enterprise,
        url=cert.get_absolute_url(),
        legal_basis=_("Re-review is applied for in the three months before the certificate expires."),
    )
    older = (
        StandardizationCertificate.objects.select_for_update()
        .filter(enterprise=cert.enterprise, industry=cert.industry, status=CertificateStatus.VALID)
        .filter(issued_on__lte=cert.issued_on)
        .exclude(pk=cert.pk)
    )
    for previous in older:
        _event(previous, previous.status, CertificateStatus.SUPERSEDED, actor, cert.certificate_number)
        previous.status = CertificateStatus.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
        deadline_met(source=previous, kind=REREVIEW_DEADLINE_KIND)


def _store_scan(cert: StandardizationCertificate, scan: Any) -> None:
    if scan:
        try:
            ext = validate_upload(scan, kinds=(IMAGE, PDF))
        except ValidationError as exc:
            raise ValidationError({"scan": exc.messages}) from exc
        cert.scan.save(random_upload_path("standardization", ext), scan, save=False)


def stdcert_record(
    *,
    actor: User,
    enterprise: Enterprise,
    level: int,
    industry: Industry,
    certificate_number: str,
    issued_on: dt.date,
    expires_on: dt.date | None = None,
    issuing_level: str = "",
    issuing_authority: str = "",
    scan: Any = None,
) -> StandardizationCertificate:
    """Record a certificate. Staff record valid certificates; an enterprise's declaration waits for verification.

    The expiry defaults to three years after issue; the issuing level follows the certificate level
    (一级 national, 二级 provincial, 三级 city) and a contradicting one is refused.
    """
    require(
        actor,
        "enterprises.record_certificate",
        enterprise,
        message=_("You may not record certificates for this enterprise."),
    )
    if level not in ISSUING_LEVEL_FOR:
        raise ValidationError({"level": _("The level is 1, 2 or 3.")})
    expected = ISSUING_LEVEL_FOR[level]
    if issuing_level and issuing_level != expected:
        raise ValidationError(
            {
                "issuing_level": _("A level %(level)d certificate is issued at the %(issuer)s level.")
                % {"level": level, "issuer": expected.label}
            }
        )
    rule_version = ""
    if expires_on is None:
        validity = certificate_validity(issued_on)
        expires_on = add_months(issued_on, 12 * validity.years)
        rule_version = validity.version
    if expires_on <= issued_on:
        raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})
    staff = can(actor, "enterprises.verify_certificate", enterprise)
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("This certificate has already expired.")})
    cert = StandardizationCertificate(
        enterprise=enterprise,
        level=level,
        industry=industry,
        certificate_number=certificate_number.strip(),
        issuing_level=expected,
        issuing_authority=issuing_authority.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
        rule_version=rule_version,
        status=CertificateStatus.VALID if staff else CertificateStatus.PENDING,
        declared_by=actor,
        verified_by=actor if staff else None,
        verified_at=timezone.now() if staff else None,
    )
    _store_scan(cert, scan)
    cert.full_clean()
    with transaction.atomic():
        cert.save()
        _event(cert, "", cert.status, actor, _("Recorded by staff") if staff else _("Declared by the enterprise"))
        if staff:
            _grant(cert, actor)
    return cert


def _locked_certificates() -> QuerySet[StandardizationCertificate]:
    """Certificates to lock with their enterprise (the refusal names it)."""
    return StandardizationCertificate.objects.select_related("enterprise")


def _lock_valid(certificate: StandardizationCertificate, message: str) -> StandardizationCertificate:
    """The certificate, locked, while it is valid; otherwise `message` (code `certificate_not_valid`)."""
    return lock_in_state(
        _locked_certificates(), certificate.pk, [CertificateStatus.VALID], message=message, code="certificate_not_valid"
    )


def stdcert_verify(
    *, actor: User, certificate: StandardizationCertificate, accept: bool, note: str = ""
) -> StandardizationCertificate:
    require(
        actor,
        "enterprises.verify_certificate",
        certificate.enterprise,
        message=_("You may not verify this certificate."),
    )
    if not accept and not note.strip():
        raise ValidationError({"note": _("Give the reason for rejecting the declaration.")})
    with transaction.atomic():
        locked = lock_in_state(
            _locked_certificates(),
            certificate.pk,
            [CertificateStatus.PENDING],
            message=_("Only a declared certificate awaiting verification can be verified."),
            code="certificate_not_pending",
        )
        target = CertificateStatus.VALID if accept else CertificateStatus.REJECTED
        if accept and locked.expires_on < timezone.localdate():
            raise DomainError(
                _("This certificate has already expired."), field="expires_on", code="certificate_expired"
            )
        _event(locked, locked.status, target, actor, note)
        locked.status = target
        locked.status_reason = note.strip()[:300]
        locked.verified_by = actor
        locked.verified_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "verified_by", "verified_at", "updated_at"])
        if accept:
            _grant(locked, actor)
    return locked


def stdcert_revoke(
    *, actor: User, certificate: StandardizationCertificate, reason: str, revoked_on: dt.date | None = None
) -> StandardizationCertificate:
    """Revoke a valid certificate (撤销); the revocation is a credit fact."""
    require(
        actor,
        "enterprises.revoke_certificate",
        certificate.enterprise,
        message=_("Only the supervising department or the committee office may revoke a certificate."),
    )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    revoked_on = revoked_on or timezone.localdate()
    with transaction.atomic():
        locked = _lock_valid(certificate, _("Only a valid certificate can be revoked."))
        _event(locked, locked.status, CertificateStatus.REVOKED, actor, reason)
        locked.status = CertificateStatus.REVOKED
        locked.revoked_on = revoked_on
        locked.status_reason = reason.strip()[:300]
        locked.save(update_fields=["status", "revoked_on", "status_reason", "updated_at"])
        _cert_fact(locked, FactKind.STANDARDIZATION_REVOKED, _moment(revoked_on))
        deadline_cancel(source=locked, kind=REREVIEW_DEADLINE_KIND)
    return locked


def stdcert_apply_rereview(
    *, actor: User, certificate: StandardizationCertificate, applied_on: dt.date | None = None
) -> StandardizationCertificate:
    """The enterprise applied for re-review (复评): the reminder stops and the statutory clock is met."""
    require(
        actor,
        "enterprises.record_certificate",
        certificate.enterprise,
        message=_("You may not update this certificate."),
    )
    applied_on = applied_on or timezone.localdate()
    with transaction.atomic():
        locked = _lock_valid(certificate, _("Only a valid certificate can be re-reviewed."))
        if locked.rereview_applied_on is not None:
            raise DomainError(
                _("Re-review was already applied for."), field="rereview_applied_on", code="rereview_already_applied"
            )
        locked.rereview_applied_on = applied_on
        locked.save(update_fields=["rereview_applied_on", "updated_at"])
        deadline_met(source=locked, kind=REREVIEW_DEADLINE_KIND, at=_moment(applied_on))
    return locked


def _reminder_recipients(cert: StandardizationCertificate) -> list[User]:
    recipients = list(cert.enterprise.users.filter(is_active=True))
    recipients += list(department_users(cert.enterprise.supervising_department_id))
    return recipients


def standardization_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: expire certificates past their expiry (a credit fact each) and send re-review reminders.

    Safe to run any number of times: a certificate is claimed for expiry with a conditional UPDATE,
    facts carry a dedup key and each reminder is sent once (notification dedup key per certificate).
    """
    today = today or timezone.localdate()
    expired = 0
    for cert in StandardizationCertificate.objects.filter(
        status=CertificateStatus.VALID, expires_on__lt=today
    ).select_related("enterprise"):
        with transaction.atomic():
            claimed = StandardizationCertificate.objects.filter(pk=cert.pk, status=CertificateStatus.VALID).update(
                status=CertificateStatus.EXPIRED, updated_at=timezone.now()
            )
            if not claimed:
                continue
            _event(cert, CertificateStatus.VALID, CertificateStatus.EXPIRED, None, _("Expired"))
            cert.status = CertificateStatus.EXPIRED
            _cert_fact(
                cert, FactKind.STANDARDIZATION_EXPIRED, _moment(cert.expires_on + dt.timedelta(days=1), dt.time(0))
            )
            expired += 1
    reminded = 0
    window_end = add_months(today, rereview_months(today))
    due = StandardizationCertificate.objects.filter(
        status=CertificateStatus.VALID,
        rereview_applied_on__isnull=True,
        expires_on__gte=today,
        expires_on__lte=window_end,
    ).select_related("enterprise")
    for cert in due:
        reminded += bool(
            notify(
                recipients=_reminder_recipients(cert),
                title=_("Standardization certificate %(number)s expires on %(day)s: apply for re-review")
                % {"number": cert.certificate_number, "day": cert.expires_on.isoformat()},
                body=_("%(enterprise)s, level %(level)d. Apply for re-review before the certificate expires.")
                % {"enterprise": cert.enterprise.name, "level": cert.level},
                url=cert.get_absolute_url(),
                category="standardization",
                dedup_key=f"stdcert:{cert.pk}:rereview-reminder",
            )
        )
    return {"expired": expired, "reminded": reminded}


# Demonstration enterprises ---------------------------------------------------------------------


# PositiveIntegerField's range on every backend.
PEOPLE_MAX = 2_147_483_647


def _clean_measures(measures: list[dict[str, Any]]) -> list[DemonstrationMeasure]:
    rows = []
    for index, data in enumerate(measures):
        if not any(str(v).strip() for v in data.values() if v is not None):
            continue
        if data.get("kind") not in MeasureKind.values:
            raise ValidationError({f"measures[{index}].kind": _("Choose mechanization or automation.")})
        if not str(data.get("description") or "").strip():
            raise ValidationError({f"measures[{index}].description": _("Describe what was mechanized or automated.")})
        try:
            people = int(data.get("people_moved") or 0)
        except (TypeError, ValueError):
            raise ValidationError({f"measures[{index}].people_moved": _("Enter a whole number.")}) from None
        if people < 0:
            raise ValidationError({f"measures[{index}].people_moved": _("Cannot be negative.")})
        if people > PEOPLE_MAX:
            # bulk_create skips model validation: beyond the column's range the database fails (a 500).
            raise ValidationError(
                {f"measures[{index}].people_moved": _("At most %(max)d people.") % {"max": PEOPLE_MAX}}
            )
        rows.append(
            DemonstrationMeasure(
                kind=data["kind"],
                description=str(data["description"]).strip(),
                post=str(data.get("post") or "").strip(),
                people_moved=people,
                completed_on=data.get("completed_on"),
            )
        )
    return rows


def demonstration_designate(
    *,
    actor: User,
    enterprise: Enterprise,
    designated_on: dt.date,
    summary: str,
    measures: list[dict[str, Any]],
    batch: str = "",
    department: Department | None = None,
) -> Demonstration:
    require(actor, "enterprises.designate", enterprise, message=_("You may not designate demonstration enterprises."))
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Describe what was mechanized or automated.")})
    rows = _clean_measures(measures)
    if department is None and actor.role == Role.DEPARTMENT:
        department = actor.department
    with transaction.atomic():
        if Demonstration.objects.filter(enterprise=enterprise, status=DemonstrationStatus.ACTIVE).exists():
            raise DomainError(
                _("This enterprise is already a demonstration enterprise."),
                field="enterprise",
                code="demonstration_already_active",
            )
        demo = Demonstration.objects.create(
            enterprise=enterprise,
            designated_on=designated_on,
            batch=batch.strip(),
            designating_department=department,
            summary=summary.strip(),
            created_by=actor,
        )
        for row in rows:
            row.demonstration = demo
        DemonstrationMeasure.objects.bulk_create(rows)
    return demo


def demonstration_add_measure(*, actor: User, demonstration: Demonstration, measure: dict[str, Any]) -> None:
    require(actor, "enterprises.designate", demonstration.enterprise, message=_("You may not edit this designation."))
    rows = _clean_measures([measure])
    if not rows:
        raise ValidationError({"description": _("Describe what was mechanized or automated.")})
    rows[0].demonstration = demonstration
    rows[0].save()


def demonstration_revoke(*, actor: User, demonstration: Demonstration, reason: str) -> Demonstration:
    require(
        actor, "enterprises.designate", demonstration.enterprise, message=_("You may not withdraw this designation.")
    )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing the designation.")})
    with transaction.atomic():
        locked = lock_in_state(
            Demonstration.objects.all(),
            demonstration.pk,
            [DemonstrationStatus.ACTIVE],
            message=_("The designation was already withdrawn."),
            code="demonstration_already_withdrawn",
        )
        locked.status = DemonstrationStatus.REVOKED
        locked.revoked_on = timezone.localdate()
        locked.summary = f"{locked.summary}\n\n{_('Withdrawn')}: {reason.strip()}"
        locked.save(update_fields=["status", "revoked_on", "summary", "updated_at"])
    return locked
