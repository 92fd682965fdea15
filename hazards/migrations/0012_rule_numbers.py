# Issue 13 item 4: decisions record the rule-book version of the legal number that justified them.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hazards", "0011_hazard_month_summary_major_open"), ("safety_platform", "0009_rule_numbers")]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="verification_rule_version",
            field=models.CharField(blank=True, db_default="", max_length=40, verbose_name="verification rule version"),
        ),
        migrations.AddField(
            model_name="hazardstatreport",
            name="rule_version",
            field=models.CharField(blank=True, db_default="", max_length=40, verbose_name="rule version"),
        ),
    ]
