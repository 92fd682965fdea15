"""Decree 493 rule set (version 2007), starting catalogs of skills and supplies, append-only history tables."""

from decimal import Decimal

from django.db import migrations

from safety_platform.db import AppendOnlyTable

SKILLS = [
    ("mine-rescue", "矿山救护"),
    ("hazmat", "危险化学品处置"),
    ("fire-fighting", "灭火救援"),
    ("rope-rescue", "绳索救援"),
    ("water-rescue", "水上救援"),
    ("collapse-rescue", "建筑坍塌救援"),
    ("first-aid", "医疗急救"),
    ("demolition", "破拆"),
    ("breathing-apparatus", "空气呼吸器使用"),
    ("flood-control", "防汛抢险"),
    ("forest-fire", "森林灭火"),
    ("communications", "应急通信保障"),
]

ITEMS = [
    ("tent", "救灾帐篷", "生活类", "12㎡", "顶", 20, 60),
    ("quilt", "棉被", "生活类", "", "床", 100, 30),
    ("life-jacket", "救生衣", "防汛类", "", "件", 50, 30),
    ("sandbag", "编织袋（沙袋）", "防汛类", "", "条", 1000, 30),
    ("water-pump", "抽水泵", "防汛类", "", "台", 5, 30),
    ("breathing-apparatus", "正压式空气呼吸器", "防护类", "6.8L", "套", 10, 60),
    ("protective-suit", "重型防化服", "防护类", "", "套", 10, 60),
    ("gas-detector", "便携式气体检测仪", "侦检类", "四合一", "台", 5, 30),
    ("generator", "移动发电机", "保障类", "10kW", "台", 2, 30),
    ("first-aid-kit", "急救包", "医疗类", "", "个", 50, 60),
    ("drinking-water", "瓶装饮用水", "生活类", "550ml×24", "箱", 100, 30),
    ("instant-food", "方便食品", "生活类", "", "箱", 100, 30),
    ("absorbent", "吸附棉", "防化类", "", "包", 20, 60),
    ("fire-extinguisher", "干粉灭火器", "消防类", "8kg", "具", 30, 60),
]


def forwards(apps, schema_editor):
    GradingRuleSet = apps.get_model("emergency", "GradingRuleSet")
    Skill = apps.get_model("emergency", "Skill")
    SupplyItem = apps.get_model("emergency", "SupplyItem")
    GradingRuleSet.objects.get_or_create(
        version="decree-493-2007",
        defaults={
            "name": "生产安全事故报告和调查处理条例（国务院令第493号）",
            "legal_basis": "国务院令第493号 第三条、第九条至第十三条、第二十九条",
            "effective_from": "2007-06-01",
            "especially_major_deaths": 30,
            "especially_major_injuries": 100,
            "especially_major_loss_yuan": Decimal("100000000"),
            "major_deaths": 10,
            "major_injuries": 50,
            "major_loss_yuan": Decimal("50000000"),
            "larger_deaths": 3,
            "larger_injuries": 10,
            "larger_loss_yuan": Decimal("10000000"),
            "report_to_county_hours": 1,
            "forward_hours": 2,
            "supplement_days": 30,
            "supplement_days_road_fire": 7,
            "investigation_days": 60,
            "investigation_extension_days": 60,
        },
    )
    for code, name in SKILLS:
        Skill.objects.get_or_create(code=code, defaults={"name": name})
    for code, name, category, spec, unit, minimum, warn_days in ITEMS:
        SupplyItem.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "specification": spec,
                "unit": unit,
                "default_min_quantity": minimum,
                "expiry_warning_days": warn_days,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("emergency", "0001_initial")]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        AppendOnlyTable("emergency_stockmovement"),
        AppendOnlyTable("emergency_dispatchstep"),
        AppendOnlyTable("emergency_accidentrevision"),
        AppendOnlyTable("emergency_accidentreportstep"),
        AppendOnlyTable("emergency_responselogentry"),
        AppendOnlyTable("emergency_measureprogress"),
        AppendOnlyTable("emergency_teamreadinesschange"),
    ]
