"""The default schemes' notes, as migrations 0002 and 0005 seeded them, began "DESIGN §3c", a design note that is
not part of the platform; the committee reads them on the scheme's page. They now cite the city's own document.
Notes someone has edited are left as they are."""

from django.db import migrations

MEASURES = "依据《龙岩市防范遏制重特大生产安全事故六项措施》第一部分第3条"
# (as seeded, now)
TEXTS = [
    (
        "DESIGN §3c 默认方案：结果指标40分，过程指标60分。",
        f"{MEASURES}（过程管控和结果考核相结合）默认方案：结果指标40分，过程指标60分。",
    ),
    (
        "DESIGN §3c 部门履责检查默认方案：以各部门自身记录计分；联合执法检查暂不可计量，其分值按比例分配。",
        f"{MEASURES}（对各部门的履责检查）默认方案：以各部门自身记录计分；联合执法检查暂不可计量，其分值按比例分配。",
    ),
]


def _replace(apps, old_index, new_index):
    Scheme = apps.get_model("assessment", "Scheme")
    for row in TEXTS:
        Scheme.objects.filter(notes=row[old_index]).update(notes=row[new_index])


def forwards(apps, schema_editor):
    _replace(apps, 0, 1)


def backwards(apps, schema_editor):
    _replace(apps, 1, 0)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0005_default_department_scheme")]

    operations = [migrations.RunPython(forwards, backwards)]
