"""Which formula results a save can keep: the formula-dependency analysis behind the formula cache.

openpyxl writes formulas without their cached results. Excel recalculates when it opens
the file, but the next headless read would see every formula cell empty; so the saved
package gets back the results the file had (see :func:`ooxml.restore_package`) for every
formula that was not written, moved, or depends on a written cell (directly, through
another formula, or through a name, a table, INDIRECT or OFFSET, conservatively).
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Any

from neiqin.engine import prefetch
from neiqin.engine.addresses import parse_area
from neiqin.engine.common import MAX_COLUMNS, MAX_ROWS
from neiqin.engine.values import cached_value

if TYPE_CHECKING:
    from neiqin.engine.headless import Book, SheetState


def formula_cache(book: Book) -> dict[str, dict[tuple[int, int], tuple[str, str]]] | None:
    """Last results of the formulas NeiQin's changes cannot have changed: {sheet: {(r, c): (t, v)}}."""
    if book._path is None or book._xl is None or not book._is_zip():
        return None
    states = [st for st in book._states if st.ws is not None]
    written: dict[str, list[tuple[int, int, int, int]]] = {}
    for st in states:
        if not st.in_file:
            written[st.name.lower()] = [(1, 1, MAX_ROWS, MAX_COLUMNS)]
        elif st.touched:
            written[st.name.lower()] = list(st.touched)
    known = {st.name.lower() for st in states}
    formulas: dict[str, list[tuple[int, int, str]]] = {}
    for st in states:
        if not st.in_file:
            continue
        found = [
            (r, c, cell.value)
            for (r, c), cell in st.ws._cells.items()
            if cell.data_type == "f" and isinstance(cell.value, str)
        ]
        if found:
            formulas[st.name.lower()] = found
    if not formulas:
        return None
    # a file last saved by openpyxl (or NeiQin) has no results to keep: skip the analysis
    if not any(_has_result(book, name, cells) for name, cells in formulas.items()):
        return None
    areas = ReferenceAreas(book._xl, known, written)
    # formula cells whose result may differ from the file's, found to a fixed point
    unsafe: dict[str, dict[int, list[int]]] = {}
    pending: list[tuple[str, int, int, list[tuple[str, tuple[int, int, int, int]]]]] = []
    for sheet, cells in formulas.items():
        for r, c, text in cells:
            refs = None if areas.touched(sheet, r, c) else areas.references(sheet, r, c, text)
            if refs is None:
                unsafe.setdefault(sheet, {}).setdefault(c, []).append(r)
            else:
                pending.append((sheet, r, c, refs))
    changed = True
    while changed and pending:
        changed = False
        for col_rows in unsafe.values():
            for rows in col_rows.values():
                rows.sort()
        keep = []
        for item in pending:
            if any(holds(unsafe.get(sheet), area) for sheet, area in item[3]):
                unsafe.setdefault(item[0], {}).setdefault(item[2], []).append(item[1])
                changed = True
            else:
                keep.append(item)
        pending = keep
    epoch = getattr(book._xl, "epoch", None)
    out: dict[str, dict[tuple[int, int], tuple[str, str]]] = {}
    by_name = {st.name.lower(): st for st in states}
    for sheet, r, c, _ in pending:
        st = by_name[sheet]
        grid = book._grid(st)
        errors = book._errors(st)
        if (r, c) in errors:
            out.setdefault(st.name, {})[(r, c)] = ("e", errors[(r, c)])
            continue
        if r > len(grid) or c > len(grid[r - 1]):
            continue
        cached = cached_value(prefetch.normalize_value(grid[r - 1][c - 1]), epoch)
        if cached is not None:
            out.setdefault(st.name, {})[(r, c)] = cached
    return out or None


def _has_result(book: Book, sheet: str, cells: list[tuple[int, int, str]]) -> bool:
    st = book._state(sheet)
    grid = book._grid(st)
    if book._errors(st):
        return True
    return any(r <= len(grid) and c <= len(grid[r - 1]) and grid[r - 1][c - 1] not in ("", None) for r, c, _ in cells)


def holds(col_rows: dict[int, list[int]] | None, area: tuple[int, int, int, int]) -> bool:
    """True when ``area`` contains one of the (sorted, by column) cells."""
    if not col_rows:
        return False
    r1, c1, r2, c2 = area
    for col, rows in col_rows.items():
        if c1 <= col <= c2:
            i = bisect.bisect_left(rows, r1)
            if i < len(rows) and rows[i] <= r2:
                return True
    return False


def column_spans(spans: dict[int, list[tuple[int, int]]]) -> dict[int, tuple[list[int], list[int]]]:
    """Row intervals per column, merged and sorted: {col: (starts, ends)} for :func:`in_spans`."""
    out = {}
    for col, items in spans.items():
        merged: list[list[int]] = []
        for a, b in sorted(items):
            if merged and a <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        out[col] = ([m[0] for m in merged], [m[1] for m in merged])
    return out


def in_spans(cols: dict[int, tuple[list[int], list[int]]], col: int, r1: int, r2: int) -> bool:
    """True when rows r1..r2 of column ``col`` meet one of the :func:`column_spans` intervals."""
    found = cols.get(col)
    if found is None:
        return False
    starts, ends = found
    i = bisect.bisect_right(starts, r2) - 1  # the last interval starting at or above r2
    return i >= 0 and ends[i] >= r1


def touched_in(st: SheetState, r1: int, c1: int, r2: int, c2: int) -> dict[int, tuple[list[int], list[int]]]:
    """The areas written since open, clipped to a read of r1..r2 × c1..c2, as :func:`column_spans`."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for a, x, b, y in st.touched:
        if b < r1 or a > r2 or y < c1 or x > c2:
            continue
        for col in range(max(x, c1), min(y, c2) + 1):
            spans.setdefault(col, []).append((max(a, r1), min(b, r2)))
    return column_spans(spans)


class ReferenceAreas:
    """What a formula refers to, as (sheet, area) pairs, for :meth:`Book._formula_cache`."""

    _VOLATILE_REFS = re.compile(r"\b(INDIRECT|OFFSET)\s*\(", re.I)

    _A1 = re.compile(
        r"\$?[A-Za-z]{1,3}\$?\d+(:\$?[A-Za-z]{1,3}\$?\d+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+"
    )

    def __init__(book, wb: Any, known: set[str], written: dict[str, list[tuple[int, int, int, int]]]) -> None:
        book.known = known
        book.written = written
        # written areas by sheet: wide ones as they are, narrow ones as merged row intervals per column
        book._wide: dict[str, list[tuple[int, int, int, int]]] = {}
        book._cols: dict[str, dict[int, tuple[list[int], list[int]]]] = {}
        for sheet, found in written.items():
            wide = book._wide.setdefault(sheet, [])
            spans: dict[int, list[tuple[int, int]]] = {}
            for a, x, b, y in found:
                if y - x > 64:
                    wide.append((a, x, b, y))
                else:
                    for col in range(x, y + 1):
                        spans.setdefault(col, []).append((a, b))
            book._cols[sheet] = column_spans(spans)
        book.tables: dict[str, tuple[str, tuple[int, int, int, int]]] = {}
        for ws in wb.worksheets:
            for table in ws.tables.values():
                book.tables[table.name.lower()] = (ws.title.lower(), parse_area(table.ref))
        book.names: dict[str, list[tuple[str, tuple[int, int, int, int]]] | None] = {}
        for name, defined in wb.defined_names.items():
            try:
                dests = [(title.lower(), parse_area(coord)) for title, coord in defined.destinations]
            except Exception:
                dests = None
            book.names[name.lower()] = dests or None

    def touched(book, sheet: str, r: int, c: int) -> bool:
        return book._is_written(sheet, (r, c, r, c))

    def _is_written(book, sheet: str, area: tuple[int, int, int, int]) -> bool:
        if sheet not in book.written:
            return False
        r1, c1, r2, c2 = area
        if any(not (b < r1 or a > r2 or y < c1 or x > c2) for a, x, b, y in book._wide[sheet]):
            return True
        cols = book._cols[sheet]
        return any(
            c1 <= col <= c2 and in_spans(cols, col, r1, r2)
            for col in (cols if c2 - c1 > len(cols) else range(c1, c2 + 1))
        )

    def references(
        book, sheet: str, r: int, c: int, formula: str
    ) -> list[tuple[str, tuple[int, int, int, int]]] | None:
        """The areas ``formula`` reads, or None when it reads a written cell or cannot be told."""
        if book._VOLATILE_REFS.search(formula):
            return None
        if not book.written:
            return []
        from openpyxl.formula.tokenizer import Token, Tokenizer

        try:
            tokens = Tokenizer(formula).items
        except Exception:
            return None
        refs: list[tuple[str, tuple[int, int, int, int]]] = []
        for token in tokens:
            if token.type != Token.OPERAND or token.subtype != Token.RANGE:
                continue
            found = book._resolve(sheet, r, c, token.value)
            if found is None:
                return None
            for target, area in found:
                if book._is_written(target, area):
                    return None
                refs.append((target, area))
        return refs

    def _resolve(book, sheet: str, r: int, c: int, value: str) -> list[tuple[str, tuple[int, int, int, int]]] | None:
        target, ref = sheet, value
        if "!" in value:
            prefix, ref = value.rsplit("!", 1)
            if prefix.startswith("[") or prefix.startswith("'["):
                return []  # another workbook: NeiQin wrote nothing there
            target = (prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix).lower()
            if ":" in target or target not in book.known:
                return None  # 3-D reference, or a sheet that is gone
        if "[" in ref:  # structured reference: the whole table, conservatively
            name = ref.split("[", 1)[0].lower()
            if not name:
                for tsheet, area in book.tables.values():
                    if tsheet == sheet and area[0] <= r <= area[2] and area[1] <= c <= area[3]:
                        return [(tsheet, area)]
                return None
            table = book.tables.get(name)
            return [table] if table is not None else None
        if book._A1.fullmatch(ref):
            return [(target, parse_area(ref))]
        if ref.lower() in book.tables:
            return [book.tables[ref.lower()]]
        dests = book.names.get(ref.lower())
        return dests if dests is not None else None
