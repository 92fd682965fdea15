"""The default county scheme of DESIGN §3c (result part 40, process part 60), in force from 2026-01-01.

Staff edit it by copying it to a new version in the admin; this migration only creates it when missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import migrations

NAME = "县（市、区）安全生产目标责任考核"
VERSION = "2026.1"

# (indicator, part, weight, direction, normalization, scoring, full_at, zero_at, deduct_per_unit, target_input, label)
INDICATORS = [
    ("deaths", "result", 15, "lower", "count", "against_target", None, 2, None, "deaths", "生产安全事故死亡人数（对照控制指标）"),
    ("deaths", "result", 10, "lower", "per_100m_gdp", "against_target", None, 2, None, "deaths_per_100m_gdp", "亿元GDP生产安全事故死亡率（对照控制指标）"),
    ("deaths", "result", 10, "lower", "per_100k_workers", "against_target", None, 2, None, "deaths_per_100k_workers", "工矿商贸十万从业人员生产安全事故死亡率（对照控制指标）"),
    ("larger_accidents", "result", 5, "lower", "count", "deduct", None, None, "2.5", "", "较大及以上事故起数（每起扣分）"),
    ("inspections_against_plan", "process", 10, "higher", "share", "band", "1", "0.5", None, "", "监督检查计划完成率"),
    ("hazard_on_time_closure_rate", "process", 10, "higher", "share", "band", "1", "0.6", None, "", "隐患按期整改率"),
    ("major_hazards_overdue_or_listed", "process", 10, "lower", "per_100_enterprises", "deduct", None, None, "5", "", "重大隐患逾期未改及挂牌督办（每百家企业）"),
    ("stats_filed_on_time", "process", 5, "higher", "share", "band", "1", "0.5", None, "", "隐患排查治理季度统计按时报送率"),
    ("self_check_coverage", "process", 5, "higher", "share", "band", "1", "0.3", None, "", "企业自查覆盖率"),
    ("standardization_coverage", "process", 5, "higher", "share", "band", "0.9", "0.3", None, "", "安全生产标准化达标率"),
    ("train_before_post", "process", 5, "higher", "share", "band", "1", "0.7", None, "", "先培训后上岗合规率"),
    ("drills_on_schedule", "process", 5, "higher", "share", "band", "1", "0.5", None, "", "应急预案按期演练率"),
    ("warnings_acknowledged_within_a_day", "process", 5, "higher", "share", "band", "1", "0.5", None, "", "预警信息24小时内签收率"),
]
VETOES = [("major_accident", None), ("larger_concealed_or_late", None), ("deaths_over_target", 150)]
GRADES = [("excellent", 90), ("good", 80), ("pass", 70), ("fail", 0)]


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def create_default_scheme(apps, schema_editor):  # type: ignore[no-untyped-def]
    Scheme = apps.get_model("assessment", "Scheme")
    if Scheme.objects.filter(kind="jurisdiction", version=VERSION).exists():
        return
    scheme = Scheme.objects.create(
        name=NAME, version=VERSION, kind="jurisdiction", status="active", valid_from=dt.date(2026, 1, 1),
        notes="DESIGN §3c 默认方案：结果指标40分，过程指标60分。",
    )
    SchemeIndicator = apps.get_model("assessment", "SchemeIndicator")
    SchemeIndicator.objects.bulk_create(
        [
            SchemeIndicator(
                scheme=scheme, order=order, indicator=name, part=part, weight=Decimal(weight), direction=direction,
                normalization=normalization, scoring=scoring, full_at=_dec(full), zero_at=_dec(zero),
                deduct_per_unit=_dec(deduct), target_input=target, label=label,
            )
            for order, (name, part, weight, direction, normalization, scoring, full, zero, deduct, target, label)
            in enumerate(INDICATORS, start=1)
        ]
    )
    VetoRule = apps.get_model("assessment", "VetoRule")
    VetoRule.objects.bulk_create([VetoRule(scheme=scheme, kind=k, threshold_percent=t) for k, t in VETOES])
    GradeThreshold = apps.get_model("assessment", "GradeThreshold")
    GradeThreshold.objects.bulk_create(
        [GradeThreshold(scheme=scheme, grade=g, min_score=Decimal(m)) for g, m in GRADES]
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(create_default_scheme, migrations.RunPython.noop)]
