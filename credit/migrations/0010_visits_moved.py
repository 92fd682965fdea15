# Reserved in order; filled in by the change that needs it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [('credit', '0009_rule_numbers'), ('supervision', '0003_inspection_checklists')]

    operations = []
