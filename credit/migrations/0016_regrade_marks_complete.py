"""The regrade marks (0015) made complete, so that an incremental run needs no search of its own for ungraded
enterprises (PostgreSQL):

- every enterprise is marked once: the runs before 0015 left no marks, and writes made between the last of them and
  0015's triggers were seen by no trigger; with every enterprise marked, the first incremental run grades them all
  (a full run's work, once) and misses none of those writes;
- deleting an enterprise's current grade marks the enterprise (a statement trigger, as for the records), so a grade
  deleted by hand or by a data fix is written again by the next night."""

from django.db import migrations

GRADES = "credit_creditrating"
TRIGGER = "credit_creditrating_regrade_delete_old"


def mark_every_enterprise(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # elsewhere every run compares every enterprise
    schema_editor.execute(
        "INSERT INTO credit_creditregrade (enterprise_id) SELECT id FROM enterprises_enterprise "
        "ON CONFLICT (enterprise_id) WHERE run_id IS NULL DO NOTHING"
    )


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # 0015's function: inserts the enterprises of the statement's old rows, once each.
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} AFTER DELETE ON {GRADES} REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION credit_regrade_mark_old_enterprise_id()"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {GRADES}")


class Migration(migrations.Migration):

    dependencies = [
        ("credit", "0015_regrade_marks"),
    ]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger, elidable=False),
        migrations.RunPython(mark_every_enterprise, migrations.RunPython.noop, elidable=False),
    ]
