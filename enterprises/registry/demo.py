"""The demo enterprises of Longyan (registered with `manage.py seed_demo` before the logins)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import transaction

from safety_platform.models import Industry, Jurisdiction

from .models import Enterprise, EnterpriseStatusChange
from .services import _apply_derived_department
from .validators import make_credit_code

# (name, county, township, grid index, industry, risk category, scale, employees, key)
ENTERPRISES: list[tuple[str, str, str, int, str, str, str, int, bool]] = [
    ("龙岩市新罗区雁石煤矿有限公司", "新罗区", "雁石镇", 0, "B0610", "mining", "medium", 320, True),
    ("福建龙净环保股份有限公司", "新罗区", "东城街道", 0, "C3511", "industry_trade", "large", 2600, True),
    ("龙岩市东城化工有限公司", "新罗区", "东城街道", 1, "C2614", "hazardous_chemicals", "medium", 180, True),
    ("新罗区西陂建筑工程有限公司", "新罗区", "西陂街道", 0, "E4710", "construction", "medium", 240, False),
    ("龙岩市西陂加油站", "新罗区", "西陂街道", 1, "F5265", "hazardous_chemicals", "micro", 12, False),
    ("龙岩市雁石石灰石矿", "新罗区", "雁石镇", 1, "B1011", "mining", "small", 65, False),
    ("永定区坎市烟花爆竹有限公司", "永定区", "坎市镇", 0, "C2672", "fireworks", "small", 48, True),
    ("龙岩市永定区凤城造纸厂", "永定区", "凤城街道", 0, "C2221", "industry_trade", "small", 90, False),
    ("永定湖坑土楼旅游饭店", "永定区", "湖坑镇", 0, "H6110", "other", "small", 70, False),
    ("永定区凤城危险货物运输有限公司", "永定区", "凤城街道", 1, "G5435", "transport", "small", 55, True),
    ("永定区坎市铁矿有限公司", "永定区", "坎市镇", 1, "B0810", "mining", "medium", 210, False),
    ("长汀县河田稀土冶炼有限公司", "长汀县", "河田镇", 0, "C3211", "metallurgy", "medium", 300, True),
    ("长汀县汀州棉纺有限公司", "长汀县", "汀州镇", 0, "C1711", "industry_trade", "large", 1200, False),
    ("长汀县汀州胶合板厂", "长汀县", "汀州镇", 1, "C2021", "industry_trade", "small", 85, False),
    ("长汀县河田建筑有限公司", "长汀县", "河田镇", 0, "E4812", "construction", "small", 110, False),
    ("紫金矿业集团股份有限公司紫金山金铜矿", "上杭县", "临江镇", 0, "B0921", "mining", "large", 3200, True),
    ("上杭县蛟洋铜冶炼有限公司", "上杭县", "蛟洋镇", 0, "C3211", "metallurgy", "large", 900, True),
    ("上杭县临江化工有限公司", "上杭县", "临江镇", 1, "C2611", "hazardous_chemicals", "medium", 160, False),
    ("上杭县古田红色旅游饭店", "上杭县", "古田镇", 0, "H6110", "other", "small", 60, False),
    ("上杭县临江普通货运有限公司", "上杭县", "临江镇", 1, "G5431", "transport", "small", 40, False),
    ("武平县平川钢铁有限公司", "武平县", "平川街道", 0, "C3130", "metallurgy", "medium", 450, True),
    ("武平县中山石料厂", "武平县", "中山镇", 0, "B1019", "mining", "micro", 18, False),
    ("武平县平川燃气有限公司", "武平县", "平川街道", 1, "D4511", "hazardous_chemicals", "small", 75, False),
    ("武平县平川房地产开发工地", "武平县", "平川街道", 1, "E4710", "construction", "medium", 260, False),
    ("连城县莲峰农药有限公司", "连城县", "莲峰镇", 0, "C2631", "hazardous_chemicals", "small", 95, True),
    ("连城县朋口水泥有限公司", "连城县", "朋口镇", 0, "C3011", "industry_trade", "medium", 280, False),
    ("连城县莲峰烟花厂", "连城县", "莲峰镇", 1, "C2672", "fireworks", "micro", 22, False),
    ("连城县莲峰油品批发有限公司", "连城县", "莲峰镇", 1, "F5162", "hazardous_chemicals", "small", 30, False),
    ("漳平市永福煤业有限公司", "漳平市", "永福镇", 0, "B0610", "mining", "small", 140, True),
    ("漳平市菁城火力发电有限公司", "漳平市", "菁城街道", 0, "D4411", "other", "large", 650, True),
    ("漳平市菁城木业有限公司", "漳平市", "菁城街道", 1, "C2021", "industry_trade", "small", 60, False),
    (
        "龙岩市龙州新能源汽车有限公司",
        "龙岩经济技术开发区（高新区）",
        "龙州工业园",
        0,
        "C3612",
        "industry_trade",
        "large",
        1800,
        True,
    ),
    (
        "龙岩高新区龙州炼钢有限公司",
        "龙岩经济技术开发区（高新区）",
        "龙州工业园",
        1,
        "C3120",
        "metallurgy",
        "large",
        1100,
        True,
    ),
    (
        "龙岩高新区东肖油气仓储有限公司",
        "龙岩经济技术开发区（高新区）",
        "东肖片区",
        0,
        "G5941",
        "hazardous_chemicals",
        "medium",
        85,
        True,
    ),
    ("龙岩高新区东肖化肥批发部", "龙岩经济技术开发区（高新区）", "东肖片区", 0, "F5166", "other", "micro", 8, False),
    ("龙岩市东城正餐酒楼", "新罗区", "东城街道", 0, "H6210", "other", "micro", 25, False),
]

LEGAL_REPRESENTATIVES = [
    "林建华",
    "陈志强",
    "张丽萍",
    "黄文斌",
    "吴国庆",
    "郑秀英",
    "王海涛",
    "李春生",
    "赖金水",
    "邱美玲",
    "钟伟",
    "罗晓东",
]

COUNTY_CENTRES = {
    "新罗区": (117.037, 25.098),
    "永定区": (116.732, 24.724),
    "长汀县": (116.357, 25.833),
    "上杭县": (116.420, 25.050),
    "武平县": (116.100, 25.095),
    "连城县": (116.755, 25.710),
    "漳平市": (117.420, 25.290),
    "龙岩经济技术开发区（高新区）": (117.080, 25.060),
}

SERIAL_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def demo_credit_code(index: int, region: str) -> str:
    digest = hashlib.sha256(f"longyan-demo-{index}".encode()).digest()
    serial = "".join(SERIAL_ALPHABET[b % 31] for b in digest[:9])
    return make_credit_code(region, serial)


def seed_enterprises_demo() -> int:
    """The demo enterprises, spread over the counties' grids; existing ones are kept. Returns how many are new."""
    city = Jurisdiction.objects.get(parent__isnull=True)
    industries = {i.code: i for i in Industry.objects.all()}
    created = 0
    with transaction.atomic():
        for index, (name, county, township, grid_index, industry, category, scale, employees, key) in enumerate(
            ENTERPRISES
        ):
            if Enterprise.objects.filter(name=name).exists():
                continue
            county_node = Jurisdiction.objects.get(parent=city, name=county)
            township_node = Jurisdiction.objects.get(parent=county_node, name=township)
            grids = list(township_node.children.order_by("sort_order", "id"))
            jurisdiction = grids[min(grid_index, len(grids) - 1)] if grids else township_node
            region = county_node.code or "350800"
            # Deterministic coordinates around each county seat, so maps look plausible.
            seed = hashlib.sha256(name.encode()).digest()
            base = COUNTY_CENTRES.get(county, (117.03, 25.08))
            enterprise = Enterprise(
                credit_code=demo_credit_code(index, region),
                name=name,
                legal_representative=LEGAL_REPRESENTATIVES[index % len(LEGAL_REPRESENTATIVES)],
                address=f"福建省龙岩市{county}{township}{10 + index}号",
                longitude=Decimal(str(round(base[0] + (seed[0] - 128) / 4000, 6))),
                latitude=Decimal(str(round(base[1] + (seed[1] - 128) / 4000, 6))),
                jurisdiction=jurisdiction,
                industry=industries[industry],
                risk_category=category,
                scale=scale,
                employees=employees,
                is_key=key,
                contact_phone=f"0597-{2200000 + index * 137:07d}",
                # The legal representative is usually also the principal in charge (主要负责人) in small firms;
                # test-looking 138 numbers, so a demo warning's SMS goes nowhere real.
                principal_name=LEGAL_REPRESENTATIVES[index % len(LEGAL_REPRESENTATIVES)],
                principal_mobile=f"1380597{index:04d}",
            )
            _apply_derived_department(enterprise, {})
            enterprise.full_clean()
            enterprise.save()
            EnterpriseStatusChange.objects.create(enterprise=enterprise, to_status=enterprise.status, reason="演示数据")
            created += 1
    return created
