"""Warnings reach people without an account (issue 14): contacts (预警联系人), and how each acknowledgement
arrived (in the platform, by phone recorded by staff, or through the SMS link sent to the principal in charge).
Acknowledgements made before this: by an enterprise user → in the platform; by staff → by phone."""

import django.db.models.deletion
from django.db import migrations, models

import safety_platform.validators


def mark_earlier_acknowledgements(apps, schema_editor):
    WarningRecipient = apps.get_model("emergency", "WarningRecipient")
    done = WarningRecipient.objects.filter(acknowledged_at__isnull=False, acknowledged_via="")
    done.filter(acknowledged_by__role="enterprise").update(acknowledged_via="site")
    done.exclude(acknowledged_by__role="enterprise").update(acknowledged_via="phone")


class Migration(migrations.Migration):
    dependencies = [
        ("emergency", "0004_user_field_labels"),
        ("enterprises", "0008_enterprise_principal"),
        ("safety_platform", "0006_task_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="warningrecipient",
            name="acknowledged_by_name",
            field=models.CharField(blank=True, max_length=60, verbose_name="acknowledged by (name)"),
        ),
        migrations.AddField(
            model_name="warningrecipient",
            name="acknowledged_via",
            field=models.CharField(
                blank=True,
                choices=[
                    ("site", "In the platform"),
                    ("phone", "By phone, recorded by staff"),
                    ("sms_link", "Principal in charge (SMS link)"),
                ],
                max_length=10,
                verbose_name="acknowledged via",
            ),
        ),
        migrations.CreateModel(
            name="WarningContact",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("name", models.CharField(max_length=60, verbose_name="full name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("community", "Community contact"),
                            ("village", "Village contact"),
                            ("township", "Township contact"),
                            ("enterprise", "Enterprise contact"),
                            ("other", "Other contact"),
                        ],
                        default="village",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "mobile",
                    models.CharField(
                        max_length=20,
                        validators=[safety_platform.validators.validate_mainland_mobile],
                        verbose_name="mobile",
                    ),
                ),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                (
                    "enterprise",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="warning_contacts",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "industry",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: every warning for the area. Set: only warnings for this industry (or none named).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.industry",
                        verbose_name="industry",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        help_text="Warnings for this area or an area above it reach the contact.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safety_platform.jurisdiction",
                        verbose_name="jurisdiction",
                    ),
                ),
            ],
            options={
                "verbose_name": "warning contact",
                "verbose_name_plural": "warning contacts",
                "ordering": ["jurisdiction__path", "name", "id"],
                "indexes": [models.Index(fields=["is_active", "jurisdiction"], name="emergency_w_is_acti_575490_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("jurisdiction", "mobile"), name="warningcontact_once_per_area")
                ],
            },
        ),
        migrations.RunPython(mark_earlier_acknowledgements, migrations.RunPython.noop),
    ]
