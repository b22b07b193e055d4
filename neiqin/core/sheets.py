"""Writing ledger sheets as a clerk keeps them (openpyxl; used by the demo and the build).

The layout — header notes, widths, number formats, dropdowns — comes from the
ledger's schema, and what is only presentation (title, Excel table name, status
colours, the overdue rule) from ``templates/sheets/<ledger>.toml``, so the sheet,
the reader and the checks never disagree.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from neiqin.core.config import Settings
from neiqin.core.config import fields as setting_fields
from neiqin.core.layout import SheetLayout, load_layout  # noqa: F401  (re-exported for the build)
from neiqin.core.schema import ColumnSpec

if TYPE_CHECKING:
    from neiqin.core.kit import LedgerSpec

HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="FFBFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DEFAULT_FORMATS = {"date": "yyyy-mm-dd", "number": "#,##0.00"}
LISTS_SHEET = "列表"
BLANK_ROWS_WITH_DROPDOWNS = 2000  # dropdowns and formats also cover the rows a clerk adds
MAX_VALIDATION_FORMULA = 255  # characters Excel allows in a data-validation formula (a longer one is "repaired" away)
log = logging.getLogger(__name__)


def header_note(spec: ColumnSpec) -> str:
    text = spec.description
    if spec.required:
        text += "（必填）"
    if spec.synonyms:
        text += f"\n也认：{'、'.join(spec.synonyms[:4])}"
    return text


def _argb(color: str) -> str:
    return "FF" + color.lstrip("#").upper()


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
    table: str | None = None,
) -> tuple[int, int]:
    """A titled table: title (merged), subtitle, header row, data.

    Returns (header row, last data row). With ``table`` the range becomes an Excel
    table of that name (with one blank row when there is no data, as Excel needs).
    """
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
    last = header_row + max(n, 1)
    for j in range(1, ncols + 1):
        width = widths[j - 1] if widths else None
        ws.column_dimensions[get_column_letter(j)].width = width or 12
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    fit_to_page_width(ws)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ref = f"A{header_row}:{get_column_letter(ncols)}{last}"
    if table:
        excel_table = Table(displayName=table, ref=ref)
        excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(excel_table)
    else:
        ws.auto_filter.ref = ref
    return header_row, last


def fit_to_page_width(ws: Worksheet) -> None:
    """Print landscape, as wide as one page (what a manager expects from a printout)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def list_validation(source: str | Sequence[str]) -> DataValidation | None:
    """A dropdown (list data validation) of a defined name or range (``lst_ranks``, ``'城市级别'!$A$5:$A$305``)
    or of literal values, stored as Excel stores it: the formula without a leading ``=``.

    None when literal values cannot be one: longer than Excel's 255 characters, or a value with a comma
    or quote (Excel would split it). The sheet then has no dropdown there; NeiQin's checks still report
    what is not in the list.
    """
    if isinstance(source, str):
        formula = source.removeprefix("=")
    else:
        values = [str(v) for v in source]
        formula = '"' + ",".join(values) + '"'
        if any("," in v or '"' in v for v in values) or len(formula) > MAX_VALIDATION_FORMULA:
            log.info("no dropdown for %s: not a list Excel can hold", formula[:60])
            return None
    return DataValidation(type="list", formula1=formula, allow_blank=True)


def write_lists(wb: Workbook, settings: Settings) -> dict[str, str]:
    """The 列表 sheet: one column per closed list of the settings; returns key -> defined name."""
    ws = wb.create_sheet(LISTS_SHEET)
    names: dict[str, str] = {}
    infos = {name: info for _section, name, info in setting_fields() if info.annotation == list[str]}
    keys = list(infos)
    ws.cell(1, 1, "下拉列表的可选值（由『设置』生成；修改请改『设置』后重新生成，或直接在此增删）").font = Font(
        color="FF7F7F7F"
    )
    for j, key in enumerate(keys, start=1):
        info = infos[key]
        values = settings.choices(key)
        ws.cell(2, j, (info.alias or key).removesuffix("选项")).font = HEADER_FONT
        ws.cell(2, j).fill = HEADER_FILL
        for i, value in enumerate(values, start=3):
            ws.cell(i, j, value)
        letter = get_column_letter(j)
        name = f"lst_{key}"
        # room for the clerk to add values: the dropdown reads the whole column block
        ref = f"{quote_sheetname(LISTS_SHEET)}!${letter}$3:${letter}${2 + max(len(values), 1) + 20}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        ws.column_dimensions[letter].width = 14
        names[key] = name
    ws.freeze_panes = "A3"
    return names


def write_ledger(
    wb: Workbook,
    spec: LedgerSpec,
    rows: Iterable[dict[str, Any]],
    settings: Settings | None = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    fields: Sequence[str] | None = None,
    layout: SheetLayout | None = None,
    lists: dict[str, str] | None = None,
) -> Worksheet:
    """The ledger's sheet with its schema's headers, notes, widths, formats and dropdowns.

    ``rows`` are dicts by field name; a value may be any cell value, including
    text the clerk typed where a number belongs (the demo's realistic mistakes).
    With a ``layout`` the sheet gets its Excel table, tab colour and conditional
    formats; with ``lists`` the dropdowns read the 列表 sheet instead of inline lists.
    """
    settings = settings or Settings()
    layout = layout if layout is not None else spec.template
    specs = [spec.column(f) for f in fields] if fields else spec.columns()
    ws = wb.create_sheet(spec.sheet)
    data = [[r.get(s.field) for s in specs] for r in rows]
    header_row, last = write_table(
        ws,
        [s.header for s in specs],
        data,
        title=title if title is not None else (layout.title if layout else None),
        subtitle=subtitle if subtitle is not None else (layout.subtitle if layout else None),
        widths=[s.width for s in specs],
        formats=[s.number_format or DEFAULT_FORMATS.get(s.kind) for s in specs],
        notes=[header_note(s) for s in specs],
        table=layout.table if layout else None,
    )
    first = header_row + 1
    end = max(last, header_row + BLANK_ROWS_WITH_DROPDOWNS)
    letters = {s.field: get_column_letter(j) for j, s in enumerate(specs, start=1)}
    for j, spec in enumerate(specs, start=1):
        letter = letters[spec.field]
        fmt = spec.number_format or DEFAULT_FORMATS.get(spec.kind)
        if fmt and not data:  # the table's blank row carries the formats Excel copies to new rows
            ws.cell(first, j).number_format = fmt
        if not spec.choices:
            continue
        dv = list_validation(lists[spec.choices] if lists and spec.choices in lists else settings.choices(spec.choices))
        if dv is None:
            continue
        dv.error = f"请从下拉列表选择{spec.header}"
        dv.errorTitle = "NeiQin"
        dv.showErrorMessage = False  # NeiQin's check reports it; typing stays possible
        dv.add(f"{letter}{first}:{letter}{end}")
        ws.add_data_validation(dv)
    if layout is not None:
        if layout.tab_color:
            ws.sheet_properties.tabColor = _argb(layout.tab_color)
        last_letter = get_column_letter(len(specs))
        for rule in layout.formats:
            formula = re.sub(r"\{(\w+)\}", lambda m: f"${letters[m.group(1)]}{first}", rule["formula"])
            target = (
                f"A{first}:{last_letter}{end}"
                if rule.get("row")
                else f"{letters[rule['field']]}{first}:{letters[rule['field']]}{end}"
            )
            font = Font(color=_argb(rule["font"]), bold=rule.get("bold", False)) if rule.get("font") else None
            fill = PatternFill(bgColor=_argb(rule["fill"])) if rule.get("fill") else None
            ws.conditional_formatting.add(
                target, FormulaRule(formula=[formula], font=font, fill=fill, stopIfTrue=False)
            )
    return ws


def write_settings(wb: Workbook, settings: Settings | None = None) -> Worksheet:
    """The 设置 sheet: one row per parameter (label, value, what it means)."""
    settings = settings or Settings()
    ws = wb.create_sheet("设置")
    rows = []
    section = None
    for model, name, info in setting_fields():
        if model is not section:  # a heading row per section (订单管理、费用报销 …)
            section = model
            rows.append([f"【{model.title}】", None, None])
        value = getattr(settings, name)
        if isinstance(value, list):
            value = "、".join(value)
        rows.append([info.alias or name, value, info.description or ""])
    write_table(
        ws,
        ["参数", "值", "说明"],
        rows,
        title="NeiQin 设置",
        subtitle="改『值』一列即可；列表用顿号（、）分隔。NeiQin 每次运行时读取。",
        widths=[16, 48, 70],
    )
    return ws
