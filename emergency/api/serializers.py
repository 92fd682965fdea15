"""Serializers of the emergency API. Writes are validated here for shape; the services hold the rules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enterprises.models import Enterprise
from safety_platform.api.fields import EnterpriseRowSerializer, VisibleRelatedField
from safety_platform.models import Department, Industry, Jurisdiction, StatutoryDeadline, User

from ..choices import (
    AccidentCategory,
    DrillKind,
    MeasureStatus,
    MovementKind,
    PartyKind,
    Readiness,
    ReportLevel,
    ResponseKind,
    ResponsibilityKind,
    WarningKind,
    WarningLevel,
)
from ..models import (
    Accident,
    AccidentEvaluation,
    AccidentReportStep,
    AccidentRevision,
    AccountabilityFinding,
    CorrectiveMeasure,
    DispatchAllocation,
    DispatchLine,
    DispatchOrder,
    DispatchStep,
    Drill,
    EmergencyPlan,
    EmergencyWarning,
    GradingRuleSet,
    MemberCertificate,
    RescueTeam,
    ResponseLogEntry,
    Skill,
    StockAlert,
    StockBatch,
    StockMovement,
    SupplyItem,
    TeamEquipment,
    TeamMember,
    Warehouse,
    WarningRecipient,
)
from ..models.accidents import COUNT_MAX, MONEY_MAX
from ..services.accidents import COUNT_FIELDS, FIGURE_FIELDS
from ..services.supplies import WAREHOUSE_FIELDS
from ..services.teams import TEAM_FIELDS

# Catalogs -----------------------------------------------------------------------------------


class EmSkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "code", "name"]


class EmSupplyItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplyItem
        fields = ["id", "code", "name", "category", "specification", "unit", "default_min_quantity"]


# Teams --------------------------------------------------------------------------------------


class EmCertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberCertificate
        fields = ["id", "name", "number", "issued_on", "expires_on"]


class EmMemberSerializer(serializers.ModelSerializer):
    skills = serializers.SlugRelatedField(many=True, slug_field="code", queryset=Skill.objects.all(), required=False)
    certificates = EmCertificateSerializer(many=True, read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "name", "position", "phone", "is_leader", "is_active", "skills", "certificates"]


class EmEquipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamEquipment
        fields = ["id", "name", "specification", "quantity", "status"]


# Whose a team or a warehouse is: the jurisdiction it serves and the enterprise it belongs to, with their names.
# (A comment, not a docstring: the schema would give every subclass this description.)
class _OwnerSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all(), required=False)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True)
    # allow_null, not default=None: a default makes DRF leave the field out of PATCH responses.
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True)


class EmTeamSerializer(_OwnerSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    specialties = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Skill.objects.all(), required=False
    )
    member_count = serializers.IntegerField(read_only=True)  # annotated by selectors.teams_visible_to
    distance_km = serializers.FloatField(read_only=True, allow_null=True)  # only when searching by distance

    class Meta:
        model = RescueTeam
        # What the services write, then what the team shows besides.
        fields = [
            "id",
            *TEAM_FIELDS,
            "jurisdiction_name",
            "enterprise_name",
            "readiness",
            "readiness_note",
            "readiness_changed_at",
            "member_count",
            "distance_km",
            "updated_at",
        ]
        read_only_fields = ["readiness", "readiness_note", "readiness_changed_at", "updated_at"]

    def to_representation(self, instance: RescueTeam) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data.get("distance_km") is not None:
            data["distance_km"] = round(data["distance_km"], 2)
        return data


class EmTeamDetailSerializer(EmTeamSerializer):
    members = EmMemberSerializer(many=True, read_only=True)
    equipment = EmEquipmentSerializer(many=True, read_only=True)

    class Meta(EmTeamSerializer.Meta):
        fields = [*EmTeamSerializer.Meta.fields, "members", "equipment"]


class EmReadinessSerializer(serializers.Serializer):
    readiness = serializers.ChoiceField(choices=Readiness.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EmMemberWriteSerializer(EmMemberSerializer):
    certificates = EmCertificateSerializer(many=True, required=False)

    class Meta(EmMemberSerializer.Meta):
        fields = EmMemberSerializer.Meta.fields


# Warehouses and stock -----------------------------------------------------------------------


class EmWarehouseSerializer(_OwnerSerializer):
    # Annotated by selectors.warehouses_visible_to (the views always answer with an annotated row).
    usable_units = serializers.IntegerField(read_only=True)
    open_alerts = serializers.IntegerField(read_only=True)

    class Meta:
        model = Warehouse
        # What the services write, then what the warehouse shows besides.
        fields = ["id", *WAREHOUSE_FIELDS, "jurisdiction_name", "enterprise_name", "usable_units", "open_alerts"]


class EmStockRowSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    item__name = serializers.CharField()
    item__unit = serializers.CharField()
    item__category = serializers.CharField()
    usable = serializers.IntegerField()
    expired = serializers.IntegerField()
    batches = serializers.IntegerField()
    next_expiry = serializers.DateField(allow_null=True)
    min_quantity = serializers.IntegerField()


# A row of stock (a batch, a movement, a flag, a shipment, a dispatch line), which names its warehouse and its item
# beside their ids; a subclass lists in its `Meta.fields` the names it shows. (A comment, not a docstring: the schema
# would give every subclass this description.)
class _StockRowSerializer(serializers.ModelSerializer):
    warehouse_name = serializers.CharField(source="warehouse.name", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)


class EmBatchSerializer(_StockRowSerializer):
    class Meta:
        model = StockBatch
        fields = [
            "id",
            "warehouse",
            "warehouse_name",
            "item",
            "item_code",
            "item_name",
            "batch_no",
            "expires_on",
            "quantity",
            "updated_at",
        ]


class EmMovementSerializer(_StockRowSerializer):
    batch_no = serializers.CharField(source="batch.batch_no", read_only=True)
    actor: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "warehouse",
            "item",
            "item_code",
            "batch",
            "batch_no",
            "kind",
            "quantity",
            "balance_after",
            "occurred_at",
            "actor",
            "note",
            "transfer_ref",
            "allocation",
        ]


class EmAlertSerializer(_StockRowSerializer):
    class Meta:
        model = StockAlert
        fields = [
            "id",
            "kind",
            "warehouse",
            "warehouse_name",
            "item",
            "item_name",
            "batch",
            "quantity",
            "threshold",
            "expires_on",
            "raised_at",
        ]


# A supply item (by its code) and a quantity of it: what a receipt, an issue, a transfer and a request's line start
# with. (A comment, not a docstring: the schema would give every subclass this description.)
class _ItemQuantitySerializer(serializers.Serializer):
    item = serializers.SlugRelatedField(slug_field="code", queryset=SupplyItem.objects.all())
    quantity = serializers.IntegerField(min_value=1, max_value=COUNT_MAX)


class EmReceiveSerializer(_ItemQuantitySerializer):
    batch_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EmIssueSerializer(_ItemQuantitySerializer):
    kind = serializers.ChoiceField(choices=[MovementKind.CONSUME, MovementKind.WRITE_OFF])
    batch = VisibleRelatedField(StockBatch, required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EmTransferSerializer(_ItemQuantitySerializer):
    destination = VisibleRelatedField(Warehouse)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EmMinimumSerializer(serializers.Serializer):
    item = serializers.SlugRelatedField(slug_field="code", queryset=SupplyItem.objects.all())
    min_quantity = serializers.IntegerField(min_value=0, max_value=COUNT_MAX)


# Dispatch -----------------------------------------------------------------------------------


class EmAllocationSerializer(_StockRowSerializer):
    batch_no = serializers.CharField(source="batch.batch_no", read_only=True)

    class Meta:
        model = DispatchAllocation
        fields = [
            "id",
            "warehouse",
            "warehouse_name",
            "batch",
            "batch_no",
            "quantity",
            "shipped_at",
            "delivered_at",
            "returned_quantity",
            "consumed_quantity",
        ]


class EmLineSerializer(_StockRowSerializer):
    item: serializers.SlugRelatedField[SupplyItem] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    allocations = EmAllocationSerializer(many=True, read_only=True)

    class Meta:
        model = DispatchLine
        fields = ["id", "item", "item_name", "requested_quantity", "approved_quantity", "allocations"]


class EmStepSerializer(serializers.ModelSerializer):
    actor: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = DispatchStep
        fields = ["action", "from_status", "to_status", "actor", "at", "note", "details"]


class EmDispatchOrderSerializer(serializers.ModelSerializer):
    requesting_jurisdiction_name = serializers.CharField(source="requesting_jurisdiction.name", read_only=True)
    requested_units = serializers.IntegerField(read_only=True, allow_null=True)
    approved_units = serializers.IntegerField(read_only=True, allow_null=True)
    dispatched_units = serializers.IntegerField(read_only=True, allow_null=True)
    number = serializers.CharField(read_only=True)

    class Meta:
        model = DispatchOrder
        fields = [
            "id",
            "number",
            "title",
            "accident",
            "requesting_jurisdiction",
            "requesting_jurisdiction_name",
            "destination",
            "contact_name",
            "contact_phone",
            "needed_by",
            "reason",
            "status",
            "is_partial",
            "source_warehouses",
            "approved_at",
            "delivered_at",
            "closed_at",
            "created_at",
            "updated_at",
            "requested_units",
            "approved_units",
            "dispatched_units",
        ]


class EmDispatchOrderDetailSerializer(EmDispatchOrderSerializer):
    lines = EmLineSerializer(many=True, read_only=True)
    steps = EmStepSerializer(many=True, read_only=True)

    class Meta(EmDispatchOrderSerializer.Meta):
        fields = [*EmDispatchOrderSerializer.Meta.fields, "lines", "steps"]


class EmRequestLineSerializer(_ItemQuantitySerializer):
    pass


class EmDispatchRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    requesting_jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    destination = serializers.CharField(max_length=200)
    lines = EmRequestLineSerializer(many=True, allow_empty=False)
    accident = VisibleRelatedField(Accident, required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    needed_by = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EmApproveSerializer(serializers.Serializer):
    source_warehouses = VisibleRelatedField(Warehouse, many=True, allow_empty=False)
    approved = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=COUNT_MAX), required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EmNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EmShipSerializer(serializers.Serializer):
    warehouse = VisibleRelatedField(Warehouse)
    quantities = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=COUNT_MAX))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EmSettleSerializer(serializers.Serializer):
    allocation = VisibleRelatedField(
        scope=lambda user: DispatchAllocation.objects.filter(line__order__in=DispatchOrder.objects.visible_to(user))
    )
    returned = serializers.IntegerField(min_value=0, max_value=COUNT_MAX, default=0)
    consumed = serializers.IntegerField(min_value=0, max_value=COUNT_MAX, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Accidents ----------------------------------------------------------------------------------


def figure_fields(**options: Any) -> dict[str, serializers.Field]:
    """The accident's figures (`FIGURE_FIELDS`) as input fields, in their order, each with `options`: the counts
    whole numbers from 0 to COUNT_MAX, the loss in yuan with two decimals, from 0 to MONEY_MAX."""
    fields: dict[str, serializers.Field] = {
        name: serializers.IntegerField(min_value=0, max_value=COUNT_MAX, **options) for name in COUNT_FIELDS
    }
    fields["direct_loss_yuan"] = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, max_value=MONEY_MAX, **options
    )
    return fields


class EmRevisionSerializer(serializers.ModelSerializer):
    rule_set: serializers.SlugRelatedField[GradingRuleSet] = serializers.SlugRelatedField(
        slug_field="version", read_only=True
    )
    recorded_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = AccidentRevision
        fields = ["revision", *FIGURE_FIELDS, "grade", "rule_set", "note", "is_late", "recorded_by", "recorded_at"]


class EmReportStepSerializer(serializers.ModelSerializer):
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = AccidentReportStep
        fields = ["level", "received_at", "due_at", "is_late", "note"]


class EmClockSerializer(serializers.ModelSerializer):
    """A statutory clock of the accident (report to the county, forwarding per level, supplement,
    investigation): due, met or cancelled, and overdue when open past its due time."""

    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = StatutoryDeadline
        fields = ["kind", "title", "legal_basis", "due_at", "met_at", "cancelled_at", "is_overdue"]


class EmLogEntrySerializer(serializers.ModelSerializer):
    teams: serializers.PrimaryKeyRelatedField[RescueTeam] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    recorded_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = ResponseLogEntry
        fields = ["id", "at", "kind", "actor_name", "action", "teams", "dispatch_order", "recorded_by", "recorded_at"]


class EmLogEntryWriteSerializer(serializers.Serializer):
    action = serializers.CharField()
    actor_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ResponseKind.choices, default=ResponseKind.OTHER)
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    teams = VisibleRelatedField(RescueTeam, many=True, required=False)
    dispatch_order = VisibleRelatedField(DispatchOrder, required=False, allow_null=True)


class EmAccidentSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True)
    rule_set: serializers.SlugRelatedField[GradingRuleSet] = serializers.SlugRelatedField(
        slug_field="version", read_only=True
    )
    reported_late = serializers.BooleanField(read_only=True)
    has_overdue_clock = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Accident
        fields = [
            "id",
            "title",
            "category",
            "is_production_safety",
            "occurred_at",
            "reported_at",
            "reported_late",
            "location",
            "jurisdiction",
            "jurisdiction_name",
            "enterprise",
            "enterprise_name",
            "description",
            *FIGURE_FIELDS,
            "grade",
            "rule_set",
            "revision",
            "status",
            "figures_confirmed_at",
            "concealed",
            "investigation_due_at",
            "investigation_extended",
            "investigation_report_at",
            "closed_at",
            "has_overdue_clock",
            "created_at",
            "updated_at",
        ]


class EmAccidentDetailSerializer(EmAccidentSerializer):
    revisions = EmRevisionSerializer(many=True, read_only=True)
    report_steps = EmReportStepSerializer(many=True, read_only=True)
    clocks = serializers.SerializerMethodField()

    class Meta(EmAccidentSerializer.Meta):
        fields = [*EmAccidentSerializer.Meta.fields, "investigation_summary", "revisions", "report_steps", "clocks"]

    @extend_schema_field(EmClockSerializer(many=True))
    def get_clocks(self, accident: Accident) -> list[dict[str, Any]]:
        from ..selectors import accident_clocks

        # many=True builds a ListSerializer, whose data is a list; the stubs type the class's own (a dict).
        return EmClockSerializer(accident_clocks(accident), many=True).data  # type: ignore[return-value]


class EmAccidentReportSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=AccidentCategory.choices)
    is_production_safety = serializers.BooleanField(default=True)
    occurred_at = serializers.DateTimeField()
    reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    location = serializers.CharField(max_length=200)
    enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True)
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def get_fields(self) -> dict[str, serializers.Field]:
        # The figures after the rest (as in the form), each 0 unless given (the int 0: DRF keeps a default as given).
        return {**super().get_fields(), **figure_fields(default=0)}


class EmSupplementSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # The figures first, each optional: a figure left out stays as it was.
        return {**figure_fields(required=False), **super().get_fields()}

    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    final = serializers.BooleanField(default=False)


class EmForwardSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=[c for c in ReportLevel.choices if c[0] != ReportLevel.COUNTY])
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EmExtendSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=COUNT_MAX)
    reason = serializers.CharField(max_length=300)


class EmInvestigationReportSerializer(serializers.Serializer):
    summary = serializers.CharField()
    submitted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class EmRequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300)


class EmFindingSerializer(serializers.ModelSerializer):
    party_kind = serializers.ChoiceField(choices=PartyKind.choices)
    responsibility = serializers.ChoiceField(choices=ResponsibilityKind.choices)
    enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)

    class Meta:
        model = AccountabilityFinding
        fields = [
            "id",
            "party_kind",
            "party_name",
            "enterprise",
            "department",
            "responsibility",
            "finding",
            "sanction",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class EmMeasureSerializer(serializers.ModelSerializer):
    accident = serializers.IntegerField(source="evaluation.accident_id", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    responsible_enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True)

    class Meta:
        model = CorrectiveMeasure
        fields = [
            "id",
            "accident",
            "description",
            "responsible",
            "responsible_enterprise",
            "due_on",
            "status",
            "is_overdue",
            "completed_at",
            "verified_at",
        ]
        read_only_fields = ["status", "completed_at", "verified_at"]


class EmMeasureProgressSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=MeasureStatus.choices)
    note = serializers.CharField(max_length=500)


class EmEvaluationSerializer(serializers.ModelSerializer):
    findings = EmFindingSerializer(many=True, read_only=True)
    measures = EmMeasureSerializer(many=True, read_only=True)

    class Meta:
        model = AccidentEvaluation
        fields = ["causes", "response_assessment", "lessons", "concluded_at", "findings", "measures", "updated_at"]
        read_only_fields = ["concluded_at", "updated_at"]


# Warnings -----------------------------------------------------------------------------------


class EmWarningSerializer(serializers.ModelSerializer):
    jurisdictions: serializers.PrimaryKeyRelatedField[Jurisdiction] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    industries: serializers.SlugRelatedField[Industry] = serializers.SlugRelatedField(
        many=True, slug_field="code", read_only=True
    )
    recipient_count = serializers.IntegerField(read_only=True, allow_null=True)
    pending_count = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = EmergencyWarning
        fields = [
            "id",
            "title",
            "kind",
            "level",
            "content",
            "measures_required",
            "jurisdictions",
            "industries",
            "issued_at",
            "valid_until",
            "status",
            "lifted_at",
            "recipient_count",
            "pending_count",
        ]


class EmWarningIssueSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=WarningKind.choices)
    level = serializers.ChoiceField(choices=WarningLevel.choices)
    content = serializers.CharField()
    measures_required = serializers.CharField(required=False, allow_blank=True, default="")
    jurisdictions = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(), many=True, allow_empty=False
    )
    industries = serializers.SlugRelatedField(
        slug_field="code", queryset=Industry.objects.all(), many=True, required=False
    )
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class EmRecipientSerializer(EnterpriseRowSerializer):
    jurisdiction_name = serializers.CharField(source="enterprise.jurisdiction.name", read_only=True)

    class Meta:
        model = WarningRecipient
        fields = [
            "enterprise",
            "enterprise_name",
            "credit_code",
            "jurisdiction_name",
            "notified_at",
            "acknowledged_at",
            "acknowledged_via",
            "measures_taken",
            "measures_updated_at",
        ]


class EmAcknowledgeSerializer(serializers.Serializer):
    measures_taken = serializers.CharField(required=False, allow_blank=True, default="")
    enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True)


# Plans --------------------------------------------------------------------------------------


class EmPlanSerializer(serializers.ModelSerializer):
    enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    # Annotated by selectors.plans_visible_to.
    last_drill_on = serializers.DateField(read_only=True, allow_null=True)
    drill_overdue = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = EmergencyPlan
        fields = [
            "id",
            "title",
            "kind",
            "enterprise",
            "enterprise_name",
            "department",
            "department_name",
            "version",
            "summary",
            "filed_on",
            "filing_number",
            "status",
            "last_drill_on",
            "drill_overdue",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class EmDrillSerializer(serializers.ModelSerializer):
    plan = VisibleRelatedField(EmergencyPlan)
    kind = serializers.ChoiceField(choices=DrillKind.choices, default=DrillKind.FUNCTIONAL)

    class Meta:
        model = Drill
        fields = ["id", "plan", "held_on", "kind", "scenario", "location", "participants", "findings", "created_at"]
        read_only_fields = ["created_at"]


class EmOverdueEnterpriseSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "jurisdiction", "jurisdiction_name"]
