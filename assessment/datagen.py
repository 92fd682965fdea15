"""A realistic city (or province) of data, fast: the bench and scale-test data generator.

`generate_city(enterprises=…, hazards=…, years=…, seed=…)` builds, on top of the reference data
(`seed_reference`), enterprises over every grid of the jurisdiction tree and every industry class
(valid unified social credit codes, supervising department from the industry), their risk sources
(LEC, graded by the active banding), hazards spread over `years` years with the whole closed loop of
each one (register → assess → report → start → progress → submit → reject/close, voided worker
reports, extensions, refusals) cut at the start of `today`, their statutory clocks
(rectification and verification deadlines, met / open / escalated), the overdue and refusal facts
and the credit records they caused, accidents (graded by Decree 493) and their records,
standardization certificates (granted, expired) and their records, manual credit records, employees
with their three-level training and special-operation certificates, and emergency stock with its
ledger (receive, dispatch, return, consume; balances never negative).

Speed: every row is built in Python from one `random.Random(seed)` and written with PostgreSQL's
COPY (psycopg2 `copy_expert` from an in-memory buffer, in chunks), ids assigned here so that
references need no round trip; sequences are set after the load. On another database (SQLite:
tests, a newcomer's checkout) the same rows go through `executemany` INSERTs, for small sizes only.

Determinism: the same seed, sizes and `today` on the same reference data give the same rows (ids
included when the tables start empty); `RowSink` lets a test collect the rows without a database.

Writes go around the services on purpose: the services lock, notify and enqueue per row, which is
what a city of data cannot afford; the invariants they keep are kept here and checked by
tests/assessment/test_generate_city.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import queue
import random
import threading
import time
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection

from enterprises.registry.validators import CREDIT_CODE_ALPHABET, make_credit_code

# Above this many enterprises the portable INSERT path would take too long: PostgreSQL only.
PORTABLE_MAX_ENTERPRISES = 5000
CHUNK_ROWS = 50_000

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁"
    "沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严赖覃洪武莫孔"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏辉鑫建国志文俊峰海波晨阳林春生福荣德"
BRAND = "鑫泰盛华源丰宏恒昌隆兴达安顺永福金鼎汇通利宝嘉瑞祥和信诚邦联合众腾飞远航新宇博森林海山川闽龙岩汀杭武连平漳"
ROADS = [
    "龙腾路",
    "华莲路",
    "登高路",
    "西安路",
    "九一路",
    "莲庄路",
    "人民路",
    "解放路",
    "工业路",
    "建设路",
    "东环路",
    "滨江路",
]
HAZARD_TITLES = [
    ("配电箱未上锁且无警示标识", "配电房"),
    ("消防通道堆放杂物", "仓库通道"),
    ("灭火器压力不足", "生产车间"),
    ("安全出口指示灯损坏", "办公楼"),
    ("有限空间作业未审批", "污水池"),
    ("危化品仓库通风不良", "危化品仓库"),
    ("脚手架连墙件缺失", "施工现场"),
    ("皮带机防护罩缺失", "输送线"),
    ("特种设备超期未检", "锅炉房"),
    ("作业人员未佩戴安全帽", "作业面"),
    ("应急照明失效", "地下室"),
    ("可燃气体报警器未定期校验", "罐区"),
    ("临时用电线路私拉乱接", "施工现场"),
    ("安全警示标志缺失", "厂区"),
    ("防爆电气设备失爆", "涂装车间"),
    ("井下通风设施不完善", "井下巷道"),
]
RISK_SOURCES = [
    "配电房",
    "锅炉房",
    "危化品仓库",
    "涂装车间",
    "有限空间",
    "起重作业",
    "高处作业",
    "动火作业",
    "罐区",
    "输送线",
]
POST_OF_ROLE = {"principal": "主要负责人", "safety_manager": "安全管理员"}
POSTS = ["操作工", "电工", "焊工", "叉车司机", "仓管员", "班组长", "安全员", "维修工", "司炉工", "起重工"]
# Certificate numbers are unique in the registry: built from the row's id, never drawn at random.
ROMAN = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ"}
MOVEMENT_NOTES = {"dispatch": "调拨出库", "consume": "领用消耗", "return": "归还入库", "receive": "补充入库"}
SPECIAL_OPS = ["electrical", "welding", "height", "refrigeration", "hazchem", "other"]
NOTES = {
    "assess": "已评估，下达限期整改指令",
    "report": "重大隐患已报告行业主管部门和安委办",
    "list": "列入挂牌督办",
    "start": "开始整改",
    "progress": "整改进行中，已完成部分整改",
    "submit": "整改完成，提交验收材料",
    "close": "现场复查合格，予以销账",
    "reject": "复查不合格，需重新整改",
    "refuse": "企业拒不整改，已依法责令",
    "extend": "整改难度较大，申请延期，经审核同意",
    "void": "经核实为重复举报",
}


def _risk_category(industry_code: str) -> str:
    """The registry's risk category from the GB/T 4754 class code (section letter and division)."""
    section, division = industry_code[:1], industry_code[1:3]
    if section == "B":
        return "mining"
    if industry_code.startswith(("C2671", "C2672")):
        return "fireworks"
    if (section == "C" and division == "26") or industry_code.startswith(("G5435", "G5941", "F516", "F5265")):
        return "hazardous_chemicals"
    if section == "C" and division in ("31", "32"):
        return "metallurgy"
    if section in ("C", "D", "F", "H"):
        return "industry_trade"
    if section == "E":
        return "construction"
    if section == "G":
        return "transport"
    return "other"


# Writers --------------------------------------------------------------------------------------

_json = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


# The fast path, one C-level callable per type: no Python frame per value. Text passes through as it is:
# every string the generator writes comes from its own word lists, without tab, newline or backslash
# (tests/assessment/test_generate_city.py checks it); JSON of such text holds none either.
_FAST: dict[type, Callable[[Any], str]] = {
    str: str,
    int: str,
    bool: {True: "t", False: "f"}.__getitem__,
    type(None): "\\N".format,
    dt.datetime: dt.datetime.isoformat,
    dt.date: dt.date.isoformat,
    Decimal: str,
    uuid.UUID: str,
    dict: _json,
}


def _copy_text(value: Any) -> str:
    """Any other value (an enum member, a list): as its plain type would be written."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__repr__(value)
    return _json(value) if isinstance(value, list) else str(value)


def _copy_lines(rows: list[tuple[Any, ...]]) -> str:
    get, slow = _FAST.get, _copy_text
    return "".join(["\t".join([(get(type(v)) or slow)(v) for v in row]) + "\n" for row in rows])


class Table:
    """Rows for one table, ids assigned here from the table's current maximum, written in chunks."""

    def __init__(
        self, sink: RowSink, name: str, columns: Sequence[str], *, has_id: bool = True, after: Sequence[Table] = ()
    ) -> None:
        self.sink, self.name, self.columns, self.has_id = sink, name, list(columns), has_id
        # Tables this one refers to: their pending rows are written first, so every chunk (its own
        # transaction when autocommitting) finds the rows its foreign keys point at.
        self.after = list(after)
        self.next_id = sink.first_id(name) if has_id else 0
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        self.seconds = 0.0

    def add(self, *values: Any) -> int:
        if self.has_id:
            pk = self.next_id
            self.next_id += 1
            self.rows.append((pk, *values))
        else:
            pk = 0
            self.rows.append(values)
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        for table in self.after:
            table.flush()
        start = time.perf_counter()
        columns = ["id", *self.columns] if self.has_id else self.columns
        self.sink.write(self.name, columns, self.rows)
        self.count += len(self.rows)
        self.rows = []
        self.seconds += time.perf_counter() - start


class RowSink:
    """Collects rows in memory (ids from 1): the determinism test compares two runs without a database."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple[Any, ...]]] = {}

    def first_id(self, table: str) -> int:
        return 1

    def write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.tables.setdefault(table, []).extend(rows)

    def finish(self, tables: Iterable[Table]) -> None:
        pass


class DatabaseSink(RowSink):
    """Writes to the default database: COPY on PostgreSQL, executemany elsewhere; sets sequences at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.postgres = connection.vendor == "postgresql"

    def first_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            return int(cursor.fetchone()[0])

    def write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        if self.postgres:
            buffer = io.StringIO(_copy_lines(rows))
            connection.ensure_connection()
            with connection.connection.cursor() as cursor:
                cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
            return
        ops = connection.ops

        def adapt(value: Any) -> Any:
            if isinstance(value, dt.datetime):
                return ops.adapt_datetimefield_value(value)
            if isinstance(value, dt.date):
                return ops.adapt_datefield_value(value)
            if isinstance(value, dict | list):
                return json.dumps(value, ensure_ascii=False)
            if isinstance(value, Decimal | uuid.UUID):
                return str(value) if isinstance(value, Decimal) else value.hex
            return value

        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(adapt(v) for v in row) for row in rows],
            )

    def finish(self, tables: Iterable[Table]) -> None:
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows the largest id inserted
        with connection.cursor() as cursor:
            for table in tables:
                if table.has_id and table.count:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                    )


class BulkSink(DatabaseSink):
    """PostgreSQL, for a city or a province: a writer thread on a connection of its own loads while the
    generator builds the next chunk, and the loaded tables shed their secondary indexes and foreign keys
    for the load and get them back at the end (built once, sorted, instead of row by row) — all in one
    transaction, so a failed or interrupted run leaves the database as it was, indexes included.
    """

    def __init__(self) -> None:
        super().__init__()
        import psycopg2

        self.conn = psycopg2.connect(**connection.get_connection_params())
        self.queue: queue.Queue[tuple[str, list[str], str] | None] = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.stripped: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
        # Seconds spent by the writer per table: loading (COPY) and, at the end, rebuilding indexes and keys.
        self.copy_seconds: dict[str, float] = {}
        self.rebuild_seconds: dict[str, float] = {}
        with self.conn.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
        self.thread = threading.Thread(target=self._work, name="generate_city-copy", daemon=True)
        self.thread.start()

    def _strip(self, cursor: Any, table: str) -> None:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisunique AND NOT indisprimary",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        self.stripped[table] = ([definition for _name, definition in indexes], foreign_keys)

    def _work(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                table, columns, text = item
                with self.conn.cursor() as cursor:
                    if table not in self.stripped:
                        self._strip(cursor, table)
                    start = time.perf_counter()
                    cursor.copy_expert(
                        f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(text), size=1 << 20
                    )
                    self.copy_seconds[table] = self.copy_seconds.get(table, 0.0) + time.perf_counter() - start
        except BaseException as error:  # handed to the generator's thread, which raises it
            self.error = error
            while self.queue.get() is not None:  # let the producer finish without blocking
                pass

    def write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((table, columns, _copy_lines(rows)))

    def finish(self, tables: Iterable[Table]) -> None:
        self.queue.put(None)
        self.thread.join()
        try:
            if self.error is not None:
                raise self.error
            with self.conn.cursor() as cursor:
                for table, (indexes, foreign_keys) in self.stripped.items():
                    start = time.perf_counter()
                    for definition in indexes:
                        cursor.execute(definition)
                    for name, definition in foreign_keys:
                        # Checked here for every row at once (a join), instead of a trigger per row.
                        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                    self.rebuild_seconds[table] = time.perf_counter() - start
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        finally:
            self.conn.close()
        super().finish(tables)


# The generator --------------------------------------------------------------------------------


@dataclass
class Timing:
    label: str
    rows: int
    seconds: float


@dataclass
class Report:
    timings: list[Timing] = field(default_factory=list)
    total_seconds: float = 0.0


@dataclass
class _Grid:
    id: int
    county_name: str
    township_name: str
    region: str  # GB/T 2260 code of the county (the city's for a zone without one)
    county_id: int


@dataclass
class _Enterprise:
    id: int
    jurisdiction_id: int
    region: str
    county_id: int
    department_id: int | None
    industry_id: int
    risk_category: str
    name: str
    created: dt.datetime
    status: str


@dataclass(frozen=True)
class _HazardRef:
    """Which hazard a generated fact or clock is about."""

    enterprise: _Enterprise
    hazard_id: int
    code: str
    inspector: int | None


class CityGenerator:
    """One generation run; `run()` writes everything and returns the timings per table."""

    def __init__(
        self,
        *,
        enterprises: int,
        hazards: int,
        years: int = 3,
        seed: int = 1,
        today: dt.date | None = None,
        sink: RowSink | None = None,
        bulk: bool | None = None,
        employees_per_enterprise: int = 2,
        log: Callable[[str], None] | None = None,
    ) -> None:
        from django.utils import timezone

        self.n_enterprises = enterprises
        self.n_hazards = hazards
        self.years = max(1, years)
        self.seed = seed
        self.today = today or timezone.localdate()
        if sink is None:
            # The bulk path loads on a second connection: only when nothing uncommitted (a test's
            # transaction) must be visible to it, and only where it pays.
            if bulk is None:
                bulk = hazards >= 50_000 and not connection.in_atomic_block
            postgres = connection.vendor == "postgresql"
            sink = BulkSink() if bulk and postgres else DatabaseSink()
        self.sink = sink
        self.employees_per_enterprise = employees_per_enterprise
        self.log = log or (lambda message: None)
        self.rng = random.Random(seed)
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        # Everything happened before the start of `today`: no step lies in the future.
        self.end = dt.datetime.combine(self.today, dt.time.min, tzinfo=self.tz)
        self.start = self.end - dt.timedelta(days=365 * self.years)
        self.report = Report()
        self.tables: list[Table] = []

    # Helpers ----------------------------------------------------------------------------------

    def table(self, name: str, columns: Sequence[str], *, has_id: bool = True, after: Sequence[Table] = ()) -> Table:
        table = Table(self.sink, name, columns, has_id=has_id, after=after)
        self.tables.append(table)
        return table

    def person(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def moment_of(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=self.tz)

    def end_of(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=self.tz)

    def timed(self, label: str, fn: Callable[[], Iterable[Table] | None]) -> None:
        start = time.perf_counter()
        tables = fn() or []
        for table in tables:
            table.flush()
        seconds = time.perf_counter() - start
        rows = sum(t.count for t in tables)
        detail = ", ".join(f"{t.name} {t.count} ({t.seconds:.1f} s writing)" for t in tables)
        self.report.timings.append(Timing(label, rows, seconds))
        self.log(f"{label}: {rows} rows in {seconds:.1f} s — {detail}" if detail else f"{label}: {seconds:.1f} s")

    # Reference data ---------------------------------------------------------------------------

    def load_reference(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        from credit.models import RuleSet
        from emergency.models import GradingRuleSet, SupplyItem
        from hazards.models import Hazard, HazardCodeCounter, RiskBanding
        from safety_platform.models import Department, Industry, Jurisdiction

        jurisdictions = list(Jurisdiction.objects.order_by("path"))
        by_id = {j.pk: j for j in jurisdictions}
        counties = [j for j in jurisdictions if j.level == "county"]
        self.counties = counties
        self.city = next(j for j in jurisdictions if j.parent_id is None)
        self.grids: list[_Grid] = []
        for grid in (j for j in jurisdictions if j.level == "grid"):
            county = next((c for c in counties if grid.path.startswith(c.path)), None)
            if county is None:
                continue
            township = by_id.get(grid.parent_id) if grid.parent_id else None
            self.grids.append(
                _Grid(
                    grid.pk,
                    county.name,
                    township.name if township else "",
                    county.code or (self.city.code or "350800"),
                    county.pk,
                )
            )
        if not self.grids:
            raise RuntimeError("No grids: load the reference data first (manage.py seed_reference).")
        self.industries = []
        for industry in Industry.objects.filter(level="class").order_by("code"):
            department = Department.objects.supervising_for_industry(industry)
            self.industries.append((industry.pk, industry.code, industry.name, department.pk if department else None))
        self.departments = list(Department.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
        banding = RiskBanding.objects.active("lec")
        if banding is None:
            raise RuntimeError("No active LEC risk banding (migration hazards 0003).")
        self.banding = banding
        self.rule_sets = []
        for rule_set in RuleSet.objects.published().order_by("effective_from", "id"):
            self.rule_sets.append(
                (rule_set.effective_from, {r.code: (r.pk, r.behaviour) for r in rule_set.rules.all()})
            )
        if not self.rule_sets:
            raise RuntimeError("No published credit rule set (migration credit 0002).")
        self.manual_rules = sorted(
            {r.code for rs in RuleSet.objects.published() for r in rs.rules.filter(manual_allowed=True)}
        )
        self.grading = GradingRuleSet.objects.in_force(self.end)
        self.supply_items = list(SupplyItem.objects.order_by("pk").values_list("pk", "code", "default_min_quantity"))
        self.ct_hazard = ContentType.objects.get_for_model(Hazard).pk
        from emergency.models import Accident
        from enterprises.models import StandardizationCertificate

        self.ct_accident = ContentType.objects.get_for_model(Accident).pk
        self.ct_stdcert = ContentType.objects.get_for_model(StandardizationCertificate).pk
        self.code_counters = (
            {(c.region, c.year): c.last for c in HazardCodeCounter.objects.all()}
            if isinstance(self.sink, DatabaseSink)
            else {}
        )
        self.hazard_url = Hazard(pk=1).get_absolute_url().replace("/1/", "/{}/")

    def rule(self, code: str, day: dt.date) -> tuple[int, str] | None:
        """(rule id, behaviour) of `code` in the rule set in force on `day` (before the first: the first)."""
        rules = self.rule_sets[0][1]
        for effective_from, by_code in self.rule_sets:
            if effective_from <= day:
                rules = by_code
        return rules.get(code)

    def ensure_users(self) -> None:
        """The people the generated steps name: committee staff, one inspector per county, department staff."""
        from safety_platform.models import Department, User

        def user(username: str, **fields: Any) -> Any:
            found, created = User.objects.get_or_create(username=username, defaults=fields)
            if created:
                found.set_unusable_password()
                found.save(update_fields=["password"])
            return found

        self.committee_id = user("gen_committee", role="committee", full_name="市安委办值班员").pk
        self.inspector_of: dict[int, int] = {}
        for county in self.counties:
            inspector = user(f"gen_inspector_{county.pk}", role="inspector", full_name=f"{county.name}执法员")
            if not inspector.jurisdictions.exists():
                inspector.jurisdictions.set([county])
            self.inspector_of[county.pk] = inspector.pk
        self.department_user: dict[int, int] = {}
        for department in Department.objects.filter(pk__in=self.departments):
            staff = user(f"gen_department_{department.code}", role="department", department=department)
            self.department_user[department.pk] = staff.pk

    # Enterprises and risk sources -------------------------------------------------------------

    def gen_enterprises(self) -> list[Table]:
        rng = self.rng
        table = self.table(
            "enterprises_enterprise",
            [
                "credit_code", "name", "legal_representative", "address", "longitude", "latitude",
                "jurisdiction_id", "industry_id", "risk_category", "supervising_department_id",
                "department_set_manually", "scale", "employees", "is_key", "status", "contact_phone",
                "created_at", "updated_at",
            ],
        )  # fmt: skip
        self.enterprises: list[_Enterprise] = []
        offset = table.next_id  # a second run into the same database continues the serials
        span = (self.end - self.start).total_seconds()
        for i in range(self.n_enterprises):
            grid = rng.choice(self.grids)
            industry_id, industry_code, industry_name, department_id = rng.choice(self.industries)
            # 9-character organisation code "MA" + 7 base-31 characters: a bijection of the serial number
            # (7919 is prime to 31), so codes are unique for every enterprise of the run.
            n = ((offset + i) * 7919 + self.seed * 1_000_003) % 31**7
            serial = ""
            for _ in range(7):
                n, digit = divmod(n, 31)
                serial = CREDIT_CODE_ALPHABET[digit] + serial
            credit_code = make_credit_code(grid.region, "MA" + serial)
            short = industry_name[:4]
            name = f"{grid.county_name[:2]}{rng.choice(BRAND)}{rng.choice(BRAND)}{short}有限公司"
            r = rng.random()
            scale, employees = (
                ("micro", rng.randint(1, 9))
                if r < 0.35
                else ("small", rng.randint(10, 99))
                if r < 0.8
                else ("medium", rng.randint(100, 999))
                if r < 0.96
                else ("large", rng.randint(1000, 5000))
            )
            s = rng.random()
            status = "operating" if s < 0.92 else "suspended" if s < 0.96 else "closed"
            created = self.start - dt.timedelta(days=rng.randint(30, 3000))
            has_position = rng.random() < 0.7
            category = _risk_category(industry_code)
            pk = table.add(
                credit_code,
                name,
                self.person(),
                f"{grid.county_name}{grid.township_name}{rng.choice(ROADS)}{rng.randint(1, 300)}号",
                Decimal(f"{116.3 + rng.random():.6f}") if has_position else None,
                Decimal(f"{24.7 + rng.random() * 1.2:.6f}") if has_position else None,
                grid.id,
                industry_id,
                category,
                department_id,
                False,
                scale,
                employees,
                scale in ("medium", "large") and rng.random() < 0.3,
                status,
                self.phone(),
                created,
                created + dt.timedelta(seconds=rng.random() * span),
            )
            self.enterprises.append(
                _Enterprise(
                    pk,
                    grid.id,
                    grid.region,
                    grid.county_id,
                    department_id,
                    industry_id,
                    category,
                    name,
                    created,
                    status,
                )
            )
        return [table]

    def gen_risk_sources(self) -> list[Table]:
        from hazards.choices import LEC_C_VALUES, LEC_E_VALUES, LEC_L_VALUES

        rng = self.rng
        table = self.table(
            "hazards_risksource",
            [
                "enterprise_id", "name", "description", "method", "lec_l", "lec_e", "lec_c", "likelihood", "severity",
                "score", "level", "banding_id", "control_measures", "emergency_measures", "responsible_person",
                "responsible_phone", "review_date", "card_token", "created_by_id", "created_at", "updated_at",
            ],
        )  # fmt: skip
        levels: dict[Decimal, str] = {}
        self.risk_sources: dict[int, list[int]] = {}
        # Low values are the common case: most posts carry little risk.
        # (cumulative weights of L 10 … 0.1, E 10 … 0.5, C 100 … 1)
        l_weights, e_weights, c_weights = [1, 3, 7, 13, 18, 21, 23], [1, 3, 7, 12, 18, 21], [1, 3, 7, 13, 21, 27]
        for enterprise in self.enterprises:
            ids = []
            for k in range(rng.choice((1, 2, 2, 3, 3, 4))):
                lec = [
                    Decimal(rng.choices(values, cum_weights=weights)[0])
                    for values, weights in (
                        (LEC_L_VALUES, l_weights),
                        (LEC_E_VALUES, e_weights),
                        (LEC_C_VALUES, c_weights),
                    )
                ]
                score = (lec[0] * lec[1] * lec[2]).quantize(Decimal("0.01"))
                if score not in levels:
                    levels[score] = self.banding.level_for(score)
                created = enterprise.created + dt.timedelta(days=rng.randint(1, 400))
                created = min(created, self.end - dt.timedelta(days=1))
                ids.append(
                    table.add(
                        enterprise.id,
                        f"{rng.choice(RISK_SOURCES)}{k + 1}",
                        "",
                        "lec",
                        lec[0],
                        lec[1],
                        lec[2],
                        None,
                        None,
                        score,
                        levels[score],
                        self.banding.pk,
                        "落实岗位安全操作规程，定期检查",
                        "配备应急器材，发现异常立即停止作业并报告",
                        self.person(),
                        self.phone(),
                        self.today + dt.timedelta(days=rng.randint(30, 365)),
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        None,
                        created,
                        created,
                    )
                )
            self.risk_sources[enterprise.id] = ids
        return [table]

    # Hazards ----------------------------------------------------------------------------------

    def gen_hazards(self) -> list[Table]:
        rng = self.rng
        hazards = self.table(
            "hazards_hazard",
            [
                "code", "enterprise_id", "title", "description", "location", "source", "external_key", "state",
                "grade", "found_at", "reported_by_id", "deadline", "responsible_person", "responsible_phone",
                "inspector_id", "campaign_id", "risk_source_id", "reporter_contact", "is_listed", "assessed_at",
                "reported_at", "submitted_at", "closed_at", "created_at", "updated_at",
            ],
        )  # fmt: skip
        transitions = self.table(
            "hazards_hazardtransition",
            ["hazard_id", "action", "from_state", "to_state", "actor_id", "actor_label", "at", "note", "details"],
            after=[hazards],
        )
        plans = self.table(
            "hazards_remediationplan",
            [
                "hazard_id", "goal", "measures", "funds_and_materials", "funds_amount", "responsible_people",
                "deadline", "safety_measures", "updated_by_id", "updated_at",
            ],
            after=[hazards],
        )  # fmt: skip
        deadlines = self.table(
            "safety_platform_statutorydeadline",
            [
                "kind", "title", "source_type_id", "source_id", "enterprise_id", "jurisdiction_id", "responsible_id",
                "url", "legal_basis", "due_at", "met_at", "cancelled_at", "escalation_level", "escalated_at",
                "created_at",
            ],
            after=[hazards],
        )  # fmt: skip
        self.facts = self.table(
            "safety_platform_fact",
            ["kind", "enterprise_id", "jurisdiction_id", "occurred_at", "recorded_at", "source_type_id", "source_id",
             "payload", "dedup_key"],
        )  # fmt: skip
        self.records = self.table(
            "credit_creditrecord",
            [
                "enterprise_id", "rule_id", "rule_code", "behaviour", "occurred_on", "evidence", "evidence_file",
                "department_id", "recorded_by_id", "source", "fact_id", "source_key", "status", "revoked_at",
                "revoked_by_id", "revoke_reason", "created_at", "updated_at",
            ],
            after=[self.facts],
        )  # fmt: skip
        self.intakes = self.table(
            "credit_creditfactintake",
            ["fact_id", "processed_at", "outcome", "record_id"],
            has_id=False,
            after=[self.facts, self.records],
        )
        from hazards.legal_numbers import VERIFICATION_DAYS as VERIFICATION_RULE
        from hazards.services.loop import RECTIFICATION_BASIS
        from safety_platform.rules import rule_int

        verification_days = rule_int(VERIFICATION_RULE)

        escalation_days = list(getattr(settings, "DEADLINE_ESCALATION_DAYS", (0, 3, 7)))

        def escalation(due: dt.datetime, until: dt.datetime) -> tuple[int, dt.datetime | None]:
            """The level the nightly escalation reached for a clock overdue from `due` until `until`."""
            level, at = 0, None
            for step, days in enumerate(escalation_days, start=1):
                moment = due + dt.timedelta(days=days)
                if moment < until:
                    level, at = step, moment
            return level, at

        def clock(
            ref: _HazardRef,
            kind: str,
            title: str,
            due: dt.datetime,
            met: dt.datetime | None,
            cancelled: dt.datetime | None,
            opened: dt.datetime,
        ) -> tuple[int, dt.datetime | None]:
            """A hazard's statutory clock as the services open it, escalated as far as the nightly job took it."""
            level, escalated_at = escalation(due, met or cancelled or self.end)
            url = self.hazard_url.format(ref.hazard_id)
            deadlines.add(
                kind, title, self.ct_hazard, ref.hazard_id, ref.enterprise.id, ref.enterprise.jurisdiction_id,
                ref.inspector, url, RECTIFICATION_BASIS, due, met, cancelled, level, escalated_at, opened,
            )  # fmt: skip
            return level, escalated_at

        # Hazards are found day by day, so ids follow the finding time as they would in production.
        days = (self.end.date() - self.start.date()).days
        weights = [3 if e.status == "operating" else 1 for e in self.enterprises]
        cumulative, total = [], 0
        for w in weights:
            total += w
            cumulative.append(total)
        ents = self.enterprises
        serials = dict(self.code_counters)
        sources = ["inspection", "self_check", "joint_inspection", "api_push", "equipment_match", "worker_report"]
        source_weights = [35, 70, 78, 86, 90, 100]  # cumulative: 35 %, 35 %, 8 %, 8 %, 4 %, 10 %
        end = self.end
        made = 0
        for day_index in range(days):
            day = self.start.date() + dt.timedelta(days=day_index)
            want = round(self.n_hazards * (day_index + 1) / days) - made
            for _ in range(want):
                made += 1
                enterprise = ents[_bisect(cumulative, rng.random() * total)]
                found = dt.datetime.combine(day, dt.time(8), tzinfo=self.tz) + dt.timedelta(
                    seconds=rng.randrange(10 * 3600)
                )
                source = sources[_bisect(source_weights, rng.random() * 100)]
                year = found.year
                serial = serials.get((enterprise.region, year), 0) + 1
                serials[(enterprise.region, year)] = serial
                code = f"YH-{enterprise.region}-{year}-{serial:06d}"
                title, location = rng.choice(HAZARD_TITLES)
                inspector = self.inspector_of[enterprise.county_id]
                by_inspector = source in ("inspection", "joint_inspection")
                hazard_id = hazards.next_id
                ref = _HazardRef(enterprise, hazard_id, code, inspector)
                # (action, target state or None for a step within the state, actor, at, details)
                steps: list[tuple[str, str | None, int | None, dt.datetime, dict[str, Any]]] = []
                step = steps.append
                reg_actor = inspector if by_inspector else None
                reg_label = "" if by_inspector else _SOURCE_LABELS[source]
                step(("register", "registered", reg_actor, found, {"source": source}))
                grade = ""
                deadline: dt.date | None = None
                responsible, responsible_phone = "", ""
                assessed_at = reported_at = submitted_at = closed_at = None
                first_submit = None
                listed = False
                verify_met: dt.datetime | None = None
                voided = False
                enterprise_actor = None  # the enterprise's own steps carry its name as the label
                stall = rng.random()
                if source == "worker_report" and rng.random() < 0.3:
                    step(
                        (
                            "void",
                            "voided",
                            inspector,
                            found + dt.timedelta(hours=rng.uniform(2, 72)),
                            {"kind": "unfounded"},
                        )
                    )
                    voided = True
                else:
                    t = found + dt.timedelta(hours=rng.uniform(0.5, 72))
                    grade = "major" if rng.random() < 0.06 else "general"
                    deadline = t.date() + dt.timedelta(
                        days=rng.choice((30, 45, 60, 90) if grade == "major" else (7, 10, 15, 15, 20, 30))
                    )
                    responsible, responsible_phone = self.person(), self.phone()
                    assessor = inspector if by_inspector or source == "worker_report" else enterprise_actor
                    step(
                        (
                            "assess",
                            "assessed",
                            assessor,
                            t,
                            {"grade": grade, "deadline": deadline.isoformat(), "responsible_person": responsible},
                        )
                    )
                    assessed_at = t
                    if grade == "major":
                        t += dt.timedelta(hours=rng.uniform(1, 48))
                        step(("report", "reported", assessor, t, {"plan_id": None}))
                        reported_at = t
                    if stall > 0.03:
                        t += dt.timedelta(hours=rng.uniform(1, 72))
                        step(("start", "rectifying", enterprise_actor, t, {}))
                        started = t
                        due = self.end_of(deadline)
                        if rng.random() < 0.08 and t.date() < deadline:
                            extend_at = t + (due - t) * rng.uniform(0.3, 0.9)
                            old = deadline
                            deadline = deadline + dt.timedelta(days=rng.choice((15, 30)))
                            due = self.end_of(deadline)
                            moved = {"old_deadline": old.isoformat(), "deadline": deadline.isoformat()}
                            step(("extend", None, inspector, extend_at, moved))
                            t = extend_at
                        late = rng.random() < 0.15
                        if late:
                            submit = due + dt.timedelta(days=rng.uniform(1, 60))
                            if rng.random() < 0.02:
                                step(("refuse", None, inspector, due + dt.timedelta(hours=rng.uniform(2, 20)), {}))
                        else:
                            submit = t + (max(due, t + dt.timedelta(hours=2)) - t) * rng.uniform(0.2, 0.95)
                        if grade == "major" and rng.random() < 0.3:
                            step(("list", None, self.committee_id, started + (submit - started) * 0.2, {}))
                            listed = True
                        if rng.random() < 0.4:
                            step(("progress", None, enterprise_actor, started + (submit - started) * 0.5, {}))
                        if stall > 0.06:
                            step(("submit", "remediated", enterprise_actor, submit, {"on_time": submit <= due}))
                            submitted_at = first_submit = submit
                            t = submit
                            if rng.random() < 0.08:
                                reject_at = t + dt.timedelta(hours=rng.uniform(2, 120))
                                details: dict[str, Any] = {}
                                if reject_at.date() >= deadline:
                                    old = deadline
                                    deadline = reject_at.date() + dt.timedelta(days=15)
                                    details = {"old_deadline": old.isoformat(), "deadline": deadline.isoformat()}
                                step(("reject", "rectifying", inspector, reject_at, details))
                                verify_met = reject_at
                                submitted_at = None
                                t = reject_at + dt.timedelta(days=rng.uniform(1, 14))
                                step(
                                    (
                                        "submit",
                                        "remediated",
                                        enterprise_actor,
                                        t,
                                        {"on_time": t <= self.end_of(deadline)},
                                    )
                                )
                                submitted_at = t
                            if stall > 0.08:
                                close_at = t + dt.timedelta(
                                    hours=rng.uniform(2, 24 * (9 if rng.random() < 0.95 else 20))
                                )
                                step(("close", "closed", inspector, close_at, {}))
                                closed_at = close_at
                # Steps within remediation (extend, refuse, list, progress) were drawn out of order; none of
                # them changes the state, so sorting by time keeps every from/to pair right. Then cut the loop
                # at the start of today: later steps have not happened yet.
                steps.sort(key=lambda s: s[3])
                kept: list[tuple[str, str, str, int | None, str, dt.datetime, dict[str, Any]]] = []
                state = ""
                for action, target, actor, at, details in steps:
                    if at >= end:
                        break
                    label = reg_label if action == "register" else "" if actor else enterprise.name[:100]
                    kept.append((action, state, target or state, actor, label, at, details))
                    state = target or state
                final = kept[-1][2]
                if not any(s[0] == "assess" for s in kept):
                    grade, deadline, responsible, responsible_phone, assessed_at = "", None, "", "", None
                else:
                    # The deadline in force at the cut: the assessment's, moved by a kept extension or reject.
                    for s in kept:
                        if "deadline" in s[6]:
                            deadline = dt.date.fromisoformat(s[6]["deadline"])
                if not any(s[0] == "report" for s in kept):
                    reported_at = None
                listed = listed and any(s[0] == "list" for s in kept)
                submits = [s[5] for s in kept if s[0] == "submit"]
                rejected_after_last_submit = bool(submits) and any(
                    s[0] == "reject" and s[5] > submits[-1] for s in kept
                )
                submitted_at = submits[-1] if submits and not rejected_after_last_submit else None
                first_submit = submits[0] if submits else None
                closed_at = kept[-1][5] if final == "closed" else None
                voided = final == "voided"
                risk_source = None
                if rng.random() < 0.3 and self.risk_sources.get(enterprise.id):
                    risk_source = rng.choice(self.risk_sources[enterprise.id])
                hazards.add(
                    code,
                    enterprise.id,
                    title,
                    f"{location}发现：{title}",
                    location,
                    source,
                    f"{enterprise.id}-{hazard_id}" if source == "api_push" else None,
                    final,
                    grade,
                    found,
                    inspector if by_inspector else None,
                    deadline,
                    responsible,
                    responsible_phone,
                    inspector if by_inspector or assessed_at else None,
                    None,
                    risk_source,
                    f"{self.person()} {self.phone()}" if source == "worker_report" else "",
                    listed,
                    assessed_at,
                    reported_at,
                    submitted_at,
                    closed_at,
                    found,
                    kept[-1][5],
                )
                if voided:
                    voided_at = kept[-1][5]
                    # Credit hears of it (and would revoke what the report caused: nothing, it was never graded).
                    self.hazard_fact(ref, "voided", "hazard_voided", "", voided_at, "", void_kind="unfounded")
                plan_id = None
                if grade == "major" and assessed_at is not None:
                    plan_id = plans.add(
                        hazard_id,
                        f"消除{title}",
                        "停产整改，更换设备，完善管理制度",
                        "整改资金由企业自筹，物资已落实",
                        Decimal(rng.randrange(20, 500) * 1000),
                        f"企业主要负责人{responsible}",
                        deadline,
                        "整改期间停止相关作业，设置警戒区域，配备应急器材",
                        None,
                        assessed_at,
                    )
                for action, from_state, to_state, actor, label, at, details in kept:
                    text = _details_json(action, {"plan_id": plan_id} if action == "report" else details)
                    transitions.add(
                        hazard_id, action, from_state, to_state, actor, label, at, NOTES.get(action, ""), text
                    )
                # Statutory clocks: rectification from the assessment, verification from the first submission.
                if assessed_at is not None and deadline is not None:
                    due = self.end_of(deadline)
                    met = submitted_at if final in ("remediated", "closed") else None
                    cancelled = kept[-1][5] if voided else None
                    clock_title = f"整改隐患 {code}：{title}"
                    level, escalated_at = clock(
                        ref, "hazard_rectification", clock_title, due, met, cancelled, assessed_at
                    )
                    if level and not voided:
                        major = grade == "major"
                        event = "major_overdue" if major else "overdue"
                        kind, rule_code = (
                            ("major_hazard_overdue", "HAZ-MAJOR-OVERDUE")
                            if major
                            else ("hazard_overdue", "HAZ-OVERDUE")
                        )
                        evidence = f"隐患 {code} 超过整改期限 {deadline.isoformat()} 未完成整改"
                        self.hazard_fact(
                            ref, event, kind, rule_code, due, evidence, recorded_at=escalated_at, due_at=due.isoformat()
                        )
                    if any(s[0] == "refuse" for s in kept):
                        refused_at = next(s[5] for s in kept if s[0] == "refuse")
                        evidence = f"隐患 {code}：{NOTES['refuse']}"
                        self.hazard_fact(
                            ref,
                            "refused",
                            "rectification_refused",
                            "RESP-REFUSED",
                            refused_at,
                            evidence,
                            grade=grade,
                            note=NOTES["refuse"],
                        )
                if first_submit is not None:
                    last_submit = submits[-1]
                    due = last_submit + dt.timedelta(days=verification_days)
                    met = closed_at if final == "closed" else (None if final == "remediated" else verify_met)
                    clock(ref, "hazard_verification", f"验收销账隐患 {code}", due, met, None, first_submit)
        self.serials = serials
        return [hazards, transitions, plans, deadlines]

    def hazard_fact(
        self,
        ref: _HazardRef,
        event: str,
        kind: str,
        rule_code: str,
        at: dt.datetime,
        evidence: str,
        *,
        recorded_at: dt.datetime | None = None,
        **payload: Any,
    ) -> None:
        """A hazard's fact (recorded at `at` unless later) keyed and described as the hazards services do."""
        self.fact_and_record(
            kind=kind,
            rule_code=rule_code,
            dedup_key=f"hazard:{ref.hazard_id}:{event}",
            enterprise=ref.enterprise,
            occurred_at=at,
            recorded_at=recorded_at,
            source_type=self.ct_hazard,
            source_id=ref.hazard_id,
            payload={"hazard_id": ref.hazard_id, "code": ref.code, **payload},
            evidence=evidence,
        )

    def fact_and_record(
        self,
        *,
        kind: str,
        rule_code: str,
        dedup_key: str,
        enterprise: _Enterprise,
        occurred_at: dt.datetime,
        source_type: int,
        source_id: int,
        payload: dict[str, Any],
        evidence: str,
        source_key: str | None = None,
        revoked_at: dt.datetime | None = None,
        revoke_reason: str = "",
        recorded_at: dt.datetime | None = None,
    ) -> None:
        """A platform event and what credit made of it: the record under the rule in force that day. The event is
        recorded when it occurred unless `recorded_at` says later."""
        recorded_at = recorded_at or occurred_at
        if dedup_key in self.existing_fact_keys:
            # Added to a database that already holds facts (the demo's, with --allow-existing): the event is
            # recorded there already, as intake would have deduplicated it.
            return
        fact_id = self.facts.add(
            kind, enterprise.id, enterprise.jurisdiction_id, occurred_at, recorded_at, source_type, source_id,
            payload, dedup_key,
        )  # fmt: skip
        day = occurred_at.astimezone(self.tz).date()
        found = self.rule(rule_code, day)
        record_id = None
        if found is not None:
            rule_id, behaviour = found
            record_id = self.records.add(
                enterprise.id, rule_id, rule_code, behaviour, day, evidence, "", enterprise.department_id, None,
                "fact", fact_id, source_key or f"fact:{dedup_key}"[:200],
                "revoked" if revoked_at else "active", revoked_at, None, revoke_reason, recorded_at,
                revoked_at or recorded_at,
            )  # fmt: skip
        self.intakes.add(fact_id, recorded_at, "recorded" if record_id else "no_rule", record_id)

    @functools.cached_property
    def existing_fact_keys(self) -> frozenset[str]:
        """Deduplication keys of the facts already in the database (none in a new one)."""
        from safety_platform.models import Fact

        return frozenset(Fact.objects.values_list("dedup_key", flat=True))

    # Accidents, certificates, manual records ---------------------------------------------------

    def gen_accidents(self) -> list[Table]:
        rng = self.rng
        accidents = self.table(
            "emergency_accident",
            [
                "title", "category", "is_production_safety", "occurred_at", "reported_at", "location",
                "jurisdiction_id", "enterprise_id", "description", "deaths", "serious_injuries", "minor_injuries",
                "missing", "direct_loss_yuan", "grade", "rule_set_id", "revision", "status", "reported_by_id",
                "figures_confirmed_at", "concealed", "concealed_note", "investigation_due_at",
                "investigation_extended", "investigation_extension_reason", "investigation_report_at",
                "investigation_summary", "closed_at", "created_at", "updated_at",
            ],
        )  # fmt: skip
        categories = {
            "mining": "mining", "hazardous_chemicals": "hazardous_chemicals", "fireworks": "fireworks",
            "construction": "construction", "transport": "road_traffic",
        }  # fmt: skip
        count = max(1, self.n_enterprises * self.years // 200)
        span = (self.end - self.start).total_seconds()
        grading = self.grading
        for _ in range(count):
            enterprise = rng.choice(self.enterprises)
            occurred = self.start + dt.timedelta(seconds=rng.random() * span)
            r = rng.random()
            deaths = 0 if r < 0.7 else rng.randint(1, 2) if r < 0.97 else rng.randint(3, 9) if r < 0.997 else 10
            serious = rng.choice((0, 0, 1, 2, 3))
            loss = Decimal(rng.randrange(1, 500) * 10000)
            grade = str(grading.grade_for(deaths=deaths, serious_injuries=serious, direct_loss_yuan=loss))
            reported = occurred + dt.timedelta(minutes=rng.randint(10, 50))
            age = (self.end - occurred).days
            status = "closed" if age > 120 else "investigating" if age > 10 else "responding"
            investigation_due = occurred + dt.timedelta(days=60) if status != "responding" else None
            report_at = occurred + dt.timedelta(days=rng.randint(30, 59)) if status == "closed" else None
            closed = report_at + dt.timedelta(days=rng.randint(1, 30)) if report_at else None
            category = categories.get(enterprise.risk_category, "industrial")
            pk = accidents.add(
                f"{enterprise.name}{'机械伤害' if r < 0.5 else '物体打击' if r < 0.8 else '高处坠落'}事故",
                category, True, occurred, reported, enterprise.name, enterprise.jurisdiction_id, enterprise.id,
                "事故经过、原因初步查明", deaths, serious, rng.choice((0, 1, 2)), 0, loss, grade, grading.pk, 1,
                status, self.inspector_of[enterprise.county_id], reported + dt.timedelta(days=rng.randint(1, 7)),
                False, "", investigation_due, False, "", report_at,
                "事故调查报告已批复，责任人已处理" if report_at else "", closed, reported, closed or reported,
            )  # fmt: skip
            self.fact_and_record(
                kind="accident",
                rule_code={"general": "ACC-GENERAL", "larger": "ACC-LARGER", "major": "ACC-MAJOR"}.get(
                    grade, "ACC-ESP-MAJOR"
                ),
                dedup_key=f"accident:{pk}:1",
                enterprise=enterprise,
                occurred_at=occurred,
                recorded_at=reported,
                source_type=self.ct_accident,
                source_id=pk,
                payload={
                    "accident_id": pk, "grade": grade, "deaths": deaths, "serious_injuries": serious,
                    "direct_loss_yuan": int(loss),
                },
                evidence=f"发生生产安全事故，死亡{deaths}人，重伤{serious}人",
                source_key=f"accident:{pk}",
            )  # fmt: skip
        return [accidents]

    def gen_certificates(self) -> list[Table]:
        rng = self.rng
        certificates = self.table(
            "enterprises_standardizationcertificate",
            [
                "enterprise_id", "level", "industry_id", "certificate_number", "issuing_level", "issuing_authority",
                "issued_on", "expires_on", "status", "rereview_applied_on", "revoked_on", "status_reason", "scan",
                "declared_by_id", "verified_by_id", "verified_at", "created_at", "updated_at",
            ],
        )  # fmt: skip
        for enterprise in self.enterprises:
            if rng.random() >= 0.25:
                continue
            level = 1 if rng.random() < 0.1 else 2 if rng.random() < 0.45 else 3
            issued = self.today - dt.timedelta(days=rng.randint(30, 365 * 4))
            expires = issued.replace(year=issued.year + 3) if not (issued.month == 2 and issued.day == 29) else (
                issued + dt.timedelta(days=365 * 3)
            )  # fmt: skip
            status = "valid" if expires > self.today else "expired"
            granted_at = self.moment_of(issued)
            pk = certificates.add(
                enterprise.id, level, enterprise.industry_id,
                f"闽AQB{ROMAN[level]}{issued.year}{certificates.next_id:07d}", "city" if level == 3 else "provincial",
                "龙岩市应急管理局" if level == 3 else "福建省应急管理厅", issued, expires, status, None, None, "", "",
                None, self.committee_id, granted_at, granted_at, granted_at,
            )  # fmt: skip
            expired_at = self.moment_of(expires, 0) if status == "expired" else None
            self.fact_and_record(
                kind="standardization_granted",
                rule_code=f"STD-{level}",
                dedup_key=f"stdcert:{pk}:granted",
                enterprise=enterprise,
                occurred_at=granted_at,
                source_type=self.ct_stdcert,
                source_id=pk,
                payload={"certificate_id": pk, "level": level, "expires_on": expires.isoformat()},
                evidence=f"取得安全生产标准化{level}级证书",
                source_key=f"stdcert:{pk}",
                revoked_at=expired_at,
                revoke_reason="同一事项的后续事件替代了本记录" if expired_at else "",
            )
            if expired_at is not None:
                self.fact_and_record(
                    kind="standardization_expired",
                    rule_code="STD-EXPIRED",
                    dedup_key=f"stdcert:{pk}:expired",
                    enterprise=enterprise,
                    occurred_at=expired_at,
                    source_type=self.ct_stdcert,
                    source_id=pk,
                    payload={"certificate_id": pk, "level": level, "expires_on": expires.isoformat()},
                    evidence="安全生产标准化证书到期未复评",
                    source_key=f"stdcert:{pk}",
                )
        return [certificates]

    def gen_manual_records(self) -> list[Table]:
        rng = self.rng
        evidence = {
            "ORG-COMPLETE": "安全管理机构健全，专职安全员配备到位",
            "ORG-MISSING": "未按规定配备专职安全生产管理人员",
            "OCC-MONITORED": "按规定开展职业病危害因素检测",
            "OCC-VIOLATION": "未按规定开展职业病危害因素检测",
            "RESP-TRAINING-FAIL": "从业人员未经安全培训上岗",
            "RESP-JOINT": "联合执法检查发现问题",
            "RESP-LICENCE": "未取得安全生产许可证擅自生产",
            "RESP-REFUSED": "拒不执行整改指令",
            "ACC-CONCEALED": "瞒报生产安全事故",
            "HAZ-REPORT-LATE": "隐患排查治理情况未按时报送",
        }
        # Good behaviour is recorded far more often than the rare severe violations.
        weights = {"ORG-COMPLETE": 30, "OCC-MONITORED": 30, "ORG-MISSING": 8, "OCC-VIOLATION": 8, "RESP-JOINT": 10,
                   "RESP-TRAINING-FAIL": 6, "HAZ-REPORT-LATE": 6, "RESP-REFUSED": 1, "RESP-LICENCE": 0.5,
                   "ACC-CONCEALED": 0.2}  # fmt: skip
        codes = [c for c in self.manual_rules if c in weights]
        code_weights = [weights[c] for c in codes]
        span_days = (self.end - self.start).days
        for enterprise in self.enterprises:
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                code = rng.choices(codes, code_weights)[0]
                day = self.start.date() + dt.timedelta(days=rng.randrange(span_days))
                found = self.rule(code, day)
                if found is None:
                    continue
                rule_id, behaviour = found
                at = self.moment_of(day, 10)
                department = enterprise.department_id
                self.records.add(
                    enterprise.id, rule_id, code, behaviour, day, evidence[code], "", department,
                    self.department_user.get(department) if department else None, "manual", None, "", "active", None,
                    None, "", at, at,
                )  # fmt: skip
        return [self.facts, self.records, self.intakes]

    # People: employees, training, special-operation certificates ---------------------------------

    def gen_people(self) -> list[Table]:
        rng = self.rng
        employees = self.table(
            "enterprises_employee",
            [
                "enterprise_id", "name", "employee_number", "role", "post", "post_is_high_risk", "special_operation",
                "posted_on", "current_post_since", "status", "away_since", "repeat_due_on", "repeat_after",
                "created_at", "updated_at",
            ],
        )  # fmt: skip
        trainings = self.table(
            "enterprises_trainingrecord",
            ["employee_id", "category", "hours", "completed_on", "passed", "provider", "content", "recorded_by_id",
             "created_at"],
            after=[employees],
        )  # fmt: skip
        certificates = self.table(
            "enterprises_specialoperationcertificate",
            ["employee_id", "operation", "certificate_number", "issuing_authority", "issued_on", "expires_on",
             "created_at", "updated_at"],
            after=[employees],
        )  # fmt: skip
        for enterprise in self.enterprises:
            for k in range(self.employees_per_enterprise):
                role = "principal" if k == 0 else "safety_manager" if k == 1 else "staff"
                special = rng.choice(SPECIAL_OPS) if role == "staff" or rng.random() < 0.2 else ""
                posted = enterprise.created.date() + dt.timedelta(days=rng.randint(0, 2000))
                posted = min(posted, self.today - dt.timedelta(days=1))
                at = self.moment_of(posted, 8)
                pk = employees.add(
                    enterprise.id, self.person(), f"G{k + 1:04d}", role,
                    POST_OF_ROLE.get(role) or rng.choice(POSTS),
                    bool(special), special, posted, posted, "on_post", None, None, None, at, at,
                )  # fmt: skip
                # Trained before posting (先培训后上岗): the three levels, the days before the first day.
                for offset, category in ((5, "company"), (3, "workshop"), (1, "team")):
                    day = posted - dt.timedelta(days=offset)
                    trainings.add(
                        pk, category, Decimal("24.0"), day, True, enterprise.name[:200], "三级安全教育培训", None,
                        self.moment_of(day, 17),
                    )  # fmt: skip
                if special:
                    issued = posted - dt.timedelta(days=rng.randint(10, 1500))
                    certificates.add(
                        pk, special, f"T{issued:%Y%m%d}{certificates.next_id:09d}", "福建省应急管理厅",
                        issued, issued + dt.timedelta(days=365 * 6), at, at,
                    )  # fmt: skip
        return [employees, trainings, certificates]

    # Emergency stock and its ledger ---------------------------------------------------------------

    def gen_stock(self) -> list[Table]:
        rng = self.rng
        warehouses = self.table(
            "emergency_warehouse",
            ["name", "level", "jurisdiction_id", "enterprise_id", "address", "latitude", "longitude", "keeper_name",
             "keeper_phone", "is_active", "created_at"],
        )  # fmt: skip
        items = self.table("emergency_warehouseitem", ["warehouse_id", "item_id", "min_quantity"], after=[warehouses])
        batches = self.table(
            "emergency_stockbatch",
            ["warehouse_id", "item_id", "batch_no", "expires_on", "quantity", "updated_at"],
            after=[warehouses],
        )
        movements = self.table(
            "emergency_stockmovement",
            ["batch_id", "warehouse_id", "item_id", "kind", "quantity", "balance_after", "occurred_at", "actor_id",
             "note", "transfer_ref", "allocation_id"],
            after=[batches],
        )  # fmt: skip
        places = [(self.city.pk, f"{self.city.name}应急物资储备库", "city")] + [
            (c.pk, f"{c.name}应急物资储备库", "county") for c in self.counties
        ]
        # Warehouses are numbered per generation run so that a second run adds its own (unique names not required).
        for jurisdiction_id, name, level in places:
            created = self.start - dt.timedelta(days=30)
            warehouse = warehouses.add(
                name, level, jurisdiction_id, None, f"{name}（库区）", Decimal(f"{24.7 + rng.random():.6f}"),
                Decimal(f"{116.3 + rng.random():.6f}"), self.person(), self.phone(), True, created,
            )  # fmt: skip
            for item_id, item_code, min_quantity in self.supply_items:
                items.add(warehouse, item_id, min_quantity)
                for b in range(rng.choice((1, 2))):
                    received = self.start + dt.timedelta(days=rng.randint(0, 200), hours=9)
                    batch_no = f"{item_code.upper()}-{received:%Y%m%d}-{b + 1}"
                    expires = received.date() + dt.timedelta(days=rng.choice((365, 730, 1095, 1825)))
                    batch = batches.next_id
                    balance = 0
                    moves = []
                    quantity = max(1, min_quantity) * rng.randint(1, 3)
                    balance += quantity
                    moves.append(("receive", quantity, balance, received, "入库"))
                    at = received
                    for _ in range(rng.randint(0, 6)):
                        at += dt.timedelta(days=rng.randint(5, 120))
                        if at >= self.end:
                            break
                        kind = rng.choice(("dispatch", "consume", "return", "receive"))
                        if kind in ("dispatch", "consume"):
                            if balance == 0:
                                continue
                            amount = -rng.randint(1, balance)
                        elif kind == "return":
                            dispatched = sum(-m[1] for m in moves if m[0] == "dispatch") - sum(
                                m[1] for m in moves if m[0] == "return"
                            )
                            if dispatched <= 0:
                                continue
                            amount = rng.randint(1, dispatched)
                        else:
                            amount = max(1, min_quantity) * rng.randint(1, 2)
                        balance += amount
                        moves.append((kind, amount, balance, at, MOVEMENT_NOTES[kind]))
                    batches.add(warehouse, item_id, batch_no, expires, balance, moves[-1][3])
                    for kind, amount, after, moved_at, note in moves:
                        movements.add(batch, warehouse, item_id, kind, amount, after, moved_at, self.committee_id, note,
                                      None, None)  # fmt: skip
        return [warehouses, items, batches, movements]

    # Finishing ----------------------------------------------------------------------------------

    def finish(self) -> None:
        for table in self.tables:
            table.flush()
        self.sink.finish(self.tables)
        if not isinstance(self.sink, DatabaseSink):
            return
        from hazards.models import HazardCodeCounter

        # New registrations continue after the generated serials (YH-<region>-<year>-<serial>).
        for (region, year), last in self.serials.items():
            counter, _ = HazardCodeCounter.objects.get_or_create(region=region, year=year, defaults={"last": last})
            if counter.last < last:
                HazardCodeCounter.objects.filter(pk=counter.pk).update(last=last)

    def run(self, *, ratings: bool = True) -> Report:
        started = time.perf_counter()
        database = isinstance(self.sink, DatabaseSink)
        if database and connection.vendor != "postgresql" and self.n_enterprises > PORTABLE_MAX_ENTERPRISES:
            raise ValueError(
                f"On {connection.vendor} the generator writes with INSERTs, for at most {PORTABLE_MAX_ENTERPRISES} "
                "enterprises; use PostgreSQL (DATABASE_URL=postgres://…) for a city or a province."
            )
        self.timed("reference data", self.load_reference)
        if database:
            self.timed("users", self.ensure_users)
        else:
            self.committee_id = 1
            self.inspector_of = {c.pk: 100 + i for i, c in enumerate(self.counties)}
            self.department_user = {}
        self.timed("enterprises", self.gen_enterprises)
        self.timed("risk sources", self.gen_risk_sources)
        self.timed("hazards, transitions, plans, deadlines", self.gen_hazards)
        self.timed("accidents", self.gen_accidents)
        self.timed("standardization certificates", self.gen_certificates)
        self.timed("credit records, facts, intakes", self.gen_manual_records)
        self.timed("employees, training, operation certificates", self.gen_people)
        self.timed("emergency stock ledger", self.gen_stock)
        self.timed("load finished: indexes and foreign keys rebuilt, sequences, counters", self.finish)
        if isinstance(self.sink, BulkSink):
            for table in self.tables:
                if table.count:
                    self.log(
                        f"  {table.name}: {table.count} rows, built in {table.seconds:.1f} s, "
                        f"COPY {self.sink.copy_seconds.get(table.name, 0):.1f} s, "
                        f"indexes and keys {self.sink.rebuild_seconds.get(table.name, 0):.1f} s"
                    )
        if database and connection.vendor == "postgresql":

            def analyze() -> None:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")

            self.timed("ANALYZE", analyze)
        if database and ratings:
            self.timed("credit ratings (nightly recalculation)", self.rate)
        if database:
            # COPY bypassed the models: the dashboards' summaries are recounted as the nightly jobs do.
            self.timed("dashboard summaries (nightly rebuild)", self.summarize)
        if database and connection.vendor == "postgresql":
            # What autovacuum does to a city's tables in time, at once: the grades and summaries were written after
            # the first ANALYZE (without their statistics the planner guessed 183 grades for 96,000 and the
            # credit list took 0.7 s instead of 40 ms), and a table loaded by COPY has no visibility map until
            # vacuumed (the home page's count of open deadlines, meant to read its index alone, read 48,000
            # heap pages: 260 ms instead of a few). Inside a transaction (a test) VACUUM cannot run.
            def vacuum() -> None:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")

            self.timed("VACUUM ANALYZE", vacuum)
        self.report.total_seconds = time.perf_counter() - started
        return self.report

    def summarize(self) -> None:
        from enterprises.figures.services import enterprise_figures_rebuild
        from enterprises.training.summary import compliance_summary_rebuild
        from hazards.services.summary import hazard_summary_rebuild

        hazard_summary_rebuild()
        enterprise_figures_rebuild()
        compliance_summary_rebuild()  # the training overview of today

    def rate(self) -> None:
        from credit.choices import RecalcTrigger
        from credit.services.grading import credit_recalculate_all

        credit_recalculate_all(trigger=RecalcTrigger.MANUAL, as_of=self.today, key=f"generate_city:{self.seed}")


_SOURCE_LABELS = {
    "self_check": "企业自查",
    "api_push": "企业系统推送",
    "equipment_match": "淘汰装备比对",
    "worker_report": "职工扫码举报",
}


def _details_json(action: str, details: dict[str, Any]) -> str:
    """A transition's details as JSON: the frequent shapes by hand (json.dumps costs several calls a row)."""
    if not details:
        return "{}"
    if action == "register":
        return f'{{"source":"{details["source"]}"}}'
    if action == "submit":
        return '{"on_time":true}' if details["on_time"] else '{"on_time":false}'
    if action == "assess":
        return (
            f'{{"grade":"{details["grade"]}","deadline":"{details["deadline"]}",'
            f'"responsible_person":"{details["responsible_person"]}"}}'
        )
    return _json(details)


def _bisect(cumulative: list[int], x: float) -> int:
    from bisect import bisect_right

    return min(bisect_right(cumulative, x), len(cumulative) - 1)


def generate_city(
    *,
    enterprises: int,
    hazards: int,
    years: int = 3,
    seed: int = 1,
    today: dt.date | None = None,
    ratings: bool = True,
    log: Callable[[str], None] | None = None,
) -> Report:
    """Build the city on the default database and return the timings per step."""
    return CityGenerator(enterprises=enterprises, hazards=hazards, years=years, seed=seed, today=today, log=log).run(
        ratings=ratings
    )
