"""The default inspection frequency rules (the city's measures §3.2; MEM Order 11), seeded by migration 0002 and by
`seed_default_rule_set` (migration 0008 rewrote the notes of installations seeded before, which cited a design note)."""

from __future__ import annotations

import datetime as dt
from typing import Any

DEFAULT_VERSION = "LY-2025.1"  # migration 0009 renamed "2025-§3d" (a design note's section) to this
DEFAULT_NAME = "分级分类检查频次（默认）"
DEFAULT_EFFECTIVE_FROM = dt.date(2025, 1, 1)
DEFAULT_NOTES = (
    "依据《龙岩市防范遏制重特大生产安全事故六项措施》第三部分第2条（分级别、差异化动态管理）："
    "高危行业（危险化学品、冶金、矿山、烟花爆竹）按标准化一级/二级/三级/无，每年至多检查 2/4/8/12 次，"
    "其他行业 1/2/4/6 次；列入严重失信主体名单的企业每半年至少检查一次（应急管理部令第11号）；"
    "存在重大风险（红色）或信用三级的企业每年至少检查一次。"
)

_GROUPS = (("high_risk", "高危行业", (2, 4, 8, 12)), ("other", "其他行业", (1, 2, 4, 6)))
_LEVELS = ((1, "标准化一级"), (2, "标准化二级"), (3, "标准化三级"), (0, "无标准化"))


def default_rules() -> list[dict[str, Any]]:
    """Ordered rows: first match wins. Blacklisted first; then by industry × standardization level, with a red
    risk or the lowest credit grade (三级) raising the minimum to one a year."""
    rows: list[dict[str, Any]] = [
        {
            "industry_group": "",
            "standardization_level": None,
            "risk_colour": "",
            "credit_grade": None,
            "blacklisted": True,
            "class_name": "严重失信主体（每半年至少一次）",
            "min_per_year": 2,
            "max_per_year": 12,
        }
    ]
    for group, group_name, maxes in _GROUPS:
        for (level, level_name), cap in zip(_LEVELS, maxes, strict=True):
            base = {"industry_group": group, "standardization_level": level, "blacklisted": None}
            rows.append(
                {**base, "risk_colour": "red", "credit_grade": None, "min_per_year": 1, "max_per_year": cap}
                | {"class_name": f"{group_name}·{level_name}·重大风险"}
            )
            rows.append(
                {**base, "risk_colour": "", "credit_grade": 3, "min_per_year": 1, "max_per_year": cap}
                | {"class_name": f"{group_name}·{level_name}·信用三级"}
            )
            rows.append(
                {**base, "risk_colour": "", "credit_grade": None, "min_per_year": 0, "max_per_year": cap}
                | {"class_name": f"{group_name}·{level_name}"}
            )
    for position, row in enumerate(rows, start=1):
        row["position"] = position * 10
    return rows
