"""``neiqin import-ledger``: a clerk's existing ledger into NeiQin.xlsm, by header matching.

The source is read like every ledger (:func:`neiqin.core.ledger.read_ledger`): columns by name
and synonym, repeated headers, subtotals, totals, footers and blank rows left out (and counted
by reason), a date from a title row or the file name where the source has no date column.
What is written are *values* in the ledger's formats — dates as dates, numbers as numbers —
never the source's text (「2026年11月3日」, 「１０」, 「¥1,850.00」 or 「二十」 become a date and
numbers); a cell that cannot be converted is copied as typed and listed, so nothing the clerk
wrote is lost. Text is never written as a formula (:func:`neiqin.core.sheetio.append_rows`).

Importing the same file again adds nothing twice: a line is known by its 订单编号 + 产品编码 +
occurrence (the second identical pair in an order is its second line), or by its whole content
when the source has no 订单编号. The source file is only read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neiqin.base.errors import NeiQinError
from neiqin.base.text import fold
from neiqin.core import kit
from neiqin.core.canonical import canonical_value
from neiqin.core.issues import Code, Issue
from neiqin.core.ledger import Ledger, LedgerError, find_sheet, read_ledger
from neiqin.core.sheetio import append_rows
from neiqin.engine import open_book


class NothingToImport(NeiQinError):
    """The source has no line that could be imported (unusable input)."""


@dataclass
class ImportResult:
    rows: int  # lines written
    sheet: str
    first_row: int
    last_row: int
    unmatched: list[str] = field(default_factory=list)  # source columns NeiQin does not know
    already: int = 0  # lines of the source already in the ledger (not written again)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> source rows left out
    missing: list[str] = field(default_factory=list)  # required ledger columns the source lacks
    unconverted: list[Issue] = field(default_factory=list)  # cells copied as typed (not a date, not a number …)
    notes: list[str] = field(default_factory=list)  # values taken from a title row or the file name

    @property
    def problems(self) -> bool:
        """The clerk has something to fix: cells copied as typed, or required columns left empty."""
        return bool(self.unconverted) or (bool(self.missing) and self.rows > 0)

    def text(self) -> str:
        lines = []
        if self.missing:
            lines.append(f"源文件没有这些必需的列，导入的行中将为空，请导入后补填：{'、'.join(self.missing)}")
        if self.rows:
            lines.append(f"已导入 {self.rows:,} 行到『{self.sheet}』（第 {self.first_row}–{self.last_row} 行）。")
        else:
            lines.append(f"没有新的行需要导入；『{self.sheet}』未改动。")
        if self.already:
            lines.append(f"{self.already:,} 行已在『{self.sheet}』中（以前导入过），未重复导入。")
        if self.skipped:
            total = sum(self.skipped.values())
            reasons = "、".join(f"{why} {n:,} 行" for why, n in self.skipped.items())
            lines.append(f"跳过源文件中 {total:,} 行不是数据的行：{reasons}。")
        lines += self.notes
        if self.unconverted:
            shown = "；".join(f"第 {i.row} 行「{i.column}」{i.message}" for i in self.unconverted[:10])
            more = f"……共 {len(self.unconverted):,} 个" if len(self.unconverted) > 10 else ""
            lines.append(f"{len(self.unconverted):,} 个单元格无法转换，已按原文导入（源文件行号）：{shown}{more}")
        if self.unmatched:
            lines.append(f"未导入的列（NeiQin 不认识）：{'、'.join(self.unmatched)}")
        return "\n".join(lines)


def import_ledger(source: Path, target: Path, ledger: str, sheet: str | None = None) -> ImportResult:
    """Append the lines of ``source`` that ``target``'s ledger does not have yet, as typed values; save ``target``.

    Raises :class:`NothingToImport` when the source has no line to import, NeiQinError/LedgerError
    when a file cannot be used.
    """
    if Path(source).resolve() == Path(target).resolve():
        raise NeiQinError("源文件和目标工作簿是同一个文件；--into 请给出 NeiQin.xlsm（源文件不会改动）")
    spec = kit.ledger(ledger)
    assert spec.row is not None, f"{ledger} is a form: forms are not imported line by line"
    src = read_ledger(open_book(source, engine="headless"), spec, sheet=sheet)
    book = open_book(target, engine="headless")
    try:
        target_sheet = find_sheet(book, spec)
    except LedgerError:
        raise NeiQinError(f"目标工作簿中没有『{spec.sheet}』工作表；请用 neiqin build 生成的 NeiQin.xlsm") from None
    existing = read_ledger(book, spec, sheet=target_sheet.name)
    fields = [f for f in existing.columns if src.has(f)]
    lacking = [f for f in src.columns if f not in existing.columns]
    if lacking:
        raise NeiQinError(f"目标『{target_sheet.name}』缺少这些列：{'、'.join(existing.header(f) for f in lacking)}")
    skipped = Counter(_short(src.skip_reasons.get(r, "")) for r in src.skipped)
    missing = [c.header for c in spec.row.columns() if c.required and not src.has(c.field)]
    if not len(src):
        raise NothingToImport(
            f"源文件『{src.sheet}』的表头（第 {src.header_row} 行）下没有可导入的数据行"
            + (f"（{sum(skipped.values())} 行是{'、'.join(skipped)}，已跳过）" if skipped else "")
            + f"；请确认这是{spec.title}"
        )
    lines, unconverted = _typed_lines(src, fields)
    # the same view of both sides: converted values (a cell that could not be converted is empty in both)
    keys = _line_keys(spec.key, fields, _ledger_lines(src, fields))
    have = Counter(_line_keys(spec.key, fields, _ledger_lines(existing, fields)))
    new_lines, already = [], 0
    for key, line in zip(keys, lines, strict=True):
        if have[key] > 0:
            have[key] -= 1
            already += 1
        else:
            new_lines.append(line)
    result = ImportResult(
        0,
        target_sheet.name,
        0,
        -1,
        [c.header for c in src.extra_columns],
        already,
        dict(skipped),
        missing,
        [i for i in unconverted if i.row in {line["_row"] for line in new_lines}],
        src.notes,
    )
    if not new_lines:
        return result
    first, last = append_rows(target_sheet, existing, [{f: line[f] for f in fields} for line in new_lines])
    for f in fields:  # the ledger's formats: ¥#,##0.00, yyyy-mm-dd … (one call per column, not per row)
        fmt = existing.model.column(f).number_format
        if fmt:
            col = existing.columns[f].col
            target_sheet.range((first, col), (last, col)).number_format = fmt
    book.save()
    result.rows, result.first_row, result.last_row = len(new_lines), first, last
    return result


def _short(reason: str) -> str:
    """小计行（等于上方各行之和） -> 小计行: the reason's name, for counts."""
    return reason.split("（")[0] or "非数据行"


# what reading says about a cell it could not convert
_UNCONVERTED = frozenset(
    {
        Code.LED_BAD_DATE,
        Code.LED_IMPOSSIBLE_DATE,
        Code.LED_BAD_NUMBER,
        Code.LED_EXCEL_ERROR,
        Code.LED_AMBIGUOUS_NUMBER,
        Code.LED_LOST_DIGITS,
    }
)


def _typed_lines(src: Ledger, fields: list[str]) -> tuple[list[dict[str, Any]], list[Issue]]:
    """Each source line as typed values by field (with its source row as ``_row``); cells that could not
    be converted keep the text the clerk typed, and their issues are returned."""
    bad = {(i.row, i.col): i for i in src.issues if i.col and i.code in _UNCONVERTED}
    frame = src.frame
    out: list[dict[str, Any]] = []
    problems: list[Issue] = []
    for position, row in enumerate(src.rows):
        line: dict[str, Any] = {"_row": row}
        for f in fields:
            column = src.columns.get(f)
            issue = bad.get((row, column.col)) if column is not None else None
            if issue is not None:
                line[f] = src.raw[f][position]  # as typed: never lost, listed, reported again by validation
                problems.append(issue)
                continue
            line[f] = _plain(frame[f].iat[position])
        out.append(line)
    return out, problems


def _plain(value: Any) -> Any:
    """A frame value as a cell value: NaN/NaT -> None, Timestamp -> datetime, whole floats stay floats."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "to_pydatetime"):
        try:
            if value != value:  # NaT
                return None
        except TypeError:
            pass
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _ledger_lines(ledger: Ledger, fields: list[str]) -> list[dict[str, Any]]:
    frame = ledger.frame
    return [{f: _plain(frame[f].iat[p]) for f in fields} for p in range(len(ledger))]


def _norm(value: Any) -> str:
    text = canonical_value(value)
    return "" if text is None else fold(text)


def _line_keys(key: tuple[str, ...], fields: list[str], lines: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """What names each line across imports: 订单编号 + 产品编码 + occurrence, or (no 订单编号) its content."""
    by = [f for f in (*key[:1], "product_code") if f in fields] if key and key[0] in fields else list(fields)
    seen: Counter[tuple[str, ...]] = Counter()
    out = []
    for line in lines:
        base = tuple(_norm(line.get(f)) for f in by)
        seen[base] += 1
        out.append((*base, str(seen[base])))
    return out


__all__ = ["ImportResult", "NothingToImport", "import_ledger"]
