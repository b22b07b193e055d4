"""Copy and paste between headless sheets (Excel's Range.Copy and Range.PasteSpecial).

What NeiQin pastes is formats (fonts, fills, borders, alignment, number formats, protection,
merged areas, conditional formats; whole rows also bring their heights, whole columns their
widths), column widths, and values. The clipboard holds one source range for the process,
as Excel's holds one for its session, across workbooks. Formulas are not translated as Excel
would, so pasting a formula is refused with a clear message instead of pasting it wrong.
"""

from __future__ import annotations

from copy import copy
from typing import TYPE_CHECKING, Any

from xlwings.utils import col_name as get_column_letter

from neiqin.engine.common import MAX_COLUMNS, MAX_ROWS, EngineError, opx
from neiqin.engine.protection import check_protected

if TYPE_CHECKING:
    from neiqin.engine.headless import Range, Sheet

Area = tuple[int, int, int, int]
_CLIPBOARD: list[tuple[Sheet, Area]] = []
SUPPORTED = ("all", "formats", "values", "column_widths")


def put(sheet: Sheet, area: Area) -> None:
    """Range.Copy without a destination: the range goes to the clipboard."""
    _CLIPBOARD[:] = [(sheet, area)]


def clear() -> None:
    """Application.CutCopyMode = False."""
    _CLIPBOARD.clear()


def take() -> tuple[Sheet, Area]:
    if not _CLIPBOARD:
        raise EngineError("剪贴板中没有复制的单元格，无法粘贴；请先复制")
    return _CLIPBOARD[0]


def _bounded(ws: Any, area: Area) -> Area:
    r1, c1, r2, c2 = area
    if r2 >= MAX_ROWS:
        r2 = max(ws.max_row, r1)
    if c2 >= MAX_COLUMNS:
        c2 = max(ws.max_column, c1)
    return r1, c1, r2, c2


def paste(source: Sheet, area: Area, target: Range, what: str | None) -> None:
    """Paste ``area`` of ``source`` at ``target``'s top-left cell (``what``: see :data:`SUPPORTED`)."""
    what = what or "all"
    if what not in SUPPORTED:
        raise EngineError(f"无 Excel 环境时粘贴只支持 {'、'.join(SUPPORTED)}（不支持 {what}）")
    src_ws = source._book._ws(source._st)
    dst_sheet = target._sheet
    dst_ws = dst_sheet._book._ws(dst_sheet._st)
    whole_rows = area[1] == 1 and area[3] >= MAX_COLUMNS
    whole_cols = area[0] == 1 and area[2] >= MAX_ROWS
    r1, c1, r2, c2 = _bounded(src_ws, area)
    top, left = (target.row, 1) if whole_rows else (1, target.column) if whole_cols else (target.row, target.column)
    dr, dc = top - r1, left - c1
    if what == "column_widths":
        _widths(src_ws, dst_ws, c1, c2, dc)
        return
    check_protected(dst_sheet, r1 + dr, c1 + dc, r2 + dr, c2 + dc, what="format" if what == "formats" else "value")
    if what in ("all", "values"):
        _values(source, (r1, c1, r2, c2), dst_sheet, dr, dc)
    if what in ("all", "formats"):
        _formats(src_ws, dst_ws, (r1, c1, r2, c2), dr, dc)
        if whole_rows:
            _heights(src_ws, dst_ws, r1, r2, dr)
        if whole_cols:
            _widths(src_ws, dst_ws, c1, c2, dc)
    dst_sheet._st.dirty = True
    dst_sheet._st.touched.append((r1 + dr, c1 + dc, r2 + dr, c2 + dc))


def _values(source: Sheet, area: Area, target: Sheet, dr: int, dc: int) -> None:
    from neiqin.engine.headless import Range

    r1, c1, r2, c2 = area
    cells = source._book._ws(source._st)._cells
    formulas = [
        f"{get_column_letter(c)}{r}" for (r, c), cell in cells.items() if r1 <= r <= r2 and c1 <= c <= c2
        if cell.data_type == "f"
    ]  # fmt: skip
    if formulas:
        raise EngineError(
            f"无 Excel 环境时不能粘贴公式（{'、'.join(formulas[:3])}）；请只粘贴值（paste='values'）或格式"
        )
    values = Range(source, (r1, c1), (r2, c2)).raw_value
    if not isinstance(values, list):
        values = [[values]]
    Range(target, (r1 + dr, c1 + dc), (r2 + dr, c2 + dc)).raw_value = values


def _formats(src_ws: Any, dst_ws: Any, area: Area, dr: int, dc: int) -> None:
    r1, c1, r2, c2 = area
    same_book = src_ws.parent is dst_ws.parent
    merged = opx().MergedCell
    # the target area's merged areas give way to the source's, as in Excel
    t1, tc1, t2, tc2 = r1 + dr, c1 + dc, r2 + dr, c2 + dc
    for m in list(dst_ws.merged_cells.ranges):
        if m.min_row <= t2 and m.max_row >= t1 and m.min_col <= tc2 and m.max_col >= tc1:
            dst_ws.unmerge_cells(str(m))
    src_cells = src_ws._cells
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            src = src_cells.get((r, c))
            key = (r + dr, c + dc)
            if src is None or not src.has_style:
                dst = dst_ws._cells.get(key)
                if dst is not None and dst.has_style and not isinstance(dst, merged):
                    dst.style = "Normal"
                continue
            dst = dst_ws.cell(row=key[0], column=key[1])
            if same_book:
                dst._style = copy(src._style)
                continue
            dst.font = copy(src.font)
            dst.fill = copy(src.fill)
            dst.border = copy(src.border)
            dst.alignment = copy(src.alignment)
            dst.protection = copy(src.protection)
            dst.number_format = src.number_format
    for m in src_ws.merged_cells.ranges:
        if m.min_row >= r1 and m.max_row <= r2 and m.min_col >= c1 and m.max_col <= c2:
            dst_ws.merge_cells(
                start_row=m.min_row + dr, start_column=m.min_col + dc, end_row=m.max_row + dr, end_column=m.max_col + dc
            )
    _conditional_formats(src_ws, dst_ws, area, dr, dc)


def _conditional_formats(src_ws: Any, dst_ws: Any, area: Area, dr: int, dc: int) -> None:
    from openpyxl.worksheet.cell_range import CellRange

    r1, c1, r2, c2 = area
    for cf in src_ws.conditional_formatting:
        parts = []
        for rng in cf.sqref.ranges:
            a1, b1 = max(rng.min_row, r1), max(rng.min_col, c1)
            a2, b2 = min(rng.max_row, r2), min(rng.max_col, c2)
            if a1 <= a2 and b1 <= b2:
                parts.append(CellRange(min_row=a1 + dr, min_col=b1 + dc, max_row=a2 + dr, max_col=b2 + dc).coord)
        if parts:
            for rule in cf.rules:
                dst_ws.conditional_formatting.add(" ".join(parts), copy(rule))


def _widths(src_ws: Any, dst_ws: Any, c1: int, c2: int, dc: int) -> None:
    for c in range(c1, c2 + 1):
        width = None
        for dim in src_ws.column_dimensions.values():
            if (dim.min or 0) <= c <= (dim.max or 0) and dim.width:
                width = dim.width
                break
        if width:
            dst_ws.column_dimensions[get_column_letter(c + dc)].width = width


def _heights(src_ws: Any, dst_ws: Any, r1: int, r2: int, dr: int) -> None:
    for r in range(r1, r2 + 1):
        dim = src_ws.row_dimensions.get(r)
        if dim is not None and dim.height is not None:
            dst_ws.row_dimensions[r + dr].height = dim.height
