# Credit records derived from platform events become proposals a person confirms (issue 14, item 1).
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0006_rating_overview_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="creditrecord",
            name="credit_record_revocation_consistent",
        ),
        migrations.AddField(
            model_name="creditrecord",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AddField(
            model_name="creditrecord",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AddField(
            model_name="creditrecord",
            name="decision_reason",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=300, verbose_name="reason for the decision"
            ),
        ),
        migrations.AddField(
            model_name="ruleset",
            name="proposal_days",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="A record the platform proposes from an event and nobody decides in time is escalated.",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="days to confirm a proposed record",
            ),
        ),
        migrations.AlterField(
            model_name="creditrecord",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Awaiting confirmation"),
                    ("active", "Active"),
                    ("rejected", "Not adopted"),
                    ("revoked", "Revoked"),
                ],
                default="active",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="creditrecord",
            index=models.Index(
                condition=models.Q(("status", "proposed")), fields=["created_at", "id"], name="credit_record_proposed"
            ),
        ),
        migrations.AddConstraint(
            model_name="creditrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("revoked_at__isnull", True), ("status", "active")),
                    models.Q(("revoked_at__isnull", False), ("status", "revoked")),
                    models.Q(("decided_at__isnull", True), ("revoked_at__isnull", True), ("status", "proposed")),
                    models.Q(("decided_at__isnull", False), ("revoked_at__isnull", True), ("status", "rejected")),
                    _connector="OR",
                ),
                name="credit_record_revocation_consistent",
            ),
        ),
    ]
