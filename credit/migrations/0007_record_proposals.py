# Credit records derived from platform events become proposals a person confirms (issue 14, item 1).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0006_rating_overview_index"),
    ]

    operations: list = []
