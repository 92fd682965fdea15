# Issue 13 item 4: decisions record the rule-book version of the legal number that justified them.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0008_enterprise_principal"), ("safety_platform", "0009_rule_numbers")]

    operations = [
        migrations.AddField(
            model_name="standardizationcertificate",
            name="rule_version",
            field=models.CharField(blank=True, db_default="", max_length=40, verbose_name="rule version"),
        ),
        migrations.AddField(
            model_name="specialoperationcertificate",
            name="rule_version",
            field=models.CharField(blank=True, db_default="", max_length=40, verbose_name="rule version"),
        ),
    ]
