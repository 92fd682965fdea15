"""Plan generation runs in a worker (the request records it first); an enforcement document can be voided and
re-issued under a new number."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("supervision", "0005_county_office"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectionplan",
            name="generation_status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to be generated"),
                    ("running", "Being generated"),
                    ("done", "Generated"),
                    ("failed", "Generation failed"),
                ],
                default="done",
                max_length=10,
                verbose_name="generation",
            ),
        ),
        migrations.AddField(
            model_name="inspectionplan",
            name="requested_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="generation asked at"),
        ),
        migrations.AddField(
            model_name="inspectionplan",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="generation asked by",
            ),
        ),
        migrations.AddField(
            model_name="inspectionplan",
            name="generation_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="generation started at"),
        ),
        migrations.AddField(
            model_name="inspectionplan",
            name="generation_error",
            field=models.TextField(blank=True, verbose_name="why the generation failed"),
        ),
        migrations.AddField(
            model_name="enforcementdocument",
            name="voided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="voided at"),
        ),
        migrations.AddField(
            model_name="enforcementdocument",
            name="voided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="voided by",
            ),
        ),
        migrations.AddField(
            model_name="enforcementdocument",
            name="void_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="reason for voiding"),
        ),
        migrations.AddField(
            model_name="enforcementdocument",
            name="voided_hazard_codes",
            field=models.JSONField(blank=True, default=list, verbose_name="hazards the voided document covered"),
        ),
        migrations.AddField(
            model_name="enforcementdocument",
            name="replaces",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replacement",
                to="supervision.enforcementdocument",
                verbose_name="replaces",
            ),
        ),
    ]
