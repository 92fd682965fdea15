# Where a hazard is: latitude and longitude, both or neither.

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [('hazards', '0012_rule_numbers')]

    operations = [
        migrations.AddField(
            model_name='hazard',
            name='latitude',
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                max_digits=8,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal('-90')),
                    django.core.validators.MaxValueValidator(Decimal('90')),
                ],
                verbose_name='latitude',
            ),
        ),
        migrations.AddField(
            model_name='hazard',
            name='longitude',
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal('-180')),
                    django.core.validators.MaxValueValidator(Decimal('180')),
                ],
                verbose_name='longitude',
            ),
        ),
        migrations.AddConstraint(
            model_name='hazard',
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(('latitude__isnull', True), ('longitude__isnull', True)),
                    models.Q(('latitude__isnull', False), ('longitude__isnull', False)),
                    _connector='OR',
                ),
                name='hazard_position_both_or_none',
            ),
        ),
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(
                condition=models.Q(('latitude__isnull', False)),
                fields=['-found_at', '-id'],
                name='hazard_position_list_idx',
            ),
        ),
    ]
