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
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xlwings as xw

    from .ledger import Ledger
    from .schema import LedgerRow

HEADER_COLOR = "#DDEBF7"
log = logging.getLogger(__name__)


def print_setup(sheet: xw.Sheet, title_row: int | None = None) -> None:
    """Print landscape, one page wide, the header row on every page.

    xlwings has no API for this, so it goes through the COM PageSetup object (Windows
    Excel, and the headless engine's stand-in); elsewhere it is skipped: it is layout.
    """
    try:
        api = sheet.page_setup.api
        api.Orientation = 2  # xlLandscape
        api.Zoom = False
        api.FitToPagesWide = 1
        api.FitToPagesTall = False
        if title_row:
            api.PrintTitleRows = f"${title_row}:${title_row}"
    except Exception as exc:  # macOS' AppleScript object has other names
        log.debug("page setup skipped: %s", exc)


def _runs(rows: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def write_cells(sheet: xw.Sheet, cells: dict[tuple[int, int], Any]) -> int:
    """Write ``{(row, col): value}``; returns the number of range writes it took."""
    by_col: dict[int, dict[int, Any]] = defaultdict(dict)
    for (row, col), value in cells.items():
        by_col[col][row] = value
    writes = 0
    for col, values in sorted(by_col.items()):
        for run in _runs(list(values)):
            sheet.range((run[0], col)).value = [[values[r]] for r in run]
            writes += 1
    return writes


def delete_rows(sheet: xw.Sheet, rows: Sequence[int], first_col: int, last_col: int) -> int:
    """Delete ledger lines (cells first_col..last_col, shifting up), bottom run first."""
    runs = _runs(rows)
    for run in reversed(runs):
        sheet.range((run[0], first_col), (run[-1], last_col)).delete(shift="up")
    return len(runs)


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
        sheet.clear()
    else:
        anchor = book.sheets[after] if after in names else book.sheets[len(names) - 1]
        sheet = book.sheets.add(name, after=anchor)
    width = len(header)
    body = [list(r) + [None] * (width - len(r)) for r in rows] or [[empty] + [None] * (width - 1)]
    block = [[title] + [None] * (width - 1), [note] + [None] * (width - 1), [None] * width, list(header), *body]
    sheet.range("A1").value = block
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


def ensure_ledger_sheet(book: xw.Book, model: type[LedgerRow], after: str | None = None) -> xw.Sheet:
    """The ledger's sheet; created with a title and the schema's header row when missing."""
    info = model.ledger
    names = [s.name for s in book.sheets]
    if info.sheet in names:
        return book.sheets[info.sheet]
    anchor = book.sheets[after] if after in names else book.sheets[len(names) - 1]
    sheet = book.sheets.add(info.sheet, after=anchor)
    specs = model.columns()
    sheet.range("A1").value = [[info.title], [None], [None], [s.header for s in specs]]
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
    """Add lines (dicts by field) under the ledger's last line; returns (first, last) row."""
    if not rows:
        return (0, -1)
    first_col = min(c.col for c in ledger.columns.values())
    last_col = max(c.col for c in ledger.columns.values())
    start = (ledger.rows[-1] if ledger.rows else ledger.header_row) + 1
    block = []
    for values in rows:
        line: list[Any] = [None] * (last_col - first_col + 1)
        for field_name, column in ledger.columns.items():
            line[column.col - first_col] = values.get(field_name)
        block.append(line)
    sheet.range((start, first_col)).value = block
    end = start + len(block) - 1
    for table in sheet.tables:
        rng = table.range
        if rng.row == ledger.header_row and rng.row + rng.shape[0] - 1 < end:
            table.resize(sheet.range((rng.row, rng.column), (end, rng.column + rng.shape[1] - 1)))
    return start, end
