# Reserved in order; filled in by the change that needs it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [('enterprises', '0008_enterprise_principal')]

    operations = []
