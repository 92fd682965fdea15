# The rule book of legal numbers (DESIGN §3a; issue 13 item 4) and its first version, "2026", in force.

import datetime
from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ORDER_3 = "《生产经营单位安全培训规定》（国家安全监管总局令第3号）"
ORDER_16 = "《安全生产事故隐患排查治理暂行规定》（国家安全监管总局令第16号）"
ORDER_30 = "《特种作业人员安全技术培训考核管理规定》（国家安全监管总局令第30号）"
ORDER_2 = "《生产安全事故应急预案管理办法》（应急管理部令第2号）第三十三条"
STANDARDIZATION = "《企业安全生产标准化建设定级办法》（应急〔2021〕83号）"

# The numbers in force when the rule book was introduced (key, value, unit, legal basis).
NUMBERS_2026 = [
    ("training.new_staff_hours", 24, "hours", ORDER_3 + "第十三条"),
    ("training.new_staff_hours.high_risk", 72, "hours", ORDER_3 + "第十三条"),
    ("training.staff_annual_hours.high_risk", 20, "hours", ORDER_3 + "第十三条"),
    ("training.management_initial_hours", 32, "hours", ORDER_3 + "第九条"),
    ("training.management_initial_hours.high_risk", 48, "hours", ORDER_3 + "第九条"),
    ("training.management_annual_hours", 12, "hours", ORDER_3 + "第九条"),
    ("training.management_annual_hours.high_risk", 16, "hours", ORDER_3 + "第九条"),
    ("training.operation_certificate_years", 6, "years", ORDER_30 + "第二十一条"),
    ("training.certificate_warning_days", 90, "days", ORDER_30 + "第二十一条"),
    ("standardization.certificate_valid_years", 3, "years", STANDARDIZATION),
    ("standardization.rereview_months", 3, "months", STANDARDIZATION),
    ("hazards.verification_days", 10, "days", ORDER_16 + "；福建省隐患核销规定"),
    ("hazards.statistics.quarter_filing_days", 15, "days", ORDER_16 + "第十四条"),
    ("hazards.statistics.year_filing_days", 31, "days", ORDER_16 + "第十四条"),
    ("emergency.drill_interval_months.comprehensive", 12, "months", ORDER_2),
    ("emergency.drill_interval_months.special", 12, "months", ORDER_2),
    ("emergency.drill_interval_months.on_site", 6, "months", ORDER_2),
]


def create_2026(apps, schema_editor):
    Version = apps.get_model("safety_platform", "RuleBookVersion")
    Number = apps.get_model("safety_platform", "RuleNumber")
    version, created = Version.objects.get_or_create(
        label="2026",
        defaults={
            # Applies to every decision the platform holds: these numbers were the law before it started.
            "in_force_from": datetime.date(2000, 1, 1),
            "status": "active",
            "note": "首个版本：平台启用时施行的法定数值。",
        },
    )
    if created:
        Number.objects.bulk_create(
            Number(version=version, key=key, value=Decimal(value), unit=unit, legal_basis=basis)
            for key, value, unit, basis in NUMBERS_2026
        )


def drop_2026(apps, schema_editor):
    apps.get_model("safety_platform", "RuleBookVersion").objects.filter(label="2026").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safety_platform", "0008_county_office"),
    ]

    operations = [
        migrations.CreateModel(
            name="RuleBookVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("label", models.CharField(max_length=40, unique=True, verbose_name="version")),
                ("in_force_from", models.DateField(verbose_name="in force from")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("active", "In force"), ("retired", "Withdrawn")],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
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
                "verbose_name": "rule book version",
                "verbose_name_plural": "rule book versions",
                "ordering": ["-in_force_from", "-id"],
            },
        ),
        migrations.CreateModel(
            name="RuleNumber",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100, verbose_name="key")),
                ("value", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="value")),
                ("unit", models.CharField(blank=True, max_length=20, verbose_name="unit")),
                ("legal_basis", models.CharField(blank=True, max_length=300, verbose_name="legal basis")),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="numbers",
                        to="safety_platform.rulebookversion",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "legal number",
                "verbose_name_plural": "legal numbers",
                "ordering": ["key"],
                "constraints": [models.UniqueConstraint(fields=("version", "key"), name="rule_number_one_per_version")],
            },
        ),
        migrations.RunPython(create_2026, drop_2026),
    ]
