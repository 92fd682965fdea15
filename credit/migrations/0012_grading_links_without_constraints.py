"""The links the grading statement writes from rows it has just read or inserted (a grade's rule set and its
latest history row, a history row's rule set and run) lose their database constraint: one trigger and one
lookup per row at commit, a fifth of the first night's recalculation (issue 16). The ORM still refuses to
delete their targets (PROTECT) and history rows stay append-only; the enterprise links keep theirs.
Reversible: the constraints come back (and are checked against the rows) on the way back."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0011_penalty_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="creditrating",
            name="latest",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="credit.creditratinghistory",
            ),
        ),
        migrations.AlterField(
            model_name="creditrating",
            name="rule_set",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="credit.ruleset",
                verbose_name="rule set",
            ),
        ),
        migrations.AlterField(
            model_name="creditratinghistory",
            name="rule_set",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="credit.ruleset",
                verbose_name="rule set",
            ),
        ),
        migrations.AlterField(
            model_name="creditratinghistory",
            name="run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="results",
                to="credit.creditrecalcrun",
            ),
        ),
    ]
