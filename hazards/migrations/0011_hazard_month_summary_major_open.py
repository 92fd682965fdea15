"""Open major hazards in the hazard summary, so the risk map reads its open and major figures from the summary
instead of counting the hazards (hundreds of milliseconds at 1,000,000 hazards)."""

from django.db import migrations, models


def count_existing_hazards(apps, schema_editor):
    """Fill the new figure from the hazards already there (the same rebuild the nightly task runs)."""
    from hazards.services.summary import summary_rebuild

    summary_rebuild(apps.get_model("hazards", "Hazard"), apps.get_model("hazards", "HazardMonthSummary"))


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0010_hazard_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazardmonthsummary",
            name="major_open",
            field=models.IntegerField(default=0, verbose_name="Major, open"),
        ),
        migrations.RunPython(count_existing_hazards, migrations.RunPython.noop),
    ]
