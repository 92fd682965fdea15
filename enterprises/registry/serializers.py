from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from safety_platform.models import Department, Industry, Jurisdiction, User
from safety_platform.validators import normalize_mainland_mobile

from .choices import EnterpriseStatus
from .models import Enterprise, EnterpriseStatusChange
from .validators import normalize_credit_code, validate_credit_code


class EnterpriseSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(max_length=18)
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    industry = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all())
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    supervising_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    # allow_null, not default=None: a default makes DRF leave the field out of PATCH responses.
    supervising_department_name = serializers.CharField(
        source="supervising_department.name", read_only=True, allow_null=True
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "legal_representative",
            "address",
            "longitude",
            "latitude",
            "jurisdiction",
            "jurisdiction_name",
            "industry",
            "industry_name",
            "risk_category",
            "supervising_department",
            "supervising_department_name",
            "department_set_manually",
            "scale",
            "employees",
            "is_key",
            "status",
            "contact_phone",
            "principal_name",
            "principal_mobile",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "department_set_manually", "created_at", "updated_at"]

    def validate_credit_code(self, value: str) -> str:
        code = normalize_credit_code(value)
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            validate_credit_code(code)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        clash = Enterprise.objects.filter(credit_code=code)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(_("An enterprise with this credit code is already registered."))
        return code

    def validate_principal_mobile(self, value: str) -> str:
        from django.core.exceptions import ValidationError as DjangoValidationError

        if not value:
            return ""
        try:
            return normalize_mainland_mobile(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class EnterpriseStatusChangeSerializer(serializers.ModelSerializer):
    # null: imported, created in bulk or by the system
    changed_by: serializers.StringRelatedField[User] = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = EnterpriseStatusChange
        fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]


class StatusChangeRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(EnterpriseStatus.choices))  # Enterprise.status's choices
    reason = serializers.CharField(max_length=300)

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(data)
