"""The training compliance overview's per-enterprise summary of today and its nightly builds (issue 16)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0011_figures_fillfactor"),
    ]

    operations = [
        migrations.CreateModel(
            name="TrainingComplianceBuild",
            fields=[
                ("on", models.DateField(primary_key=True, serialize=False, verbose_name="as of")),
                (
                    "rule_version",
                    models.CharField(blank=True, db_default="", max_length=40, verbose_name="rule version"),
                ),
                ("enterprises", models.PositiveIntegerField(default=0, verbose_name="enterprises")),
                ("finished_at", models.DateTimeField(verbose_name="finished at")),
            ],
            options={
                "verbose_name": "training compliance rebuild",
                "verbose_name_plural": "training compliance rebuilds",
            },
        ),
        migrations.CreateModel(
            name="TrainingComplianceSummary",
            fields=[
                (
                    "enterprise",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="training_summary",
                        serialize=False,
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                ("on", models.DateField(verbose_name="as of")),
                ("people_on_post", models.PositiveIntegerField(default=0, verbose_name="people on post")),
                ("noncompliant_people", models.PositiveIntegerField(default=0, verbose_name="people not compliant")),
                ("refreshed_at", models.DateTimeField(verbose_name="refreshed at")),
            ],
            options={
                "verbose_name": "training compliance summary",
                "verbose_name_plural": "training compliance summaries",
                "indexes": [
                    models.Index(
                        models.OrderBy(models.F("noncompliant_people"), descending=True),
                        models.OrderBy(models.F("people_on_post"), descending=True),
                        models.F("enterprise"),
                        condition=models.Q(("people_on_post__gt", 0)),
                        name="training_summary_worst",
                    )
                ],
            },
        ),
    ]
