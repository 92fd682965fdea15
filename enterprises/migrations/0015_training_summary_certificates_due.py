"""The training summary also counts each enterprise's special-operation certificates due for renewal.

The rows already built hold no such count, so the builds are forgotten: until the next nightly rebuild the pages
count live, as they do on any day before its rebuild (`training/selectors.summary_is_current`).
"""

from django.db import migrations, models


def forget_builds(apps, schema_editor):
    apps.get_model("enterprises", "TrainingComplianceBuild").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0014_scope_covering_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingcompliancesummary",
            name="certificates_due",
            field=models.PositiveIntegerField(default=0, verbose_name="certificates due for renewal"),
        ),
        migrations.RunPython(forget_builds, migrations.RunPython.noop),
    ]
