"""The departments' feeds: one row per blacklist entry / per enterprise grade (docs/api.md)."""

from __future__ import annotations

from rest_framework import serializers

from ..choices import BlacklistCase, Grade, RatingStatus, RemovalReason
from ..models import BlacklistEntry, CreditRating

GRADE_LABELS: dict[int, str] = {Grade.ONE.value: "一级", Grade.TWO.value: "二级", Grade.THREE.value: "三级"}


class BlacklistEntrySerializer(serializers.ModelSerializer):
    """A published entry of the serious-untrustworthiness list (严重失信主体名单)."""

    credit_code = serializers.CharField(source="enterprise.credit_code", help_text="Unified social credit code")
    enterprise_name = serializers.CharField(source="enterprise.name")
    status = serializers.ChoiceField(
        choices=[("active", "active"), ("removed", "removed")],
        help_text="active = listed now; removed = taken off the list.",
    )
    case = serializers.ChoiceField(choices=BlacklistCase.choices, help_text="Order 11 case")
    listing_department = serializers.CharField(
        source="department.name", allow_null=True, default=None, help_text="Department that proposed the listing"
    )
    rule_set_version = serializers.CharField(source="rule_set.version", help_text="Rule-set version applied")
    removal_reason = serializers.ChoiceField(
        choices=[("", ""), *RemovalReason.choices], help_text="expired, repaired, or empty while listed"
    )

    class Meta:
        model = BlacklistEntry
        fields = [
            "id",
            "credit_code",
            "enterprise_name",
            "status",
            "case",
            "reason",
            "legal_basis",
            "listing_department",
            "rule_set_version",
            "listed_on",
            "ends_on",
            "removed_on",
            "removal_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RatingSerializer(serializers.ModelSerializer):
    """The current credit grade of one enterprise (一级 best … 三级)."""

    credit_code = serializers.CharField(source="enterprise.credit_code", help_text="Unified social credit code")
    enterprise_name = serializers.CharField(source="enterprise.name")
    # A plain integer, not an enum: the meaning of 1–3 is the contract, documented here.
    grade = serializers.IntegerField(min_value=1, max_value=3, help_text="1 = 一级 (best), 2 = 二级, 3 = 三级")
    grade_label = serializers.SerializerMethodField(help_text="一级 / 二级 / 三级")
    rule_set_version = serializers.CharField(source="rule_set.version", help_text="Rule-set version applied")
    status = serializers.ChoiceField(choices=RatingStatus.choices)

    class Meta:
        model = CreditRating
        fields = [
            "id",
            "credit_code",
            "enterprise_name",
            "grade",
            "grade_label",
            "score",
            "blacklisted",
            "rule_set_version",
            "as_of",
            "computed_at",
            "status",
            "updated_at",
        ]
        read_only_fields = fields

    def get_grade_label(self, obj: CreditRating) -> str:
        return GRADE_LABELS.get(obj.grade, "")
