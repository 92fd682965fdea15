# Siting both ways (§2.1): a review re-run because a dense place was registered or moved near the project.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [('enterprises', '0009_rule_numbers')]

    operations = [
        migrations.AddField(
            model_name='sitingreview',
            name='triggered_by_place',
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name='+',
                to='enterprises.denseplace',
                verbose_name='re-run because of the place',
            ),
        ),
    ]
