"""One login per role for the embedded default and for demonstrations (the enterprises are in enterprises/demo.py)."""

from __future__ import annotations

# Demo logins: (username, full name, role, department code, jurisdiction names, name of the user's enterprise)
DEMO_PASSWORD = "Longyan@2026"
USERS: list[tuple[str, str, str, str | None, list[str], str | None]] = [
    ("admin", "平台管理员", "admin", None, [], None),
    ("committee", "陈安委", "committee", None, [], None),
    ("county_office", "罗安委（新罗区安委办）", "county_office", None, ["新罗区"], None),
    ("inspector", "林监察（新罗区）", "inspector", None, ["新罗区"], None),
    ("inspector_town", "邱网格（东城街道）", "inspector", None, ["新罗区/东城街道"], None),
    ("inspector_shanghang", "钟监察（上杭县）", "inspector", None, ["上杭县"], None),
    ("dept_yjj", "黄应急（市应急管理局）", "department", "yjj", [], None),
    ("dept_zjj", "吴住建（市住建局）", "department", "zjj", [], None),
    ("enterprise", "赖安全（东城化工）", "enterprise", None, [], "龙岩市东城化工有限公司"),
]
