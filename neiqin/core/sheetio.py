"""Writing what actions produce through the xlwings API, in whole ranges.

- :func:`write_cells` changes individual cells of a ledger (a status, a date): one
  call per run of consecutive changed rows in a column — never a rewrite of cells
  the action did not change (Excel would turn the text "001" into the number 1);
- :func:`output_sheet` (re)writes a generated sheet (逾期预警, 订单看板 …): a title,
  a note, a table, formats — a constant number of calls whatever the row count;
- :func:`ensure_ledger_sheet` creates a missing ledger sheet (a task sheet …) with
  its schema's headers, and :func:`append_rows` adds lines under a ledger's last
  line, growing its Excel table.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.kit import LedgerSpec
    from neiqin.core.ledger import Ledger

HEADER_COLOR = "#DDEBF7"
log = logging.getLogger(__name__)


def print_setup(
    sheet: xw.Sheet, title_row: int | None = None, landscape: bool = True, pages_tall: int | None = None
) -> None:
    """Print one page wide (landscape unless told otherwise), the header row on every page;
    ``pages_tall``: at most that many pages down (1: the whole sheet on one page).

    xlwings has no API for this, so it goes through the COM PageSetup object (Windows
    Excel, and the headless engine's stand-in); elsewhere it is skipped: it is layout.
    """
    try:
        api = sheet.page_setup.api
        api.Orientation = 2 if landscape else 1  # xlLandscape / xlPortrait
        api.Zoom = False
        api.FitToPagesWide = 1
        api.FitToPagesTall = pages_tall or False
        if title_row:
            api.PrintTitleRows = f"${title_row}:${title_row}"
    except Exception as exc:  # macOS' AppleScript object has other names
        log.debug("page setup skipped: %s", exc)


MAX_ADDRESS = 240  # Excel accepts range addresses up to 255 characters


def joined_addresses(cells: Iterable[str]) -> list[str]:
    """A1 addresses joined into multi-area addresses ("A1,C3:D4,…"), each short enough for Range().

    Formatting many scattered cells then costs one workbook call per address, not one per cell.
    """
    chunks: list[str] = []
    current = ""
    for cell in cells:
        if current and len(current) + 1 + len(cell) > MAX_ADDRESS:
            chunks.append(current)
            current = cell
        else:
            current = f"{current},{cell}" if current else cell
    if current:
        chunks.append(current)
    return chunks


# Text Excel would not keep as typed when written through Range.Value: formulas ("=…", "+…", "-…",
# "@…", also after spaces, tabs or line breaks, which another program or a later trim removes — the
# CSV-injection prefixes), numbers and dates ("001", "3/4", "11-3", "3月4日", "1e5"), TRUE/FALSE, a
# leading apostrophe.
_RETYPED = re.compile(
    r"^\s*[=+\-@]|^['\t\r\n]|^\s*(true|false)\s*$"
    r"|^[\s\d.,:/%$¥￥€()+\-eE年月日时分秒点AaPpMm]*\d[\s\d.,:/%$¥￥€()+\-eE年月日时分秒点AaPpMm]*$",
    re.I,
)


def retyped(text: str) -> bool:
    """True when Excel would not keep ``text`` as typed if it were written into a General cell:
    it would become a formula, a number, a date or a boolean (or lose a leading apostrophe)."""
    return bool(text) and _RETYPED.search(text) is not None


def as_text(value: Any) -> Any:
    """``value`` ready for Range.Value such that text stays the same text.

    Excel (and NeiQin's headless engine, which behaves the same) turns a written string
    "=见合同" into a formula and "01020003" into a number; a leading apostrophe makes it
    store the rest as text, exactly as when a clerk types '001. Other values pass unchanged.
    Every text NeiQin copies from a cell, a file or a message goes through here (or into a
    Text-formatted cell), so no outside text ever becomes a live formula.
    """
    if isinstance(value, str) and value and _RETYPED.search(value):
        return "'" + value
    return value


def as_text_rows(rows: Iterable[Sequence[Any]], keep: Iterable[tuple[int, int]] = ()) -> list[list[Any]]:
    """A block of rows for Range.Value with every text kept as text (:func:`as_text`).

    ``keep``: (row, col) positions in the block, 0-based, written as they are — NeiQin's own
    formulas, or cells already formatted as Text (where Excel keeps an apostrophe as typed).
    """
    kept = set(keep)
    if not kept:
        return [[as_text(v) for v in row] for row in rows]
    return [[v if (i, j) in kept else as_text(v) for j, v in enumerate(row)] for i, row in enumerate(rows)]


def _text_formatted(sheet: xw.Sheet, row: int, cols: Sequence[int]) -> set[int]:
    """Columns (of those given) whose cell in ``row`` has the Text format: Excel keeps text there as
    typed, so no apostrophe is needed (one read per column that needs it)."""
    out = set()
    for col in cols:
        try:
            if sheet.range((row, col)).number_format == "@":
                out.add(col)
        except Exception:  # pragma: no cover - a format NeiQin cannot read is not Text
            continue
    return out


def row_runs(rows: Sequence[int]) -> list[list[int]]:
    """``rows`` sorted and grouped into runs of consecutive rows: one range call per run."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def write_cells(sheet: xw.Sheet, cells: dict[tuple[int, int], Any]) -> int:
    """Write ``{(row, col): value}``; returns the number of range writes it took.

    Values are written as values: a text is kept as that text (see :func:`as_text`), never
    turned into a formula, number or date.
    """
    by_col: dict[int, dict[int, Any]] = defaultdict(dict)
    for (row, col), value in cells.items():
        by_col[col][row] = as_text(value)
    retyped = sorted(c for c, v in by_col.items() if any(x is not cells[(r, c)] for r, x in v.items()))
    for col in retyped:
        if _text_formatted(sheet, min(by_col[col]), [col]):  # a Text column keeps text as written
            by_col[col] = {r: cells[(r, col)] for r in by_col[col]}
    writes = 0
    for col, values in sorted(by_col.items()):
        for run in row_runs(list(values)):
            sheet.range((run[0], col)).value = [[values[r]] for r in run]
            writes += 1
    return writes


def formula_rows(sheet: xw.Sheet, ledger: Ledger, field_name: str) -> set[int]:
    """Rows whose cell of ``field_name`` holds a formula (one range read for the whole column)."""
    if not ledger.has(field_name) or not ledger.rows:
        return set()
    first, last = ledger.rows[0], ledger.rows[-1]
    col = ledger.col(field_name)
    formulas = sheet.range((first, col), (last, col)).options(ndim=2).formula
    if isinstance(formulas, str):  # one cell
        formulas = ((formulas,),)
    return {first + i for i, row in enumerate(formulas or ()) if isinstance(row[0], str) and row[0].startswith("=")}


def output_sheet(
    book: xw.Book,
    name: str,
    title: str,
    note: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    widths: Sequence[float] | None = None,
    formats: dict[int, str] | None = None,
    wrap: Sequence[int] = (),
    empty: str = "（没有需要列出的内容）",
    after: str | None = None,
) -> xw.Sheet:
    """Replace the generated sheet ``name``: title, note, header row (row 4) and rows."""
    names = [s.name for s in book.sheets]
    if name in names:
        sheet = book.sheets[name]
        check_generated(sheet, header)
        sheet.clear()
    else:
        anchor = book.sheets[after] if after in names else book.sheets[len(names) - 1]
        sheet = book.sheets.add(name, after=anchor)
    width = len(header)
    body = [list(r) + [None] * (width - len(r)) for r in rows] or [[empty] + [None] * (width - 1)]
    block = [[title] + [None] * (width - 1), [note] + [None] * (width - 1), [None] * width, list(header), *body]
    # customer names, notes, messages come from outside: never written as formulas (the sheet was just
    # cleared, so every cell is General and takes the apostrophe as Excel does)
    sheet.range("A1").value = as_text_rows(block)
    sheet.range("A1").font.bold = True
    sheet.range("A1").font.size = 14
    head = sheet.range((4, 1), (4, width))
    head.font.bold = True
    head.color = HEADER_COLOR
    last = 4 + len(body)
    for col, fmt in (formats or {}).items():
        sheet.range((5, col), (last, col)).number_format = fmt
    for col, w in enumerate(widths or (), start=1):
        sheet.range((1, col)).column_width = w
    body_range = sheet.range((5, 1), (last, width))
    body_range.vertical_alignment = "top"
    for col in wrap:
        sheet.range((5, col), (last, col)).wrap_text = True
    if wrap:
        body_range.rows.autofit()
    print_setup(sheet, title_row=4)
    return sheet


def check_generated(sheet: xw.Sheet, header: Sequence[str], row: int = 4) -> None:
    """Refuse to wipe a sheet NeiQin did not write: one that is neither empty nor has ``header`` in ``row``.

    A clerk's own sheet that happens to be called 订单看板 or 校验结果 is kept (two reads).
    """
    found = sheet.range((row, 1), (row, len(header))).value
    found = found if isinstance(found, list) else [found]
    same = sum(1 for a, b in zip(found, header, strict=False) if isinstance(a, str) and a.strip() == b)
    if same * 2 >= len(header):
        return
    used = sheet.used_range
    if used.shape == (1, 1) and sheet.range("A1").value is None:
        return  # empty
    from neiqin.base.errors import NeiQinError

    raise NeiQinError(
        f"工作簿里已有名为『{sheet.name}』的工作表，但它不是 NeiQin 生成的（第 {row} 行不是 NeiQin 的表头），"
        "为免覆盖其中的内容，本次未执行；请把它改名后重新运行"
    )


def ensure_ledger_sheet(book: xw.Book, ledger: str | LedgerSpec, after: str | None = None) -> xw.Sheet:
    """The ledger's sheet (by any of its names); created with a title and the schema's header row when missing."""
    from neiqin.core.kit import LedgerSpec
    from neiqin.core.kit import ledger as ledger_spec
    from neiqin.core.ledger import sheet_of

    spec = ledger if isinstance(ledger, LedgerSpec) else ledger_spec(ledger)
    existing = sheet_of(book, spec)
    if existing is not None:
        return book.sheets[existing]
    names = [s.name for s in book.sheets]
    anchor = book.sheets[after] if after in names else book.sheets[len(names) - 1]
    sheet = book.sheets.add(spec.sheet, after=anchor)
    specs = spec.columns()
    blank = [None] * (len(specs) - 1)
    sheet.range("A1").value = [[spec.title, *blank], [None, *blank], [None, *blank], [s.header for s in specs]]
    sheet.range("A1").font.bold = True
    sheet.range("A1").font.size = 14
    head = sheet.range((4, 1), (4, len(specs)))
    head.font.bold = True
    head.color = HEADER_COLOR
    for col, spec in enumerate(specs, start=1):
        if spec.width:
            sheet.range((1, col)).column_width = spec.width
        if spec.number_format:
            sheet.range((5, col), (5 + 500, col)).number_format = spec.number_format
    return sheet


def append_rows(sheet: xw.Sheet, ledger: Ledger, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """Add lines (dicts by field) under the ledger's last line; returns (first, last) row.

    The lines go right under the last data line. When something is in the way there — a
    合计 row, a note, the Total Row of the ledger's Excel table — whole rows are inserted first,
    as a clerk would do, so it moves down instead of being overwritten; the table grows over
    the new lines. Text is written as text (see :func:`as_text`).
    """
    if not rows:
        return (0, -1)
    first_col = min(c.col for c in ledger.columns.values())
    last_col = max(c.col for c in ledger.columns.values())
    table = next((t for t in sheet.tables if t.range.row == ledger.header_row), None)
    last = ledger.rows[-1] if ledger.rows else ledger.header_row
    width_from, width_to = first_col, last_col
    if table is not None:
        trange = table.range
        table_end = trange.row + trange.shape[0] - 1
        width_from, width_to = min(first_col, trange.column), max(last_col, trange.column + trange.shape[1] - 1)
        if table.show_totals:  # the Total Row (汇总) is not a line: append above it
            last = max([r for r in ledger.rows if r < table_end] or [ledger.header_row])
    start = last + 1
    end = start + len(rows) - 1
    below = sheet.range((start, width_from), (end, width_to)).options(ndim=2).value
    in_the_way = any(v is not None and v != "" for line in below for v in line)
    if table is not None and table.show_totals and start <= table_end <= end:
        in_the_way = True
    if in_the_way:
        sheet.range(f"{start}:{end}").insert(shift="down")
    retyped = {
        column.col
        for field_name, column in ledger.columns.items()
        if any(as_text(values.get(field_name)) is not values.get(field_name) for values in rows)
    }
    keep_as_is = _text_formatted(sheet, start, sorted(retyped))  # a Text column keeps text as written
    block = []
    for values in rows:
        line: list[Any] = [None] * (last_col - first_col + 1)
        for field_name, column in ledger.columns.items():
            value = values.get(field_name)
            line[column.col - first_col] = value if column.col in keep_as_is else as_text(value)
        block.append(line)
    sheet.range((start, first_col)).value = block
    for t in sheet.tables:
        rng = t.range
        if rng.row == ledger.header_row and rng.row + rng.shape[0] - 1 < end:
            t.resize(sheet.range((rng.row, rng.column), (end, rng.column + rng.shape[1] - 1)))
    return start, end
