"""Reading a clerk's ledger however it is laid out.

A ledger is found, not assumed: the sheet by name or by its headers, the header row
among the first rows (title rows, merged title cells and blank rows above it are
normal), every column by its header text or a synonym — never by column letter.
Cells are converted the way a clerk writes them (text dates, ¥ and thousands
separators, full-width digits, percentages, Chinese numerals); what cannot be
converted becomes an Issue at its Excel row, never an exception.

Real sheets hold more than a table: several documents stacked one under another (each with
its title, header, lines, an unlabelled subtotal and a footer of 合同号 / 备注 / 签收 lines),
two-row grouped headers, footers under the 合计 row, rows of non-breaking spaces, and values
outside the table (the order date only in the title row or in the file name). Rows that are
not lines are recognised, left out and listed with the reason (``Ledger.skip_reasons``); a
value taken from a title row or the file name is used for the lines of its document and said
so (``Ledger.notes``).

The whole used range is read in one call, so reading costs the same number of
workbook calls for ten rows as for a hundred thousand.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import itertools
import logging
import math
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from neiqin.base.errors import NeiQinError
from neiqin.base.perf import gc_paused
from neiqin.base.text import header_key as norm_header
from neiqin.base.text import nfkc
from neiqin.core.fields import WEAK_HEADERS
from neiqin.core.issues import CODES, Code, Issue, make_issue
from neiqin.core.kit import LedgerSpec, claimed_sheet_names, ledger, other_sheet_names
from neiqin.core.money import close
from neiqin.core.schema import ColumnSpec, LedgerRow
from neiqin.engine import merged_areas
from neiqin.engine.ooxml import ERROR_VALUES

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.config import Settings

ERRORS = frozenset(ERROR_VALUES)
log = logging.getLogger(__name__)
# A total label stands alone ("合计", "本月合计：", "合计(元)", "合计 12 行"), so a name that merely
# starts with the word (客户「汇总贸易有限公司」) is a line like any other.
_HAS_DIGIT = re.compile(r"\d")
_TOTAL_ROW = re.compile(
    r"^(本页|本月|本期|本年|全部|总)?(合计|总计|小计|共计|汇总)[:：]?([(（][^)）]*[)）])?[\d.,，行元¥￥]*$"
)


class LedgerError(NeiQinError):
    """A workbook or sheet that cannot be read as the ledger (unusable input)."""


def display(value: Any) -> str:
    """A cell value as the clerk sees it, for messages."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:  # all digits: 2026112600000001, not 2.0261126e+15
            return str(int(value))
        return f"{value:.10g}"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


# --------------------------------------------------------------------------- cells


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*[T ]\s*(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d+)?)?)?$"
)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WEEKDAY_RE = re.compile(r"[\s(（,，]*(?:星期|周|礼拜)[一二三四五六日天][)）]?\s*$")
_SERIAL_MIN = 18264  # 1950-01-01: smaller numbers in a date column are not dates
_SERIAL_MAX = 73050  # 2099-12-31
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


class CellProblem(Exception):
    """Why one cell could not be converted: an issue code and message values."""

    def __init__(self, code: Code, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


def _impossible(year: int, month: int, day: int, shown: str) -> CellProblem:
    if not 1 <= month <= 12:
        detail = f"没有 {month} 月"
    else:
        last = calendar.monthrange(year, month)[1]
        detail = f"{year} 年 {month} 月只有 {last} 天"
    return CellProblem(Code.LED_IMPOSSIBLE_DATE, value=shown, detail=detail)


def _make_date(y: int, m: int, d: int, shown: str, hh: int = 0, mm: int = 0, ss: int = 0) -> dt.datetime:
    try:
        return dt.datetime(y, m, d, hh, mm, ss)
    except ValueError:
        if 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
            raise CellProblem(Code.LED_BAD_DATE, value=shown) from None  # a bad time part
        raise _impossible(y, m, d, shown) from None


def parse_date(value: Any) -> dt.datetime | None:
    """A cell as a date(time); raises CellProblem when it is not one."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    shown = display(value)
    if isinstance(value, (bool, dt.time)):
        raise CellProblem(Code.LED_BAD_DATE, value=shown)
    if isinstance(value, (int, float)):
        v = float(value)
        if v.is_integer() and 19000101 <= v <= 29991231:
            s = str(int(v))
            return _make_date(int(s[:4]), int(s[4:6]), int(s[6:]), shown)
        if _SERIAL_MIN <= v <= _SERIAL_MAX:
            return _EXCEL_EPOCH + dt.timedelta(days=v)
        raise CellProblem(Code.LED_BAD_DATE, value=shown)
    text = nfkc(value).strip()
    text = _WEEKDAY_RE.sub("", text)
    m = _DATE_RE.match(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        hh, mi, ss = (int(m[i]) if m[i] else 0 for i in (4, 5, 6))
        return _make_date(y, mo, d, shown, hh, mi, ss)
    m = _COMPACT_RE.match(text)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), shown)
    raise CellProblem(Code.LED_BAD_DATE, value=shown)


_CURRENCY_PREFIX = re.compile(r"^(?:¥|\$|rmb|cny|人民币)\s*", re.I)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:元整?|块|rmb|cny)$", re.I)
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$", re.I)
_LEADING_DIGITS = re.compile(r"^[\d.,\s]+")
# thousands separators only in whole groups of three: 1,200.50 and 1 200 (not 12,34, 1.200,50, 1,2,3)
_GROUPED = re.compile(r"^\d{1,3}(?:(?:,\d{3})+|(?: \d{3})+)(?:\.\d+)?$")
_CHINESE_NUMBER = re.compile(r"^[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点.\d]+$")


def parse_number(value: Any) -> float | None:
    """A cell as a number; raises CellProblem when it is not one."""
    if value is None:
        return None
    t = type(value)
    if t is float:
        if math.isnan(value) or math.isinf(value):
            raise CellProblem(Code.LED_BAD_NUMBER, value=display(value))
        return value
    if t is int:
        return float(value)
    if t is bool or isinstance(value, (dt.date, dt.time)):
        raise CellProblem(Code.LED_BAD_NUMBER, value=display(value))
    shown = display(value)
    text = nfkc(value).strip()
    negative = False
    if len(text) > 2 and text[0] == "(" and text[-1] == ")":  # accounting style (1,200)
        negative, text = True, text[1:-1].strip()
    signs = int(negative)  # (1,200) counts as a sign
    if text[:1] in "+-" and len(text) > 1:
        negative ^= text[0] == "-"
        text = text[1:].strip()
        signs += 1
    text = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", text))
    if text[:1] in "+-" and len(text) > 1:  # ¥-1,200
        negative ^= text[0] == "-"
        text = text[1:].strip()
        signs += 1
    if signs > 1 or text[:1] in "+-":  # --5, +-5: not a number a clerk means
        raise CellProblem(Code.LED_BAD_NUMBER, value=shown)
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    compact = _ungroup(text, shown)
    number: float | None = None
    if _PLAIN_NUMBER.match(compact):
        number = float(compact)
    elif compact and _CHINESE_NUMBER.match(compact) and not compact.replace(".", "").isdigit():
        try:
            import cn2an

            number = float(cn2an.cn2an(compact, "smart"))
        except (ValueError, KeyError, IndexError):
            number = None
    if number is None or math.isnan(number) or math.isinf(number):
        raise CellProblem(Code.LED_BAD_NUMBER, value=shown)
    if percent:
        number /= 100
    return -number if negative else number


def _ungroup(text: str, shown: str) -> str:
    """The digits of ``text`` without thousands separators; ambiguous separators are a CellProblem.

    1,200.50 and 1 200 are clear; 1.200,50 (European), 12,34 or 1,2,3 could mean several
    numbers, so they are reported rather than silently read as 1.2005 or 1234.
    """
    if "," not in text and " " not in text:
        return text
    match = _LEADING_DIGITS.match(text)
    head = match.group().strip() if match else ""
    rest = text[match.end() :].strip() if match else text
    if ("," in head or " " in head) and not _GROUPED.match(head):
        raise CellProblem(Code.LED_AMBIGUOUS_NUMBER, value=shown)
    compact = head.replace(",", "").replace(" ", "") + rest
    if "," in compact or " " in compact:
        raise CellProblem(Code.LED_AMBIGUOUS_NUMBER, value=shown)
    return compact


def parse_text(value: Any) -> str | None:
    """A cell as text: numbers without '.0', dates as 2026-11-03, blanks as None.

    A number of 16 digits or more (an ID typed as a number) has already lost its last digits
    in Excel, which keeps 15 significant digits: that is a CellProblem, not a silent key.
    """
    if value is None:
        return None
    t = type(value)
    if t is str:
        return value.strip() or None
    if (t is float or t is int) and abs(value) >= 1e15:
        raise CellProblem(Code.LED_LOST_DIGITS, value=display(value))
    return display(value)


_CONVERTERS = {"date": parse_date, "number": parse_number, "text": parse_text}


_NONE = type(None)
_PLAIN = {
    "date": frozenset({dt.datetime, _NONE}),
    "number": frozenset({float, _NONE}),
    "text": frozenset({str, _NONE}),
}


def convert_cell(value: Any, kind: str) -> Any:
    """One cell as ``kind`` ('text', 'date', 'number'); raises CellProblem."""
    if value is None:
        return None
    if type(value) is str:
        if value in ERRORS:
            raise CellProblem(Code.LED_EXCEL_ERROR, value=value)
        if kind == "text":
            return value.strip() or None
        if not value.strip():
            return None
    return _CONVERTERS[kind](value)


def _needs_work(value: str) -> bool:
    return not value or value[0].isspace() or value[-1].isspace() or value in ERRORS


_EDGE_SPACES = (
    "\x00 ",
    " \x00",
    "\x00\u3000",
    "\u3000\x00",
    "\x00\t",
    "\t\x00",
    "\x00\n",
    "\n\x00",
    "\x00\r",
    "\r\x00",
    "\x00\xa0",
    "\xa0\x00",
)


def _clean_texts(values: set[Any]) -> bool:
    """True when no distinct text needs stripping and none is an Excel error (scans in C)."""
    if "" in values or not ERRORS.isdisjoint(values):
        return False
    joined = "\x00" + "\x00".join(filter(None, values)) + "\x00"
    return not any(edge in joined for edge in _EDGE_SPACES)


@dataclass
class Converted:
    """One converted column: values, problems by position, and its distinct raw values."""

    values: Sequence[Any]
    problems: list[tuple[int, CellProblem]]
    distinct: set[Any] | None = None  # kept for text columns (later checks reuse it)


def convert_column(values: Sequence[Any], kind: str) -> Converted:
    """Convert one column of cells to ``kind``.

    Cells that already have the column's type pass untouched, and every other
    distinct value is converted once — a ledger repeats its values — so a clean
    100,000-row column costs a type scan, not 100,000 parser calls.
    """
    types = set(map(type, values))
    plain = _PLAIN[kind]
    if types <= plain and kind != "text":
        return Converted(values, [])
    values = list(values)
    if bool in types:
        # True == 1 == 1.0, so a set of values would merge them: cell by cell
        out: list[Any] = [None] * len(values)
        problems: list[tuple[int, CellProblem]] = []
        for i, v in enumerate(values):
            try:
                out[i] = convert_cell(v, kind)
            except CellProblem as problem:
                problems.append((i, problem))
        return Converted(out, problems)
    distinct = set(values)
    keep = distinct if kind == "text" else None
    if kind == "text" and types <= plain and _clean_texts(distinct):
        return Converted(values, [], keep)
    special: dict[Any, Any] = {}
    bad: dict[Any, CellProblem] = {}
    for value in distinct:
        if value is None or (type(value) in plain and (kind != "text" or not _needs_work(value))):
            continue
        try:
            special[value] = convert_cell(value, kind)
        except CellProblem as problem:
            bad[value] = problem
            special[value] = None
    if not special:
        return Converted(values, [], keep)
    out = list(map(special.get, values, values))
    problems = [(i, bad[v]) for i, v in enumerate(values) if v in bad] if bad else []
    return Converted(out, problems, keep)


def _series(values: Sequence[Any], kind: str, index: pd.Index) -> pd.Series:
    if kind == "number":
        return pd.Series(np.array(values, dtype=float), index=index)
    if kind == "date":
        return pd.Series(pd.to_datetime(values).as_unit("us"), index=index)
    return pd.Series(values, index=index, dtype=object)


# --------------------------------------------------------------------------- ledger


@dataclass(frozen=True)
class LedgerColumn:
    field: str  # the schema's field name, or '' for a column NeiQin does not know
    header: str  # the header text as it appears in the clerk's sheet
    col: int  # Excel column number


@dataclass
class Ledger:
    """One ledger as read from a sheet: typed columns keyed by Excel row number."""

    name: str
    model: type[LedgerRow]
    sheet: str
    header_row: int
    columns: dict[str, LedgerColumn]
    extra_columns: list[LedgerColumn]
    frame: pd.DataFrame  # one column per known field; index = Excel row numbers
    raw: dict[str, Sequence[Any]]  # the cells as read, per known field, aligned with frame
    data: list[list[Any]]  # whole data rows as read (every column), aligned with frame
    issues: list[Issue] = field(default_factory=list)
    first_col: int = 1
    distinct: dict[str, set[Any]] = field(default_factory=dict)  # distinct cells of text columns
    skipped: list[int] = field(default_factory=list)  # non-blank rows not read as lines (合计, header again …)
    skip_reasons: dict[int, str] = field(default_factory=dict)  # Excel row -> why it is not a line
    derived: dict[str, str] = field(default_factory=dict)  # field without a column -> where its values came from
    notes: list[str] = field(default_factory=list)  # what the clerk should know about the reading (not issues)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def rows(self) -> list[int]:
        """Excel row numbers of the lines (cached: checks index it line by line)."""
        cached = self.__dict__.get("_rows")
        if cached is None or cached[0] is not self.frame.index:
            cached = (self.frame.index, self.frame.index.tolist())
            self.__dict__["_rows"] = cached
        return cached[1]

    def has(self, field_name: str) -> bool:
        """The field has values: a column, or a value from a title row or the file name."""
        return field_name in self.columns or field_name in self.derived

    def skipped_rows(self) -> list[tuple[int, str]]:
        """(Excel row, reason) of every non-blank row that is not a line."""
        return [(row, self.skip_reasons.get(row, "")) for row in self.skipped]

    def reading_notes(self) -> list[str]:
        """What the clerk should know about how the sheet was read (not issues): values taken from a title
        row or the file name, and the rows left out because they are not lines, by reason."""
        notes = list(self.notes)
        if self.skipped:
            counts: dict[str, int] = {}
            for row in self.skipped:
                why = (self.skip_reasons.get(row) or "非数据行").split("（")[0]
                counts[why] = counts.get(why, 0) + 1
            reasons = "、".join(f"{why} {n:,} 行" for why, n in counts.items())
            notes.append(f"『{self.sheet}』有 {len(self.skipped):,} 行不是数据行，未读取：{reasons}")
        return notes

    def header(self, field_name: str) -> str:
        """The column's header as the clerk wrote it (the canonical one if absent)."""
        column = self.columns.get(field_name)
        return column.header if column else self.model.column(field_name).header

    def col(self, field_name: str) -> int:
        column = self.columns.get(field_name)
        return column.col if column else 0

    def issue(self, code: str, row: int, field_name: str, **values: Any) -> Issue:
        """An Issue at (row, the field's column) of this ledger."""
        return make_issue(code, self.sheet, row, self.header(field_name), col=self.col(field_name), **values)

    def raw_value(self, field_name: str, position: int) -> Any:
        return self.raw[field_name][position]


def _lookup(specs: Iterable[ColumnSpec]) -> dict[str, str]:
    """Header (as compared) -> field; a weak name (日期, 客户ID …) only where no field has it as a strong one."""
    table: dict[str, str] = {}
    weak: list[tuple[str, str]] = []
    for spec in specs:
        own = norm_header(spec.header)
        for name in (spec.header, *spec.synonyms, spec.field):
            k = norm_header(name)
            if k in WEAK_HEADERS and k != own:
                weak.append((k, spec.field))
            else:
                table.setdefault(k, spec.field)
    for k, field_name in weak:
        table.setdefault(k, field_name)
    return table


def _score(row: list[Any], table: dict[str, str], required: set[str]) -> tuple[int, int]:
    fields = {table.get(norm_header(v)) for v in row if isinstance(v, str) and v.strip()}
    fields.discard(None)
    return len(fields), len(fields & required)


def find_sheet(book: xw.Book, spec: LedgerSpec, scan_rows: int = 20) -> xw.Sheet:
    """The sheet holding the ledger: by its name (then its synonyms, in order; never another ledger's own
    sheet or a form's), else by the best matching header row."""
    sheets = list(book.sheets)
    by_name: dict[str, xw.Sheet] = {}
    for sheet in sheets:
        by_name.setdefault(norm_header(sheet.name), sheet)
    key = _named(spec, by_name)
    if key is not None:
        return by_name[key]
    form_prefixes = tuple(norm_header(p) for p in claimed_sheet_names(spec.name)[1])
    table = _lookup(spec.columns())
    required = {c.field for c in spec.columns() if c.required}
    others = {norm_header(n) for n in other_sheet_names(spec.name)}
    best, best_score = None, (0, 0)
    for sheet in sheets:
        key = norm_header(sheet.name)
        if key in others or (form_prefixes and key.startswith(form_prefixes)):
            continue  # another ledger's sheet (订单归档 looks like 订单台账, but is not it), or a form
        values = _head(sheet, scan_rows)
        for row in values:
            score = _score(row, table, required)
            if score[1] >= 2 and score > best_score:
                best, best_score = sheet, score
    if best is None:
        raise LedgerError(
            f"工作簿中没有『{spec.sheet}』工作表，也没有哪张工作表的表头像{spec.title}；"
            f"请把台账所在的工作表命名为『{spec.sheet}』"
        )
    return best


def _named(spec: LedgerSpec, keys: Iterable[str]) -> str | None:
    """The first of the ledger's names (its own, then its synonyms) among the sheets' ``keys``; a synonym
    that is another ledger's own sheet name, or starts like a form ledger's sheets, does not count."""
    present = set(keys)
    own, prefixes = claimed_sheet_names(spec.name)
    claimed = {norm_header(n) for n in own}
    form_prefixes = tuple(norm_header(p) for p in prefixes)
    for i, name in enumerate(spec.sheet_names):
        key = norm_header(name)
        if key in present and not (i and (key in claimed or key.startswith(form_prefixes))):
            return key
    return None


def sheet_of(book: xw.Book, spec: LedgerSpec) -> str | None:
    """The name of the ledger's sheet when the workbook has it by one of its names; None otherwise."""
    by_key: dict[str, str] = {}
    for s in book.sheets:
        by_key.setdefault(norm_header(s.name), s.name)
    key = _named(spec, by_key)
    return by_key[key] if key is not None else None


def _head(sheet: xw.Sheet, rows: int) -> list[list[Any]]:
    used = sheet.used_range
    nrows = used.shape[0]
    if used.row > rows:
        return []
    n = min(nrows, rows - used.row + 1)
    values = used[0:n, :].options(ndim=2).value
    return values or []


def read_ledger(
    book: xw.Book,
    name: str | LedgerSpec,
    settings: Settings | None = None,
    sheet: str | None = None,
) -> Ledger:
    """Read the table ledger ``name`` ('orders', …) from ``book``; raises LedgerError if unusable."""
    spec = name if isinstance(name, LedgerSpec) else ledger(name)
    assert spec.row is not None, f"{spec.name} is a form, not a table"
    scan_rows = settings.header_scan_rows if settings else 20
    if sheet is not None:
        if sheet not in [s.name for s in book.sheets]:
            raise LedgerError(f"工作簿中没有名为『{sheet}』的工作表")
        target = book.sheets[sheet]
    else:
        target = find_sheet(book, spec, scan_rows)
    used = target.used_range
    values = used.options(ndim=2, err_to_str=True).value or [[]]
    return parse_ledger(
        values,
        spec,
        target.name,
        first_row=used.row,
        first_col=used.column,
        scan_rows=scan_rows,
        merged=lambda blanks: merged_areas(target, used, blanks),
        source=_file_name(book),
    )


def _file_name(book: xw.Book) -> str:
    """The workbook's file name (a date in it may stand for a missing date column)."""
    try:
        return str(book.name)
    except Exception:  # an engine that cannot name the book: no date from the name
        return ""


def read_optional(book: xw.Book, name: str | LedgerSpec, settings: Settings | None = None) -> Ledger | None:
    """A companion ledger, when the workbook has its sheet (by one of its names); None otherwise."""
    spec = name if isinstance(name, LedgerSpec) else ledger(name)
    found = sheet_of(book, spec)
    return read_ledger(book, spec, settings, sheet=found) if found else None


Area = tuple[int, int, int, int]  # row1, col1, row2, col2 (1-based, inclusive)


def parse_ledger(
    values: list[list[Any]],
    spec: LedgerSpec | type[LedgerRow],
    sheet: str,
    first_row: int = 1,
    first_col: int = 1,
    scan_rows: int = 20,
    merged: Callable[[list[tuple[int, int]]], Iterable[Area]] | None = None,
    key: tuple[str, ...] = (),
    *,
    source: str = "",
    header_row: int | None = None,
    unknown_columns: bool = True,
    fill_merged: Iterable[str] = (),
    empty_text: bool = False,
) -> Ledger:
    """Build a Ledger from a sheet's values (a list of rows starting at first_row/first_col).

    ``merged(blanks)`` gives the sheet's merged areas; it is asked only when a required cell
    (or one of ``fill_merged``) is empty, and a vertically merged cell (订单编号 over the lines
    of one order) is then read as its value on every row of the merge.

    ``source`` is the file's name: a date in it (20251103售后出库单.xlsx) stands for a missing
    date column when no title row gives one. ``header_row`` (an Excel row) fixes the header row
    instead of finding it; ``unknown_columns=False`` lists columns the schema does not know
    without an issue (a mapped export has many). ``empty_text``: an empty cell may be '' (python-calamine's
    values as they come) as well as None.
    """
    if isinstance(spec, LedgerSpec):
        assert spec.row is not None
        model, name, key = spec.row, spec.name, spec.key
    else:  # a schema without a declaration (a report's mapping of an export)
        model, name = spec, ""
    options = _Options(source, header_row, unknown_columns, frozenset(fill_merged), empty_text)
    with gc_paused():
        return _parse_ledger(values, model, sheet, first_row, first_col, scan_rows, merged, name, key, options)


@dataclass(frozen=True)
class _Options:
    source: str = ""
    header_row: int | None = None
    unknown_columns: bool = True
    fill_merged: frozenset[str] = frozenset()
    empty_text: bool = False


def _unmerge(
    body: list[list[Any]],
    start: int,
    first_col: int,
    areas: Iterable[Area],
    columns: dict[str, LedgerColumn],
    sheet: str,
    empty_text: bool = False,
) -> list[Issue]:
    """Give each row of a vertical merge the merge's value (in place); one warning per column."""
    found: dict[int, list[tuple[int, int, Any]]] = defaultdict(list)
    for r1, c1, r2, _c2 in sorted(areas):
        top, j = r1 - start, c1 - first_col
        if r2 <= r1 or top < 0 or j < 0 or r2 - start >= len(body) or j >= len(body[top]):
            continue  # a title above the header, a header merged over two rows, a one-row merge
        value = body[top][j]
        if value is None or (empty_text and value == ""):
            continue
        for i in range(top + 1, r2 - start + 1):
            if body[i][j] is None or (empty_text and body[i][j] == ""):
                body[i] = list(body[i])
                body[i][j] = value
        found[c1].append((r1, r2, value))
    issues = []
    for column in columns.values():
        merges = found.get(column.col)
        if merges:
            r1, r2, value = merges[0]
            issues.append(
                make_issue(
                    Code.LED_MERGED_CELLS,
                    sheet,
                    r1,
                    column.header,
                    col=column.col,
                    count=len(merges),
                    first=r1,
                    last=r2,
                    value=display(value),
                )
            )
    return issues


def _parse_ledger(
    values: list[list[Any]],
    model: type[LedgerRow],
    sheet: str,
    first_row: int,
    first_col: int,
    scan_rows: int,
    merged: Callable[[list[tuple[int, int]]], Iterable[Area]] | None = None,
    name: str = "",
    key: tuple[str, ...] = (),
    options: _Options = _Options(),
) -> Ledger:
    specs = {c.field: c for c in model.columns()}
    table = _lookup(specs.values())
    required = {c.field for c in specs.values() if c.required}

    header_index, header_cells = _find_header(values, table, required, first_row, scan_rows, options.header_row)
    if header_index < 0:
        expected = "、".join(c.header for c in specs.values() if c.required)
        raise LedgerError(CODES[Code.LED_NO_HEADER].template.format(sheet=sheet, rows=scan_rows, expected=expected))
    header_row = first_row + header_index
    columns, extra, issues = _map_columns(header_cells, specs, table, sheet, header_row, first_col, options)

    key_field = key[0] if key else None
    key_pos = columns[key_field].col - first_col if key_field in columns else None
    body = values[header_index + 1 :]
    width = len(values[header_index])
    start = first_row + header_index + 1
    if merged is not None and body:
        blanks = [
            (start + i, column.col)
            for field_name, column in columns.items()
            if (specs[field_name].required or field_name in options.fill_merged) and column.col - first_col < width
            for i in _blank_positions(body, column.col - first_col, options.empty_text)
        ]
        if blanks:
            body = list(body)
            issues += _unmerge(body, start, first_col, merged(blanks), columns, sheet, options.empty_text)
    # Rows that may not be lines — blank, 合计, the header again, a subtotal, a title, a footer — have no key
    # or an odd one: a title or footer typed in the key column is Chinese text, an order number is not. So
    # 100,000 lines with ordinary keys cost one pass over their keys; without a key column, a count of
    # each row's empty cells finds the nearly empty ones.
    if key_pos is not None:
        keys = list(map(operator.itemgetter(key_pos), body))
        distinct_keys = set(keys)
        look = {i for i, k in enumerate(keys) if k is None} if None in distinct_keys else set()
        odd = {k for k in distinct_keys if type(k) is str and _odd_key(k, table, key_field)}
        if odd:
            look.update(i for i, k in enumerate(keys) if k in odd)
    else:
        nones = np.fromiter(map(list.count, body, itertools.repeat(None)), dtype=np.int64, count=len(body))
        if options.empty_text:
            nones += np.fromiter(map(list.count, body, itertools.repeat("")), dtype=np.int64, count=len(body))
        look = set(np.flatnonzero(nones >= width - 4).tolist())
    numbers = {column.col - first_col for f, column in columns.items() if specs[f].kind == "number"}
    numbers.discard(key_pos)
    known = {column.col - first_col for column in columns.values()}
    reasons = (
        _classify(body, sorted(look), width, key_pos, key_field, header_cells, table, numbers, known) if look else {}
    )
    skip_reasons: dict[int, str] = {}
    if reasons:
        keep = [i for i in range(len(body)) if i not in reasons]
        data = [body[i] for i in keep]
        rows = [start + i for i in keep]
        skip_reasons = {start + i: why for i, why in sorted(reasons.items()) if why}
    else:
        data = body
        rows = list(range(start, start + len(body)))

    index = pd.Index(rows, name="row", dtype="int64")
    if data and set(map(len, data)) != {width}:  # rows of different lengths (not from a range read)
        data = [list(r) + [None] * (width - len(r)) for r in data]
    frame_columns: dict[str, pd.Series] = {}
    raw: dict[str, Sequence[Any]] = {}
    distinct: dict[str, set[Any]] = {}
    for field_name, column in columns.items():
        spec = specs[field_name]
        pos = column.col - first_col
        cells = tuple(map(operator.itemgetter(pos), data))  # only the columns the schema knows
        converted = convert_column(cells, spec.kind)
        raw[field_name] = cells
        if converted.distinct is not None:
            distinct[field_name] = converted.distinct
        for position, problem in converted.problems:
            issues.append(
                make_issue(problem.code, sheet, rows[position], column.header, col=column.col, **problem.values)
            )
        frame_columns[field_name] = _series(converted.values, spec.kind, index)
    # values outside the table: a field the sheet has no column for, from a title row or the file name
    blocks = _blocks(values, header_index, first_row, reasons, start)
    derived, notes = _outside_values(blocks, rows, specs, columns, table, options.source, sheet)
    for field_name, (cells, _where) in derived.items():
        raw[field_name] = cells
        frame_columns[field_name] = _series(cells, specs[field_name].kind, index)
        for row, value in zip(rows, cells, strict=True):
            if value is None and specs[field_name].required:
                issues.append(make_issue(Code.LED_REQUIRED, sheet, row, specs[field_name].header))
    for spec in specs.values():
        if (spec.required or spec.expected) and spec.field not in columns and spec.field not in derived:
            issues.append(
                make_issue(
                    Code.LED_MISSING_COLUMN,
                    sheet,
                    header_row,
                    spec.header,
                    synonyms="、".join(spec.synonyms) or "无",
                )
            )
    frame = pd.DataFrame(frame_columns, index=index, copy=False)
    return Ledger(
        name=name,
        model=model,
        sheet=sheet,
        header_row=header_row,
        columns=columns,
        extra_columns=extra,
        frame=frame,
        raw=raw,
        data=data,
        issues=issues,
        first_col=first_col,
        distinct=distinct,
        skipped=sorted(skip_reasons),
        skip_reasons=skip_reasons,
        derived={f: where for f, (_cells, where) in derived.items()},
        notes=notes,
    )


# --------------------------------------------------------------------------- the header row


def _blankish(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def _with_group_row(values: list[list[Any]], i: int, table: dict[str, str]) -> list[Any]:
    """Row ``i`` as a header: a blank cell under a known header of the row above takes that header.

    Two-row headers group columns (基本信息 / 处理流程 above 单号, 日期 …); a column header merged
    down over both rows is in the upper row only.
    """
    row = values[i]
    if i == 0 or not any(_blankish(v) for v in row):
        return row
    above = values[i - 1]
    filled = list(row)
    for j, v in enumerate(row):
        if _blankish(v) and j < len(above):
            up = above[j]
            if type(up) is str and up.strip() and table.get(norm_header(up)):
                filled[j] = up
    return filled


def _find_header(
    values: list[list[Any]],
    table: dict[str, str],
    required: set[str],
    first_row: int,
    scan_rows: int,
    fixed: int | None,
) -> tuple[int, list[Any]]:
    """The header row's index in ``values`` (-1 when none) and its cells (two-row headers combined)."""
    if fixed is not None:
        i = fixed - first_row
        if not 0 <= i < len(values):
            return -1, []
        return i, _with_group_row(values, i, table)
    best_index, best, best_cells = -1, (0, 0), []
    for i, row in enumerate(values[: max(0, scan_rows - first_row + 1)]):
        own = _score(row, table, required)
        if own[0] == 0:
            continue
        cells = _with_group_row(values, i, table)
        score = _score(cells, table, required) if cells is not row else own
        if score > best:
            best_index, best, best_cells = i, score, cells
    if best[0] < 2 or best[1] < 1:
        return -1, []
    return best_index, best_cells


# a column a ledger has no field for, and that says nothing a check needs: no issue
_QUIET = re.compile(
    r"^(?:单位|计量单位|单位名称|主单位|基本单位|销售单位|库存单位|备注\d*|附注|摘要|说明\d*|行备注|序号|行号|"
    r"remarks?|notes?|comments?|memo|uom|units?|no)$"
)


def _map_columns(
    header_cells: Sequence[Any],
    specs: dict[str, ColumnSpec],
    table: dict[str, str],
    sheet: str,
    header_row: int,
    first_col: int,
    options: _Options,
) -> tuple[dict[str, LedgerColumn], list[LedgerColumn], list[Issue]]:
    """Each known field's column (by header and synonyms), the other columns, and what to say about them.

    Two columns of one field: a weak name (日期, 编号, 应发数量 …) gives way to a stronger one
    quietly; two of the same strength are an issue naming both (the first one is read).
    """
    issues: list[Issue] = []
    extra: list[LedgerColumn] = []
    found: dict[str, list[tuple[int, LedgerColumn]]] = defaultdict(list)
    suggestions = _suggestion_names(specs.values())
    for j, cell in enumerate(header_cells):
        if _blankish(cell):
            continue
        header = display(cell).strip()
        col = first_col + j
        k = norm_header(cell)
        field_name = table.get(k)
        if field_name is None:
            extra.append(LedgerColumn("", header, col))
            if options.unknown_columns and not _QUIET.match(k):
                issues.append(
                    make_issue(
                        Code.LED_UNKNOWN_COLUMN,
                        sheet,
                        header_row,
                        header,
                        col=col,
                        suggestion=_suggest(header, suggestions),
                    )
                )
            continue
        weak = k in WEAK_HEADERS and k != norm_header(specs[field_name].header)
        found[field_name].append((int(weak), LedgerColumn(field_name, header, col)))
    columns: dict[str, LedgerColumn] = {}
    for field_name, candidates in found.items():
        strength = min(rank for rank, _ in candidates)
        chosen = next(c for rank, c in candidates if rank == strength)
        columns[field_name] = chosen
        for rank, column in candidates:
            if column is chosen:
                continue
            extra.append(LedgerColumn("", column.header, column.col))
            if rank == strength:
                issues.append(
                    make_issue(
                        Code.LED_DUPLICATE_COLUMN,
                        sheet,
                        header_row,
                        column.header,
                        col=column.col,
                        other=chosen.header,
                        letter=column_letter(column.col),
                        other_letter=column_letter(chosen.col),
                        meaning=f"「{specs[field_name].header}」",
                    )
                )
    extra.sort(key=lambda c: c.col)
    return dict(sorted(columns.items(), key=lambda item: item[1].col)), extra, issues


def column_letter(col: int) -> str:
    """A column number as Excel's letters (28 -> AB)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------- rows that are not lines

SKIP_BLANK = "空白行（只有空格）"
SKIP_TOTAL = "合计行"
SKIP_SUBTOTAL = "小计行（等于上方各行之和）"
SKIP_HEADER = "重复的表头行"
SKIP_TITLE = "标题行"
SKIP_FOOTER = "表尾（合同号、备注、签收等）"
SKIP_OUTSIDE = "表外内容（不在任何已知列中）"
_EMPTY = ""  # a row of empty cells: not a line, and not worth listing

_CJK = re.compile(r"[\u3400-\u9fff]")
_LABEL_VALUE = re.compile(r"^\s*([^\d\s:][^:]{0,15}?)\s*:\s*(.*?)\s*$", re.S)
_FOOTER_WORD = re.compile(
    r"^(?:备注\d*|附注|合同号|合同编号|是否.{1,12}|发件人|发货人|收件人|收货人|签收人?|签收日期|签字|签名|签章|盖章|"
    r"制表人?|制单人?|审核人?|审批人?|经办人?|送货人|联系人|联系电话|电话|手机|地址|复核人?|开单人?|仓管员?|库管员?|"
    r"客户签字|客户签收|客户确认|收货确认|验收人?|验收意见)$"
)


def _is_total(text: str) -> bool:
    return bool(_TOTAL_ROW.match(text.replace(" ", "").replace("\u3000", "")))


def _filled(row: Sequence[Any]) -> list[Any]:
    return [v for v in row if v is not None and not (type(v) is str and not v.strip())]


def _label_of(text: str) -> str:
    """The label of ``标签：值`` (or the whole text), as headers are compared."""
    t = nfkc(text)
    m = _LABEL_VALUE.match(t)
    return norm_header(m.group(1) if m else t)


def _footer_like(row: Sequence[Any], filled: list[Any]) -> bool:
    """合同号：…, 备注1 …, 是否安装调试验收 …, 发件人 …, 签收 …: a footer label first in the row."""
    first = filled[0]
    return type(first) is str and len(filled) <= 4 and bool(_FOOTER_WORD.match(_label_of(first)))


def _texty(filled: list[Any]) -> bool:
    return all(type(v) is str or isinstance(v, dt.date) for v in filled)


def _title_like(row: Sequence[Any], filled: list[Any], key_pos: int | None, width: int) -> bool:
    """A title (送货单 / 2025年11月26日订单): one or two texts in a wide row, no ID in the key column."""
    if len(filled) > 2 or len(filled) * 3 > width or not _texty(filled) or _footer_like(row, filled):
        return False
    key = row[key_pos] if key_pos is not None else None
    return key is None or (type(key) is str and (not key.strip() or bool(_CJK.search(key))))


def _header_again(row: Sequence[Any], header: Sequence[Any], filled: list[Any], table: dict[str, str]) -> bool:
    same = sum(
        1
        for v, h in zip(row, header, strict=False)
        if type(v) is str and type(h) is str and norm_header(v) == norm_header(h)
    )
    if same >= 2 and same * 2 >= len(filled):
        return True
    known = sum(1 for v in filled if type(v) is str and table.get(norm_header(v)))
    return known >= 3 and known * 2 >= len(filled)


def _total_row(row: Sequence[Any], key: Any, filled: list[Any]) -> bool:
    """合计 typed under the key, or (no key) in the first filled cells; never in a 备注 further right."""
    if type(key) is str and _is_total(key):
        return True
    return key is None and any(type(v) is str and _is_total(v) for v in filled[:3])


def _number(value: Any) -> float | None:
    if type(value) is float or type(value) is int:
        return float(value)
    if type(value) is str:
        try:
            return parse_number(value)
        except CellProblem:
            return None
    return None


def _subtotal(body: list[list[Any]], i: int, block: int, numbers: set[int], reasons: dict[int, str]) -> bool:
    """An unlabelled subtotal: only number cells, each equal to the sum of its column over the block's lines."""
    row = body[i]
    positions = [j for j, v in enumerate(row) if v is not None and not (type(v) is str and not v.strip())]
    if not positions or len(positions) > 3 or not set(positions) <= numbers:
        return False
    for j in positions:
        value = _number(row[j])
        if value is None:
            return False
        total, lines = 0.0, 0
        for r in range(block, i):
            if r in reasons:
                continue
            cell = _number(body[r][j]) if j < len(body[r]) else None
            if cell is not None:
                total += cell
                lines += 1
        if lines == 0 or not close(total, value):
            return False
    return True


def _odd_key(key: str, table: dict[str, str], key_field: str | None) -> bool:
    """A key cell that may not name a line: blank text, a label (合同号：…), Chinese text (a title or a
    footer typed in the key column), 合计, or the key's own header repeated."""
    if key.isascii() and ":" not in key and _HAS_DIGIT.search(key):
        return False  # an ordinary order number (SO-2026-0001): no CJK, no label, a digit, so not blank
    if not key.strip() or ":" in key or "：" in key or _CJK.search(key):
        return True
    return (not _HAS_DIGIT.search(key) or key.lstrip()[:1] in "合总小共汇本全") and (
        _is_total(key) or table.get(norm_header(key)) == key_field
    )


def _classify(
    body: list[list[Any]],
    candidates: list[int],
    width: int,
    key_pos: int | None,
    key_field: str | None,
    header: Sequence[Any],
    table: dict[str, str],
    numbers: set[int],
    known: set[int],
) -> dict[int, str]:
    """Why each row of ``body`` that is not a line is left out (body index -> reason; '' = empty row).

    Several documents stacked in one sheet (delivery notes, each with its title, header, lines,
    an unlabelled subtotal and a footer) and a single ledger with a 合计 row and signatures
    under it are read alike: repeated headers, totals, subtotals, titles above a repeated
    header and footers are recognised, left out and listed — never read as lines.
    """
    reasons: dict[int, str] = {}
    fills: dict[int, list[Any]] = {}
    block = 0  # first row of the current block (after a header, a total or a subtotal)
    for i in candidates:
        row = body[i]
        filled = _filled(row)
        fills[i] = filled
        if not filled:
            reasons[i] = SKIP_BLANK if any(v is not None and v != "" for v in row) else _EMPTY
            continue
        key = row[key_pos] if key_pos is not None else None
        if _blankish(key):
            key = None
        if (
            key is not None
            and len(filled) > 4
            and not (type(key) is str and (_is_total(key) or table.get(norm_header(key)) == key_field))
        ):
            continue  # a full line with a key (a Chinese one): a line
        if known and not any(j in known and not _blankish(v) for j, v in enumerate(row)):
            reasons[i] = SKIP_OUTSIDE  # a note beside the table: nothing in any column of the ledger
            continue
        if _header_again(row, header, filled, table):
            reasons[i], block = SKIP_HEADER, i + 1
        elif _total_row(row, key, filled):
            reasons[i], block = SKIP_TOTAL, i + 1
        elif key is None and _subtotal(body, i, block, numbers, reasons):
            reasons[i], block = SKIP_SUBTOTAL, i + 1
    looked = set(candidates)
    # titles: the rows right above a repeated header (blank rows between them allowed)
    for h in [i for i, why in reasons.items() if why == SKIP_HEADER]:
        j = h - 1
        while j >= 0 and j in looked:
            why = reasons.get(j)
            if why in (_EMPTY, SKIP_BLANK, SKIP_TITLE):
                j -= 1
                continue
            if why is None and _title_like(body[j], fills[j], key_pos, width):
                reasons[j] = SKIP_TITLE
                j -= 1
                continue
            break
    # footers: a footer label anywhere; and under a total, whatever text follows it up to the next line
    zone, previous = False, -2
    for i in candidates:
        if i != previous + 1:
            zone = False
        previous = i
        why = reasons.get(i)
        if why in (SKIP_TOTAL, SKIP_SUBTOTAL):
            zone = True
        elif why == SKIP_HEADER:
            zone = False
        elif why is None:
            row, filled = body[i], fills[i]
            key = row[key_pos] if key_pos is not None else None
            no_id = _blankish(key) or (type(key) is str and bool(_CJK.search(key) or ":" in nfkc(key)))
            if _footer_like(row, filled) or (zone and no_id and len(filled) <= 4 and _texty(filled)):
                reasons[i] = SKIP_FOOTER
                zone = True
            else:
                zone = False
    return reasons


def _blank_positions(body: list[list[Any]], pos: int, empty_text: bool = False) -> list[int]:
    cells = list(map(operator.itemgetter(pos), body))
    if empty_text and "" in cells:
        return [i for i, v in enumerate(cells) if v is None or v == ""]
    return [i for i, v in enumerate(cells) if v is None] if None in cells else []


# --------------------------------------------------------------------------- values outside the table

_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_COMPACT_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_text(text: str) -> dt.datetime | None:
    """The first real date written inside a text: 2025年11月26日订单, 20251103售后出库单, 送货单 2025.11.26."""
    t = nfkc(text)
    for pattern in (_DATE_IN_TEXT, _COMPACT_IN_TEXT):
        for m in pattern.finditer(t):
            try:
                return dt.datetime(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
    return None


@dataclass
class _Block:
    """One document of a sheet: its title rows (Excel row, cells) and the Excel rows its lines may have."""

    titles: list[tuple[int, list[Any]]]
    first: int  # first Excel row after its header
    last: int  # last Excel row before the next document's title or header


def _blocks(
    values: list[list[Any]], header_index: int, first_row: int, reasons: dict[int, str], start: int
) -> list[_Block]:
    """The documents of a sheet: the first under the sheet's header, one more under each repeated header."""
    titles = [(first_row + i, values[i]) for i in range(header_index) if _filled(values[i])]
    blocks = [_Block(titles, start, first_row + len(values) - 1)]
    headers = sorted(i for i, why in reasons.items() if why == SKIP_HEADER)
    body = values[header_index + 1 :]
    for h in headers:
        above, j = [], h - 1
        while j >= 0 and reasons.get(j) in (_EMPTY, SKIP_BLANK, SKIP_TITLE):
            if reasons.get(j) == SKIP_TITLE:
                above.append((start + j, body[j]))
            j -= 1
        blocks[-1].last = start + j
        blocks.append(_Block(sorted(above), start + h + 1, first_row + len(values) - 1))
    return blocks


def _title_values(titles: list[tuple[int, list[Any]]], table: dict[str, str]) -> list[tuple[str | None, Any, int, str]]:
    """What title rows say: (field, value, Excel row, text) for 标签：值 pairs of known fields and
    (None, date, row, text) for a date without a label (2025年11月26日订单)."""
    found: list[tuple[str | None, Any, int, str]] = []
    for row, cells in titles:
        items = [v for v in cells if not _blankish(v)]
        k = 0
        while k < len(items):
            v = items[k]
            k += 1
            if isinstance(v, dt.date):
                found.append((None, v, row, display(v)))
                continue
            if type(v) is not str:
                continue
            text = nfkc(v).strip()
            m = _LABEL_VALUE.match(text)
            label, value = (m.group(1), m.group(2)) if m else (text, "")
            field_name = table.get(norm_header(label))
            if field_name is not None and (m or k < len(items)):
                if not value and k < len(items):
                    value = items[k]
                    k += 1
                found.append((field_name, value, row, f"{label}：{display(value)}"))
                continue
            if m is None or not value:
                day = date_in_text(text)
                if day is not None and m is None:
                    found.append((None, day, row, text))
    return found


def _outside_values(
    blocks: list[_Block],
    rows: list[int],
    specs: dict[str, ColumnSpec],
    columns: dict[str, LedgerColumn],
    table: dict[str, str],
    source: str,
    sheet: str,
) -> tuple[dict[str, tuple[list[Any], str]], list[str]]:
    """Fields the sheet has no column for, filled from each document's title rows or the file name.

    A 标签：值 in a title (客户：甲公司) fills its field; a date without a label (2025年11月26日订单)
    fills the first required date field (接单日期); the file name's date fills it for documents
    whose title has none. Returns field -> (a value per line, where it came from) and notes.
    """
    missing = [f for f in specs if f not in columns]
    if not missing or not rows:
        return {}, []
    date_field = next((f for f in missing if specs[f].kind == "date" and specs[f].required), None)
    from_name = date_in_text(Path(source).stem) if source and date_field else None
    per_block: list[dict[str, tuple[Any, str]]] = []
    for block in blocks:
        got: dict[str, tuple[Any, str]] = {}
        for field_name, value, row, text in _title_values(block.titles, table):
            target = field_name if field_name is not None else date_field
            if target is None or target not in missing or target in got:
                continue
            try:
                converted = convert_cell(value, specs[target].kind)
            except CellProblem:
                continue
            if converted is not None:
                got[target] = (converted, f"标题行（第 {row} 行『{text}』）")
        if date_field and date_field not in got and from_name is not None:
            got[date_field] = (from_name, f"文件名『{Path(source).name}』")
        per_block.append(got)
    fields = {f for got in per_block for f in got}
    if not fields:
        return {}, []
    firsts = [b.first for b in blocks]
    owner = [max(0, bisect.bisect_right(firsts, r) - 1) for r in rows]
    derived: dict[str, tuple[list[Any], str]] = {}
    notes: list[str] = []
    for field_name in [f for f in missing if f in fields]:
        cells = [per_block[b].get(field_name, (None, ""))[0] for b in owner]
        used: dict[str, list[int]] = {}
        for r, b in zip(rows, owner, strict=True):
            where = per_block[b].get(field_name, (None, ""))[1]
            if where:
                used.setdefault(where, []).append(r)
        header = specs[field_name].header
        parts = []
        for where, rs in used.items():
            value = per_block[owner[rows.index(rs[0])]][field_name][0]
            span = f"第 {rs[0]} 行" if len(rs) == 1 else f"第 {rs[0]}–{rs[-1]} 行"
            parts.append(f"{span}按{where}取 {display(value)}")
        shown = "；".join(parts[:3]) + (f"；……共 {len(parts)} 处" if len(parts) > 3 else "")
        notes.append(f"『{sheet}』没有「{header}」列：{shown}")
        derived[field_name] = (cells, "；".join(parts))
    return derived, notes


# --------------------------------------------------------------------------- suggestions


def _suggestion_names(specs: Iterable[ColumnSpec]) -> dict[str, str]:
    """Every header and synonym (as compared) -> the canonical header it stands for."""
    names: dict[str, str] = {}
    for spec in specs:
        for name in (spec.header, *spec.synonyms):
            names.setdefault(norm_header(name), spec.header)
    return names


def _suggest(header: str, names: dict[str, str]) -> str:
    """「是否为『数量』？」 for a header close to a known header or synonym (实发数 → 数量)."""
    try:
        from rapidfuzz import fuzz, process
    except ImportError:  # pragma: no cover
        return ""
    match = process.extractOne(norm_header(header), list(names), scorer=fuzz.ratio)
    if match and match[1] >= 70:
        return f"；是否为「{names[match[0]]}」？如是请改为该列名"
    return ""
