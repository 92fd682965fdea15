# Reserved in order; filled in by the change that needs it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [('hazards', '0011_hazard_month_summary_major_open')]

    operations = []
