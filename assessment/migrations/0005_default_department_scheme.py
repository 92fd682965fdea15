"""The default duty check of the member departments (部门履责检查), in force from 2026-01-01.

Four records of the department's own work and one part not yet measurable (joint inspections joined,
until the supervision issue brings inspections; its weight is spread like the county scheme's
"inspections done against the plan"). Staff edit it by copying it to a new version; this migration only
creates it when missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import migrations

NAME = "市安委会成员单位安全生产履责检查"
VERSION = "部门2026.1"  # distinct from the county scheme's "2026.1", which staff and tests look up by version

# (indicator, weight, full_at, zero_at, days_allowed, label)
INDICATORS = [
    ("department_credit_records_on_time", 25, "1", "0.5", 7, "信用信息按时归集率（行为发生后7日内录入）"),
    ("department_blacklist_proposals_on_time", 20, "1", "0.5", 10, "黑名单建议按期处理率（提出后10日内告知或撤回）"),
    ("department_hazard_closure_rate", 15, "1", "0.5", None, "主管行业隐患整改率"),
    ("department_hazard_on_time_closure_rate", 25, "1", "0.6", None, "主管行业隐患按期整改率"),
    ("joint_inspections_joined", 15, "1", "0.5", None, "联合执法检查参与率"),
]
GRADES = [("excellent", 90), ("good", 80), ("pass", 70), ("fail", 0)]


def create_default_department_scheme(apps, schema_editor):  # type: ignore[no-untyped-def]
    Scheme = apps.get_model("assessment", "Scheme")
    if Scheme.objects.filter(kind="department", version=VERSION).exists():
        return
    scheme = Scheme.objects.create(
        name=NAME,
        version=VERSION,
        kind="department",
        status="active",
        valid_from=dt.date(2026, 1, 1),
        notes="DESIGN §3c 部门履责检查默认方案：以各部门自身记录计分；联合执法检查暂不可计量，其分值按比例分配。",
    )
    SchemeIndicator = apps.get_model("assessment", "SchemeIndicator")
    SchemeIndicator.objects.bulk_create(
        [
            SchemeIndicator(
                scheme=scheme,
                order=order,
                indicator=name,
                part="process",
                weight=Decimal(weight),
                direction="higher",
                normalization="share",
                scoring="band",
                full_at=Decimal(full),
                zero_at=Decimal(zero),
                days_allowed=days,
                label=label,
            )
            for order, (name, weight, full, zero, days, label) in enumerate(INDICATORS, start=1)
        ]
    )
    GradeThreshold = apps.get_model("assessment", "GradeThreshold")
    GradeThreshold.objects.bulk_create(
        [GradeThreshold(scheme=scheme, grade=g, min_score=Decimal(m)) for g, m in GRADES]
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_department_duty_check")]

    operations = [migrations.RunPython(create_default_department_scheme, migrations.RunPython.noop)]
