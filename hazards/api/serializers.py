"""API serializers of the hazards app. They shape input and output; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import serializers

from safety_platform.api.fields import EnterpriseRowSerializer
from safety_platform.models import Industry
from safety_platform.refusals import refusal_as_invalid
from safety_platform.uploads import IMAGE, OFFICE, PDF, validate_upload

from ..choices import (
    LEC_C_VALUES,
    LEC_E_VALUES,
    LEC_L_VALUES,
    REMEDIATION_PLAN_FIELDS,
    HazardGrade,
    RiskMethod,
    VoidKind,
)
from ..location import clean_position
from ..models import (
    STAT_FIELDS,
    Campaign,
    Hazard,
    HazardAttachment,
    HazardStatReport,
    HazardTransition,
    RemediationPlan,
    RiskSource,
)
from ..models.risk import plain_number

MAX_FILES = 9


class CheckedFileField(serializers.FileField):
    """A file whose type is decided by its content (magic bytes, Pillow), not by its name."""

    def __init__(self, *args: Any, kinds: tuple[str, ...] = (IMAGE,), **kwargs: Any) -> None:
        self.kinds = kinds
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        upload = super().to_internal_value(data)
        try:
            validate_upload(upload, kinds=self.kinds)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return upload


def files_field(kinds: tuple[str, ...] = (IMAGE,)) -> serializers.ListField:
    return serializers.ListField(
        child=CheckedFileField(kinds=kinds), required=False, allow_empty=True, max_length=MAX_FILES
    )


class HazardAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = HazardAttachment
        fields = ["id", "kind", "original_name", "size", "uploaded_at", "url"]

    def get_url(self, obj: HazardAttachment) -> str:
        return reverse("hazards:attachment", args=[obj.pk])


class HazardTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_display", read_only=True)
    attachments = HazardAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = HazardTransition
        fields = ["id", "action", "from_state", "to_state", "actor", "at", "note", "details", "attachments"]


class RemediationPlanSerializer(serializers.ModelSerializer):
    is_complete = serializers.BooleanField(read_only=True)
    missing = serializers.ListField(source="missing_fields", read_only=True, child=serializers.CharField())

    class Meta:
        model = RemediationPlan
        fields = [*REMEDIATION_PLAN_FIELDS, "is_complete", "missing", "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {name: {"required": False} for name in RemediationPlan.REQUIRED_FIELDS}


def position_field(help_text: str) -> serializers.DecimalField:
    """A coordinate in degrees; more than six decimals (a phone's fix) are rounded to the micro-degree."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, required=False, allow_null=True, default=None, help_text=help_text
    )


def validate_position(attrs: dict[str, Any]) -> dict[str, Any]:
    """Both coordinates or neither, inside Longyan: else a 400 naming the field."""
    with refusal_as_invalid("latitude"):
        attrs["latitude"], attrs["longitude"] = clean_position(attrs.get("latitude"), attrs.get("longitude"))
    return attrs


class HazardSerializer(EnterpriseRowSerializer):
    grade = serializers.ChoiceField(choices=HazardGrade.choices, allow_blank=True, read_only=True)  # "" until assessed
    jurisdiction = serializers.IntegerField(source="enterprise.jurisdiction_id", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "jurisdiction",
            "title",
            "description",
            "location",
            "latitude",
            "longitude",
            "source",
            "state",
            "grade",
            "found_at",
            "deadline",
            "responsible_person",
            "responsible_phone",
            "is_listed",
            "is_overdue",
            "campaign",
            "risk_source",
            "assessed_at",
            "reported_at",
            "submitted_at",
            "closed_at",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields


class HazardDetailSerializer(HazardSerializer):
    transitions = HazardTransitionSerializer(many=True, read_only=True)
    plan = RemediationPlanSerializer(read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField()
    reporter_contact = serializers.SerializerMethodField(
        help_text=(
            "A worker's contact from a risk-card report; empty unless the caller is an inspector, committee, "
            "department or admin user (confidential)."
        )
    )

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "reporter_contact", "plan", "transitions", "allowed_actions"]
        read_only_fields = fields

    def get_reporter_contact(self, obj: Hazard) -> str:
        from safety_platform.permissions import can

        request = self.context.get("request")
        user = getattr(request, "user", None)
        # Only people of the authorities see it: not the enterprise, not a machine client's key.
        if user is None or not can(user, "hazards.see_reporter"):
            return ""
        return obj.reporter_contact

    def get_allowed_actions(self, obj: Hazard) -> list[str]:
        from ..services import allowed_actions

        request = self.context.get("request")
        return allowed_actions(getattr(request, "user", None), obj) if request else []


class HazardCreateSerializer(serializers.Serializer):
    """Log a hazard (inspector on site, or an enterprise self-report); an inspector may assess it at once."""

    enterprise = serializers.IntegerField(required=False, help_text="Enterprise id (ignored for enterprise users).")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    latitude = position_field("Degrees north (WGS-84), inside Longyan; with `longitude` or neither.")
    longitude = position_field("Degrees east (WGS-84), inside Longyan; with `latitude` or neither.")
    found_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None)
    risk_source = serializers.IntegerField(required=False, allow_null=True, default=None)
    photos = files_field()
    grade = serializers.ChoiceField(choices=HazardGrade.choices, required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    responsible_person = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    responsible_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    client_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return validate_position(attrs)


class HazardNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HazardReasonSerializer(serializers.Serializer):
    note = serializers.CharField()


class HazardAssessSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=HazardGrade.choices)
    deadline = serializers.DateField()
    responsible_person = serializers.CharField(max_length=60)
    responsible_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HazardProgressSerializer(HazardNoteSerializer):
    photos = files_field()


class HazardSubmitSerializer(HazardNoteSerializer):
    before = files_field()
    after = files_field()
    documents = files_field((IMAGE, PDF, OFFICE))


class HazardCloseSerializer(HazardNoteSerializer):
    photos = files_field()


class HazardRejectSerializer(HazardReasonSerializer):
    new_deadline = serializers.DateField(required=False, allow_null=True, default=None)


class HazardExtendSerializer(HazardReasonSerializer):
    deadline = serializers.DateField()


class HazardVoidSerializer(serializers.Serializer):
    """作废 a worker's risk-card report: `spam` (spam or malicious) or `unfounded` (duplicate or unfounded)."""

    kind = serializers.ChoiceField(choices=VoidKind.choices)
    reason = serializers.CharField(max_length=1000)


class HazardPushSerializer(serializers.Serializer):
    """A hazard pushed by a key enterprise's own system; the `Idempotency-Key` header makes retries safe."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    latitude = position_field("Degrees north (WGS-84), inside Longyan; with `longitude` or neither.")
    longitude = position_field("Degrees east (WGS-84), inside Longyan; with `latitude` or neither.")
    found_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return validate_position(attrs)


class RiskSourceSerializer(EnterpriseRowSerializer):
    banding_version = serializers.IntegerField(source="banding.version", read_only=True)
    lec_l = serializers.ChoiceField(choices=LEC_L_VALUES, required=False, allow_null=True)
    lec_e = serializers.ChoiceField(choices=LEC_E_VALUES, required=False, allow_null=True)
    lec_c = serializers.ChoiceField(choices=LEC_C_VALUES, required=False, allow_null=True)
    method = serializers.ChoiceField(choices=RiskMethod.choices, default=RiskMethod.LEC)

    class Meta:
        model = RiskSource
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "name",
            "description",
            "method",
            "lec_l",
            "lec_e",
            "lec_c",
            "likelihood",
            "severity",
            "score",
            "level",
            "banding",
            "banding_version",
            "control_measures",
            "emergency_measures",
            "responsible_person",
            "responsible_phone",
            "review_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["score", "level", "banding", "created_at", "updated_at"]
        extra_kwargs = {"enterprise": {"required": False}}

    def service_data(self) -> dict[str, Any]:
        """The validated input, completed for a partial update with the stored values of the fields not sent.

        The stored values are taken as Python values, not in their JSON form: merging the representation
        gave the service the text '2027-01-15' for a review date it had not been sent, and every PATCH of a
        risk source with a review date answered 400 naming review_date.
        """
        data = dict(self.validated_data)
        if self.instance is not None and self.partial:
            for name, fld in self.fields.items():
                if fld.read_only or name in data or not fld.source or "." in fld.source or fld.source == "*":
                    continue
                data[name] = getattr(self.instance, fld.source)
        return data

    def to_representation(self, instance: RiskSource) -> dict[str, Any]:
        data = super().to_representation(instance)
        for name in ("lec_l", "lec_e", "lec_c"):
            value = getattr(instance, name)
            data[name] = plain_number(value) if value is not None else None
        return data


class HazardCampaignSerializer(serializers.ModelSerializer):
    industries: serializers.SlugRelatedField[Industry] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    hazard_total = serializers.IntegerField(read_only=True)
    hazard_major = serializers.IntegerField(read_only=True)
    hazard_closed = serializers.IntegerField(read_only=True)
    hazard_overdue = serializers.IntegerField(read_only=True)
    closure_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "description",
            "starts_on",
            "ends_on",
            "industries",
            "jurisdictions",
            "organizer",
            "hazard_total",
            "hazard_major",
            "hazard_closed",
            "hazard_overdue",
            "closure_rate",
        ]
        read_only_fields = fields


class HazardStatReportSerializer(EnterpriseRowSerializer):
    period = serializers.CharField(source="period_label", read_only=True)

    class Meta:
        model = HazardStatReport
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "year",
            "quarter",
            "period",
            "period_start",
            "period_end",
            "due_on",
            "status",
            *STAT_FIELDS,
            "note",
            "submitted_at",
        ]
        read_only_fields = fields


class RiskMapRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    jurisdiction = serializers.IntegerField(source="jurisdiction.pk", allow_null=True, default=None)
    enterprise = serializers.IntegerField(source="enterprise.pk", allow_null=True, default=None)
    levels = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    open_hazards = serializers.IntegerField()
    major_open = serializers.IntegerField()


class RiskMapNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField()


class RiskMapSerializer(serializers.Serializer):
    """The body of the risk-map endpoint (documents the schema; the view builds the dict)."""

    jurisdiction = RiskMapNodeSerializer()
    totals = RiskMapRowSerializer()
    children = RiskMapRowSerializer(many=True)
    enterprises = RiskMapRowSerializer(many=True)
