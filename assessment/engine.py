"""The assessment engine: one assessee's figures → normalized values → points → score, grade and veto.

Pure arithmetic on top of the indicator registry; it reads the database only through the registered
indicators (one aggregate or id list each), the county's yearly input and the veto checks. Nothing
here writes: `services.assessment_run_execute` stores what `assess` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from emergency.choices import AccidentGrade

from .choices import AssessmentGrade, Normalization, SchemeKind, Scoring, TargetInput, VetoKind
from .indicators import registry
from .indicators.emergency import accidents_in
from .indicators.registry import Figure, Window
from .models import AssessmentPeriod, CountyInput, Scheme, SchemeIndicator

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
FIGURE_PLACES = Decimal("0.000001")


def _q(value: Decimal, places: Decimal = CENT) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


class NotScored(Exception):
    """The indicator cannot be scored for this assessee; the message says why (shown in the result)."""


@dataclass
class IndicatorOutcome:
    item: SchemeIndicator
    label: str
    figure: Figure | None = None
    normalized: Decimal | None = None
    target: Decimal | None = None
    fraction: Decimal | None = None  # share of the indicator's points earned, 0..1
    reason: str = ""
    effective_weight: Decimal = Decimal(0)
    points: Decimal | None = None

    @property
    def scored(self) -> bool:
        return self.fraction is not None


@dataclass
class Assessment:
    score: Decimal | None
    grade: str
    vetoed: bool
    veto_reasons: list[str]
    notes: list[str]
    outcomes: list[IndicatorOutcome] = field(default_factory=list)


def window_of(period: AssessmentPeriod) -> Window:
    return Window(start=period.start, end=period.end, months=period.months)


def _target(item: SchemeIndicator, county_input: CountyInput | None, window: Window, county: Any) -> Decimal:
    """The control target for the period: the yearly target pro-rated to the period's months."""
    label = TargetInput(item.target_input).label
    yearly = county_input.target(item.target_input) if county_input else None
    if yearly is None:
        raise NotScored(
            _("No control target “%(target)s” entered for %(county)s in %(year)s.")
            % {"target": label, "county": county, "year": window.start.year}
        )
    return yearly * Decimal(window.months) / Decimal(12)


def normalize(
    item: SchemeIndicator, figure: Figure, county_input: CountyInput | None, county: Any, year: int
) -> Decimal:
    """The figure made comparable between counties (raises NotScored with the reason when it cannot be)."""
    if figure.not_computable:
        raise NotScored(figure.not_computable)
    number = figure.numerator
    kind = Normalization(item.normalization)
    if kind == Normalization.COUNT:
        return number
    if kind in (Normalization.SHARE, Normalization.PER_100_ENTERPRISES):
        if not figure.denominator:
            raise NotScored(
                _("No supervised enterprises in scope.")
                if kind == Normalization.PER_100_ENTERPRISES
                else _("No records in this indicator's scope in the period.")
            )
        value = number / figure.denominator
        return value * HUNDRED if kind == Normalization.PER_100_ENTERPRISES else value
    if kind == Normalization.PER_100M_GDP:
        base = county_input.gdp_100m_yuan if county_input else None
        what = _("GDP")
        scale = Decimal(1)
    else:
        base = (
            Decimal(county_input.industrial_workers)
            if county_input and county_input.industrial_workers is not None
            else None
        )
        what = _("industrial workforce")
        scale = Decimal(100000)
    if base is None:
        raise NotScored(
            _("Not computable: no %(what)s entered for %(county)s in %(year)s.")
            % {"what": what, "county": county, "year": year}
        )
    if base == 0:
        # Never a division by zero: a zero base is an input to correct, and the result says so.
        raise NotScored(
            _("Not computable: the %(what)s entered for %(county)s in %(year)s is 0.")
            % {"what": what, "county": county, "year": year}
        )
    return number * scale / base


def score_fraction(item: SchemeIndicator, value: Decimal, target: Decimal | None) -> Decimal:
    """Share (0..1) of the indicator's points earned by a normalized value."""
    scoring = Scoring(item.scoring)
    if scoring == Scoring.BAND:
        assert item.full_at is not None and item.zero_at is not None  # SchemeIndicator.clean requires both
        full, zero = Decimal(item.full_at), Decimal(item.zero_at)
        fraction = (value - zero) / (full - zero)
    elif scoring == Scoring.DEDUCT:
        assert item.deduct_per_unit is not None  # SchemeIndicator.clean requires it
        weight = Decimal(item.weight)
        fraction = (weight - Decimal(item.deduct_per_unit) * value) / weight
    else:
        assert target is not None
        if target == 0:
            fraction = Decimal(1) if value <= 0 else Decimal(0)
        else:
            # Deduct in proportion to the overshoot: nothing left at `zero_at` times the target (default 2×).
            zero_multiple = Decimal(item.zero_at) if item.zero_at and item.zero_at > 1 else Decimal(2)
            overshoot = (value - target) / target
            fraction = Decimal(1) - overshoot / (zero_multiple - 1)
    return min(Decimal(1), max(Decimal(0), fraction))


def _vetoes(scheme: Scheme, county: Any, window: Window, county_input: CountyInput | None) -> list[str]:
    reasons: list[str] = []
    rules = {rule.kind: rule for rule in scheme.vetoes.all()}
    if not rules:
        return reasons
    accidents = accidents_in(county, window)
    if VetoKind.MAJOR_ACCIDENT in rules:
        for accident in accidents.filter(grade__in=[AccidentGrade.MAJOR, AccidentGrade.ESPECIALLY_MAJOR]).order_by(
            "occurred_at", "pk"
        ):
            reasons.append(
                _("%(grade)s: %(title)s (%(day)s)")
                % {"grade": accident.get_grade_display(), "title": accident.title, "day": accident.occurred_at.date()}
            )
    if VetoKind.LARGER_CONCEALED_OR_LATE in rules:
        # A handful of rows at most: the reporting clock is the emergency app's rule (Accident.reported_late).
        for accident in (
            accidents.filter(grade=AccidentGrade.LARGER).select_related("rule_set").order_by("occurred_at", "pk")
        ):
            if accident.concealed:
                reasons.append(
                    _("Larger accident concealed or falsely reported: %(title)s") % {"title": accident.title}
                )
            elif accident.reported_late:
                reasons.append(_("Larger accident reported late: %(title)s") % {"title": accident.title})
    rule = rules.get(VetoKind.DEATHS_OVER_TARGET)
    if rule is not None and rule.threshold_percent and county_input and county_input.deaths_target is not None:
        died = accidents.aggregate(n=Sum("deaths"))["n"] or 0
        limit = Decimal(county_input.deaths_target) * Decimal(window.months) / 12 * rule.threshold_percent / HUNDRED
        if died > limit:
            reasons.append(
                _("Deaths %(deaths)s above %(percent)s%% of the control target for the period (%(limit)s)")
                % {"deaths": died, "percent": rule.threshold_percent, "limit": _q(limit)}
            )
    return reasons


def grade_for(scheme: Scheme, score: Decimal | None, vetoed: bool) -> str:
    if vetoed:
        return AssessmentGrade.FAIL
    if score is None:
        return ""
    for threshold in sorted(scheme.grades.all(), key=lambda t: t.min_score, reverse=True):
        if score >= threshold.min_score:
            return threshold.grade
    return AssessmentGrade.FAIL


def assess(scheme: Scheme, county: Any, period: AssessmentPeriod) -> Assessment:
    """Score one assessee — a county, or a department under a duty-check scheme — for one period under one
    scheme version. A department has no yearly input and no veto: its scheme scores its own records only."""
    window = window_of(period)
    is_county = scheme.kind != SchemeKind.DEPARTMENT
    county_input = CountyInput.objects.filter(jurisdiction=county, year=period.year).first() if is_county else None
    outcomes: list[IndicatorOutcome] = []
    for item in scheme.indicators.all():
        spec = registry.get(item.indicator)
        outcome = IndicatorOutcome(item=item, label=item.label or (str(spec.label) if spec else item.indicator))
        outcomes.append(outcome)
        if spec is None:
            outcome.reason = _("Unknown indicator “%(name)s”.") % {"name": item.indicator}
            continue
        if not spec.measurable or spec.func is None:
            outcome.reason = str(spec.not_measurable_reason)
            continue
        if spec.default_days is not None:
            days = item.days_allowed if item.days_allowed is not None else spec.default_days
            figure = spec.func(county, window, days=days)
        else:
            figure = spec.func(county, window)
        outcome.figure = figure
        try:
            outcome.normalized = normalize(item, figure, county_input, county, period.year)
            if item.scoring == Scoring.AGAINST_TARGET:
                outcome.target = _target(item, county_input, window, county)
            outcome.fraction = score_fraction(item, outcome.normalized, outcome.target)
        except NotScored as why:
            outcome.reason = str(why)
            outcome.fraction = None

    total_weight = sum((Decimal(o.item.weight) for o in outcomes), Decimal(0))
    scored_weight = sum((Decimal(o.item.weight) for o in outcomes if o.scored), Decimal(0))
    notes: list[str] = []
    score: Decimal | None = None
    if scored_weight:
        # Indicators not scored give their weight to the others, in proportion to their weights.
        spread = total_weight / scored_weight
        raw = Decimal(0)
        for outcome in outcomes:
            if outcome.scored:
                outcome.effective_weight = _q(Decimal(outcome.item.weight) * spread)
                earned = Decimal(outcome.item.weight) * spread * outcome.fraction  # type: ignore[operator]
                outcome.points = _q(earned)
                raw += earned
        score = _q(raw)
    for outcome in outcomes:
        if not outcome.scored:
            notes.append(
                _("%(label)s (%(weight)s points) not scored: %(reason)s")
                % {"label": outcome.label, "weight": outcome.item.weight, "reason": outcome.reason}
            )
    if notes and scored_weight:
        notes.append(_("Their weight is spread over the scored indicators in proportion to their weights."))
    veto_reasons = _vetoes(scheme, county, window, county_input) if is_county else []
    return Assessment(
        score=score,
        grade=grade_for(scheme, score, bool(veto_reasons)),
        vetoed=bool(veto_reasons),
        veto_reasons=veto_reasons,
        notes=notes,
        outcomes=outcomes,
    )
