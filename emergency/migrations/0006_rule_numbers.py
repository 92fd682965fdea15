# Reserved in order; filled in by the change that needs it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [('emergency', '0005_warning_contacts_and_reach')]

    operations = []
