"""The grades list reads its page off an index in its order (worst grade, lowest score first)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0005_webhook_delivery_held"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="creditrating",
            index=models.Index(fields=["-grade", "score", "id"], name="credit_rating_overview"),
        ),
    ]
