"""Every enterprise marked once, to be graded again by the next nightly run.

The runs before 0015 left no marks, and writes made between the last of them and 0015's triggers were seen by no
trigger: a run following such a run could count as incremental and miss them until the weekly full comparison.
With every enterprise marked, the first incremental run grades them all (a full run's work, once)."""

from django.db import migrations


def mark_every_enterprise(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # elsewhere every run compares every enterprise
    schema_editor.execute(
        "INSERT INTO credit_creditregrade (enterprise_id) SELECT id FROM enterprises_enterprise "
        "ON CONFLICT (enterprise_id) WHERE run_id IS NULL DO NOTHING"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("credit", "0015_regrade_marks"),
    ]

    operations = [migrations.RunPython(mark_every_enterprise, migrations.RunPython.noop, elidable=False)]
