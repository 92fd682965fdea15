# Enforcement documents, their counters, the penalty case with its steps, and the versioned legal numbers.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def create_default_rules(apps, schema_editor):
    """The numbers of the Administrative Penalty Law 2021: hearing request within 5 days of the notice
    (art. 64), decision within 90 days of filing (art. 60), fine paid within 15 days (art. 67)."""
    import datetime as dt

    rule_set = apps.get_model("supervision", "EnforcementRuleSet")
    rule_set.objects.get_or_create(
        version="行政处罚法2021.1",
        defaults={
            "effective_from": dt.date(2021, 7, 15),
            "hearing_request_days": 5,
            "decision_days": 90,
            "fine_payment_days": 15,
            "notes": "《中华人民共和国行政处罚法》（2021年修订）第六十条、第六十四条、第六十七条",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_inspection_checklists"),
        ("hazards", "0001_initial"),
        ("enterprises", "0008_enterprise_principal"),
        ("safety_platform", "0007_outbound_messages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EnforcementRuleSet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("version", models.CharField(max_length=40, unique=True, verbose_name="version")),
                ("effective_from", models.DateField(verbose_name="effective from")),
                (
                    "hearing_request_days",
                    models.PositiveSmallIntegerField(
                        default=5,
                        help_text="Administrative Penalty Law art. 64",
                        verbose_name="days to request a hearing after the notice",
                    ),
                ),
                (
                    "decision_days",
                    models.PositiveSmallIntegerField(
                        default=90,
                        help_text="Administrative Penalty Law art. 60",
                        verbose_name="days from filing to the decision",
                    ),
                ),
                (
                    "fine_payment_days",
                    models.PositiveSmallIntegerField(
                        default=15,
                        help_text="Administrative Penalty Law art. 67",
                        verbose_name="days to pay a fine after the decision",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
            ],
            options={
                "verbose_name": "enforcement rule set",
                "verbose_name_plural": "enforcement rule sets",
                "ordering": ["-effective_from", "-id"],
            },
        ),
        migrations.CreateModel(
            name="DocumentCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("inspection_record", "On-site inspection record"),
                            ("rectification_order", "Order to rectify within a deadline"),
                            ("reinspection_opinion", "Re-inspection opinion"),
                            ("case_filing", "Case filing approval form"),
                            ("penalty_notice", "Administrative penalty notice"),
                            ("hearing_notice", "Hearing notice"),
                            ("penalty_decision", "Administrative penalty decision"),
                            ("case_closing", "Case closing approval form"),
                        ],
                        max_length=30,
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("last", models.PositiveIntegerField(default=0)),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="safety_platform.jurisdiction"
                    ),
                ),
            ],
            options={
                "verbose_name": "document number counter",
                "verbose_name_plural": "document number counters",
                "constraints": [
                    models.UniqueConstraint(fields=("authority", "kind", "year"), name="supervision_doc_counter_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="PenaltyCase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("title", models.CharField(max_length=200, verbose_name="cause of the case")),
                (
                    "violation",
                    models.CharField(
                        choices=[
                            ("licence", "Operating without or during suspension of a licence"),
                            ("rectification_refused", "Refusing to rectify a hazard or to obey an order"),
                            ("occupational", "Occupational-hazard violation"),
                            ("safety_staff", "Safety management organization or staff missing"),
                            ("other", "Other work-safety violation"),
                        ],
                        default="other",
                        max_length=30,
                        verbose_name="violation",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("filed", "Case filed"),
                            ("investigating", "Investigating"),
                            ("notified", "Party notified"),
                            ("hearing", "Hearing"),
                            ("decided", "Decided"),
                            ("executing", "Executing"),
                            ("closed", "Case closed"),
                            ("withdrawn", "Case withdrawn"),
                        ],
                        default="filed",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("filed_on", models.DateField(verbose_name="date filed")),
                ("decide_by", models.DateField(verbose_name="decide by")),
                ("notified_on", models.DateField(blank=True, null=True, verbose_name="notified on")),
                (
                    "hearing_request_by",
                    models.DateField(blank=True, null=True, verbose_name="hearing may be requested until"),
                ),
                ("statement", models.TextField(blank=True, verbose_name="the party's statement and defence")),
                ("hearing_requested_on", models.DateField(blank=True, null=True, verbose_name="hearing requested on")),
                ("hearing_held_on", models.DateField(blank=True, null=True, verbose_name="hearing held on")),
                ("hearing_note", models.TextField(blank=True, verbose_name="hearing record")),
                ("decided_on", models.DateField(blank=True, null=True, verbose_name="decided on")),
                (
                    "fine_amount",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="fine (yuan)"
                    ),
                ),
                (
                    "suspension_days",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="suspension of production (days)"),
                ),
                (
                    "licence_revocation_proposed",
                    models.BooleanField(default=False, verbose_name="proposal to revoke a licence"),
                ),
                ("legal_basis", models.TextField(blank=True, verbose_name="legal basis")),
                (
                    "extension_days",
                    models.PositiveSmallIntegerField(default=0, verbose_name="decision deadline extended by (days)"),
                ),
                (
                    "extension_reason",
                    models.CharField(blank=True, max_length=300, verbose_name="reason for the extension"),
                ),
                ("executed_on", models.DateField(blank=True, null=True, verbose_name="execution started on")),
                ("fine_paid_on", models.DateField(blank=True, null=True, verbose_name="fine paid on")),
                ("closed_on", models.DateField(blank=True, null=True, verbose_name="closed on")),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.jurisdiction",
                        verbose_name="authority",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="penalty_cases",
                        to="enterprises.enterprise",
                        verbose_name="party concerned",
                    ),
                ),
                (
                    "extension_approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="extension approved by",
                    ),
                ),
                (
                    "filed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="case filed by",
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="penalty_cases",
                        to="supervision.inspection",
                        verbose_name="inspection",
                    ),
                ),
                (
                    "rule_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="supervision.enforcementruleset",
                        verbose_name="rule set version",
                    ),
                ),
            ],
            options={
                "verbose_name": "administrative penalty case",
                "verbose_name_plural": "administrative penalty cases",
                "ordering": ["-filed_on", "-id"],
                "indexes": [
                    models.Index(fields=["status", "decide_by"], name="supervision_case_status"),
                    models.Index(fields=["enterprise", "-filed_on"], name="supervision_case_ent"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("fine_amount__isnull", True), ("fine_amount__gte", 0), _connector="OR"),
                        name="supervision_case_fine_positive",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EnforcementDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("inspection_record", "On-site inspection record"),
                            ("rectification_order", "Order to rectify within a deadline"),
                            ("reinspection_opinion", "Re-inspection opinion"),
                            ("case_filing", "Case filing approval form"),
                            ("penalty_notice", "Administrative penalty notice"),
                            ("hearing_notice", "Hearing notice"),
                            ("penalty_decision", "Administrative penalty decision"),
                            ("case_closing", "Case closing approval form"),
                        ],
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("serial", models.PositiveIntegerField(verbose_name="serial")),
                ("number", models.CharField(max_length=60, verbose_name="document number")),
                ("hand_numbered", models.BooleanField(default=False, verbose_name="number typed by hand")),
                ("issued_on", models.DateField(verbose_name="date of issue")),
                ("findings", models.TextField(blank=True, verbose_name="facts found")),
                ("legal_basis", models.TextField(blank=True, verbose_name="legal basis")),
                ("order_items", models.JSONField(blank=True, default=list, verbose_name="items ordered")),
                ("rectify_by", models.DateField(blank=True, null=True, verbose_name="rectify by")),
                ("conclusion", models.TextField(blank=True, verbose_name="conclusion")),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.jurisdiction",
                        verbose_name="authority",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="supervision.penaltycase",
                        verbose_name="penalty case",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enforcement_documents",
                        to="enterprises.enterprise",
                        verbose_name="party concerned",
                    ),
                ),
                (
                    "hazards",
                    models.ManyToManyField(
                        blank=True, related_name="enforcement_documents", to="hazards.hazard", verbose_name="hazards"
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enforcement_documents",
                        to="supervision.inspection",
                        verbose_name="inspection",
                    ),
                ),
                (
                    "issued_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="signed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "enforcement document",
                "verbose_name_plural": "enforcement documents",
                "ordering": ["-issued_on", "-id"],
                "indexes": [
                    models.Index(fields=["-issued_on", "-id"], name="supervision_doc_issued"),
                    models.Index(fields=["enterprise", "-issued_on"], name="supervision_doc_ent"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("authority", "kind", "year", "serial"), name="supervision_doc_number_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PenaltyCaseTransition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "from_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("filed", "Case filed"),
                            ("investigating", "Investigating"),
                            ("notified", "Party notified"),
                            ("hearing", "Hearing"),
                            ("decided", "Decided"),
                            ("executing", "Executing"),
                            ("closed", "Case closed"),
                            ("withdrawn", "Case withdrawn"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("filed", "Case filed"),
                            ("investigating", "Investigating"),
                            ("notified", "Party notified"),
                            ("hearing", "Hearing"),
                            ("decided", "Decided"),
                            ("executing", "Executing"),
                            ("closed", "Case closed"),
                            ("withdrawn", "Case withdrawn"),
                        ],
                        max_length=20,
                    ),
                ),
                ("action", models.CharField(max_length=30)),
                ("at", models.DateTimeField(auto_now_add=True)),
                ("note", models.TextField(blank=True)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="supervision.penaltycase",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="supervision.enforcementdocument",
                    ),
                ),
            ],
            options={
                "verbose_name": "penalty case step",
                "verbose_name_plural": "penalty case steps",
                "ordering": ["at", "id"],
            },
        ),
        migrations.RunPython(create_default_rules, migrations.RunPython.noop),
    ]
