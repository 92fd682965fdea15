# Reserved in order; filled in by the change that needs it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [('hazards', '0012_rule_numbers')]

    operations = []
