"""费用报销 (regulation 二.7 / 三.7 / 四.7): the 费用报销单 form, its companions, and every check.

A 费用报销单 is a *form*, not a table: each header field is found by its label (the
value is in the cell to its right), the lines table by its header row, the totals and
approvals by their labels again — so a clerk may insert rows or move blocks. Every
sheet whose name starts with 费用报销单 is one claim. Companions are ordinary ledgers:
『报销标准』 (limits by 职级 × 城市级别 × 费用类别), 『城市级别』 (city → tier) and
『报销登记』 (one row per claim, a date per stage).

Checks return Issues at the cell the clerk must fix; nothing here raises on bad data.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from neiqin.core import invoices, rmb
from neiqin.core.checks import check_columns
from neiqin.core.config import Settings
from neiqin.core.issues import Code, Issue, make_issue, sort_issues
from neiqin.core.ledger import CellProblem, Ledger, convert_cell, display, money, norm_header
from neiqin.core.schema import LedgerInfo, LedgerRow, column, register_ledger

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.store import Store

FORM_PREFIX = "费用报销单"
RULES_VERSION = "费用报销规则 2026.1"
WILDCARDS = frozenset({"", "全部", "不限", "所有", "*", "通用"})
PER_DAY, PER_TIME, PER_MONTH = "每天", "每次", "每月"
UNITS = (PER_DAY, PER_TIME, PER_MONTH)

# --------------------------------------------------------------------------- the companion ledgers


@register_ledger
class ClaimRow(LedgerRow):
    """报销登记 one claim and the date it reached each stage."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="claims",
        sheet="报销登记",
        sheet_synonyms=("报销台账", "费用报销登记", "报销登记表"),
        title="报销登记",
        key=("claim_id",),
    )

    claim_id: str = column(
        "报销单号", "单号", "报销单编号", description="与费用报销单上的单号相同", required=True, width=13
    )
    claimant: str | None = column("报销人", "姓名", description="报销人", width=8)
    department: str | None = column("部门", "报销部门", description="报销人所在部门", width=10)
    amount: float | None = column(
        "金额", "报销金额", "合计", description="报销单合计(小写)", width=12, number_format="¥#,##0.00"
    )
    status: str | None = column(
        "状态", "报销状态", description="报销单所处的环节（按钮会填写）", choices="claim_statuses", width=10
    )
    submitted: dt.datetime | None = column("提交日期", "报销日期", description="报销人填单提交的日期", width=11)
    approved: dt.datetime | None = column("部门审批日期", "审批日期", description="部门负责人审批的日期", width=11)
    prereviewed: dt.datetime | None = column(
        "初审日期", description="内勤初审（通过或退回）的日期，『费用初审』『退回』填写", width=11
    )
    handed_over: dt.datetime | None = column("交财务日期", description="『提交财务』填写", width=11)
    finance_reviewed: dt.datetime | None = column(
        "财务审核日期", "终审日期", description="财务终审（通过或退回）的日期，『财务结果』填写", width=11
    )
    paid: dt.datetime | None = column("支付日期", "付款日期", description="财务付款的日期，『财务结果』填写", width=11)
    finance_result: str | None = column(
        "财务结果",
        description="内勤按财务的反馈填写：财务已审核、财务退回、已支付；再点『财务结果』",
        choices="finance_results",
        width=10,
    )
    result_date: dt.datetime | None = column("结果日期", description="财务审核、退回或付款的日期；空 = 今天", width=11)
    finance_note: str | None = column("财务意见", description="财务退回的原因或其他意见", width=20)
    return_reason: str | None = column("退回原因", description="『退回』或『财务结果』填写", width=30)
    feedback: str | None = column("反馈", "反馈消息", description="给报销人的最新进度消息（按钮填写）", width=40)


@register_ledger
class ExpenseLimitRow(LedgerRow):
    """报销标准 one limit: 职级 × 城市级别 × 费用类别 → 限额 per 计量."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="expense_limits",
        sheet="报销标准",
        sheet_synonyms=("费用标准", "报销限额", "差旅标准"),
        title="报销标准",
        key=("category",),
    )

    rank: str | None = column("职级", "级别", description="员工、主管、经理、总监；“全部” = 各职级相同", width=8)
    tier: str | None = column("城市级别", "地区类别", description="一类城市……；“全部” = 不分城市", width=10)
    category: str = column(
        "费用类别", "费用项目", description="住宿、伙食补助、市内交通、业务招待、通讯……", required=True, width=10
    )
    limit: float = column("限额", "标准", "限额(元)", description="报销上限（元）", required=True, ge=0, width=10)
    unit: str | None = column("计量", "单位", "计算方式", description="每天、每次或每月", width=8)
    note: str | None = column("说明", "备注", description="标准的依据或补充说明", width=30)


@register_ledger
class CityTierRow(LedgerRow):
    """城市级别 one city and its tier."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="city_tiers",
        sheet="城市级别",
        sheet_synonyms=("城市分类", "地区类别"),
        title="城市级别",
        key=("city",),
    )

    city: str = column("城市", "城市名称", "地区", description="城市名（不带“市”也可）", required=True, width=10)
    tier: str = column(
        "级别", "城市级别", "类别", description="一类城市、二类城市……", required=True, choices="city_tiers", width=10
    )


def check(ledger: Ledger, settings: Settings | None = None, today: dt.date | None = None) -> list[Issue]:
    """The companion ledgers get the schema's checks (required, bounds, lists)."""
    settings = settings or Settings()
    issues = list(ledger.issues) + check_columns(ledger, settings)
    if ledger.name == "expense_limits" and ledger.has("unit"):
        for pos, row in enumerate(ledger.rows):
            unit = ledger.frame["unit"].iloc[pos]
            if unit is not None and unit not in UNITS:
                issues.append(
                    ledger.issue(Code.LED_NOT_IN_LIST, row, "unit", value=display(unit), choices="、".join(UNITS))
                )
    return sort_issues(issues)


# --------------------------------------------------------------------------- the form


@dataclass(frozen=True)
class Label:
    field: str
    label: str
    synonyms: tuple[str, ...] = ()
    kind: str = "text"
    required: bool = True  # must the label be on the form
    raw: bool = False  # keep the cell as typed (invoice codes, 大写)


FORM_LABELS: tuple[Label, ...] = (
    Label("claim_id", "报销单号", ("单号", "报销单编号")),
    Label("claimant", "报销人", ("姓名", "申请人")),
    Label("department", "部门", ("所属部门", "报销部门")),
    Label("rank", "职级", ("职务级别",)),
    Label("claim_date", "报销日期", ("填报日期", "申请日期"), kind="date"),
    Label("purpose", "事由", ("报销事由", "出差事由", "用途")),
    Label("attachments", "附件张数", ("附件", "单据张数", "附单据张数"), kind="number"),
    Label("total", "合计(小写)", ("小写", "小写金额", "合计金额(小写)", "金额合计(小写)"), kind="number"),
    Label("total_upper", "合计(大写)", ("大写", "大写金额", "合计金额(大写)", "金额合计(大写)"), raw=True),
    Label("approver", "部门负责人", ("部门审批人", "部门负责人签字")),
    Label("approval_date", "部门审批日期", ("审批日期",), kind="date"),
    Label("prereviewer", "内勤初审", ("初审人",)),
    Label("prereview_date", "初审日期", (), kind="date"),
    Label("finance_reviewer", "财务终审", ("终审人",)),
    Label("finance_date", "终审日期", (), kind="date"),
    Label("status", "状态", ("报销状态",)),
    Label("return_reason", "退回原因", ("退回说明",), required=False),
)
HEADER_FIELDS = ("claim_id", "claimant", "department", "rank", "claim_date", "purpose", "attachments")


@dataclass(frozen=True)
class LineColumn:
    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    kind: str = "text"
    required: bool = False  # must the column be in the table
    raw: bool = False


LINE_COLUMNS: tuple[LineColumn, ...] = (
    LineColumn("seq", "序号", ("行号",)),
    LineColumn("date", "日期", ("开票日期", "发生日期", "费用日期"), kind="date", required=True),
    LineColumn("category", "费用类别", ("费用类型", "费用项目", "类别"), required=True),
    LineColumn("city", "城市", ("出差城市", "地点", "目的地")),
    LineColumn("days", "天数", ("晚数", "天"), kind="number"),
    LineColumn("kind", "发票类型", ("票据类型",), required=True),
    LineColumn("code", "发票代码", (), raw=True, required=True),
    LineColumn("number", "发票号码", ("发票号",), raw=True, required=True),
    LineColumn("net", "不含税金额", ("金额", "不含税价"), kind="number", required=True),
    LineColumn("rate", "税率", ("征收率",), kind="number", required=True),
    LineColumn("tax", "税额", (), kind="number", required=True),
    LineColumn("gross", "价税合计", ("报销金额", "含税金额"), kind="number", required=True),
    LineColumn("note", "说明", ("备注", "摘要")),
)
LINE_REQUIRED_VALUES = ("date", "category", "kind", "gross")


def norm_label(text: Any) -> str:
    """Label text as compared: NFKC (full-width brackets → ASCII), no spaces, colons or stars."""
    s = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s:：*※]+", "", s).lower()


def _table(items: Iterable[Label | LineColumn]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        names = (item.label, *item.synonyms) if isinstance(item, Label) else (item.header, *item.synonyms)
        for name in names:
            out.setdefault(norm_label(name), item.field)
    return out


_LABELS = _table(FORM_LABELS)
_LABEL_SPEC = {label.field: label for label in FORM_LABELS}
_LINE_TABLE = _table(LINE_COLUMNS)
_LINE_SPEC = {c.field: c for c in LINE_COLUMNS}


@dataclass
class FormField:
    """A header field: its label cell and the value cell to its right."""

    field: str
    label: str  # as the clerk's sheet shows it
    row: int
    col: int  # the value cell's column
    raw: Any = None
    value: Any = None
    bad: bool = False  # the cell could not be converted (an issue says so)


@dataclass
class Line:
    """One line of the lines table."""

    row: int
    raw: dict[str, Any]
    value: dict[str, Any]
    bad: set[str] = field(default_factory=set)

    @property
    def invoice_key(self) -> str | None:
        """The line's invoice as duplicates are found (``invoices.invoice_key``); None without one."""
        return invoices.invoice_key(self.value.get("kind"), self.value.get("code"), self.value.get("number"))


@dataclass
class ExpenseForm:
    """One 费用报销单 as read from its sheet."""

    sheet: str
    values: list[list[Any]]  # the used range
    first_row: int
    first_col: int
    fields: dict[str, FormField] = field(default_factory=dict)
    header_row: int = 0
    columns: dict[str, tuple[str, int]] = field(default_factory=dict)  # field -> (header text, Excel column)
    lines: list[Line] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # reading problems

    def get(self, name: str) -> Any:
        f = self.fields.get(name)
        return f.value if f else None

    @property
    def claim_id(self) -> str | None:
        value = self.get("claim_id")
        return str(value) if value is not None else None

    @property
    def status(self) -> str | None:
        return self.get("status")

    @property
    def blank(self) -> bool:
        """An unfilled template: no 单号, no 报销人, no line."""
        return not self.lines and self.get("claim_id") is None and self.get("claimant") is None

    def at(self, name: str, code: Code, **values: Any) -> Issue:
        """An issue at a header field's value cell."""
        f = self.fields[name]
        return make_issue(code, self.sheet, f.row, f.label, col=f.col, **values)

    def at_line(self, line: Line, name: str, code: Code, **values: Any) -> Issue:
        header, col = self.columns.get(name, (_LINE_SPEC[name].header, 0))
        return make_issue(code, self.sheet, line.row, header, col=col, **values)

    def cell(self, row: int, col: int) -> Any:
        i, j = row - self.first_row, col - self.first_col
        if 0 <= i < len(self.values) and 0 <= j < len(self.values[i]):
            return self.values[i][j]
        return None


def parse_form(
    values: list[list[Any]],
    sheet: str,
    first_row: int = 1,
    first_col: int = 1,
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> ExpenseForm:
    """Find the labels, the lines table and its lines in a sheet's values.

    ``merged``: merged areas (row1, col1, row2, col2); a label merged over several cells has its
    value right of the merged area."""
    form = ExpenseForm(sheet, values, first_row, first_col)
    label_end = {(r1, c1): c2 for r1, c1, _r2, c2 in merged}
    # the lines table: the row with the most line headers (at least four, 价税合计 or 费用类别 among them)
    best, best_i = 0, -1
    for i, row in enumerate(values):
        found = {_LINE_TABLE.get(norm_label(v)) for v in row if isinstance(v, str) and v.strip()}
        found.discard(None)
        if len(found) >= 4 and ({"gross", "category"} & found) and len(found) > best:
            best, best_i = len(found), i
    if best_i >= 0:
        form.header_row = first_row + best_i
        for j, v in enumerate(values[best_i]):
            if isinstance(v, str) and v.strip():
                name = _LINE_TABLE.get(norm_label(v))
                if name and name not in form.columns:
                    form.columns[name] = (v.strip(), first_col + j)
    # labels everywhere but in the lines table's header row
    body_end = len(values)
    for i, row in enumerate(values):
        if i == best_i:
            continue
        for j, v in enumerate(row):
            if not isinstance(v, str):
                continue
            name = _LABELS.get(norm_label(v))
            if name is None or name in form.fields:
                continue
            if best_i >= 0 and i > best_i and name in ("total", "total_upper") and i < body_end:
                body_end = i
            spec = _LABEL_SPEC[name]
            j_value = label_end.get((first_row + i, first_col + j), first_col + j) - first_col + 1
            raw = row[j_value] if j_value < len(row) else None
            label = re.sub(r"[:：\s]+$", "", v.strip())
            ff = FormField(name, label, first_row + i, first_col + j_value, raw=raw)
            if spec.raw:
                ff.value = raw if not (isinstance(raw, str) and not raw.strip()) else None
            else:
                try:
                    ff.value = convert_cell(raw, spec.kind)
                except CellProblem as problem:
                    ff.bad = True
                    form.issues.append(make_issue(problem.code, sheet, ff.row, label, col=ff.col, **problem.values))
            form.fields[name] = ff
    for spec in FORM_LABELS:
        if spec.required and spec.field not in form.fields:
            form.issues.append(make_issue(Code.EXP_NO_LABEL, sheet, 0, spec.label))
    if best_i < 0:
        expected = "、".join(c.header for c in LINE_COLUMNS if c.required)
        form.issues.append(make_issue(Code.EXP_NO_LINES_HEADER, sheet, 0, "费用明细", expected=expected))
        return form
    for c in LINE_COLUMNS:
        if c.required and c.field not in form.columns:
            form.issues.append(make_issue(Code.EXP_NO_LABEL, sheet, form.header_row, c.header))
    # a line ends at the first row holding a form label (合计…), or at a 合计 text under the table
    note_col = form.columns["note"][1] - first_col if "note" in form.columns else -1
    for i in range(best_i + 1, body_end):
        row = values[i]
        # a 合计 label in the row's first two filled cells (not in 说明: a note may start with 合计)
        leading = [v for j, v in enumerate(row) if v is not None and j != note_col][:2]
        if any(isinstance(v, str) and (norm_label(v) in _LABELS or norm_label(v).startswith("合计")) for v in leading):
            break
        cells = {
            name: (row[col - first_col] if col - first_col < len(row) else None)
            for name, (_, col) in form.columns.items()
        }
        filled = [
            n for n, v in cells.items() if n != "seq" and v is not None and not (isinstance(v, str) and not v.strip())
        ]
        if not filled:
            continue
        line = Line(first_row + i, raw=cells, value={})
        for name, raw in cells.items():
            spec = _LINE_SPEC[name]
            if spec.raw:
                line.value[name] = raw
                continue
            try:
                line.value[name] = convert_cell(raw, spec.kind)
            except CellProblem as problem:
                line.value[name] = None
                line.bad.add(name)
                header, col = form.columns[name]
                form.issues.append(make_issue(problem.code, sheet, line.row, header, col=col, **problem.values))
        form.lines.append(line)
    return form


def form_sheet_names(book: xw.Book) -> list[str]:
    """Every sheet whose name starts with 费用报销单 (one claim each)."""
    return [s.name for s in book.sheets if unicodedata.normalize("NFKC", s.name).strip().startswith(FORM_PREFIX)]


def read_form(book: xw.Book, name: str) -> ExpenseForm:
    """One form: its used range in one read."""
    from neiqin.core.ledger import merged_areas

    sheet = book.sheets[name]
    used = sheet.used_range
    values = used.options(ndim=2, err_to_str=True).value or [[]]
    form = parse_form(values, name, used.row, used.column)
    # a label merged over two cells (事由 in F5:G5, its value in H5): only blank value cells are asked
    blanks = [(ff.row, ff.col) for ff in form.fields.values() if ff.raw is None]
    if blanks:
        areas = [a for a in merged_areas(sheet, used, blanks) if a[3] > a[1] and (a[0], a[1] + 1) in set(blanks)]
        if areas:
            form = parse_form(values, name, used.row, used.column, merged=areas)
    return form


# --------------------------------------------------------------------------- standards


@dataclass(frozen=True)
class Limit:
    rank: str  # '' = every rank
    tier: str  # '' = every city
    category: str
    amount: float
    unit: str


@dataclass
class Standards:
    """『报销标准』 and 『城市级别』 as lookups."""

    limits: list[Limit] = field(default_factory=list)
    cities: dict[str, str] = field(default_factory=dict)  # normalised city -> tier
    default_tier: str = "三类城市"
    present: bool = True  # the workbook has a 报销标准 sheet

    @staticmethod
    def city_key(city: Any) -> str:
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(city)))
        return text.removesuffix("市") if len(text) > 2 else text

    def tier(self, city: Any) -> tuple[str, bool]:
        """The city's tier, and whether the city is listed."""
        if city is None:
            return self.default_tier, False
        found = self.cities.get(self.city_key(city))
        return (found, True) if found else (self.default_tier, False)

    def tiered(self, category: str) -> bool:
        """Does the category's limit depend on the city tier?"""
        return any(lim.category == category and lim.tier for lim in self.limits)

    def limit(self, rank: str | None, tier: str, category: str) -> Limit | None:
        """The most specific limit: exact rank and tier before a 全部 row."""
        best: tuple[int, Limit] | None = None
        for lim in self.limits:
            if lim.category != category:
                continue
            if lim.rank and lim.rank != rank:
                continue
            if lim.tier and lim.tier != tier:
                continue
            score = (2 if lim.rank else 0) + (1 if lim.tier else 0)
            if best is None or score > best[0]:
                best = (score, lim)
        return best[1] if best else None


def _wild(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text in WILDCARDS else text


def standards_from(limits: Ledger | None, cities: Ledger | None, settings: Settings) -> Standards:
    out = Standards(default_tier=settings.default_city_tier, present=limits is not None)
    if limits is not None and limits.has("category") and limits.has("limit"):
        f = limits.frame
        for pos in range(len(limits)):
            category, amount = f["category"].iloc[pos], f["limit"].iloc[pos]
            if category is None or amount != amount:  # NaN: a bad cell, reported by the ledger's own check
                continue
            unit = f["unit"].iloc[pos] if limits.has("unit") else None
            out.limits.append(
                Limit(
                    rank=_wild(f["rank"].iloc[pos]) if limits.has("rank") else "",
                    tier=_wild(f["tier"].iloc[pos]) if limits.has("tier") else "",
                    category=str(category),
                    amount=float(amount),
                    unit=unit if unit in UNITS else PER_TIME,
                )
            )
    if cities is not None and cities.has("city") and cities.has("tier"):
        for city, tier in zip(cities.frame["city"], cities.frame["tier"], strict=True):
            if city is not None and tier is not None:
                out.cities[Standards.city_key(city)] = str(tier)
    return out


# --------------------------------------------------------------------------- checks


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _pct(rate: float) -> str:
    return f"{Decimal(repr(round(rate * 100, 6))).normalize():f}%"


def rate_fraction(value: float) -> float:
    """A 税率 cell as a fraction: 13 (typed without %) and 0.13 both mean 13%."""
    return value / 100 if value > 1 else value


def allowed_rates(settings: Settings) -> list[float]:
    out = []
    for text in settings.tax_rates:
        try:
            out.append(rate_fraction(float(convert_cell(text, "number"))))
        except (CellProblem, TypeError, ValueError):
            continue
    return out


def _split_message(message: str) -> tuple[str, str]:
    head, sep, tail = message.rpartition("；请")
    return (head, tail) if sep else (message, "对照发票原件核对")


_INVOICE_CODES = {
    "number_format": (Code.EXP_INVOICE_NUMBER, "number"),
    "missing_number": (Code.EXP_INVOICE_NUMBER, "number"),
    "code_format": (Code.EXP_INVOICE_CODE, "code"),
    "missing_code": (Code.EXP_INVOICE_CODE, "code"),
    "type_mismatch": (Code.EXP_INVOICE_KIND, "kind"),
    "no_invoice_has_number": (Code.EXP_INVOICE_KIND, "kind"),
    "year_mismatch": (Code.EXP_INVOICE_YEAR, "number"),
    "lost_digits": (Code.EXP_INVOICE_NUMBER, "number"),
    "lost_code_digits": (Code.EXP_INVOICE_CODE, "code"),
}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def check_form(
    form: ExpenseForm,
    settings: Settings | None = None,
    today: dt.date | None = None,
    standards: Standards | None = None,
    claimed: dict[str, dict[str, Any]] | None = None,
    earlier: dict[str, float] | None = None,
) -> list[Issue]:
    """Every check of one form; ``claimed`` = invoices other claims hold (from the store), ``earlier`` =
    what the claimant's other claims spent per "费用类别|YYYY-MM" (for 每月 limits)."""
    settings = settings or Settings()
    today = today or dt.date.today()
    standards = standards or Standards(default_tier=settings.default_city_tier, present=False)
    issues = list(form.issues)
    issues += _check_header(form, settings)
    issues += _check_lines(form, settings, today, standards, claimed or {}, earlier or {})
    issues += _check_totals(form, settings)
    return sort_issues(issues)


def _check_header(form: ExpenseForm, settings: Settings) -> list[Issue]:
    issues: list[Issue] = []
    for name in HEADER_FIELDS:
        ff = form.fields.get(name)
        if ff is not None and ff.value is None and not ff.bad:
            issues.append(form.at(name, Code.LED_REQUIRED))
    rank = form.get("rank")
    if rank is not None and rank not in settings.ranks:
        issues.append(form.at("rank", Code.LED_NOT_IN_LIST, value=display(rank), choices="、".join(settings.ranks)))
    status = form.get("status")
    if status is not None and status not in settings.claim_statuses:
        issues.append(
            form.at("status", Code.LED_NOT_IN_LIST, value=display(status), choices="、".join(settings.claim_statuses))
        )
    attachments = form.get("attachments")
    if attachments is not None and attachments < 0:
        issues.append(form.at("attachments", Code.LED_OUT_OF_RANGE, rule="大于或等于 0", value=display(attachments)))
    # 三.7: 部门负责人审批后才到内勤初审; nobody approves their own claim
    approver, claimant = form.get("approver"), form.get("claimant")
    for name in ("approver", "approval_date"):
        ff = form.fields.get(name)
        if ff is not None and ff.value is None and not ff.bad:
            issues.append(form.at(name, Code.EXP_NO_APPROVAL))
    if approver is not None and claimant is not None and norm_label(approver) == norm_label(claimant):
        issues.append(form.at("approver", Code.EXP_SELF_APPROVAL, value=display(approver)))
    return issues


def _check_lines(
    form: ExpenseForm,
    settings: Settings,
    today: dt.date,
    standards: Standards,
    claimed: dict[str, dict[str, Any]],
    earlier: dict[str, float],
) -> list[Issue]:
    issues: list[Issue] = []
    if form.header_row and not form.lines:
        row = form.header_row + 1
        issues.append(
            make_issue(Code.EXP_NO_LINES, form.sheet, row, "费用明细", col=form.columns.get("gross", ("", 0))[1])
        )
        return issues
    claim_date = _date(form.get("claim_date"))
    rank = form.get("rank")
    rates = allowed_rates(settings)
    tolerance = settings.amount_tolerance + 1e-9
    seen_keys: dict[str, list[Line]] = {}
    daily: dict[tuple[str, dt.date, str], list[Line]] = defaultdict(list)
    monthly: dict[tuple[str, int, int, str], list[Line]] = defaultdict(list)
    warned_cities: set[str] = set()
    for line in form.lines:
        v = line.value
        for name in LINE_REQUIRED_VALUES:
            if name in form.columns and v.get(name) is None and name not in line.bad:
                issues.append(form.at_line(line, name, Code.LED_REQUIRED))
        category = v.get("category")
        if category is not None and category not in settings.expense_categories:
            issues.append(
                form.at_line(
                    line,
                    "category",
                    Code.LED_NOT_IN_LIST,
                    value=display(category),
                    choices="、".join(settings.expense_categories),
                )
            )
        raw_kind = v.get("kind")
        kind = invoices.normalize_kind(raw_kind)
        if raw_kind is not None and (kind is None or kind not in settings.invoice_kinds):
            issues.append(
                form.at_line(
                    line,
                    "kind",
                    Code.LED_NOT_IN_LIST,
                    value=display(raw_kind),
                    choices="、".join(settings.invoice_kinds),
                )
            )
        # invoice code and number agree with the type
        invoice_date = _date(v.get("date"))
        for key, message in invoices.check_invoice(kind, v.get("code"), v.get("number"), invoice_date):
            code, target = _INVOICE_CODES.get(key, (Code.EXP_INVOICE_NUMBER, "number"))
            problem, todo = _split_message(message)
            issues.append(form.at_line(line, target, code, problem=problem, todo=todo))
        if kind == invoices.KIND_NONE and not (v.get("note") or "").strip():
            issues.append(form.at_line(line, "note", Code.EXP_NO_INVOICE_NOTE))
        # duplicates: within the form, then against other claims
        key = line.invoice_key
        if key is not None:
            if key in seen_keys:
                # one invoice over several lines (房费 6% + 餐饮 13%, or two categories) is fine;
                # the same rate and category twice is the same line entered twice
                same = [ln for ln in seen_keys[key] if _same_part(ln, line)]
                if same:
                    issues.append(form.at_line(line, "number", Code.EXP_DUPLICATE_INVOICE, key=key, other=same[0].row))
                seen_keys[key].append(line)
            else:
                seen_keys[key] = [line]
                other = claimed.get(key)
                if other is not None and (str(other.get("claim_id")) != str(form.claim_id) or other.get("not_own")):
                    when = other.get("reserved_at")
                    issues.append(
                        form.at_line(
                            line,
                            "number",
                            Code.EXP_INVOICE_CLAIMED,
                            key=key,
                            claim=other.get("claim_id"),
                            when=display(when) if when else "此前",
                        )
                    )
        # tax: 税率 allowed; 税额 = 不含税金额 × 税率; 价税合计 = 不含税金额 + 税额
        net, rate, tax, gross = v.get("net"), v.get("rate"), v.get("tax"), v.get("gross")
        if kind == invoices.KIND_SPECIAL:
            for name in ("net", "rate", "tax"):
                if name in form.columns and v.get(name) is None and name not in line.bad:
                    issues.append(form.at_line(line, name, Code.LED_REQUIRED))
        if rate is not None:
            rate = rate_fraction(rate)
            if not any(abs(rate - r) < 1e-9 for r in rates):
                issues.append(
                    form.at_line(
                        line, "rate", Code.EXP_TAX_RATE, value=_pct(rate), choices="、".join(settings.tax_rates)
                    )
                )
            elif net is not None and tax is not None:
                expected = _dec(net) * Decimal(repr(rate))
                expected = expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                diff = abs(float(_dec(tax) - expected))
                if diff > tolerance:
                    # an invoice with several items rounds each item's tax: a few fen, up to 税额容差
                    rounding = diff <= settings.tax_tolerance + 1e-9
                    issues.append(
                        form.at_line(
                            line,
                            "tax",
                            Code.EXP_TAX_ROUNDING if rounding else Code.EXP_TAX_AMOUNT,
                            amount=money(tax),
                            net=money(net),
                            rate=_pct(rate),
                            expected=money(float(expected)),
                            diff=money(abs(tax - float(expected))),
                        )
                    )
        if net is not None and tax is not None and gross is not None:
            expected_gross = _dec(net) + _dec(tax)
            if abs(float(_dec(gross) - expected_gross)) > tolerance:
                issues.append(
                    form.at_line(
                        line,
                        "gross",
                        Code.EXP_GROSS_AMOUNT,
                        amount=money(gross),
                        net=money(net),
                        tax=money(tax),
                        expected=money(float(expected_gross)),
                        diff=money(abs(gross - float(expected_gross))),
                    )
                )
        days = v.get("days")
        if days is not None and (days <= 0 or days != int(days)):
            issues.append(form.at_line(line, "days", Code.LED_OUT_OF_RANGE, rule="为正整数", value=display(days)))
        if gross is not None and gross <= 0 and "gross" not in line.bad:
            issues.append(form.at_line(line, "gross", Code.LED_OUT_OF_RANGE, rule="大于 0", value=display(gross)))
        # dates: not in the future, not after the claim, not too old
        if invoice_date is not None:
            shown = invoice_date.isoformat()
            if invoice_date > today:
                issues.append(form.at_line(line, "date", Code.EXP_INVOICE_FUTURE, value=shown, today=today.isoformat()))
            elif claim_date is not None and invoice_date > claim_date:
                issues.append(
                    form.at_line(
                        line, "date", Code.EXP_INVOICE_AFTER_CLAIM, value=shown, claim_date=claim_date.isoformat()
                    )
                )
            reference = claim_date or today
            age = (reference - invoice_date).days
            if age > settings.invoice_max_age_days:
                issues.append(
                    form.at_line(
                        line,
                        "date",
                        Code.EXP_INVOICE_TOO_OLD,
                        value=shown,
                        days=age,
                        limit=settings.invoice_max_age_days,
                    )
                )
        # limits (报销标准): group per day / per month, per line for 每次
        if category is None or gross is None or not standards.present:
            continue
        city = v.get("city")
        tier, listed = standards.tier(city)
        tiered = standards.tiered(category)
        if tiered and city is None and "city" in form.columns and "city" not in line.bad:
            issues.append(form.at_line(line, "city", Code.LED_REQUIRED))
        elif tiered and city is not None and not listed and str(city) not in warned_cities:
            warned_cities.add(str(city))
            issues.append(form.at_line(line, "city", Code.EXP_UNKNOWN_CITY, value=display(city), tier=tier))
        limit = standards.limit(rank, tier, category)
        if limit is None:
            continue
        if limit.unit == PER_DAY and invoice_date is not None:
            if "days" in line.bad or (days is not None and (days <= 0 or days != int(days))):
                continue  # 天数 unreadable or wrong: its own issue says so, the limit waits for it
            daily[(limit, invoice_date)].append(line)
        elif limit.unit == PER_MONTH and invoice_date is not None:
            monthly[(limit, invoice_date.year, invoice_date.month)].append(line)
        elif limit.unit == PER_TIME:
            issues += _over(form, [line], limit, rank, tier, "本行", 1)
    # grouped by the limit that applies: a 不分城市 limit adds up lines of every city
    for (limit, day), lines in daily.items():
        # receipts of one day without 天数 are that one day (two meals); once the clerk counts nights,
        # a line without 天数 is 1 more day, as the template says (不填为 1 天)
        counted = any(ln.value.get("days") is not None for ln in lines)
        days = sum(int(ln.value.get("days") or 1) for ln in lines) if counted else 1
        scope = "本行" if len(lines) == 1 else f"{day.isoformat()} 当天合计"
        issues += _over(form, lines, limit, rank, limit.tier, scope, days)
    for (limit, year, month), lines in monthly.items():
        # the claimant's other claims of that month (pre-reviewed, with finance or paid) count too
        before = earlier.get(f"{limit.category}|{year:04d}-{month:02d}", 0.0)
        scope = "本行" if len(lines) == 1 else f"{year} 年 {month} 月合计"
        if before:
            scope = f"{year} 年 {month} 月合计，含本人其他报销单 {money(before)} 元"
        issues += _over(form, lines, limit, rank, limit.tier, scope, 1, before)
    return issues


def _same_part(a: Line, b: Line) -> bool:
    """Two lines of one invoice that are the same part of it: same 税率 and same 费用类别."""

    def rate(line: Line) -> float | None:
        value = line.value.get("rate")
        return None if value is None else round(rate_fraction(value), 6)

    return rate(a) == rate(b) and a.value.get("category") == b.value.get("category")


def _over(
    form: ExpenseForm,
    lines: list[Line],
    limit: Limit,
    rank: Any,
    tier: str,
    scope: str,
    times: int,
    before: float = 0.0,
) -> list[Issue]:
    amount = sum(_dec(ln.value["gross"]) for ln in lines) + _dec(before)
    allowed = _dec(limit.amount) * times
    if amount <= allowed:
        return []
    return [
        form.at_line(
            lines[-1],
            "gross",
            Code.EXP_OVER_LIMIT,
            category=limit.category,
            scope=scope,
            amount=money(float(amount)),
            rank=limit.rank or "各职级",
            tier=limit.tier or "不分城市",
            per=limit.unit,
            limit=money(limit.amount),
            times=f" × {times} 天 = {money(float(allowed))} 元" if times > 1 else "",
            excess=money(float(amount - allowed)),
        )
    ]


def _check_totals(form: ExpenseForm, settings: Settings) -> list[Issue]:
    issues: list[Issue] = []
    tolerance = settings.amount_tolerance + 1e-9
    total_f = form.fields.get("total")
    grosses = [ln.value["gross"] for ln in form.lines if ln.value.get("gross") is not None]
    expected = sum((_dec(g) for g in grosses), Decimal("0.00"))
    total = form.get("total")
    if total_f is not None and not total_f.bad:
        if total is None:
            if form.lines:
                issues.append(form.at("total", Code.LED_REQUIRED))
        elif grosses and abs(float(_dec(total) - expected)) > tolerance:
            issues.append(
                form.at(
                    "total",
                    Code.EXP_TOTAL_MISMATCH,
                    amount=money(total),
                    expected=money(float(expected)),
                    diff=money(abs(total - float(expected))),
                )
            )
    upper_f = form.fields.get("total_upper")
    reference = _dec(total) if total is not None else (expected if grosses else None)
    if upper_f is not None and reference is not None:
        correct = rmb.to_upper(reference)
        text = upper_f.value
        if text is None:
            issues.append(form.at("total_upper", Code.LED_REQUIRED))
        else:
            try:
                written = rmb.parse_upper(text if isinstance(text, str) else display(text))
            except ValueError as exc:
                issues.append(
                    form.at(
                        "total_upper",
                        Code.EXP_UPPER_INVALID,
                        value=display(text),
                        reason=_reason(exc),
                        expected=correct,
                    )
                )
            else:
                if written != reference:
                    issues.append(
                        form.at(
                            "total_upper",
                            Code.EXP_UPPER_MISMATCH,
                            value=display(text),
                            written=money(float(written)),
                            amount=money(float(reference)),
                            expected=correct,
                        )
                    )
    # 附件张数 ≥ lines with an invoice
    attachments = form.get("attachments")
    distinct: set[Any] = set()
    for ln in form.lines:
        kind = invoices.normalize_kind(ln.value.get("kind"))
        if kind in (None, invoices.KIND_NONE):
            continue
        distinct.add(ln.invoice_key or ("line", ln.row))
    with_invoice = len(distinct)  # one invoice split over several lines is one attachment
    if attachments is not None and attachments < with_invoice:
        issues.append(form.at("attachments", Code.EXP_ATTACHMENTS, value=display(attachments), expected=with_invoice))
    return issues


def _reason(exc: ValueError) -> str:
    """rmb's message without its own "应写作…" tail (the issue names the correct text)."""
    return re.sub(r"[，,][^，]*?元应写作“[^”]*”", "", str(exc)).rstrip("。；;，,")


def form_invoices(form: ExpenseForm) -> list[dict[str, Any]]:
    """The invoices of a form, as the store keeps them (key, amount = the sum of its lines, date)."""
    out: dict[str, dict[str, Any]] = {}
    for line in form.lines:
        v = line.value
        key = line.invoice_key
        if key is None:
            continue
        gross = v.get("gross")
        if key in out:
            old = out[key]["amount"]
            out[key]["amount"] = None if old is None or gross is None else round(float(old) + float(gross), 2)
            continue
        date = v.get("date")
        out[key] = {
            "key": key,
            "amount": None if gross is None else round(float(gross), 2),
            "invoice_date": date if isinstance(date, dt.datetime) else None,
        }
    return list(out.values())


def form_months(form: ExpenseForm) -> dict[str, float]:
    """What a form spends per "费用类别|YYYY-MM" (by invoice date): the store keeps it for 每月 limits."""
    out: dict[str, float] = {}
    for line in form.lines:
        category, gross, date = line.value.get("category"), line.value.get("gross"), _date(line.value.get("date"))
        if category is None or not isinstance(gross, (int, float)) or date is None:
            continue
        key = f"{category}|{date.year:04d}-{date.month:02d}"
        out[key] = round(out.get(key, 0.0) + float(gross), 2)
    return out


def claim_fingerprint(form: ExpenseForm) -> str:
    """What 费用初审 approved: claimant, total and invoices (key and amount). 提交财务 seals a form only
    while this is unchanged."""
    import hashlib
    import json

    total = form.get("total")
    payload = {
        "claim": str(form.claim_id or ""),
        "claimant": str(form.get("claimant") or ""),
        "total": None if not isinstance(total, (int, float)) else money(total),
        "invoices": sorted(
            [inv["key"], None if inv["amount"] is None else money(inv["amount"])] for inv in form_invoices(form)
        ),
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- the workbook


@dataclass
class FormsResult:
    """Every form of a workbook and what the checks found (per form sheet)."""

    forms: list[ExpenseForm]
    issues: list[Issue]
    by_sheet: dict[str, list[Issue]]
    standards: Standards
    companion_sheets: list[str] = field(default_factory=list)


def read_standards(book: xw.Book, settings: Settings) -> tuple[Standards, list[Issue], list[str]]:
    from validators import read_optional

    limits = read_optional(book, "expense_limits", settings)
    cities = read_optional(book, "city_tiers", settings)
    issues: list[Issue] = []
    sheets = []
    for ledger in (limits, cities):
        if ledger is not None:
            issues += check(ledger, settings)
            sheets.append(ledger.sheet)
    return standards_from(limits, cities, settings), issues, sheets


def check_forms(
    forms: Sequence[ExpenseForm],
    settings: Settings,
    today: dt.date,
    standards: Standards,
    store: Store | None,
) -> dict[str, list[Issue]]:
    """Check every form; one store query for all of their invoices."""
    keys = [inv["key"] for form in forms for inv in form_invoices(form)]
    claimed = store.claimed_invoices(keys) if store is not None else {}
    ids = [str(f.claim_id) for f in forms if f.claim_id is not None]
    stages = store.claims(ids) if store is not None else {}
    by_sheet: dict[str, list[Issue]] = {}
    first_id: dict[str, str] = {}
    first_key: dict[str, tuple[str, int, str]] = {}
    reported: set[tuple[str, str]] = set()
    for form in forms:
        cid = form.claim_id
        record = stages.get(str(cid)) if cid is not None else None
        closed = record is not None and record.get("stage") in CLOSED_STAGES
        # the sealed form itself (its 状态 says it is with finance) may be looked at again
        itself = closed and normalise_status(form.status) in CLOSED_STAGES
        mine = claimed
        if cid is not None:
            amounts = {inv["key"]: inv["amount"] for inv in form_invoices(form)}
            mine = {}
            for key, held in claimed.items():
                # an invoice this 报销单号 holds is the form's own only while the claim is open and the
                # amount is what pre-review reserved: a copy of a paid claim is a duplicate
                # (a correction of the amount by the same claimant, before hand-over, is still the same claim)
                same_claim = str(held.get("claim_id")) == str(cid)
                same_person = record is not None and record.get("claimant") == str(form.get("claimant") or "")
                matches = same_person or _same_amount(held.get("amount"), amounts.get(key))
                own = same_claim and (itself or (not closed and matches))
                mine[key] = {**held, "not_own": True} if same_claim and not own else held
        claimant = form.get("claimant")
        earlier = (
            store.monthly_amounts(str(claimant), str(cid or "")) if store is not None and claimant is not None else {}
        )
        found = check_form(form, settings, today, standards, mine, earlier)
        if closed and not itself:
            stage = record.get("stage") if record else ""
            when = record.get("updated_at") if record else None
            found.append(
                form.at(
                    "claim_id", Code.EXP_CLAIM_CLOSED, value=cid, stage=stage, when=display(when) if when else "此前"
                )
            )
        if cid is not None:
            if cid in first_id:
                found.append(form.at("claim_id", Code.EXP_DUPLICATE_CLAIM, value=cid, other=first_id[cid]))
            else:
                first_id[cid] = form.sheet
        if not standards.present and form.lines:
            found.append(make_issue(Code.EXP_NO_STANDARDS, form.sheet, 0, "", what="报销标准"))
        # the same invoice on two forms of this workbook (the store only knows pre-reviewed claims)
        for line in form.lines:
            key = line.invoice_key
            if key is None:
                continue
            first = first_key.setdefault(key, (form.sheet, line.row, str(cid or "无单号")))
            if first[0] != form.sheet and (form.sheet, key) not in reported:
                reported.add((form.sheet, key))
                found.append(
                    form.at_line(line, "number", Code.EXP_INVOICE_OTHER_FORM, key=key, form=first[0], at=first[1],
                                 claim=first[2])
                )  # fmt: skip
        by_sheet[form.sheet] = sort_issues(found)
    return by_sheet


CLOSED_STAGES = ("已交财务", "财务已审核", "已支付")


def _same_amount(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 0.005


def validate_forms(
    book: xw.Book,
    settings: Settings | None = None,
    today: dt.date | None = None,
    store: Store | None = None,
    sheets: Sequence[str] | None = None,
    skip_blank: bool = True,
) -> FormsResult:
    """Read and check every 费用报销单 of ``book`` (or the ``sheets`` given); read-only."""
    from neiqin.core.ledger import LedgerError

    settings = settings or Settings()
    today = today or dt.date.today()
    names = list(sheets) if sheets is not None else form_sheet_names(book)
    if not names:
        raise LedgerError(f"工作簿中没有名称以『{FORM_PREFIX}』开头的工作表；请按模板建立费用报销单")
    forms = [read_form(book, name) for name in names]
    if skip_blank:
        forms = [f for f in forms if not f.blank]
    standards, companion_issues, companion_sheets = read_standards(book, settings)
    by_sheet = check_forms(forms, settings, today, standards, store)
    issues = sort_issues([i for found in by_sheet.values() for i in found] + companion_issues)
    return FormsResult(forms, issues, by_sheet, standards, companion_sheets)


# --------------------------------------------------------------------------- the status machine

PENDING = frozenset({"待部门审批", "待初审", "初审退回", "财务退回"})
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({"待部门审批", "待初审", "初审通过", "初审退回"}),
    "待部门审批": frozenset({"待初审", "初审通过", "初审退回"}),
    "待初审": frozenset({"初审通过", "初审退回"}),
    "初审退回": frozenset({"待初审", "初审通过", "初审退回"}),
    "初审通过": frozenset({"已交财务", "初审退回"}),
    "已交财务": frozenset({"财务已审核", "财务退回", "已支付"}),
    "财务已审核": frozenset({"已支付", "财务退回"}),
    "财务退回": frozenset({"待初审", "初审通过", "初审退回"}),
    "已支付": frozenset(),
}
_WHY = {
    "已交财务": "已交财务的报销单由财务审核，内勤不能再初审或退回",
    "财务已审核": "财务已审核，只能付款或财务退回",
    "已支付": "已支付的报销单已经办结",
}
FINANCE_RESULTS = frozenset({"财务已审核", "财务退回", "已支付"})


def transition(old: str | None, new: str) -> str | None:
    """None when a claim may go from ``old`` to ``new``; else why not (Chinese)."""
    old = old or None
    allowed = TRANSITIONS.get(old)
    if allowed is None:
        return f"『{old}』不是报销状态"
    if new in allowed:
        return None
    if new == "已交财务":
        return "只有初审通过的报销单才能交财务"
    if old in _WHY:
        return _WHY[old]
    if new in FINANCE_RESULTS:
        return "报销单还没有交财务"
    return "不能跳过或倒退环节"


def normalise_status(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


__all__ = [
    "FORM_PREFIX",
    "RULES_VERSION",
    "CityTierRow",
    "ClaimRow",
    "ExpenseForm",
    "ExpenseLimitRow",
    "FormsResult",
    "Standards",
    "check_form",
    "check_forms",
    "claim_fingerprint",
    "form_invoices",
    "form_months",
    "form_sheet_names",
    "norm_header",
    "parse_form",
    "read_form",
    "standards_from",
    "transition",
    "validate_forms",
]
