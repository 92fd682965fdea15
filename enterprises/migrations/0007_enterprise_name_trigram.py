"""The enterprise search box (issue 16) finds names containing what was typed: on PostgreSQL a trigram index
answers `name LIKE '%…%'` (2.5 s → under 1 ms at 100,000 enterprises when the plan went wrong, a full scan
otherwise). Prefix searches of the name and the credit code use the `…_like` indexes Django already made.
SQLite (the embedded default) has no pg_trgm: nothing to do there."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprises_enterprise USING gin (name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0006_enterprise_figure_summary")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
