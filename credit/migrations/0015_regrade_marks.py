"""Which enterprises a nightly run must grade again: `CreditRegrade`, and on PostgreSQL the statement triggers that
fill it from every write of a credit record, a blacklist entry or an enterprise (the inputs of a grade besides the
date): bulk updates and raw SQL included, one INSERT per statement, not per row."""

from django.db import migrations, models

# (table, column naming the enterprise). Transition tables allow one event per trigger: three triggers a table.
MARKED = [
    ("credit_creditrecord", "enterprise_id"),
    ("credit_blacklistentry", "enterprise_id"),
    ("enterprises_enterprise", "id"),
]


def _function(column: str, rows: str) -> str:
    return f"credit_regrade_mark_{rows}_{column}"


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # elsewhere every run compares every enterprise
    for column in sorted({column for _table, column in MARKED}):
        for rows in ("new", "old"):
            schema_editor.execute(
                f"""
                CREATE FUNCTION {_function(column, rows)}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO credit_creditregrade (enterprise_id)
                    SELECT DISTINCT t.{column} FROM {rows}_rows t WHERE t.{column} IS NOT NULL
                    ON CONFLICT (enterprise_id) WHERE run_id IS NULL DO NOTHING;
                    RETURN NULL;
                END $$
                """
            )
    for table, column in MARKED:
        for event, rows in (("INSERT", ("new",)), ("UPDATE", ("new", "old")), ("DELETE", ("old",))):
            for which in rows:
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_regrade_{event.lower()}_{which} AFTER {event} ON {table} "
                    f"REFERENCING {which.upper()} TABLE AS {which}_rows "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {_function(column, which)}()"
                )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _column in MARKED:
        for event, rows in (("INSERT", ("new",)), ("UPDATE", ("new", "old")), ("DELETE", ("old",))):
            for which in rows:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_regrade_{event.lower()}_{which} ON {table}")
    for column in sorted({column for _table, column in MARKED}):
        for rows in ("new", "old"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {_function(column, rows)}()")


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0014_field_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='creditrecalcrun',
            name='incremental',
            field=models.BooleanField(default=False, verbose_name='only the enterprises that can have changed'),
        ),
        migrations.CreateModel(
            name='CreditRegrade',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enterprise_id', models.BigIntegerField(verbose_name='enterprise number')),
                ('run_id', models.BigIntegerField(blank=True, null=True, verbose_name='claimed by run')),
            ],
            options={
                'verbose_name': 'enterprise to grade again',
                'verbose_name_plural': 'enterprises to grade again',
                'indexes': [models.Index(fields=['run_id', 'enterprise_id'], name='credit_regrade_run')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('run_id__isnull', True)), fields=('enterprise_id',), name='credit_regrade_waiting')],
            },
        ),
        migrations.AddIndex(
            model_name='creditrecord',
            index=models.Index(condition=models.Q(('status', 'active')), fields=['occurred_on'], include=('rule_code', 'enterprise'), name='credit_record_window'),
        ),
        migrations.RunPython(add_triggers, drop_triggers, elidable=False),
    ]
