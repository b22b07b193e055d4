"""Reading a clerk's ledger however it is laid out.

A ledger is found, not assumed: the sheet by name or by its headers, the header row
among the first rows (title rows, merged title cells and blank rows above it are
normal), every column by its header text or a synonym — never by column letter.
Cells are converted the way a clerk writes them (text dates, ¥ and thousands
separators, full-width digits, percentages, Chinese numerals); what cannot be
converted becomes an Issue at its Excel row, never an exception.

The whole used range is read in one call, so reading costs the same number of
workbook calls for ten rows as for a hundred thousand.
"""

from __future__ import annotations

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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from neiqin.base.errors import NeiQinError
from neiqin.base.perf import gc_paused
from neiqin.base.text import header_key as norm_header
from neiqin.base.text import nfkc
from neiqin.core.issues import CODES, Code, Issue, make_issue
from neiqin.core.kit import LedgerSpec, ledger, other_sheet_names
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
    skipped: list[int] = field(default_factory=list)  # non-blank rows not read as lines (合计, header again)

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
        return field_name in self.columns

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
    table: dict[str, str] = {}
    for spec in specs:
        for name in (spec.header, *spec.synonyms, spec.field):
            table.setdefault(norm_header(name), spec.field)
    return table


def _score(row: list[Any], table: dict[str, str], required: set[str]) -> tuple[int, int]:
    fields = {table.get(norm_header(v)) for v in row if isinstance(v, str) and v.strip()}
    fields.discard(None)
    return len(fields), len(fields & required)


def find_sheet(book: xw.Book, spec: LedgerSpec, scan_rows: int = 20) -> xw.Sheet:
    """The sheet holding the ledger: by its name, else by the best matching header row."""
    names = {norm_header(n) for n in spec.sheet_names}
    sheets = list(book.sheets)
    for sheet in sheets:
        if norm_header(sheet.name) in names:
            return sheet
    table = _lookup(spec.columns())
    required = {c.field for c in spec.columns() if c.required}
    others = {norm_header(n) for n in other_sheet_names(spec.name)}
    best, best_score = None, (0, 0)
    for sheet in sheets:
        if norm_header(sheet.name) in others:
            continue  # another ledger's sheet (订单归档 looks like 订单台账, but is not it)
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


def sheet_of(book: xw.Book, spec: LedgerSpec) -> str | None:
    """The name of the ledger's sheet when the workbook has it by one of its names; None otherwise."""
    by_key = {norm_header(s.name): s.name for s in book.sheets}
    return next((by_key[k] for k in (norm_header(n) for n in spec.sheet_names) if k in by_key), None)


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
    )


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
) -> Ledger:
    """Build a Ledger from a sheet's values (a list of rows starting at first_row/first_col).

    ``merged(blanks)`` gives the sheet's merged areas; it is asked only when a required cell
    is empty, and a vertically merged cell (订单编号 over the lines of one order) is then
    read as its value on every row of the merge.
    """
    if isinstance(spec, LedgerSpec):
        assert spec.row is not None
        model, name, key = spec.row, spec.name, spec.key
    else:  # a schema without a declaration (a report's mapping of an export)
        model, name = spec, ""
    with gc_paused():
        return _parse_ledger(values, model, sheet, first_row, first_col, scan_rows, merged, name, key)


def _unmerge(
    body: list[list[Any]],
    start: int,
    first_col: int,
    areas: Iterable[Area],
    columns: dict[str, LedgerColumn],
    sheet: str,
) -> list[Issue]:
    """Give each row of a vertical merge the merge's value (in place); one warning per column."""
    found: dict[int, list[tuple[int, int, Any]]] = defaultdict(list)
    for r1, c1, r2, _c2 in sorted(areas):
        top, j = r1 - start, c1 - first_col
        if r2 <= r1 or top < 0 or j < 0 or r2 - start >= len(body) or j >= len(body[top]):
            continue  # a title above the header, a header merged over two rows, a one-row merge
        value = body[top][j]
        if value is None:
            continue
        for i in range(top + 1, r2 - start + 1):
            if body[i][j] is None:
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
) -> Ledger:
    specs = {c.field: c for c in model.columns()}
    table = _lookup(specs.values())
    required = {c.field for c in specs.values() if c.required}

    header_index, best = -1, (0, 0)
    for i, row in enumerate(values[: max(0, scan_rows - first_row + 1)]):
        score = _score(row, table, required)
        if score > best:
            header_index, best = i, score
    if header_index < 0 or best[0] < 2 or best[1] < 1:
        expected = "、".join(c.header for c in specs.values() if c.required)
        raise LedgerError(CODES[Code.LED_NO_HEADER].template.format(sheet=sheet, rows=scan_rows, expected=expected))
    header_row = first_row + header_index
    issues: list[Issue] = []
    columns: dict[str, LedgerColumn] = {}
    extra: list[LedgerColumn] = []
    names_for_suggestion = {c.header: c.field for c in specs.values()}
    for j, cell in enumerate(values[header_index]):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        header = display(cell).strip()
        col = first_col + j
        field_name = table.get(norm_header(cell))
        if field_name is None:
            extra.append(LedgerColumn("", header, col))
            issues.append(
                make_issue(
                    Code.LED_UNKNOWN_COLUMN,
                    sheet,
                    header_row,
                    header,
                    col=col,
                    suggestion=_suggest(header, names_for_suggestion),
                )
            )
        elif field_name in columns:
            first = columns[field_name]
            extra.append(LedgerColumn("", header, col))
            issues.append(
                make_issue(
                    Code.LED_DUPLICATE_COLUMN,
                    sheet,
                    header_row,
                    header,
                    col=col,
                    other=first.header,
                    meaning=f"「{specs[field_name].header}」",
                )
            )
        else:
            columns[field_name] = LedgerColumn(field_name, header, col)
    for spec in specs.values():
        if (spec.required or spec.expected) and spec.field not in columns:
            issues.append(
                make_issue(
                    Code.LED_MISSING_COLUMN,
                    sheet,
                    header_row,
                    spec.header,
                    synonyms="、".join(spec.synonyms) or "无",
                )
            )

    key_field = key[0] if key else None
    key_pos = columns[key_field].col - first_col if key_field in columns else None
    body = values[header_index + 1 :]
    width = len(values[header_index])
    start = first_row + header_index + 1
    if merged is not None and body:
        blanks = [
            (start + i, column.col)
            for field_name, column in columns.items()
            if specs[field_name].required and column.col - first_col < width
            for i in _blank_positions(body, column.col - first_col)
        ]
        if blanks:
            body = list(body)
            issues += _unmerge(body, start, first_col, merged(blanks), columns, sheet)
    # Only nearly empty rows, rows without a key and odd keys need a closer look (blank, 合计, header again).
    nones = list(map(list.count, body, itertools.repeat(None)))
    look = {i for i, n in enumerate(nones) if width - n <= 3}
    if key_pos is not None:
        keys = list(map(operator.itemgetter(key_pos), body))
        look.update(i for i, k in enumerate(keys) if k is None)
        # a key with a digit is an order number, never a 合计 label or a header: 100,000 keys, few looked at
        odd = {
            k
            for k in set(keys)
            if type(k) is str
            and (not _HAS_DIGIT.search(k) or k.lstrip()[:1] in "合总小共汇本全")
            and (_is_total(k) or table.get(norm_header(k)) == key_field)
        }
        if odd:
            look.update(i for i, k in enumerate(keys) if k in odd)
    header_cells = values[header_index]
    drop = {i for i in look if _skip_row(body[i], key_pos, header_cells)}
    skipped: list[int] = []
    if drop:
        keep = [i for i in range(len(body)) if i not in drop]
        data = [body[i] for i in keep]
        rows = [start + i for i in keep]
        skipped = sorted(start + i for i in drop if nones[i] < width)
    else:
        data = body
        rows = list(range(start, start + len(body)))

    index = pd.Index(rows, name="row", dtype="int64")
    if any(len(r) != width for r in data):  # rows of different lengths (not from a range read)
        data = [list(r) + [None] * (width - len(r)) for r in data]
    by_column = list(zip(*data, strict=True)) if data else [()] * width
    frame_columns: dict[str, pd.Series] = {}
    raw: dict[str, Sequence[Any]] = {}
    distinct: dict[str, set[Any]] = {}
    for field_name, column in columns.items():
        spec = specs[field_name]
        pos = column.col - first_col
        cells = by_column[pos]
        converted = convert_column(cells, spec.kind)
        raw[field_name] = cells
        if converted.distinct is not None:
            distinct[field_name] = converted.distinct
        for position, problem in converted.problems:
            issues.append(
                make_issue(problem.code, sheet, rows[position], column.header, col=column.col, **problem.values)
            )
        frame_columns[field_name] = _series(converted.values, spec.kind, index)
    frame = pd.DataFrame(frame_columns, index=index)
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
        skipped=skipped,
    )


def _blank_positions(body: list[list[Any]], pos: int) -> list[int]:
    cells = list(map(operator.itemgetter(pos), body))
    return [i for i, v in enumerate(cells) if v is None] if None in cells else []


def _is_total(text: str) -> bool:
    return bool(_TOTAL_ROW.match(text.replace(" ", "").replace("\u3000", "")))


def _skip_row(row: list[Any], key_pos: int | None, header: Sequence[Any] = ()) -> bool:
    """A row that is not a ledger line: only blanks, a 合计/汇总 row, or the header row repeated.

    A total is recognised in the key column (合计 typed under the 订单编号) or, when the key
    is empty, in the first filled cells of the row; never in a 备注 further right.
    """
    filled = [v for v in row if v is not None and not (type(v) is str and not v.strip())]
    if not filled:
        return True
    key = row[key_pos] if key_pos is not None else None
    if type(key) is str and _is_total(key):
        return True
    same = sum(
        1
        for v, h in zip(row, header, strict=False)
        if type(v) is str and type(h) is str and norm_header(v) == norm_header(h)
    )
    if same >= 2 and same * 2 >= len(filled):
        return True
    return key is None and any(type(v) is str and _is_total(v) for v in filled[:3])


def _suggest(header: str, names: dict[str, str]) -> str:
    try:
        from rapidfuzz import fuzz, process
    except ImportError:  # pragma: no cover
        return ""
    match = process.extractOne(norm_header(header), {h: norm_header(h) for h in names}.values(), scorer=fuzz.ratio)
    if match and match[1] >= 60:
        canonical = next(h for h in names if norm_header(h) == match[0])
        return f"；是否为「{canonical}」？如是请改为该列名"
    return ""
