"""The 费用报销单 template sheet (openpyxl; used by the build and the demo).

One A4 landscape page: title, header fields (label, value to its right), the lines
table, totals, approvals, 退回原因. Labels are what NeiQin looks for — the layout
itself may change (a clerk may insert rows), NeiQin finds the labels again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from neiqin.core import formsheet as fs
from neiqin.core.config import Settings
from neiqin.core.sheets import list_validation

FORM_SHEET = "费用报销单"
LINE_HEADERS = [
    ("seq", "序号", 10, None),
    ("date", "日期", 11, "yyyy-mm-dd"),
    ("category", "费用类别", 9, None),
    ("city", "城市", 11, None),
    ("days", "天数", 8, "0"),
    ("kind", "发票类型", 13, None),
    ("code", "发票代码", 13, "@"),
    ("number", "发票号码", 22, "@"),
    ("net", "不含税金额", 11, "¥#,##0.00"),
    ("rate", "税率", 9, "0%"),
    ("tax", "税额", 9, "¥#,##0.00"),
    ("gross", "价税合计", 11, "¥#,##0.00"),
    ("note", "说明", 18, None),
    ("verified", "已查验", 8, None),
    ("verified_on", "查验日期", 11, "yyyy-mm-dd"),
]
BLANK_LINES = 12


def write_expense_form(
    wb: Workbook,
    form: dict[str, Any] | None = None,
    *,
    name: str = FORM_SHEET,
    title: str = "费用报销单",
    lists: dict[str, str] | None = None,
    settings: Settings | None = None,
    cities_ref: str | None = None,
) -> Worksheet:
    """A 费用报销单 sheet; ``form`` fills it (header fields by field name, ``lines`` as dicts)."""
    # Long because the form is one A4 page laid out cell by cell, top to bottom, as it prints.
    settings = settings or Settings()
    form = form or {}
    if cities_ref is None and lists is not None:  # in a workbook built with 城市级别: its cities as the dropdown
        cities_ref = cities_range(first_data_row=5)
    ws = wb.create_sheet(name)
    ncols = len(LINE_HEADERS)
    last = get_column_letter(ncols)
    letters = {field: get_column_letter(j) for j, (field, *_rest) in enumerate(LINE_HEADERS, start=1)}
    ws.cell(1, 1, title).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last}1")
    note = "每张发票（或无票支出）写一行；标签不要改动，NeiQin 按标签识别。填好后交部门负责人审批，再交内勤初审。"
    ws.cell(2, 1, note).font = Font(color="FF7F7F7F", size=9)
    ws.merge_cells(f"A2:{last}2")
    get = form.get
    # header fields: label, value to its right (merged), four per row
    fs.label(ws, 4, 1, "报销单号")
    fs.value(ws, 4, 2, get("claim_id"), 2)
    fs.label(ws, 4, 4, "报销人")
    fs.value(ws, 4, 5, get("claimant"), 1)
    fs.label(ws, 4, 6, "部门")
    fs.value(ws, 4, 7, get("department"), 1)
    fs.label(ws, 4, 8, "职级")
    fs.value(ws, 4, 9, get("rank"), 1)
    fs.label(ws, 4, 10, "状态")
    fs.value(ws, 4, 11, get("status"), 3)
    fs.label(ws, 5, 1, "报销日期")
    fs.value(ws, 5, 2, get("claim_date"), 2, "yyyy-mm-dd")
    fs.label(ws, 5, 4, "附件张数")
    fs.value(ws, 5, 5, get("attachments"), 1, "0")
    fs.label(ws, 5, 6, "事由")
    fs.value(ws, 5, 7, get("purpose"), ncols - 6)
    # the lines table
    header_row = 7
    lines = list(get("lines") or [])
    count = max(BLANK_LINES, len(lines))
    first = fs.line_table(ws, header_row, LINE_HEADERS, lines, count)
    end = first + count - 1
    total_row = end + 1
    fs.label(ws, total_row, 1, "合计(小写)")
    gross = letters["gross"]
    own = "total" not in form  # a blank form sums its lines; a filled one shows the total it was given
    total = f"=SUM({gross}{first}:{gross}{end})" if own else form["total"]
    fs.value(ws, total_row, 2, total, 2, "¥#,##0.00", formula=own)
    fs.label(ws, total_row, 4, "合计(大写)")
    fs.value(ws, total_row, 5, get("total_upper"), ncols - 4)
    # approvals
    row = total_row + 2
    fs.label(ws, row, 1, "部门负责人")
    fs.value(ws, row, 2, get("approver"), 2)
    fs.label(ws, row, 4, "部门审批日期")
    fs.value(ws, row, 5, get("approval_date"), 2, "yyyy-mm-dd")
    fs.label(ws, row, 7, "内勤初审")
    fs.value(ws, row, 8, get("prereviewer"), 2)
    fs.label(ws, row, 10, "初审日期")
    fs.value(ws, row, 11, get("prereview_date"), 3, "yyyy-mm-dd")
    row += 1
    fs.label(ws, row, 1, "财务终审")
    fs.value(ws, row, 2, get("finance_reviewer"), 2)
    fs.label(ws, row, 4, "终审日期")
    fs.value(ws, row, 5, get("finance_date"), 2, "yyyy-mm-dd")
    row += 1
    fs.label(ws, row, 1, "退回原因")
    fs.value(ws, row, 2, get("return_reason"), ncols - 1)
    ws.row_dimensions[row].height = 48
    for r in (4, 5, total_row, total_row + 2, total_row + 3):
        ws.row_dimensions[r].height = 20
    # dropdowns (typing stays possible: NeiQin's checks report what is not in the list)

    def dropdown(ref: str, key: str | None = None, formula: str | None = None) -> None:
        if formula is None:
            assert key is not None
            dv = list_validation(lists[key] if lists and key in lists else settings.choices(key))
        else:
            dv = list_validation(formula)
        if dv is None:
            return
        dv.showErrorMessage = False
        dv.add(ref)
        ws.add_data_validation(dv)

    dropdown(f"{letters['category']}{first}:{letters['category']}{end}", "expense_categories")
    dropdown(f"{letters['kind']}{first}:{letters['kind']}{end}", "invoice_kinds")
    dropdown(f"{letters['rate']}{first}:{letters['rate']}{end}", "tax_rates")
    if cities_ref:
        dropdown(f"{letters['city']}{first}:{letters['city']}{end}", formula=cities_ref)
    dropdown("I4", "ranks")
    dropdown("K4", "claim_statuses")
    ws.sheet_properties.tabColor = "FFED7D31"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_area = f"A1:{last}{row}"
    return ws


def cities_range(first_data_row: int, column: str = "A", rows: int = 300) -> str:
    """The 城市级别 city column as a dropdown source."""
    return f"{quote_sheetname('城市级别')}!${column}${first_data_row}:${column}${first_data_row + rows}"


def as_datetime(value: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(value, dt.time()) if isinstance(value, dt.date) else value
