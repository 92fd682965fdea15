"""Serializers of the assessment API (read-only)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..choices import RESULT_INDICATOR_FIELDS, SCHEME_INDICATOR_FIELDS
from ..models import (
    AssessmentPeriod,
    AssessmentResult,
    AssessmentRun,
    GradeThreshold,
    Objection,
    ResultIndicator,
    Scheme,
    SchemeIndicator,
    VetoRule,
)


class SchemeIndicatorSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="display_label", read_only=True)  # type: ignore[assignment]  # stubs: Field.label; DRF pops declared fields

    class Meta:
        model = SchemeIndicator
        fields = SCHEME_INDICATOR_FIELDS


class VetoRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = VetoRule
        fields = ["kind", "threshold_percent"]


class GradeThresholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeThreshold
        fields = ["grade", "min_score"]


class SchemeSerializer(serializers.ModelSerializer):
    indicators = SchemeIndicatorSerializer(many=True, read_only=True)
    vetoes = VetoRuleSerializer(many=True, read_only=True)
    grades = GradeThresholdSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "name", "version", "kind", "status", "valid_from", "notes", "indicators", "vetoes", "grades"]


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # stubs: Field.label; DRF pops declared fields

    class Meta:
        model = AssessmentPeriod
        fields = ["id", "kind", "year", "number", "label", "start", "end"]


class RunSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)
    scheme_kind = serializers.CharField(source="scheme.kind", read_only=True)

    class Meta:
        model = AssessmentRun
        fields = [
            "id",
            "period",
            "scheme",
            "scheme_kind",
            "status",
            "total",
            "done",
            "progress_percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ResultIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultIndicator
        fields = ["indicator", *RESULT_INDICATOR_FIELDS, "record_model", "record_ids"]


class ResultSerializer(serializers.ModelSerializer):
    """One assessee's result: a county's (`jurisdiction`) or, in a duty check, a department's (`department`);
    the other is null. `assessee_name` names whichever it is."""

    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True, allow_null=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    assessee_name = serializers.CharField(read_only=True)
    scheme_kind = serializers.CharField(source="scheme.kind", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    scheme_version = serializers.CharField(source="scheme.version", read_only=True)
    indicators = ResultIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentResult
        fields = [
            "id",
            "run",
            "period",
            "period_label",
            "scheme",
            "scheme_version",
            "scheme_kind",
            "jurisdiction",
            "jurisdiction_name",
            "department",
            "department_name",
            "assessee_name",
            "status",
            "score",
            "grade",
            "rank",
            "vetoed",
            "veto_reasons",
            "notes",
            "previous_score",
            "change",
            "computed_at",
            "published_at",
            "indicators",
        ]


class ObjectionSerializer(serializers.ModelSerializer):
    """A county's objection to its preliminary result and the committee's answer."""

    filed_by_name = serializers.CharField(source="filed_by.get_full_name", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            "id",
            "result",
            "text",
            "has_evidence",
            "filed_by_name",
            "filed_at",
            "status",
            "answer",
            "answered_at",
            "score_before",
            "score_after",
        ]
        read_only_fields = fields

    def get_has_evidence(self, obj: Any) -> bool:
        return bool(obj.evidence)


class ObjectionFileSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    evidence = serializers.FileField(required=False)


class ObjectionAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    answer = serializers.CharField(max_length=4000)
