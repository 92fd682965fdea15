"""The default inspection rule set's notes, as migration 0002 seeded them, began "DESIGN §3d", a design note that is
not part of the platform; staff read them with the rule set. They now cite the city's own document
(services/defaults.py DEFAULT_NOTES, which a fresh installation gets directly). Notes someone has edited are left as
they are."""

from django.db import migrations

OLD_NOTES = (
    "DESIGN §3d：高危行业（危险化学品、冶金、矿山、烟花爆竹）按标准化一级/二级/三级/无，每年至多检查 2/4/8/12 次，"
    "其他行业 1/2/4/6 次；列入严重失信主体名单的企业每半年至少检查一次（应急管理部令第11号）；"
    "存在重大风险（红色）或信用三级的企业每年至少检查一次。"
)


def _replace(apps, old, new):
    RuleSet = apps.get_model("supervision", "InspectionRuleSet")
    RuleSet.objects.filter(notes=old).update(notes=new)


def forwards(apps, schema_editor):
    from supervision.services.defaults import DEFAULT_NOTES

    _replace(apps, OLD_NOTES, DEFAULT_NOTES)


def backwards(apps, schema_editor):
    from supervision.services.defaults import DEFAULT_NOTES

    _replace(apps, DEFAULT_NOTES, OLD_NOTES)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0007_plan_generation_and_document_void")]

    operations = [migrations.RunPython(forwards, backwards)]
