# Reserved in order; filled in by the change that needs it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [('safety_platform', '0007_outbound_messages')]

    operations = []
