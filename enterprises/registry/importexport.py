"""Excel/CSV import and export of the enterprise registry (same columns both ways).

The export's rows are written by `safety_platform.exports` (streamed, formula-escaped)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from safety_platform.exports import unescape_cell
from safety_platform.models import Department, Industry, Jurisdiction
from safety_platform.security import signed_in_user

from .choices import EnterpriseScale, EnterpriseStatus, RiskCategory
from .models import Enterprise
from .validators import normalize_credit_code, validate_credit_code

if TYPE_CHECKING:
    from .services import ImportResult

# (field, Chinese header, English header). Import accepts either header; export writes Chinese.
COLUMNS: list[tuple[str, str, str]] = [
    ("credit_code", "统一社会信用代码", "credit_code"),
    ("name", "企业名称", "name"),
    ("legal_representative", "法定代表人", "legal_representative"),
    ("address", "地址", "address"),
    ("longitude", "经度", "longitude"),
    ("latitude", "纬度", "latitude"),
    ("jurisdiction", "所属辖区", "jurisdiction"),
    ("industry", "行业代码", "industry"),
    ("risk_category", "高危类别", "risk_category"),
    ("supervising_department", "监管部门", "supervising_department"),
    ("scale", "规模", "scale"),
    ("employees", "从业人数", "employees"),
    ("is_key", "重点企业", "is_key"),
    ("status", "经营状态", "status"),
    ("contact_phone", "联系电话", "contact_phone"),
    ("principal_name", "主要负责人", "principal_name"),
    ("principal_mobile", "主要负责人手机", "principal_mobile"),
]
REQUIRED = {"credit_code", "name", "legal_representative", "jurisdiction", "industry"}
HEADER_TO_FIELD = {h.strip().lower(): f for f, zh, en in COLUMNS for h in (zh, en)}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", ""}
MAX_ROWS = 20000


@dataclass
class ImportProblem:
    """One thing wrong in an imported file: its line (0: the file as a whole), the field, why."""

    line: int
    field: str
    reason: str


@dataclass
class ImportOutcome:
    """What an import did: the problems found, the rows read, the rows created and updated, whether it saved."""

    problems: list[ImportProblem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows: int = 0
    imported: bool = False


@dataclass
class ParsedRow:
    line: int
    data: dict[str, Any]
    existing: Enterprise | None


def _choice_lookup(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
    return lookup


# Words used in real registers, independent of the UI translation catalogs.
CHINESE_ALIASES: dict[str, dict[str, str]] = {
    "risk_category": {
        "矿山": "mining",
        "非煤矿山": "mining",
        "煤矿": "mining",
        "金属非金属矿山": "mining",
        "危险化学品": "hazardous_chemicals",
        "危化品": "hazardous_chemicals",
        "危化": "hazardous_chemicals",
        "烟花爆竹": "fireworks",
        "冶金": "metallurgy",
        "金属冶炼": "metallurgy",
        "冶金及金属冶炼": "metallurgy",
        "工贸": "industry_trade",
        "工贸行业": "industry_trade",
        "建筑施工": "construction",
        "建筑": "construction",
        "交通运输": "transport",
        "道路运输": "transport",
        "道路水路运输": "transport",
        "其他": "other",
        "其它": "other",
    },
    "scale": {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"},
    "status": {
        "营业": "operating",
        "正常": "operating",
        "在营": "operating",
        "存续": "operating",
        "停产": "suspended",
        "停业": "suspended",
        "停产整顿": "suspended",
        "关闭": "closed",
        "注销": "closed",
    },
}


def _label_lookups() -> dict[str, dict[str, str]]:
    from django.utils import translation

    lookups: dict[str, dict[str, str]] = {name: dict(words) for name, words in CHINESE_ALIASES.items()}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            lookups["risk_category"].update(_choice_lookup(RiskCategory.choices))
            lookups["scale"].update(_choice_lookup(EnterpriseScale.choices))
            lookups["status"].update(_choice_lookup(EnterpriseStatus.choices))
    return lookups


def _read_rows(filename: str, content: bytes) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) from CSV (UTF-8 with or without BOM, or GBK) or .xlsx.

    A cell our export escaped against formulas ('=…, '+…) is read as the text it stands for."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield index, ["" if v is None else unescape_cell(str(v).strip()) for v in row]
        workbook.close()
        return
    if not name.endswith((".csv", ".txt")):
        raise ValueError(_("Upload a .csv or .xlsx file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ValueError(_("The file is neither UTF-8 nor GBK text."))
    for index, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield index, [unescape_cell(cell.strip()) for cell in row]


def read_table(
    filename: str, content: bytes, *, headers: dict[str, str], required: set[str], problems: list[ImportProblem]
) -> tuple[list[str | None], list[tuple[int, list[str]]]] | None:
    """An uploaded register's header and rows: the field each column holds (`headers`: lower-cased header ->
    field; None for a column not taken) and the non-empty rows below it with their line numbers.

    A file that cannot be read, is empty or lacks a `required` column adds its problems and gives None."""
    try:
        rows = [(line, cells) for line, cells in _read_rows(filename, content) if any(cells)]
    except ValueError as exc:
        problems.append(ImportProblem(0, "file", str(exc)))
        return None
    except Exception:  # a corrupt workbook: say so instead of failing
        problems.append(ImportProblem(0, "file", _("The file could not be read as CSV or Excel.")))
        return None
    if not rows:
        problems.append(ImportProblem(0, "file", _("The file is empty.")))
        return None
    header_line, header = rows[0]
    fields = [headers.get(h.strip().lower()) for h in header]
    missing = required - set(filter(None, fields))
    if missing:
        for name in sorted(missing):
            problems.append(ImportProblem(header_line, name, _("Required column is missing.")))
        return None
    return fields, rows[1:]


def parse_enterprise_rows(*, filename: str, content: bytes, actor: Any, result: ImportResult) -> list[ParsedRow]:
    """Check every row and collect every problem; return the rows that parsed."""
    from .services import enterprise_can_edit

    table = read_table(filename, content, headers=HEADER_TO_FIELD, required=REQUIRED, problems=result.problems)
    if table is None:
        return []
    fields, body = table
    if len(body) > MAX_ROWS:
        result.problems.append(ImportProblem(0, "file", _("At most %(n)d rows per file.") % {"n": MAX_ROWS}))
        return []
    result.rows = len(body)

    # Reference data loaded once, so a large file costs a handful of queries, not one per row.
    jurisdictions = list(Jurisdiction.objects.all())
    by_code = {j.code: j for j in jurisdictions if j.code}
    by_id = {j.pk: j for j in jurisdictions}
    by_path_name: dict[str, Jurisdiction] = {}
    by_name: dict[str, list[Jurisdiction]] = {}
    for j in jurisdictions:
        names = [by_id[i].name for i in j.ancestor_ids if i in by_id and by_id[i].parent_id is not None]
        by_path_name["/".join(names)] = j
        by_name.setdefault(j.name, []).append(j)
    industries = {i.code: i for i in Industry.objects.all()}
    departments = {d.code: d for d in Department.objects.all()} | {d.name: d for d in Department.objects.all()}
    lookups = _label_lookups()
    codes_in_file: dict[str, int] = {}
    all_codes = [
        normalize_credit_code(cells[fields.index("credit_code")])
        for _l, cells in body
        if len(cells) > fields.index("credit_code")
    ]
    existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=all_codes)}

    parsed: list[ParsedRow] = []
    for line, cells in body:
        raw = {f: (cells[i] if i < len(cells) else "") for i, f in enumerate(fields) if f}
        problems_before = len(result.problems)
        data: dict[str, Any] = {}

        def problem(field_name: str, reason: str, line: int = line) -> None:
            result.problems.append(ImportProblem(line, field_name, reason))

        for name in REQUIRED:
            if not raw.get(name):
                problem(name, _("This field is required."))
        code = normalize_credit_code(raw.get("credit_code", ""))
        if code:
            try:
                validate_credit_code(code)
            except Exception as exc:
                problem("credit_code", " ".join(getattr(exc, "messages", [str(exc)])))
            if code in codes_in_file:
                problem("credit_code", _("Same credit code as line %(line)d.") % {"line": codes_in_file[code]})
            codes_in_file.setdefault(code, line)
        data["credit_code"] = code
        for name in ("name", "legal_representative", "address", "contact_phone", "principal_name", "principal_mobile"):
            if name in raw:
                data[name] = raw[name]
        if raw.get("jurisdiction"):
            value = raw["jurisdiction"].replace("／", "/").strip("/ ")
            match = by_code.get(value) or by_path_name.get(value)
            if match is None and len(by_name.get(value, [])) == 1:
                match = by_name[value][0]
            if match is None:
                problem(
                    "jurisdiction",
                    _("Unknown jurisdiction '%(v)s' (use a code or a path like 新罗区/东城街道).") % {"v": value},
                )
            data["jurisdiction"] = match
        if raw.get("industry"):
            industry = industries.get(raw["industry"].upper())
            if industry is None:
                problem("industry", _("Unknown GB/T 4754 industry code '%(v)s'.") % {"v": raw["industry"]})
            data["industry"] = industry
        for name in ("risk_category", "scale", "status"):
            if raw.get(name):
                choice = lookups[name].get(raw[name].lower())
                if choice is None:
                    problem(name, _("Unknown value '%(v)s'.") % {"v": raw[name]})
                data[name] = choice
        if raw.get("supervising_department"):
            department = departments.get(raw["supervising_department"])
            if department is None:
                problem(
                    "supervising_department", _("Unknown department '%(v)s'.") % {"v": raw["supervising_department"]}
                )
            data["supervising_department"] = department
        for name in ("longitude", "latitude"):
            if raw.get(name):
                try:
                    data[name] = Decimal(raw[name])
                except InvalidOperation:
                    problem(name, _("Not a number: '%(v)s'.") % {"v": raw[name]})
        if raw.get("employees"):
            try:
                # Excel may hand over 120 as "120.0"; 12.5 people, -3 or 1e400 are refused.
                number = float(raw["employees"])
                if not number.is_integer() or number < 0:
                    raise ValueError
                data["employees"] = int(number)
            except (ValueError, OverflowError):
                problem("employees", _("Not a whole number of people: '%(v)s'.") % {"v": raw["employees"]})
        if "is_key" in raw:
            word = raw["is_key"].strip().lower()
            if word in TRUE_WORDS:
                data["is_key"] = True
            elif word in FALSE_WORDS:
                data["is_key"] = False
            else:
                problem("is_key", _("Use 是 or 否."))
        current = existing.get(code)
        if current is not None and not enterprise_can_edit(actor, current):
            problem("credit_code", _("This enterprise exists and is outside your scope."))
        if len(result.problems) == problems_before:
            # Model-level validation (lengths, ranges) without saving, so it is reported with the line.
            from django.core.exceptions import ValidationError

            candidate = Enterprise(**{k: v for k, v in data.items() if k != "status"})
            if current is not None:
                candidate.pk = current.pk
                candidate._state.adding = False
            try:
                candidate.full_clean(
                    exclude=["supervising_department", "credit_code"] if current else ["supervising_department"]
                )
            except ValidationError as exc:
                for fname, messages in exc.message_dict.items():
                    for message in messages:
                        problem(fname, message)
        status = data.pop("status", None)
        if status and current is None and status != EnterpriseStatus.OPERATING:
            data["status"] = status
        parsed.append(ParsedRow(line=line, data=data, existing=current))
    return parsed


def jurisdiction_path_names() -> dict[int, str]:
    """Every jurisdiction's readable path ("新罗区/东城街道/东城一网格"), from one query."""
    nodes = {j.pk: j for j in Jurisdiction.objects.all()}
    return {
        pk: "/".join(nodes[i].name for i in j.ancestor_ids if i in nodes and nodes[i].parent_id is not None) or j.name
        for pk, j in nodes.items()
    }


# What each export column reads, straight from the query (COLUMNS order): the field itself, or for a link what
# the import looks it up by (the jurisdiction's id is turned into its path when written).
_EXPORT_LOOKUPS = {
    "jurisdiction": "jurisdiction_id",
    "industry": "industry__code",
    "supervising_department": "supervising_department__code",
}
EXPORT_VALUES = tuple(_EXPORT_LOOKUPS.get(name, name) for name, _zh, _en in COLUMNS)


def export_header() -> list[str]:
    return [zh for _f, zh, _en in COLUMNS]


def export_rows(queryset: QuerySet[Enterprise]) -> Iterator[tuple[Any, ...]]:
    """The registry rows as the import reads them back, from `values_list` (no model instance per row)."""
    paths = jurisdiction_path_names()
    # Labels in the reader's language, looked up once (a lazy label per row costs a translation call).
    risk = {value: str(label) for value, label in RiskCategory.choices}
    scale = {value: str(label) for value, label in EnterpriseScale.choices}
    status = {value: str(label) for value, label in EnterpriseStatus.choices}
    values = queryset.values_list(*EXPORT_VALUES)
    for row in values.iterator(chunk_size=2000):
        yield (
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            paths.get(row[6], ""),
            row[7],
            risk.get(row[8], row[8]),
            row[9] or "",
            scale.get(row[10], row[10]),
            row[11],
            "是" if row[12] else "否",
            status.get(row[13], row[13]),
            row[14],
            row[15],
            row[16],
        )


def import_upload(request: HttpRequest, form: Any, importer: Callable[..., Any]) -> Any:
    """An import page's POST (the registry's, the catalog's): a valid upload goes to the import service
    (`importer(actor=, filename=, content=, import_valid_rows=)`); returns its result, or None when nothing was
    posted or the form is invalid."""
    if request.method != "POST" or not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    return importer(
        actor=signed_in_user(request),
        filename=upload.name,
        content=upload.read(),
        import_valid_rows=form.cleaned_data["import_valid_rows"],
    )
