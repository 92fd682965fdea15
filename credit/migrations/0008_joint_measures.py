# Joint rewards and punishments: written notices to departments and the measures they applied (issue 14, item 2).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0007_record_proposals"),
    ]

    operations: list = []
