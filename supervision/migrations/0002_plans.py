# Differentiated supervision: inspection frequency rule sets, responsible authorities, plans (issue 13 item 1).

import django.db.models.deletion
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


def seed_default_rules(apps, schema_editor):
    """The default version of §3d, active (read from supervision/services/defaults.py: change a rule by a new version)."""
    from supervision.services.defaults import (
        DEFAULT_EFFECTIVE_FROM,
        DEFAULT_NAME,
        DEFAULT_NOTES,
        DEFAULT_VERSION,
        default_rules,
    )

    RuleSet = apps.get_model("supervision", "InspectionRuleSet")
    Rule = apps.get_model("supervision", "InspectionClassRule")
    if RuleSet.objects.filter(version=DEFAULT_VERSION).exists():
        return
    rule_set = RuleSet.objects.create(
        version=DEFAULT_VERSION,
        name=DEFAULT_NAME,
        effective_from=DEFAULT_EFFECTIVE_FROM,
        status="active",
        notes=DEFAULT_NOTES,
    )
    Rule.objects.bulk_create(Rule(rule_set=rule_set, **row) for row in default_rules())


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="InspectionRuleSet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("version", models.CharField(max_length=40, unique=True, verbose_name="version")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("effective_from", models.DateField(verbose_name="effective from")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("active", "In force"), ("retired", "Retired")],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
            ],
            options={
                "verbose_name": "inspection frequency rule set",
                "verbose_name_plural": "inspection frequency rule sets",
                "ordering": ["-effective_from", "-id"],
            },
        ),
        migrations.CreateModel(
            name="InspectionClassRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "industry_group",
                    models.CharField(
                        blank=True,
                        choices=[
                            (
                                "high_risk",
                                "High-risk industries (mines, hazardous chemicals, fireworks, metal smelting)",
                            ),
                            ("other", "Other industries"),
                        ],
                        help_text="Blank: any.",
                        max_length=12,
                        verbose_name="industry group",
                    ),
                ),
                (
                    "standardization_level",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (0, "No standardization certificate"),
                            (1, "Standardization level 1"),
                            (2, "Standardization level 2"),
                            (3, "Standardization level 3"),
                        ],
                        help_text="Blank: any.",
                        null=True,
                        verbose_name="standardization level",
                    ),
                ),
                (
                    "risk_colour",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("red", "Red"),
                            ("orange", "Orange"),
                            ("yellow", "Yellow"),
                            ("blue", "Blue"),
                            ("none", "No risk source recorded"),
                        ],
                        help_text="Blank: any.",
                        max_length=8,
                        verbose_name="risk colour",
                    ),
                ),
                (
                    "credit_grade",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[(0, "Not rated"), (1, "Credit grade 1"), (2, "Credit grade 2"), (3, "Credit grade 3")],
                        help_text="Blank: any.",
                        null=True,
                        verbose_name="credit grade",
                    ),
                ),
                (
                    "blacklisted",
                    models.BooleanField(blank=True, help_text="Blank: any.", null=True, verbose_name="blacklisted"),
                ),
                ("class_name", models.CharField(max_length=100, verbose_name="class")),
                (
                    "min_per_year",
                    models.PositiveSmallIntegerField(default=0, verbose_name="minimum inspections a year"),
                ),
                ("max_per_year", models.PositiveSmallIntegerField(verbose_name="maximum inspections a year")),
                (
                    "rule_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rules",
                        to="supervision.inspectionruleset",
                        verbose_name="rule set",
                    ),
                ),
            ],
            options={
                "verbose_name": "inspection class rule",
                "verbose_name_plural": "inspection class rules",
                "ordering": ["rule_set", "position", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("min_per_year__lte", models.F("max_per_year"))),
                        name="inspection_rule_min_le_max",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ResponsibleAuthority",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reason", models.CharField(max_length=300, verbose_name="reason")),
                ("set_at", models.DateTimeField(auto_now=True, verbose_name="set at")),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.jurisdiction",
                        verbose_name="inspecting authority",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "enterprise",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responsible_authority",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="set by",
                    ),
                ),
            ],
            options={
                "verbose_name": "responsible inspecting authority",
                "verbose_name_plural": "responsible inspecting authorities",
            },
        ),
        migrations.CreateModel(
            name="InspectionPlan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "quarter",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
                        null=True,
                        verbose_name="quarter",
                    ),
                ),
                ("generated_at", models.DateTimeField(blank=True, null=True, verbose_name="generated at")),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "generated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="generated by",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.jurisdiction",
                        verbose_name="county",
                    ),
                ),
                (
                    "rule_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plans",
                        to="supervision.inspectionruleset",
                        verbose_name="rule set",
                    ),
                ),
            ],
            options={
                "verbose_name": "inspection plan",
                "verbose_name_plural": "inspection plans",
                "ordering": ["-year", "quarter", "jurisdiction", "department", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("year"),
                        django.db.models.functions.comparison.Coalesce("quarter", models.Value(0)),
                        models.F("jurisdiction"),
                        django.db.models.functions.comparison.Coalesce("department", models.Value(0)),
                        name="inspection_plan_unique_period",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("quarter__isnull", True),
                            models.Q(("quarter__gte", 1), ("quarter__lte", 4)),
                            _connector="OR",
                        ),
                        name="inspection_plan_quarter",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="InspectionPlanEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("class_name", models.CharField(max_length=100, verbose_name="class")),
                ("min_per_year", models.PositiveSmallIntegerField(verbose_name="minimum inspections a year")),
                ("max_per_year", models.PositiveSmallIntegerField(verbose_name="maximum inspections a year")),
                (
                    "required",
                    models.PositiveSmallIntegerField(
                        help_text="How many inspections this year the enterprise needs by the period's end.",
                        verbose_name="inspections required",
                    ),
                ),
                ("adjusted_at", models.DateTimeField(blank=True, null=True, verbose_name="adjusted at")),
                (
                    "adjust_reason",
                    models.CharField(blank=True, max_length=300, verbose_name="reason for the adjustment"),
                ),
                (
                    "adjusted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="adjusted by",
                    ),
                ),
                (
                    "assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assigned to",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="supervision.inspectionplan",
                        verbose_name="plan",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="supervision.inspectionclassrule",
                        verbose_name="class rule",
                    ),
                ),
            ],
            options={
                "verbose_name": "inspection plan entry",
                "verbose_name_plural": "inspection plan entries",
                "ordering": ["plan", "enterprise"],
                "indexes": [
                    models.Index(fields=["enterprise", "plan"], name="supervision_entry_ent"),
                    models.Index(fields=["assignee", "plan"], name="supervision_entry_assignee"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("plan", "enterprise"), name="inspection_plan_entry_once")
                ],
            },
        ),
        migrations.RunPython(seed_default_rules, migrations.RunPython.noop),
    ]
