"""Writing what actions produce through the xlwings API, in whole ranges.

- :func:`write_cells` changes individual cells of a ledger (a status, a date): one
  call per run of consecutive changed rows in a column — never a rewrite of cells
  the action did not change (Excel would turn the text "001" into the number 1);
- :func:`output_sheet` (re)writes a generated sheet (逾期预警, 订单看板 …): a title,
  a note, a table, formats — a constant number of calls whatever the row count; a text
  too long for one row (Excel's rows stop at 409.5 pt) continues on the rows below;
- :func:`ensure_ledger_sheet` creates a missing ledger sheet (a task sheet …) with
  its schema's headers, and :func:`append_rows` adds lines under a ledger's last
  line, growing its Excel table.

What NeiQin writes looks like what the clerk typed: an appended line takes the line above's
number formats, alignment and wrap (the schema's format when there is no line above), a date
written into a cell formatted General gets a date format (never ``yyyy-mm-dd h:mm:ss`` in an
11-wide column, which Excel shows as ###), and a text with line breaks wraps in its cell, as
Excel does when a clerk types Alt+Enter, instead of spilling over the next column. The
formats cost a few calls per column, never per row.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import numbers
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from neiqin.base.text import text_width
from neiqin.core.fields import DATE, DATETIME

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.kit import LedgerSpec
    from neiqin.core.ledger import Ledger

HEADER_COLOR = "#DDEBF7"
CONTINUED = "（续）"  # starts the rest of a text that did not fit in the row above
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
    Every writer escapes once, here or in :func:`write_cells` / :func:`append_rows`; planners
    hand over values as they are (a text that starts with an apostrophe keeps it: 「'abc」 is
    written as 「''abc」 and reads back as 「'abc」).
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


def write_cells(sheet: xw.Sheet, cells: dict[tuple[int, int], Any], *, fit: bool = True) -> int:
    """Write ``{(row, col): value}``; returns the number of range writes it took.

    Values are written as values: a text is kept as that text (see :func:`as_text`), never
    turned into a formula, number or date. A date gets a date format where the cell has none;
    with ``fit``, a text with line breaks wraps and its row grows (without: the caller lays it
    out, as :func:`show_in_full` does for a merged box).
    """
    by_col: dict[int, dict[int, Any]] = defaultdict(dict)
    for (row, col), value in cells.items():
        by_col[col][row] = as_text(value)
    retyped = sorted(c for c, v in by_col.items() if any(x is not cells[(r, c)] for r, x in v.items()))
    for col in retyped:
        if _text_formatted(sheet, min(by_col[col]), [col]):  # a Text column keeps text as written
            by_col[col] = {r: cells[(r, col)] for r in by_col[col]}
    undated = _undated_runs(sheet, cells)  # read before writing: a write may give the cells a format of its own
    writes = 0
    for col, values in sorted(by_col.items()):
        for run in row_runs(list(values)):
            sheet.range((run[0], col)).value = [[values[r]] for r in run]
            writes += 1
    for (first, last, col), fmt in undated.items():  # Excel would show a serial number, or ###
        sheet.range((first, col), (last, col)).number_format = fmt
        writes += 1
    multiline = [cell for cell, value in cells.items() if _multiline(value)] if fit else []
    if multiline:  # the line's other cells align at the top with the text
        used = sheet.used_range
        writes += 1 + wrap_multiline(sheet, multiline, span=(1, used.column + used.shape[1] - 1))
    return writes


_DATE_TOKENS = re.compile(r"[ymdhs]|[年月日]", re.I)
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # quoted text, escaped characters, [colour] / [$-locale]


def is_date_format(fmt: Any) -> bool:
    """A number format that shows a date or time (yyyy-mm-dd, m/d/yyyy, yyyy"年"m"月"d"日" …)."""
    if not isinstance(fmt, str) or fmt.strip().lower() in ("general", "@", ""):
        return False
    return bool(_DATE_TOKENS.search(_FORMAT_NOISE.sub("", fmt)))


def _is_date(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.datetime)) and not isinstance(value, bool)


def date_format_for(values: Iterable[Any]) -> str:
    """yyyy-mm-dd for dates, yyyy-mm-dd hh:mm when one of them has a time of day."""
    timed = any(isinstance(v, dt.datetime) and (v.hour, v.minute, v.second) != (0, 0, 0) for v in values)
    return DATETIME if timed else DATE


def _undated_runs(sheet: xw.Sheet, cells: dict[tuple[int, int], Any]) -> dict[tuple[int, int, int], str]:
    """Runs of cells getting a date that have no date format: (first row, last row, col) -> the format
    to give them. One read per run."""
    by_col: dict[int, dict[int, Any]] = defaultdict(dict)
    for (row, col), value in cells.items():
        if _is_date(value):
            by_col[col][row] = value
    out = {}
    for col, values in sorted(by_col.items()):
        for run in row_runs(list(values)):
            if not is_date_format(sheet.range((run[0], col), (run[-1], col)).number_format):  # General, or mixed
                out[(run[0], run[-1], col)] = date_format_for(values[r] for r in run)
    return out


def _multiline(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value.strip()


def wrap_multiline(sheet: xw.Sheet, cells: Sequence[tuple[int, int]], span: tuple[int, int]) -> int:
    """Cells holding text with line breaks wrap, and their rows — the cells from column ``span[0]``
    to ``span[1]`` — align at the top and grow to show it. One call per run of rows per column,
    and two per run of rows (as many as writing the cells took)."""
    calls = 0
    by_col: dict[int, list[int]] = defaultdict(list)
    for row, col in cells:
        by_col[col].append(row)
    for col, rows in sorted(by_col.items()):
        for run in row_runs(rows):
            sheet.range((run[0], col), (run[-1], col)).wrap_text = True
            calls += 1
    for run in row_runs(sorted({r for r, _c in cells})):
        rng = sheet.range((run[0], span[0]), (run[-1], span[1]))
        rng.vertical_alignment = "top"
        rng.rows.autofit()
        calls += 2
    return calls


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
    # text from the clerk's sheets (a title typed "=1+1") stays text: never a formula, number or date
    body = [list(r) + [None] * (width - len(r)) for r in rows] or [[empty] + [None] * (width - 1)]
    if wrap:
        body = continued_rows(body, wrap, widths)
    block = [[title] + [None] * (width - 1), [note] + [None] * (width - 1), [None] * width, list(header), *body]
    # customer names, notes, messages come from outside: never written as formulas (the sheet was just
    # cleared, so every cell is General and takes the apostrophe as Excel does)
    sheet.range("A1").value = as_text_rows(block)
    sheet.range("A1").font.bold = True
    sheet.range("A1").font.size = 14
    head = sheet.range((4, 1), (4, width))
    head.font.bold = True
    head.color = HEADER_COLOR
    numeric = {
        col: True
        for col in range(1, width + 1)
        if (values := [r[col - 1] for r in body if r[col - 1] is not None])
        and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)
    }
    for first, last_col, _ in _col_runs(numeric):  # a number column's header stands over its numbers
        sheet.range((4, first), (4, last_col)).horizontal_alignment = "right"
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


def continued_rows(
    rows: Sequence[Sequence[Any]], wrap: Sequence[int], widths: Sequence[float] | None = None
) -> list[list[Any]]:
    """``rows`` with every wrapped text that needs a row taller than Excel allows (409.5 pt) continued below.

    Such a text is cut at line ends — a single line longer than a row holds, at the column's width —
    into pieces that fit; each further piece goes in the same column of a new row right below the
    row, starting with 「（续）」, the new row's other cells empty (nothing is counted twice). The
    estimate is the one AutoFit uses (:func:`neiqin.engine.layout.wrapped_lines`).
    """
    out: list[list[Any]] = []
    for row in rows:
        pieces = {
            col: fit_text(row[col - 1], widths[col - 1] if widths and col <= len(widths) else None)
            for col in wrap
            if col <= len(row) and isinstance(row[col - 1], str)
        }
        extra = max((len(p) for p in pieces.values()), default=1) - 1
        line = list(row)
        for col, parts in pieces.items():
            line[col - 1] = parts[0]
        out.append(line)
        for i in range(1, extra + 1):
            more: list[Any] = [None] * len(row)
            for col, parts in pieces.items():
                if i < len(parts):
                    more[col - 1] = CONTINUED + parts[i]
            out.append(more)
    return out


def fit_text(text: str, column_width: float | None, max_lines: int | None = None) -> list[str]:
    """``text`` in pieces of at most ``max_lines`` wrapped lines in a column ``column_width`` wide (one
    piece when it fits); every piece after the first has room for the 「（续）」 it will start with.

    Pieces end at line ends; a line longer than a row holds fills the rest of its piece and goes on
    in the next (cut at the column's width), so no piece is left nearly empty.
    """
    from neiqin.engine.layout import MAX_WRAPPED_LINES, wrapped_lines

    limit = max_lines or MAX_WRAPPED_LINES
    if wrapped_lines(text, column_width) <= limit:
        return [text]
    pieces: list[str] = []
    current: list[str] = []

    def fits(lines: list[str], first: bool | None = None) -> bool:
        """Whether ``lines`` fit in one piece: the one being filled, or (``first=False``) a new one after it."""
        first = not pieces if first is None else first
        return wrapped_lines(("" if first else CONTINUED) + "\n".join(lines), column_width) <= limit

    for line in text.split("\n"):
        if fits([*current, line]):
            current.append(line)
            continue
        if fits([line], first=False):  # a new piece starts with this line
            pieces.append("\n".join(current))
            current = [line]
            continue
        while not fits([*current, line]):  # longer than a row: fill this piece with its head
            lo, hi = 0, len(line)  # the longest head that fits (fits() only grows false with the head)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if fits([*current, line[:mid]]) else (lo, mid - 1)
            if lo == 0 and current:  # no room left here: the line starts the next piece
                pieces.append("\n".join(current))
                current = []
                continue
            cut = max(lo, 1)
            pieces.append("\n".join([*current, line[:cut]]))
            current, line = [], line[cut:]
        current.append(line)
    if any(current) or not pieces:  # a last piece of nothing but a line break is left out
        pieces.append("\n".join(current))
    return pieces


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
    above = last if last > ledger.header_row else None
    formats = _formats_to_carry(sheet, ledger, rows, start, above, (width_from, width_to))  # before the values
    sheet.range((start, first_col)).value = block
    for t in sheet.tables:
        rng = t.range
        if rng.row == ledger.header_row and rng.row + rng.shape[0] - 1 < end:
            t.resize(sheet.range((rng.row, rng.column), (end, rng.column + rng.shape[1] - 1)))
    _apply_formats(sheet, ledger, rows, start, end, formats, (width_from, width_to))
    return start, end


_PLAIN = {"number_format": "General", "horizontal_alignment": "general", "vertical_alignment": "bottom"}


def _formats_to_carry(
    sheet: xw.Sheet,
    ledger: Ledger,
    rows: Sequence[dict[str, Any]],
    start: int,
    above: int | None,
    span: tuple[int, int],
) -> dict[str, dict[int, Any]]:
    """What new lines should look like, column by column: the line above's number formats,
    alignment and wrap. Without a line above, a column keeps the format its first new cell
    already has (a prepared sheet), else takes the schema's. Dates never stay General.
    A few reads per column, whatever the number of lines.
    """
    fields_at = {column.col: name for name, column in ledger.columns.items()}
    wanted: dict[str, dict[int, Any]] = {name: {} for name in (*_PLAIN, "wrap_text")}
    source = above if above is not None else start
    for col in range(span[0], span[1] + 1):
        cell = sheet.range((source, col))
        fmt = cell.number_format
        name = fields_at.get(col)
        values = [r.get(name) for r in rows] if name else []
        spec = ledger.model.column(name) if name else None
        if above is None and (fmt is None or fmt == "General") and spec is not None and spec.number_format:
            fmt = spec.number_format
        if any(_is_date(v) for v in values) and not is_date_format(fmt):
            fmt = spec.number_format if spec is not None and is_date_format(spec.number_format) else None
            fmt = fmt or date_format_for(v for v in values if _is_date(v))
        wanted["number_format"][col] = fmt
        if above is not None:
            wanted["horizontal_alignment"][col] = cell.horizontal_alignment
            wanted["vertical_alignment"][col] = cell.vertical_alignment
            wanted["wrap_text"][col] = bool(cell.wrap_text)
    return wanted


def _apply_formats(
    sheet: xw.Sheet,
    ledger: Ledger,
    rows: Sequence[dict[str, Any]],
    start: int,
    end: int,
    wanted: dict[str, dict[int, Any]],
    span: tuple[int, int],
) -> None:
    """Give the new lines the formats of :func:`_formats_to_carry`: one write per run of columns
    sharing a format. A column given text with line breaks wraps over the new lines, which then
    align at the top; rows with wrapped text grow to show it. Calls per column, never per line."""
    wrapped = wanted["wrap_text"]
    for name, column in ledger.columns.items():
        if not wrapped.get(column.col) and any(_multiline(values.get(name)) for values in rows):
            wrapped[column.col] = "multiline"
    for prop, by_col in wanted.items():
        plain = _PLAIN.get(prop, False)
        for first, last, value in _col_runs(by_col):
            if value is None or value == plain:
                continue  # nothing to carry: what the cells already have stays (a prepared column)
            setattr(sheet.range((start, first), (end, last)), prop, True if prop == "wrap_text" else value)
    block = sheet.range((start, span[0]), (end, span[1]))
    if "multiline" in wrapped.values():
        block.vertical_alignment = "top"
    if any(wrapped.values()):
        block.rows.autofit()


def _col_runs(by_col: dict[int, Any]) -> list[tuple[int, int, Any]]:
    """Consecutive columns with the same value: (first, last, value)."""
    runs: list[tuple[int, int, Any]] = []
    for col in sorted(by_col):
        value = by_col[col]
        if runs and runs[-1][1] == col - 1 and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], col, value)
        else:
            runs.append((col, col, value))
    return runs


MAX_ROW_HEIGHT = 409.5  # points: Excel's limit for one row
LINE_HEIGHT = 16.0  # points per line of 11-point text (CJK fonts draw taller lines than Latin ones)
_CELL_PADDING = 1.5  # character widths a cell keeps free at its edges


def lines_needed(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped in a box ``width`` characters wide (CJK characters count two)."""
    usable = max(width - _CELL_PADDING, 1.0)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(text).split("\n"))


def show_in_full(sheet: xw.Sheet, row: int, col: int) -> tuple[int, int]:
    """Make the whole text of a cell (or of the merged box it is in) visible, on screen and on paper.

    The box wraps its text, aligned at the top; its row grows to fit, up to Excel's 409.5 points.
    Text that needs more than that gets more rows: whole rows are inserted under the box (what is
    below moves down, nothing is overwritten), the box is merged over them (its label cell on the
    left too) and the print area grows with it. Nothing of the text is cut. Returns the box's
    first and last row.
    """
    from neiqin.engine import merged_areas

    area = next(
        (a for a in merged_areas(sheet, blanks=[(row, col)]) if a[0] <= row <= a[2] and a[1] <= col <= a[3]),
        (row, col, row, col),
    )
    r1, c1, r2, c2 = area
    text = sheet.range((r1, c1)).value
    if not isinstance(text, str) or not text.strip():
        return r1, r2
    width = sum(sheet.range((r1, c)).column_width or 8.43 for c in range(c1, c2 + 1))
    needed = lines_needed(text, width) * LINE_HEIGHT + 4
    heights = [sheet.range((r, c1)).row_height or LINE_HEIGHT for r in range(r1, r2 + 1)]
    extra = max(0, math.ceil((needed - MAX_ROW_HEIGHT * len(heights)) / MAX_ROW_HEIGHT))
    if extra:
        sheet.range(f"{r2 + 1}:{r2 + extra}").insert(shift="down")
        _merge_down(sheet, (r1, c1, r2, c2), r2 + extra)
        label = c1 - 1
        if label >= 1 and sheet.range((r1, label)).value not in (None, ""):
            _merge_down(sheet, (r1, label, r2, label), r2 + extra)
        _grow_print_area(sheet, r2, extra)
        heights += [LINE_HEIGHT] * extra
        r2 += extra
    box = sheet.range((r1, c1), (r2, c2))
    box.wrap_text = True
    box.vertical_alignment = "top"
    short = needed - sum(heights)
    for i in range(len(heights)):  # fill the rows in order, each up to Excel's limit
        if short <= 0:
            break
        grown = min(MAX_ROW_HEIGHT, heights[i] + short)
        short -= grown - heights[i]
        sheet.range((r1 + i, c1)).row_height = grown
    return r1, r2


def _merge_down(sheet: xw.Sheet, area: tuple[int, int, int, int], last_row: int) -> None:
    r1, c1, r2, c2 = area
    if (r2, c2) != (r1, c1):
        sheet.range((r1, c1), (r2, c2)).unmerge()
    sheet.range((r1, c1), (last_row, c2)).merge()


_LAST_ROW = re.compile(r"(\$?[A-Z]{1,3}\$?)(\d+)$")


def _grow_print_area(sheet: xw.Sheet, last: int, extra: int) -> None:
    """A print area ending at ``last`` ends ``extra`` rows lower (the rows inserted under it)."""
    try:
        area = sheet.page_setup.print_area
    except Exception as exc:  # macOS' AppleScript object has other names: layout only
        log.debug("print area not read: %s", exc)
        return
    if not area or "," in area:
        return
    m = _LAST_ROW.search(area.split("!")[-1])
    if m is None or int(m.group(2)) != last:
        return
    address = area.split("!")[-1]
    sheet.page_setup.print_area = address[: m.start()] + m.group(1) + str(last + extra)
