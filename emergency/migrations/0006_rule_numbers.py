# Issue 13 item 4: decisions record the rule-book version of the legal number that justified them.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("emergency", "0005_warning_contacts_and_reach"), ("safety_platform", "0009_rule_numbers")]

    operations = [
        migrations.AddField(
            model_name="emergencyplan",
            name="drill_due_on",
            field=models.DateField(blank=True, null=True, verbose_name="next drill due"),
        ),
        migrations.AddField(
            model_name="emergencyplan",
            name="drill_rule_version",
            field=models.CharField(blank=True, db_default="", max_length=40, verbose_name="drill rule version"),
        ),
    ]
