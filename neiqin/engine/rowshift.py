"""Rows inserted or deleted as Excel does it: references, merged areas, tables, formats follow the cells."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Any

from xlwings.utils import column_to_number

from neiqin.engine.addresses import address, parse_area

_REF_CELL = re.compile(r"^(\$?[A-Za-z]{1,3})?(\$?)(\d+)?$")


def _ref_parts(ref: str) -> list[re.Match[str]] | None:
    """The one or two cell parts of an A1 reference, or None when it is no row address."""
    parts = ref.split(":")
    if len(parts) > 2:
        return None
    parsed = []
    for part in parts:
        m = _REF_CELL.match(part)
        if not m or not (m[1] or m[3]):
            return None
        parsed.append(m)
    return parsed


def shift_ref(ref: str, at: int, n: int) -> str:
    """One A1 reference (``E5``, ``$E$5:$F9``, ``5:9``) after inserting ``n`` rows at row ``at``."""
    parsed = _ref_parts(ref)
    if parsed is None:
        return ref  # a name, a structured reference …: not a row address
    rows = [int(m[3]) if m[3] else None for m in parsed]
    if any(r is None for r in rows):
        return ref  # whole columns do not move
    lo, hi = rows[0], rows[-1]
    if len(rows) == 1:
        new = [lo + n if lo >= at else lo]
    elif hi < at:
        return ref
    elif lo >= at:
        new = [lo + n, hi + n]
    else:
        new = [lo, hi + n]
    return ":".join(f"{m[1] or ''}{m[2]}{r}" for m, r in zip(parsed, new, strict=True))


def delete_ref(ref: str, d1: int, d2: int, cols: tuple[int, int] | None) -> str:
    """One A1 reference after deleting rows ``d1..d2`` (of columns ``cols`` only, if given)."""
    parsed = _ref_parts(ref)
    if parsed is None:
        return ref
    rows = [int(m[3]) if m[3] else None for m in parsed]
    if any(r is None for r in rows):
        return ref  # whole columns do not move
    if cols is not None:
        letters = [m[1].lstrip("$") for m in parsed if m[1]]
        if len(letters) != len(parsed):
            return ref  # whole rows: only part of them moved
        first, last = (column_to_number(x.upper()) for x in (letters[0], letters[-1]))
        if first < cols[0] or last > cols[1]:
            return ref  # partly outside the cells that moved: Excel leaves it
    k = d2 - d1 + 1
    lo, hi = rows[0], rows[-1]
    if hi < d1:
        return ref
    if lo > d2:
        new = [lo - k, hi - k]
    elif lo >= d1 and hi <= d2:
        return "#REF!"
    else:
        new = [lo if lo < d1 else d1, hi - k if hi > d2 else d1 - 1]
    if len(parsed) == 1:
        new = new[:1]
    return ":".join(f"{m[1] or ''}{m[2]}{r}" for m, r in zip(parsed, new, strict=True))


def shift_formula(formula: str, at: int, n: int, own_sheet: bool, sheet_name: str, move: Any = None) -> str:
    """``formula`` with its references to ``sheet_name`` moved for an insert of ``n`` rows at ``at``
    (or as ``move(ref)`` says)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer

    try:
        tokens = Tokenizer(formula)
    except Exception:  # not parseable: leave it as it is
        return formula
    changed = False
    for token in tokens.items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        value = token.value
        if "!" in value:
            prefix, ref = value.rsplit("!", 1)
            name = prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix
            if name.startswith("[") or name.lower() != sheet_name.lower():
                continue
        elif own_sheet:
            prefix, ref = "", value
        else:
            continue
        new = move(ref) if move is not None else shift_ref(ref, at, n)
        if new != ref:
            token.value = new if new == "#REF!" else (f"{prefix}!{new}" if prefix else new)
            changed = True
    return tokens.render() if changed else formula


def _shift_bounds(r1: int, r2: int, at: int, n: int) -> tuple[int, int]:
    if r2 < at:
        return r1, r2
    if r1 >= at:
        return r1 + n, r2 + n
    return r1, r2 + n


def shift_rows_after_insert(wb: Any, ws: Any, at: int, n: int) -> None:
    """What openpyxl's insert_rows leaves to the caller, done as Excel does it."""
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.formula.translate import Translator
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    title = ws.title
    for other in wb.worksheets:
        own = other is ws
        for cell in other._cells.values():
            value = cell.value
            if cell.data_type == "f" and isinstance(value, str) and (own or title.lower() in value.lower()):
                cell.value = shift_formula(value, at, n, own, title)
            if own and cell.hyperlink is not None and cell.row >= at:
                cell.hyperlink.ref = cell.coordinate

    def moved(sqref: Any) -> MultiCellRange:
        out = []
        for rng in sqref.ranges:
            lo, hi = _shift_bounds(rng.min_row, rng.max_row, at, n)
            out.append(CellRange(min_col=rng.min_col, min_row=lo, max_col=rng.max_col, max_row=hi).coord)
        return MultiCellRange(" ".join(out))

    for merged in list(ws.merged_cells.ranges):
        lo, hi = _shift_bounds(merged.min_row, merged.max_row, at, n)
        merged.shift(row_shift=lo - merged.min_row)
        merged.expand(down=(hi - lo) - (merged.max_row - merged.min_row))
    for table in ws.tables.values():
        t1, tc1, t2, tc2 = parse_area(table.ref)
        if t1 < at <= t2:  # rows inserted into the table (a totals row moves down with it)
            t2 += n
        elif t1 >= at:
            t1, t2 = t1 + n, t2 + n
        table.ref = address(t1, tc1, t2, tc2, row_abs=False, col_abs=False)
        if table.autoFilter is not None:
            table.autoFilter.ref = (
                address(t1, tc1, t2 - (table.totalsRowCount or 0), tc2, row_abs=False, col_abs=False)
                if table.totalsRowCount
                else table.ref
            )
    for dv in ws.data_validations.dataValidation:
        dv.sqref = moved(dv.sqref)
    old_cf = ws.conditional_formatting
    new_cf = ConditionalFormattingList()
    for cf in old_cf:
        sqref = moved(cf.sqref)
        first_old = min((r.min_row for r in cf.sqref.ranges), default=1)
        first_new = min((r.min_row for r in sqref.ranges), default=1)
        for rule in cf.rules:
            if first_new != first_old and rule.formula:
                origin = f"A{first_old}"
                rule.formula = [
                    Translator("=" + f, origin).translate_formula(f"A{first_new}")[1:] for f in rule.formula
                ]
            new_cf.add(str(sqref), rule)
    ws.conditional_formatting = new_cf
    heights = {r: d for r, d in ws.row_dimensions.items() if r >= at}
    for r in sorted(heights, reverse=True):
        dim = ws.row_dimensions.pop(r)
        dim.index = r + n
        ws.row_dimensions[r + n] = dim


def shift_rows_after_delete(wb: Any, ws: Any, d1: int, d2: int, cols: tuple[int, int] | None) -> None:
    """After rows ``d1..d2`` (of columns ``cols``, or entire rows) were deleted and the rest moved up."""
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    k = d2 - d1 + 1
    title = ws.title

    def move(ref: str) -> str:
        return delete_ref(ref, d1, d2, cols)

    for other in wb.worksheets:
        own = other is ws
        for cell in other._cells.values():
            value = cell.value
            if cell.data_type == "f" and isinstance(value, str) and (own or title.lower() in value.lower()):
                cell.value = shift_formula(value, d1, -k, own, title, move)
            if own and cell.hyperlink is not None and cell.row >= d1:
                cell.hyperlink.ref = cell.coordinate

    def inside(min_col: int, max_col: int) -> bool:
        return cols is None or (cols[0] <= min_col and max_col <= cols[1])

    def bounds(lo: int, hi: int) -> tuple[int, int] | None:
        if hi < d1:
            return lo, hi
        if lo > d2:
            return lo - k, hi - k
        if lo >= d1 and hi <= d2:
            return None
        return (lo if lo < d1 else d1), (hi - k if hi > d2 else d1 - 1)

    def moved(sqref: Any) -> MultiCellRange | None:
        out = []
        for rng in sqref.ranges:
            b = bounds(rng.min_row, rng.max_row) if inside(rng.min_col, rng.max_col) else (rng.min_row, rng.max_row)
            if b is not None:
                out.append(CellRange(min_col=rng.min_col, min_row=b[0], max_col=rng.max_col, max_row=b[1]).coord)
        return MultiCellRange(" ".join(out)) if out else None

    for merged in list(ws.merged_cells.ranges):
        if not inside(merged.min_col, merged.max_col):
            continue
        b = bounds(merged.min_row, merged.max_row)
        if b is None or (b[0] == b[1] and merged.min_col == merged.max_col):
            ws.merged_cells.remove(merged)
            continue
        merged.shift(row_shift=b[0] - merged.min_row)
        merged.expand(down=(b[1] - b[0]) - (merged.max_row - merged.min_row))
    for table in ws.tables.values():
        t1, tc1, t2, tc2 = parse_area(table.ref)
        if not inside(tc1, tc2):
            continue
        b = bounds(t1, t2)
        if b is None:
            continue
        t1, t2 = b[0], max(b[1], b[0] + 1)  # a table keeps its header and one (empty) line
        table.ref = address(t1, tc1, t2, tc2, row_abs=False, col_abs=False)
        if table.autoFilter is not None:
            end = t2 - (table.totalsRowCount or 0)
            table.autoFilter.ref = address(t1, tc1, end, tc2, row_abs=False, col_abs=False)
    kept = []
    for dv in ws.data_validations.dataValidation:
        sqref = moved(dv.sqref)
        if sqref is not None:
            dv.sqref = sqref
            kept.append(dv)
    ws.data_validations.dataValidation = kept
    new_cf = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        sqref = moved(cf.sqref)
        if sqref is None:
            continue
        first_old = min((r.min_row for r in cf.sqref.ranges), default=1)
        first_new = min((r.min_row for r in sqref.ranges), default=1)
        for rule in cf.rules:
            if first_new != first_old and rule.formula:
                from openpyxl.formula.translate import Translator

                rule.formula = [
                    Translator("=" + f, f"A{first_old}").translate_formula(f"A{first_new}")[1:] for f in rule.formula
                ]
            new_cf.add(str(sqref), rule)
    ws.conditional_formatting = new_cf
    if cols is None:
        for r in sorted(r for r in list(ws.row_dimensions) if r >= d1):
            dim = ws.row_dimensions.pop(r)
            if r > d2:
                dim.index = r - k
                ws.row_dimensions[r - k] = dim


class RowDeletion:
    """Whole sheet rows deleted at once (Excel's ``Range("3:5,9:9").Delete``): where every other row goes."""

    def __init__(self, runs: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted((max(1, a), b) for a, b in runs if b >= max(1, a)):
            if merged and a <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.runs = [(a, b) for a, b in merged]
        self._starts = [a for a, _ in self.runs]
        self._before = [0]  # rows deleted above each run
        for a, b in self.runs:
            self._before.append(self._before[-1] + b - a + 1)

    def __bool__(self) -> bool:
        return bool(self.runs)

    @property
    def first(self) -> int:
        return self.runs[0][0]

    @property
    def last(self) -> int:
        return self.runs[-1][1]

    def run_of(self, row: int) -> tuple[int, int] | None:
        """The deleted run holding ``row``, or None when the row stays."""
        i = bisect.bisect_right(self._starts, row) - 1
        return self.runs[i] if i >= 0 and self.runs[i][1] >= row else None

    def deleted(self, row: int) -> bool:
        return self.run_of(row) is not None

    def new_row(self, row: int) -> int:
        """Where a row that stays ends up."""
        i = bisect.bisect_right(self._starts, row) - 1
        if i < 0:
            return row
        a, b = self.runs[i]
        return row - self._before[i] - (min(row - 1, b) - a + 1)

    def bounds(self, lo: int, hi: int) -> tuple[int, int] | None:
        """Rows lo..hi after the deletion, or None when every one of them was deleted."""
        run = self.run_of(lo)
        first = run[1] + 1 if run is not None else lo
        run = self.run_of(hi)
        last = run[0] - 1 if run is not None else hi
        if first > last:
            return None
        return self.new_row(first), self.new_row(last)

    def ref(self, ref: str) -> str:
        """One A1 reference (``E5``, ``$E$5:$F9``, ``5:9``) after the deletion; ``#REF!`` when all of it went."""
        parsed = _ref_parts(ref)
        if parsed is None:
            return ref
        rows = [int(m[3]) if m[3] else None for m in parsed]
        if any(r is None for r in rows):
            return ref  # whole columns do not move
        found = self.bounds(rows[0], rows[-1])
        if found is None:
            return "#REF!"
        new = list(found) if len(parsed) == 2 else [found[0]]
        if new == rows:
            return ref
        return ":".join(f"{m[1] or ''}{m[2]}{r}" for m, r in zip(parsed, new, strict=True))


def delete_whole_rows(wb: Any, ws: Any, deletion: RowDeletion) -> None:
    """Delete entire sheet rows in one pass, as Excel does with a multi-area row range.

    Cells, notes and links below move up; formulas on every sheet that refer to moved cells
    follow them (a reference to deleted cells only becomes #REF!); merged areas, tables,
    conditional formats, data validation and row heights shrink or move up. The work is one
    pass over the cells whatever the number of runs (deleting run by run is quadratic).
    """
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.formula.translate import Translator
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    if not deletion:
        return
    first = deletion.first
    title = ws.title
    cells = ws._cells
    last_row = max((r for r, _ in cells), default=0)
    target = list(range(last_row + 1))  # new row of each row that stays, 0 for a deleted one
    runs, i, gone = deletion.runs, 0, 0
    for r in range(first, last_row + 1):
        while i < len(runs) and runs[i][1] < r:
            gone += runs[i][1] - runs[i][0] + 1
            i += 1
        target[r] = 0 if i < len(runs) and runs[i][0] <= r else r - gone
    moved: dict[tuple[int, int], Any] = {}
    for (r, c), cell in cells.items():
        if r < first:
            moved[(r, c)] = cell
            continue
        nr = target[r]
        if not nr:
            continue
        cell.row = nr
        moved[(nr, c)] = cell
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
    ws._cells = moved
    ws._current_row = ws.max_row if moved else 0

    lowered = title.lower()
    for other in wb.worksheets:
        own = other is ws
        for cell in other._cells.values():
            value = cell.value
            if cell.data_type == "f" and isinstance(value, str) and (own or lowered in value.lower()):
                cell.value = shift_formula(value, 0, 0, own, title, deletion.ref)

    def moved_sqref(sqref: Any) -> MultiCellRange | None:
        out = []
        for rng in sqref.ranges:
            b = deletion.bounds(rng.min_row, rng.max_row)
            if b is not None:
                out.append(CellRange(min_col=rng.min_col, min_row=b[0], max_col=rng.max_col, max_row=b[1]).coord)
        return MultiCellRange(" ".join(out)) if out else None

    for merged in list(ws.merged_cells.ranges):
        b = deletion.bounds(merged.min_row, merged.max_row)
        if b is None or (b[0] == b[1] and merged.min_col == merged.max_col):
            ws.merged_cells.remove(merged)
            continue
        merged.shift(row_shift=b[0] - merged.min_row)
        merged.expand(down=(b[1] - b[0]) - (merged.max_row - merged.min_row))
    for table in ws.tables.values():
        t1, tc1, t2, tc2 = parse_area(table.ref)
        b = deletion.bounds(t1, t2)
        if b is None:
            continue
        t1, t2 = b[0], max(b[1], b[0] + 1)  # a table keeps its header and one (empty) line
        table.ref = address(t1, tc1, t2, tc2, row_abs=False, col_abs=False)
        if table.autoFilter is not None:
            end = t2 - (table.totalsRowCount or 0)
            table.autoFilter.ref = address(t1, tc1, end, tc2, row_abs=False, col_abs=False)
    kept = []
    for dv in ws.data_validations.dataValidation:
        sqref = moved_sqref(dv.sqref)
        if sqref is not None:
            dv.sqref = sqref
            kept.append(dv)
    ws.data_validations.dataValidation = kept
    new_cf = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        sqref = moved_sqref(cf.sqref)
        if sqref is None:
            continue
        first_old = min((r.min_row for r in cf.sqref.ranges), default=1)
        first_new = min((r.min_row for r in sqref.ranges), default=1)
        for rule in cf.rules:
            if first_new != first_old and rule.formula:
                rule.formula = [
                    Translator("=" + f, f"A{first_old}").translate_formula(f"A{first_new}")[1:] for f in rule.formula
                ]
            new_cf.add(str(sqref), rule)
    ws.conditional_formatting = new_cf
    for r in sorted(r for r in list(ws.row_dimensions) if r >= first):
        dim = ws.row_dimensions.pop(r)
        if not deletion.deleted(r):
            dim.index = deletion.new_row(r)
            ws.row_dimensions[dim.index] = dim
