"""The 报价单 template sheet (openpyxl; used by the build, the demo and the standalone quotation file).

One A4 portrait page: title, the customer block (label, value to its right), the line table,
the totals with the amount in words, the terms and the customer's confirmation. Labels are
what NeiQin looks for — a clerk may insert rows or move blocks, NeiQin finds the labels again.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from neiqin.core import formsheet as fs
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
MONEY = "¥#,##0.00"
DATE = "yyyy-mm-dd"
HEADER_ROW = 10  # the line table's header in the template (NeiQin finds it wherever it is)


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
    fs.put(ws, 1, 1, heading).font = Font(bold=True, size=16)
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
    fs.label(ws, 4, 1, "报价单号")
    fs.value(ws, 4, 2, get("quote_id"), 2)
    fs.label(ws, 4, 4, "报价日期")
    fs.value(ws, 4, 5, get("quote_date"), 2, DATE)
    fs.label(ws, 4, 7, "有效期至")
    fs.value(ws, 4, 8, get("valid_until"), 2, DATE)
    fs.label(ws, 5, 1, "客户")
    fs.value(ws, 5, 2, get("customer"), 5)
    fs.label(ws, 5, 7, "客户编号")
    fs.value(ws, 5, 8, get("customer_id"), 2, "@")
    # no 联系电话 on the template: the customer's phone stays in the archive (制度二.2); a clerk who adds
    # the label to her own sheet gets it filled
    fs.label(ws, 6, 1, "联系人")
    fs.value(ws, 6, 2, get("contact"), 5)
    fs.label(ws, 6, 7, "报价人")
    fs.value(ws, 6, 8, get("sales_rep"), 2)
    fs.label(ws, 7, 1, "地址")
    fs.value(ws, 7, 2, get("address"), ncols - 1)
    fs.label(ws, 8, 1, "税率")
    fs.value(ws, 8, 2, get("tax_rate"), 2, "0%")
    fs.label(ws, 8, 4, "付款方式")
    fs.value(ws, 8, 5, get("payment"), 2)
    fs.label(ws, 8, 7, "交货期")
    fs.value(ws, 8, 8, get("delivery"), 2)
    for r in range(4, 9):
        ws.row_dimensions[r].height = 20
    # the line table
    lines = list(get("lines") or [])
    count = max(blank_lines, len(lines), 1)
    first = fs.line_table(ws, HEADER_ROW, LINE_HEADERS, lines, count, wrap=("product_name", "spec", "note"))
    row = first + count
    price_col = ncols - 2  # 单价: the totals' labels stand above 金额's column
    for label, key in (("不含税合计", "total_net"), ("税额", "tax_amount")):
        fs.label(ws, row, price_col, label)
        fs.value(ws, row, price_col + 1, get(key), 1, MONEY)
        row += 1
    fs.label(ws, row, 1, "大写金额")
    fs.value(ws, row, 2, get("total_upper"), price_col - 2)
    fs.label(ws, row, price_col, "合计")
    fs.value(ws, row, price_col + 1, get("total"), 1, MONEY)
    ws.cell(row, price_col + 1).font = Font(bold=True)
    total_row = row
    row += 2
    fs.label(ws, row, 1, "条款")
    fs.value(ws, row, 2, get("terms"), ncols - 1)
    ws.cell(row, 2).alignment = Alignment(vertical="top", wrap_text=True)
    ws.row_dimensions[row].height = 96
    row += 2
    ws.cell(row, 1, "客户确认（签字盖章）：").font = fs.LABEL_FONT
    ws.cell(row, 6, "报价单位（盖章）：").font = fs.LABEL_FONT
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
