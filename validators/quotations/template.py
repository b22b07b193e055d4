"""The 报价单 template sheet (openpyxl; used by the build, the demo and the standalone quotation file).

One A4 portrait page: title, the customer block (label, value to its right), the line table,
the totals with the amount in words, the terms and the customer's confirmation. Labels are
what NeiQin looks for — a clerk may insert rows or move blocks, NeiQin finds the labels again.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from neiqin.core.config import Settings

FORM_SHEET = "报价单"
LINE_HEADERS = [  # field, header, width, number format
    ("seq", "序号", 9, None),
    ("product_code", "产品编码", 11, "@"),
    ("product_name", "产品名称", 16, None),
    ("spec", "规格", 16, None),
    ("unit", "单位", 6, None),
    ("quantity", "数量", 8, "#,##0.##"),
    ("price", "单价", 11, "¥#,##0.00"),
    ("amount", "金额", 13, "¥#,##0.00"),
    ("note", "备注", 12, None),
]
BLANK_LINES = 10
THIN = Side(style="thin", color="FF808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FONT = Font(bold=True)
LABEL_FILL = PatternFill("solid", fgColor="FFF2F2F2")
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
MONEY = "¥#,##0.00"
DATE = "yyyy-mm-dd"
HEADER_ROW = 10  # the line table's header in the template (NeiQin finds it wherever it is)


def _label(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = ws.cell(row, col, text)
    cell.font = LABEL_FONT
    cell.fill = LABEL_FILL
    cell.border = BOX
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> Any:
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text from the clerk's sheet or the archive, never a formula
    if fmt:
        cell.number_format = fmt
    return cell


def _value(ws: Worksheet, row: int, col: int, value: Any, span: int = 1, fmt: str | None = None) -> None:
    cell = _put(ws, row, col, value, fmt)
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    for c in range(col, col + span):
        ws.cell(row, c).border = BOX
    if span > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)


def write_quotation_form(
    wb: Workbook,
    form: dict[str, Any] | None = None,
    *,
    name: str = FORM_SHEET,
    title: str = "报价单",
    lists: dict[str, str] | None = None,
    settings: Settings | None = None,
    instructions: bool = True,
    blank_lines: int = BLANK_LINES,
) -> Worksheet:
    """A 报价单 sheet; ``form`` fills it (the labelled fields by field name, ``lines`` as dicts).

    ``instructions=False``: without the note for the clerk; ``blank_lines``: at least that many lines
    (the copy that goes to the customer has its own lines only)."""
    # Long because the form is one A4 page laid out cell by cell, top to bottom, as it prints.
    settings = settings or Settings()
    form = form or {}
    get = form.get
    ws = wb.create_sheet(name)
    ncols = len(LINE_HEADERS)
    last = get_column_letter(ncols)
    company = getattr(settings, "company_name", None)
    heading = f"{company} {title}" if company and title == "报价单" else title
    _put(ws, 1, 1, heading).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last}1")
    note = (
        "填写客户和每种产品的编码、数量，点『生成报价单』：NeiQin 按客户档案和产品目录填写其余内容、取报价单号。"
        "标签不要改动。"
    )
    ws.cell(2, 1, note if instructions else None).font = Font(color="FF7F7F7F", size=9)
    ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 26
    # the labelled fields: label, value to its right (merged)
    _label(ws, 4, 1, "报价单号")
    _value(ws, 4, 2, get("quote_id"), 2)
    _label(ws, 4, 4, "报价日期")
    _value(ws, 4, 5, get("quote_date"), 2, DATE)
    _label(ws, 4, 7, "有效期至")
    _value(ws, 4, 8, get("valid_until"), 2, DATE)
    _label(ws, 5, 1, "客户")
    _value(ws, 5, 2, get("customer"), 5)
    _label(ws, 5, 7, "客户编号")
    _value(ws, 5, 8, get("customer_id"), 2, "@")
    # no 联系电话 on the template: the customer's phone stays in the archive (制度二.2); a clerk who adds
    # the label to her own sheet gets it filled
    _label(ws, 6, 1, "联系人")
    _value(ws, 6, 2, get("contact"), 5)
    _label(ws, 6, 7, "报价人")
    _value(ws, 6, 8, get("sales_rep"), 2)
    _label(ws, 7, 1, "地址")
    _value(ws, 7, 2, get("address"), ncols - 1)
    _label(ws, 8, 1, "税率")
    _value(ws, 8, 2, get("tax_rate"), 2, "0%")
    _label(ws, 8, 4, "付款方式")
    _value(ws, 8, 5, get("payment"), 2)
    _label(ws, 8, 7, "交货期")
    _value(ws, 8, 8, get("delivery"), 2)
    for r in range(4, 9):
        ws.row_dimensions[r].height = 20
    # the line table
    for j, (_, text, width, _fmt) in enumerate(LINE_HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, j, text)
        cell.font = LABEL_FONT
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    lines = list(get("lines") or [])
    count = max(blank_lines, len(lines), 1)
    first = HEADER_ROW + 1
    for i in range(count):
        line = lines[i] if i < len(lines) else {}
        for j, (field, _, _, fmt) in enumerate(LINE_HEADERS, start=1):
            value = line.get(field, i + 1 if field == "seq" else None)
            cell = _put(ws, first + i, j, value, fmt)
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=field in ("product_name", "spec", "note"))
    row = first + count
    price_col = ncols - 2  # 单价: the totals' labels stand above 金额's column
    for label, key in (("不含税合计", "total_net"), ("税额", "tax_amount")):
        _label(ws, row, price_col, label)
        _value(ws, row, price_col + 1, get(key), 1, MONEY)
        row += 1
    _label(ws, row, 1, "大写金额")
    _value(ws, row, 2, get("total_upper"), price_col - 2)
    _label(ws, row, price_col, "合计")
    _value(ws, row, price_col + 1, get("total"), 1, MONEY)
    ws.cell(row, price_col + 1).font = Font(bold=True)
    total_row = row
    row += 2
    _label(ws, row, 1, "条款")
    _value(ws, row, 2, get("terms"), ncols - 1)
    ws.cell(row, 2).alignment = Alignment(vertical="top", wrap_text=True)
    ws.row_dimensions[row].height = 96
    row += 2
    ws.cell(row, 1, "客户确认（签字盖章）：").font = LABEL_FONT
    ws.cell(row, 6, "报价单位（盖章）：").font = LABEL_FONT
    for r in (total_row - 2, total_row - 1, total_row):
        ws.row_dimensions[r].height = 20
    ws.sheet_properties.tabColor = "FF4472C4"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{last}{row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    return ws
