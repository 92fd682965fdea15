"""The default risk bandings' basis, as migration 0003 seeded it, was English and cited a design note that is not
part of the platform ("DESIGN §3a: …"); staff read it in the admin. It now reads in Chinese. A basis someone has
edited is left as it is."""

from django.db import migrations

# (method, as seeded, now)
TEXTS = [
    (
        "lec",
        "DESIGN §3a: D > 320 red, 160–320 orange, 70–160 yellow, < 70 blue",
        "作业条件危险性评价法（LEC）：D > 320 红色，160–320 橙色，70–160 黄色，< 70 蓝色",
    ),
    (
        "matrix",
        "5 × 5 matrix: 20–25 red, 15–16 orange, 9–12 yellow, 1–8 blue",
        "5 × 5 风险矩阵：20–25 红色，15–16 橙色，9–12 黄色，1–8 蓝色",
    ),
]


def _replace(apps, old_index, new_index):
    RiskBanding = apps.get_model("hazards", "RiskBanding")
    for row in TEXTS:
        RiskBanding.objects.filter(method=row[0], basis=row[old_index]).update(basis=row[new_index])


def forwards(apps, schema_editor):
    _replace(apps, 1, 2)


def backwards(apps, schema_editor):
    _replace(apps, 2, 1)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0013_hazard_location")]

    operations = [migrations.RunPython(forwards, backwards)]
