# Joint rewards and punishments: written notices to departments and the measures they applied (issue 14, item 2).
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0007_record_proposals"),
        ("enterprises", "0007_enterprise_name_trigram"),
        ("safety_platform", "0006_task_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ruleset",
            name="notice_ack_days",
            field=models.PositiveSmallIntegerField(
                default=5,
                help_text="A notice a department has not acknowledged in time is escalated.",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="days to acknowledge a joint rewards and punishments notice",
            ),
        ),
        migrations.CreateModel(
            name="JointNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("period_start", models.DateField(verbose_name="period from")),
                ("period_end", models.DateField(verbose_name="period to")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("number", models.PositiveIntegerField(verbose_name="number")),
                ("content", models.JSONField(default=dict, verbose_name="what the notice lists")),
                ("grade_count", models.PositiveIntegerField(default=0, verbose_name="grade changes")),
                ("listed_count", models.PositiveIntegerField(default=0, verbose_name="blacklist entries published")),
                ("removed_count", models.PositiveIntegerField(default=0, verbose_name="blacklist entries removed")),
                ("issued_at", models.DateTimeField(verbose_name="issued at")),
                ("ack_due_on", models.DateField(verbose_name="acknowledge by")),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True, verbose_name="acknowledged at")),
                (
                    "acknowledged_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="acknowledged by",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.department",
                        verbose_name="addressee",
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
                        verbose_name="issued by",
                    ),
                ),
                (
                    "rule_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="credit.ruleset",
                        verbose_name="rule set version",
                    ),
                ),
            ],
            options={
                "verbose_name": "joint rewards and punishments notice",
                "verbose_name_plural": "joint rewards and punishments notices",
                "ordering": ["-period_start", "department__name", "id"],
            },
        ),
        migrations.CreateModel(
            name="JointMeasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "category",
                    models.CharField(
                        choices=[("punishment", "Joint punishment"), ("incentive", "Joint incentive")],
                        editable=False,
                        max_length=10,
                        verbose_name="category",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("tender_excluded", "Excluded from public tenders"),
                            ("loan_restricted", "Loans and financing restricted"),
                            ("awards_withheld", "Withheld from honours and awards"),
                            ("subsidy_restricted", "Subsidies and financial support restricted"),
                            ("approval_scrutinized", "Licences and approvals examined strictly"),
                            ("market_access_restricted", "Market access restricted"),
                            ("green_channel", "Green channel: simplified approval"),
                            ("priority_support", "Priority for funds and projects"),
                            ("awards_recommended", "Recommended for honours and awards"),
                            ("loan_favoured", "Favourable loans and financing"),
                        ],
                        max_length=30,
                        verbose_name="measure",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[("blacklist", "Listed on the blacklist"), ("grade", "Credit grade")],
                        max_length=10,
                        verbose_name="basis",
                    ),
                ),
                (
                    "basis_grade",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[(1, "Grade 1"), (2, "Grade 2"), (3, "Grade 3")],
                        null=True,
                        verbose_name="grade responded to",
                    ),
                ),
                ("basis_graded_on", models.DateField(blank=True, null=True, verbose_name="graded on")),
                ("applied_on", models.DateField(verbose_name="applied on")),
                ("until", models.DateField(blank=True, null=True, verbose_name="until")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "channel",
                    models.CharField(
                        choices=[("web", "Web page"), ("api", "Department API")],
                        max_length=4,
                        verbose_name="recorded through",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("active", "In force"), ("revoked", "Revoked")],
                        default="active",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                ("revoke_reason", models.TextField(blank=True, verbose_name="reason for the revocation")),
                (
                    "api_key",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.apikey",
                        verbose_name="API key",
                    ),
                ),
                (
                    "blacklist_entry",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="joint_measures",
                        to="credit.blacklistentry",
                        verbose_name="blacklist entry",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="joint_measures",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="revoked by",
                    ),
                ),
                (
                    "notice",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="measures",
                        to="credit.jointnotice",
                        verbose_name="notice",
                    ),
                ),
            ],
            options={
                "verbose_name": "joint measure",
                "verbose_name_plural": "joint measures",
                "ordering": ["-applied_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="JointNoticeRecipient",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("is_active", models.BooleanField(default=True, verbose_name="receives the notice")),
                (
                    "department",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="joint_notice_recipient",
                        to="safety_platform.department",
                        verbose_name="department",
                    ),
                ),
            ],
            options={
                "verbose_name": "notice recipient",
                "verbose_name_plural": "notice recipients",
                "ordering": ["department__name"],
            },
        ),
        migrations.AddIndex(
            model_name="jointnotice",
            index=models.Index(fields=["acknowledged_at", "period_start"], name="credit_notice_ack"),
        ),
        migrations.AddConstraint(
            model_name="jointnotice",
            constraint=models.UniqueConstraint(
                fields=("department", "period_start"), name="credit_notice_one_per_period"
            ),
        ),
        migrations.AddConstraint(
            model_name="jointnotice",
            constraint=models.UniqueConstraint(fields=("year", "number"), name="credit_notice_number_unique"),
        ),
        migrations.AddConstraint(
            model_name="jointnotice",
            constraint=models.CheckConstraint(
                condition=models.Q(("period_end__gte", models.F("period_start"))), name="credit_notice_period_ordered"
            ),
        ),
        migrations.AddIndex(
            model_name="jointmeasure",
            index=models.Index(fields=["department", "-applied_on", "-id"], name="credit_measure_by_department"),
        ),
        migrations.AddIndex(
            model_name="jointmeasure",
            index=models.Index(fields=["enterprise", "-applied_on"], name="credit_measure_by_enterprise"),
        ),
        migrations.AddIndex(
            model_name="jointmeasure",
            index=models.Index(fields=["-applied_on", "-id"], name="credit_measure_recent"),
        ),
        migrations.AddConstraint(
            model_name="jointmeasure",
            constraint=models.CheckConstraint(
                condition=models.Q(("until__isnull", True), ("until__gte", models.F("applied_on")), _connector="OR"),
                name="credit_measure_period_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="jointmeasure",
            constraint=models.CheckConstraint(
                condition=models.Q(("recorded_by__isnull", False), ("api_key__isnull", False), _connector="OR"),
                name="credit_measure_has_recorder",
            ),
        ),
        migrations.AddConstraint(
            model_name="jointmeasure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("basis", "blacklist"), _negated=True), ("blacklist_entry__isnull", False), _connector="OR"
                ),
                name="credit_measure_blacklist_basis_has_entry",
            ),
        ),
    ]
