"""Drawing a form's template sheet (费用报销单, 报价单) with openpyxl: one look for every form.

A form is labels with their values to the right and a line table (see :mod:`neiqin.core.forms`
for reading it back). These helpers draw those cells the same way for every form; a value that
comes from a clerk's sheet or the master data is written as that text, never as a formula.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin", color="FF808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FONT = Font(bold=True)
LABEL_FILL = PatternFill("solid", fgColor="FFF2F2F2")
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None, *, formula: bool = False) -> Cell:
    """Write ``value`` into a cell as it is (a text starting with = stays text) with number format ``fmt``;
    ``formula=True`` only for NeiQin's own formulas (a form's 合计)."""
    cell = ws.cell(row, col, value)
    if not formula and isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text from the clerk's sheet or the master data, never a formula
    if fmt:
        cell.number_format = fmt
    return cell


def label(ws: Worksheet, row: int, col: int, text: str) -> None:
    """A field's label: bold, grey, boxed, centred."""
    cell = ws.cell(row, col, text)
    cell.font = LABEL_FONT
    cell.fill = LABEL_FILL
    cell.border = BOX
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def value(
    ws: Worksheet, row: int, col: int, content: Any, span: int = 1, fmt: str | None = None, *, formula: bool = False
) -> None:
    """A field's value right of its label, boxed, merged over ``span`` columns (``formula``: see :func:`put`)."""
    cell = put(ws, row, col, content, fmt, formula=formula)
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    for c in range(col, col + span):
        ws.cell(row, c).border = BOX
    if span > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)


def line_table(
    ws: Worksheet,
    header_row: int,
    columns: Sequence[tuple[str, str, float, str | None]],
    lines: Sequence[Mapping[str, Any]],
    count: int,
    wrap: Collection[str] | None = None,
) -> int:
    """A form's line table: the header (field, header, width, number format per column) at ``header_row``,
    then ``count`` boxed lines filled from ``lines`` (序号 numbered when a line has none); the first line's row.
    ``wrap``: the line cells are centred vertically, these fields' text wrapped (None: default alignment)."""
    for j, (_, text, width, _fmt) in enumerate(columns, start=1):
        cell = ws.cell(header_row, j, text)
        cell.font = LABEL_FONT
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    first = header_row + 1
    for i in range(count):
        line = lines[i] if i < len(lines) else {}
        for j, (field, _, _, fmt) in enumerate(columns, start=1):
            cell = put(ws, first + i, j, line.get(field, i + 1 if field == "seq" else None), fmt)
            cell.border = BOX
            if wrap is not None:
                cell.alignment = Alignment(vertical="center", wrap_text=field in wrap)
    return first
