# The bare visit rows moved to supervision.Inspection (supervision 0003 copied every one); the table goes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("credit", "0009_rule_numbers"), ("supervision", "0003_inspection_checklists")]

    operations = [
        migrations.DeleteModel(name="SupervisionVisit"),
    ]
