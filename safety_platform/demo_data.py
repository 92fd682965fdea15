"""Demo enterprises and one login per role, for the embedded default and for demonstrations."""

from __future__ import annotations

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
    ("龙岩市龙州新能源汽车有限公司", "龙岩经济技术开发区（高新区）", "龙州工业园", 0, "C3612", "industry_trade", "large", 1800, True),
    ("龙岩高新区龙州炼钢有限公司", "龙岩经济技术开发区（高新区）", "龙州工业园", 1, "C3120", "metallurgy", "large", 1100, True),
    ("龙岩高新区东肖油气仓储有限公司", "龙岩经济技术开发区（高新区）", "东肖片区", 0, "G5941", "hazardous_chemicals", "medium", 85, True),
    ("龙岩高新区东肖化肥批发部", "龙岩经济技术开发区（高新区）", "东肖片区", 0, "F5166", "other", "micro", 8, False),
    ("龙岩市东城正餐酒楼", "新罗区", "东城街道", 0, "H6210", "other", "micro", 25, False),
]

LEGAL_REPRESENTATIVES = ["林建华", "陈志强", "张丽萍", "黄文斌", "吴国庆", "郑秀英", "王海涛", "李春生", "赖金水", "邱美玲", "钟伟", "罗晓东"]

# Demo logins: (username, full name, role, department code, jurisdiction names, enterprise index)
DEMO_PASSWORD = "Longyan@2026"
USERS: list[tuple[str, str, str, str | None, list[str], int | None]] = [
    ("admin", "平台管理员", "admin", None, [], None),
    ("committee", "陈安委", "committee", None, [], None),
    ("inspector", "林监察（新罗区）", "inspector", None, ["新罗区"], None),
    ("inspector_town", "邱网格（东城街道）", "inspector", None, ["新罗区/东城街道"], None),
    ("inspector_shanghang", "钟监察（上杭县）", "inspector", None, ["上杭县"], None),
    ("dept_yjj", "黄应急（市应急管理局）", "department", "yjj", [], None),
    ("dept_zjj", "吴住建（市住建局）", "department", "zjj", [], None),
    ("enterprise", "赖安全（东城化工）", "enterprise", None, [], 2),
]
