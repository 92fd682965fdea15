"""Indexes that match the hazard list's filters and order (newest first): no sort of the matching rows;
a covering (enterprise, state) index for the scoped capped counts."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0009_hazard_month_summary"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="hazard",
            name="hazards_haz_enterpr_80af96_idx",
        ),
        migrations.AlterField(
            model_name="hazard",
            name="found_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="found at"),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                fields=["enterprise", "state"], include=("grade", "deadline"), name="hazard_enterprise_state_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(fields=["-found_at", "-id"], name="hazard_list_idx"),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(fields=["state", "-found_at", "-id"], name="hazard_state_list_idx"),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(fields=["grade", "-found_at", "-id"], name="hazard_grade_list_idx"),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=models.Q(("state__in", ["assessed", "rectifying", "reported"])),
                fields=["-found_at", "-id"],
                name="hazard_rectifying_list_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(fields=["enterprise", "-found_at", "-id"], name="hazard_enterprise_list_idx"),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=models.Q(("campaign__isnull", False)),
                fields=["campaign", "-found_at", "-id"],
                name="hazard_campaign_list_idx",
            ),
        ),
    ]
