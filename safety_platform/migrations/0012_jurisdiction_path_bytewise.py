"""Jurisdiction paths compare byte by byte on PostgreSQL (collation "C"), as they do on SQLite.

`safety_platform.scoping.within_path` selects a subtree as the range [path, path with its last "/" raised to
"0"), which is the subtree only where "/" sorts before every digit and paths compare character by character: in
the "C" collation, not in a language's (en_US sorts by the digits first and the slashes after). Django's field
has no portable way to say it (SQLite has no collation named "C"), so it is set here, on PostgreSQL alone; the
table holds the jurisdiction tree, a few hundred rows.
"""

from django.db import migrations


def bytewise(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE safety_platform_jurisdiction ALTER COLUMN path TYPE varchar(255) COLLATE "C"'
    )
    schema_editor.execute("ANALYZE safety_platform_jurisdiction")


def back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE safety_platform_jurisdiction ALTER COLUMN path TYPE varchar(255) COLLATE "default"'
    )


class Migration(migrations.Migration):
    dependencies = [("safety_platform", "0011_field_labels")]

    operations = [migrations.RunPython(bytewise, back, elidable=False)]
