"""The risk bandings a fresh installation starts from (data, editable and versioned in the admin).

LEC (作业条件危险性评价法): D > 320 red, 160 ≤ D ≤ 320 orange, 70 ≤ D < 160 yellow, D < 70 blue.
Likelihood × severity matrix (5 × 5): R ≥ 20 red, 15–19 orange, 9–14 yellow, below 9 blue.
"""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    "lec": (
        "LEC 作业条件危险性评价法",
        "DESIGN §3a: D > 320 red, 160–320 orange, 70–160 yellow, < 70 blue",
        [("red", "320", False), ("orange", "160", True), ("yellow", "70", True), ("blue", "0", True)],
    ),
    "matrix": (
        "风险矩阵法 (可能性 × 严重性)",
        "5 × 5 matrix: 20–25 red, 15–16 orange, 9–12 yellow, 1–8 blue",
        [("red", "20", True), ("orange", "15", True), ("yellow", "9", True), ("blue", "0", True)],
    ),
}


def create(apps, schema_editor):
    RiskBanding = apps.get_model("hazards", "RiskBanding")
    RiskBand = apps.get_model("hazards", "RiskBand")
    for method, (name, basis, bands) in DEFAULTS.items():
        if RiskBanding.objects.filter(method=method).exists():
            continue
        banding = RiskBanding.objects.create(method=method, version=1, name=name, basis=basis, is_active=True)
        for level, bound, inclusive in bands:
            RiskBand.objects.create(banding=banding, level=level, lower_bound=Decimal(bound), lower_inclusive=inclusive)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_risk_checklists_statistics")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
