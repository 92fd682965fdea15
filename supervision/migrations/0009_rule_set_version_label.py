"""The default inspection rule set's version label was "2025-§3d", the section of a design note that is not part of
the platform; staff read it on the plans, the rules page and enforcement cases ("依据检查频次规则 2025-§3d"). It is
now "LY-2025.1" (services/defaults.py DEFAULT_VERSION, which a fresh installation gets directly), after the credit
rule sets' "LY-2021.1". Plans and cases point at the rule set by key, so they follow."""

from django.db import migrations

OLD_VERSION = "2025-§3d"


def _rename(apps, old, new):
    RuleSet = apps.get_model("supervision", "InspectionRuleSet")
    if not RuleSet.objects.filter(version=new).exists():
        RuleSet.objects.filter(version=old).update(version=new)


def forwards(apps, schema_editor):
    from supervision.services.defaults import DEFAULT_VERSION

    _rename(apps, OLD_VERSION, DEFAULT_VERSION)


def backwards(apps, schema_editor):
    from supervision.services.defaults import DEFAULT_VERSION

    _rename(apps, DEFAULT_VERSION, OLD_VERSION)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0008_rule_notes_cite_city_measures")]

    operations = [migrations.RunPython(forwards, backwards)]
