"""Writing ledger sheets as a clerk keeps them (openpyxl; used by the demo and the build).

The layout — title row, header notes, widths, number formats, dropdowns — comes
from the ledger's schema, so the sheet, the reader and the checks never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .config import Settings
from .schema import ColumnSpec, LedgerRow

HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="FFBFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DEFAULT_FORMATS = {"date": "yyyy-mm-dd", "number": "#,##0.00"}


def header_note(spec: ColumnSpec) -> str:
    text = spec.description
    if spec.required:
        text += "（必填）"
    if spec.synonyms:
        text += f"\n也认：{'、'.join(spec.synonyms[:4])}"
    return text


def write_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    subtitle: str | None = None,
    widths: Sequence[float | None] | None = None,
    formats: Sequence[str | None] | None = None,
    notes: Sequence[str | None] | None = None,
) -> int:
    """A titled table: title (merged), subtitle, header row, data; returns the header row."""
    ncols = len(headers)
    row = 1
    if title:
        ws.cell(row, 1, title).font = TITLE_FONT
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(ncols, 1))
        row += 1
    if subtitle:
        ws.cell(row, 1, subtitle).font = Font(color="FF7F7F7F")
        row += 1
    if title or subtitle:
        row += 1  # a blank row between the title block and the table, as clerks do
    header_row = row
    for j, text in enumerate(headers, start=1):
        cell = ws.cell(header_row, j, text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if notes and notes[j - 1]:
            comment = Comment(notes[j - 1], "NeiQin")
            comment.width, comment.height = 260, 110
            cell.comment = comment
    n = 0
    for n, values in enumerate(rows, start=1):
        for j, value in enumerate(values, start=1):
            cell = ws.cell(header_row + n, j, value)
            cell.border = BORDER
            if formats and formats[j - 1] and not isinstance(value, str):
                cell.number_format = formats[j - 1]
    for j in range(1, ncols + 1):
        width = widths[j - 1] if widths else None
        ws.column_dimensions[get_column_letter(j)].width = width or 12
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{header_row + max(n, 1)}"
    return header_row


def write_ledger(
    wb: Workbook,
    model: type[LedgerRow],
    rows: Iterable[dict[str, Any]],
    settings: Settings | None = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    fields: Sequence[str] | None = None,
) -> Worksheet:
    """The ledger's sheet with its schema's headers, notes, widths, formats and dropdowns.

    ``rows`` are dicts by field name; a value may be any cell value, including
    text the clerk typed where a number belongs (the demo's realistic mistakes).
    """
    settings = settings or Settings()
    specs = [model.column(f) for f in fields] if fields else model.columns()
    ws = wb.create_sheet(model.ledger.sheet)
    data = [[r.get(s.field) for s in specs] for r in rows]
    header_row = write_table(
        ws,
        [s.header for s in specs],
        data,
        title=title,
        subtitle=subtitle,
        widths=[s.width for s in specs],
        formats=[s.number_format or DEFAULT_FORMATS.get(s.kind) for s in specs],
        notes=[header_note(s) for s in specs],
    )
    last = header_row + max(len(data), 1) + 500  # dropdowns also for rows the clerk adds
    for j, spec in enumerate(specs, start=1):
        if not spec.choices:
            continue
        choices = ",".join(settings.choices(spec.choices))
        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        dv.error = f"请从下拉列表选择{spec.header}"
        dv.errorTitle = "NeiQin"
        dv.showErrorMessage = False  # NeiQin's check reports it; typing stays possible
        letter = get_column_letter(j)
        dv.add(f"{letter}{header_row + 1}:{letter}{last}")
        ws.add_data_validation(dv)
    return ws


def write_settings(wb: Workbook, settings: Settings | None = None) -> Worksheet:
    """The 设置 sheet: one row per parameter (label, value, what it means)."""
    settings = settings or Settings()
    ws = wb.create_sheet("设置")
    rows = []
    for name, info in Settings.model_fields.items():
        value = getattr(settings, name)
        if isinstance(value, list):
            value = "、".join(value)
        rows.append([info.alias or name, value, info.description or ""])
    write_table(ws, ["参数", "值", "说明"], rows, title="NeiQin 设置", widths=[16, 40, 70])
    return ws
