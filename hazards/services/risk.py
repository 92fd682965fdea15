"""Risk sources and their banding: scoring, grading against the active version, re-grading."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext as _

from safety_platform.concurrency import Opened, check_stored_opened
from safety_platform.permissions import can
from safety_platform.services import DomainError

from ..choices import LEC_C_VALUES, LEC_E_VALUES, LEC_L_VALUES, MATRIX_VALUES, RiskMethod
from ..models import RiskBand, RiskBanding, RiskSource
from .loop import actor_role


def _decimal(value: Any, field: str, allowed: list[str]) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or number not in {Decimal(v) for v in allowed}:
        raise DomainError(_("Choose one of %(values)s.") % {"values": ", ".join(allowed)}, field=field, code="invalid")
    return number


def risk_score(*, method: str, data: dict[str, Any]) -> tuple[Decimal, dict[str, Any]]:
    """(score, normalized factor fields) for a method: D = L × E × C, or R = likelihood × severity."""
    if method == RiskMethod.LEC:
        lec_l = _decimal(data.get("lec_l"), "lec_l", LEC_L_VALUES)
        lec_e = _decimal(data.get("lec_e"), "lec_e", LEC_E_VALUES)
        lec_c = _decimal(data.get("lec_c"), "lec_c", LEC_C_VALUES)
        fields: dict[str, Any] = {"lec_l": lec_l, "lec_e": lec_e, "lec_c": lec_c, "likelihood": None, "severity": None}
        return (lec_l * lec_e * lec_c).quantize(Decimal("0.01")), fields
    if method == RiskMethod.MATRIX:
        values: dict[str, int] = {}
        for name in ("likelihood", "severity"):
            try:
                values[name] = int(data.get(name))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                values[name] = 0
            if values[name] not in MATRIX_VALUES:
                raise DomainError(_("Choose a value from 1 to 5."), field=name, code="invalid")
        fields = {"lec_l": None, "lec_e": None, "lec_c": None, **values}
        return Decimal(values["likelihood"] * values["severity"]), fields
    raise DomainError(_("Choose LEC or the matrix."), field="method", code="invalid")


def risk_source_save(
    *,
    actor: Any,
    enterprise: Any,
    data: dict[str, Any],
    risk_source: RiskSource | None = None,
    opened: Opened | None = None,
) -> RiskSource:
    """Create or update a risk source; its level comes from the active banding, whose version is recorded.

    With `opened`, an update of a risk source changed by someone else meanwhile is refused (`StaleEdit`)."""
    from enterprises.models import Enterprise

    role = actor_role(actor)
    if not can(actor, "hazards.edit_risk"):
        raise DomainError(_("Your role may not do this."), code="forbidden")
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise DomainError(_("This enterprise is outside your scope."), field="enterprise", code="forbidden")
    if risk_source is not None and risk_source.enterprise_id != enterprise.pk:
        raise DomainError(_("This risk source belongs to another enterprise."), code="forbidden")
    method = data.get("method") or RiskMethod.LEC
    score, factors = risk_score(method=method, data=data)
    for name in ("name", "control_measures", "responsible_person"):
        if not str(data.get(name) or "").strip():
            raise DomainError(_("This field is required."), field=name, code="invalid")
    banding = RiskBanding.objects.active(method)
    if banding is None:
        raise DomainError(
            _("No active risk banding for this method: ask the administrator."),
            field="method",
            code="no_active_banding",
        )
    review_date = data.get("review_date")
    if review_date is not None and not isinstance(review_date, dt.date):
        raise DomainError(_("Enter a valid date."), field="review_date", code="invalid")
    source = risk_source or RiskSource(enterprise=enterprise, created_by=actor if role != "api" else None)
    source.name = str(data["name"]).strip()[:200]
    source.description = str(data.get("description") or "").strip()
    source.method = method
    for name, value in factors.items():
        setattr(source, name, value)
    source.score = score
    source.banding = banding
    source.level = banding.level_for(score)
    source.control_measures = str(data["control_measures"]).strip()
    source.emergency_measures = str(data.get("emergency_measures") or "").strip()
    source.responsible_person = str(data["responsible_person"]).strip()[:60]
    source.responsible_phone = str(data.get("responsible_phone") or "").strip()[:30]
    source.review_date = review_date
    with transaction.atomic():
        check_stored_opened(opened, source)
        source.save()
    return source


def _level_case(banding: RiskBanding) -> Case:
    """The banding as one SQL CASE: the highest band whose lower bound the score passes."""
    whens = []
    for band in sorted(banding.bands.all(), key=lambda b: (b.lower_bound, b.lower_inclusive), reverse=True):
        condition = Q(score__gte=band.lower_bound) if band.lower_inclusive else Q(score__gt=band.lower_bound)
        whens.append(When(condition, then=Value(band.level)))
    return Case(*whens, default=Value("blue"), output_field=CharField())


def risk_banding_activate(*, banding: RiskBanding) -> int:
    """Make `banding` the active version of its method and re-grade every risk source scored by that method.

    One UPDATE with a CASE: the levels are computed in the database, and each source records the
    version that graded it. Returns how many risk sources were re-graded.
    """
    if not banding.bands.exists():
        raise DomainError(_("A banding needs its bands before it can be activated."), code="banding_without_bands")
    with transaction.atomic():
        # Serialize concurrent activations of the same method (the one-active constraint would refuse one).
        list(RiskBanding.objects.select_for_update().filter(method=banding.method))
        RiskBanding.objects.filter(method=banding.method, is_active=True).exclude(pk=banding.pk).update(is_active=False)
        RiskBanding.objects.filter(pk=banding.pk).update(is_active=True)
        banding.is_active = True
        regraded = RiskSource.objects.filter(method=banding.method).update(level=_level_case(banding), banding=banding)
        # The UPDATE sends no model signal: the dashboards' risk-colour figures are recounted by a task after
        # commit (every enterprise of the city: too long for the request).
        if regraded:
            from enterprises.figures.tasks import enterprise_figures_rebuild_task
            from safety_platform.tasks_util import enqueue

            enqueue(enterprise_figures_rebuild_task)
        return regraded


def risk_banding_new_version(*, banding: RiskBanding) -> RiskBanding:
    """Copy a banding into the next version (inactive), so that it can be edited without rewriting history."""
    with transaction.atomic():
        latest = RiskBanding.objects.filter(method=banding.method).order_by("-version").first()
        copy = RiskBanding.objects.create(
            method=banding.method,
            version=(latest.version if latest else 0) + 1,
            name=banding.name,
            basis=banding.basis,
            is_active=False,
        )
        RiskBand.objects.bulk_create(
            [
                RiskBand(banding=copy, level=b.level, lower_bound=b.lower_bound, lower_inclusive=b.lower_inclusive)
                for b in banding.bands.all()
            ]
        )
    return copy


def risk_banding_in_use(banding: RiskBanding) -> bool:
    return RiskSource.objects.filter(banding=banding).exists()
