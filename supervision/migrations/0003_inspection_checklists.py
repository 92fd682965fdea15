# Inspections as a first-class record: answers per checklist item (pass / fail / not applicable, note, photo,
# the hazard a failed item became), the checklist followed, and the old bare visit rows of credit moved in.

import django.db.models.deletion
from django.db import migrations, models

import supervision.models.inspection

# Every credit.SupervisionVisit becomes an Inspection: enterprise, day, inspector, note, fact and created_at
# kept as they were (one statement, whatever the number of rows). A visit whose event already has an
# inspection is not copied twice.
FORWARD_SQL = """
INSERT INTO supervision_inspection
    (enterprise_id, inspected_on, inspector_id, created_by_id, reason, reason_note, note, fact_id,
     created_at, updated_at, client_key)
SELECT v.enterprise_id, v.visited_on, v.inspector_id, NULL, 'planned', '', v.note, v.fact_id,
       v.created_at, v.created_at, ''
FROM credit_supervisionvisit v
WHERE v.fact_id IS NULL OR NOT EXISTS (SELECT 1 FROM supervision_inspection i WHERE i.fact_id = v.fact_id)
ORDER BY v.id
"""

# Back: every inspection becomes a visit again (the note cut to the visit's 300 characters).
BACKWARD_SQL = """
INSERT INTO credit_supervisionvisit (enterprise_id, visited_on, inspector_id, note, fact_id, created_at)
SELECT i.enterprise_id, i.inspected_on, i.inspector_id, SUBSTR(i.note, 1, 300), i.fact_id, i.created_at
FROM supervision_inspection i
ORDER BY i.id
"""


def visits_to_inspections(apps, schema_editor):
    # The indexes and foreign keys of the fields added above first: PostgreSQL refuses to index a table whose
    # freshly inserted rows still have deferred constraint checks pending ("pending trigger events").
    for sql in schema_editor.deferred_sql:
        schema_editor.execute(sql)
    schema_editor.deferred_sql = []
    schema_editor.execute(FORWARD_SQL)


def inspections_to_visits(apps, schema_editor):
    schema_editor.execute(BACKWARD_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_plans"),
        ("credit", "0009_rule_numbers"),
        ("hazards", "0012_rule_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspection",
            name="checklist",
            field=models.ForeignKey(
                blank=True,
                help_text="The checklist the inspector followed, chosen by the enterprise's industry.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="hazards.checklist",
                verbose_name="checklist",
            ),
        ),
        migrations.AddField(
            model_name="inspection",
            name="client_key",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="form key"),
        ),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["updated_at", "id"], name="supervision_insp_sync"),
        ),
        migrations.AddConstraint(
            model_name="inspection",
            constraint=models.UniqueConstraint(
                condition=models.Q(("client_key", ""), _negated=True),
                fields=("created_by", "client_key"),
                name="supervision_insp_client_key",
            ),
        ),
        migrations.CreateModel(
            name="InspectionAnswer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "result",
                    models.CharField(
                        choices=[("pass", "Pass"), ("fail", "Fail"), ("na", "Not applicable")],
                        max_length=4,
                        verbose_name="result",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=400, verbose_name="note")),
                (
                    "photo",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=supervision.models.inspection._answer_photo_path,
                        verbose_name="photo",
                    ),
                ),
                (
                    "hazard",
                    models.OneToOneField(
                        blank=True,
                        help_text="The hazard this failed item became.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inspection_answer",
                        to="hazards.hazard",
                        verbose_name="hazard",
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="supervision.inspection",
                        verbose_name="inspection",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="hazards.checklistitem",
                        verbose_name="checklist item",
                    ),
                ),
            ],
            options={
                "verbose_name": "inspection answer",
                "verbose_name_plural": "inspection answers",
                "ordering": ["inspection", "item__order", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("inspection", "item"), name="supervision_insp_one_answer_per_item")
                ],
            },
        ),
        migrations.RunPython(visits_to_inspections, inspections_to_visits),
    ]
