"""The audit trail is append-only: on PostgreSQL the database refuses UPDATE and DELETE on it."""

from django.db import migrations

from safety_platform.db import AppendOnlyTable


class Migration(migrations.Migration):
    dependencies = [
        ("safety_platform", "0001_initial"),
        ("enterprises", "0002_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        AppendOnlyTable("auditlog_logentry"),
        AppendOnlyTable("enterprises_enterprisestatuschange"),
    ]
