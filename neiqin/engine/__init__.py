"""Workbooks through the xlwings API: live Excel when it has the book open, else headless.

``open_book(path)`` is the one way NeiQin opens a workbook. The headless engine
(:mod:`neiqin.engine.headless`) is registered with ``xlwings.engines`` under the
name ``neiqin``; macro code cannot tell it from Excel.

What business code needs beyond xlwings' API is here, the same for both engines:
:func:`is_headless`, :func:`merged_areas`, :func:`delete_rows`, :func:`save_warnings`
and :func:`save_backup`. Nothing outside this package touches ``.impl`` or a private
name of the engine.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from neiqin.engine.calls import count_calls
from neiqin.engine.common import ENGINE_NAME, MAX_CELL_TEXT, MAX_COLUMN_WIDTH, MAX_ROW_HEIGHT, EngineError

if TYPE_CHECKING:
    import xlwings as xw

# xlwings (and pandas with it) is imported by the functions that use it, not by this package: the
# ``neiqin`` command imports ``neiqin.engine.prefetch`` first, to start parsing the workbook at once

__all__ = [
    "ENGINE_NAME",
    "MAX_CELL_TEXT",
    "MAX_COLUMN_WIDTH",
    "MAX_ROW_HEIGHT",
    "Area",
    "EngineError",
    "count_calls",
    "delete_rows",
    "headless_caller",
    "is_headless",
    "merged_areas",
    "open_book",
    "register",
    "save_backup",
    "save_warnings",
]

log = logging.getLogger(__name__)

Area = tuple[int, int, int, int]  # row1, col1, row2, col2 (1-based, inclusive)
# Excel's Range() takes addresses up to 255 characters: longer row lists are deleted in several calls
MAX_ADDRESS = 255


def register() -> xw.main.Engine:
    """Register the headless engine with xlwings (idempotent) and return it.

    Where xlwings has no Excel engine (Linux, CI), the headless engine also becomes
    the active one, so plain ``xw.Book(path)`` in a macro works there too.
    """
    import xlwings as xw

    from neiqin.engine import headless

    try:
        return xw.engines[ENGINE_NAME]
    except (KeyError, xw.LicenseError):
        pass
    eng = xw.main.Engine(impl=headless.engine)
    xw.engines.add(eng)
    if xw.engines.active is None:
        eng.activate()
    return eng


def _open_in_excel(path: Path) -> xw.Book | None:
    """The book if a running Excel already has this file open (Windows/macOS only)."""
    if not sys.platform.startswith(("win", "darwin")):
        return None
    import xlwings as xw

    try:
        excel = xw.engines["excel"]
    except Exception:
        return None
    try:
        for app in excel.apps:
            for book in app.books:
                if os.path.normcase(book.fullname) == os.path.normcase(str(path)):
                    return book
    except Exception:  # Excel not running or not answering
        return None
    return None


def resolved(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute with its links followed; a link loop is a clear EngineError."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as exc:  # "Symlink loop from …"
        raise EngineError(
            f"无法打开『{Path(path).name}』：路径中的快捷方式/符号链接指向自身（{exc}）；请检查路径"
        ) from None


def open_book(path: str | os.PathLike[str], engine: Literal["auto", "headless", "excel"] = "auto") -> xw.Book:
    """Open a workbook for NeiQin's actions.

    ``auto`` uses the live workbook when Excel already has the file open (so a
    batch run never overwrites what a clerk is editing) and the headless engine
    otherwise; ``headless`` and ``excel`` force one or the other. Each headless
    open reads the file as it is on disk now.
    """
    path = resolved(path)
    if not path.exists():
        raise FileNotFoundError(path)
    if engine in ("auto", "excel"):
        live = _open_in_excel(path)
        if live is not None:
            return live
        if engine == "excel":
            import xlwings as xw

            return xw.Book(str(path))
    # A fresh headless "Excel instance" per workbook, as batch jobs do with
    # xw.App(visible=False): never a stale copy of a file opened earlier.
    app = register().apps.add()
    return app.books.open(str(path))


def is_headless(book: xw.Book | xw.Sheet) -> bool:
    """True when the workbook (or the sheet's workbook) is handled by NeiQin's headless engine."""
    import xlwings as xw

    if isinstance(book, xw.Sheet):
        book = book.book
    return book.app.engine.name == ENGINE_NAME


def save_warnings(book: xw.Book) -> list[str]:
    """What the last headless save could not keep (『形状或文本框 3 个』 …); Excel keeps everything."""
    return list(book.impl.save_warnings) if is_headless(book) else []


def save_backup(book: xw.Book) -> Path | None:
    """The copy of the original the last headless save made because it lost something, if any."""
    return book.impl.save_backup if is_headless(book) else None


def merged_areas(sheet: xw.Sheet, used: xw.Range | None = None, blanks: Sequence[tuple[int, int]] = ()) -> list[Area]:
    """The merged areas that cover ``blanks`` (cells read as empty) — or every merged area.

    The headless engine lists every merged area of the sheet from the file in one go. In Excel
    one call tells whether the used range has merged cells at all (the usual answer, 'no', ends
    it); then each column with merges is asked once, and only its blank cells for their merge area.
    """
    if is_headless(sheet):
        return list(sheet.impl._merged_areas())
    try:
        if used is None:
            used = sheet.used_range
        if not blanks or used.merge_cells is False:
            return []
        areas: list[Area] = []
        covered: set[tuple[int, int]] = set()
        checked: dict[int, bool] = {}
        for row, col in blanks:
            if (row, col) in covered:
                continue
            if col not in checked:
                column = sheet.range((used.row, col), (used.row + used.shape[0] - 1, col))
                checked[col] = column.merge_cells is not False
            if not checked[col]:
                continue
            area = sheet.range((row, col)).merge_area
            if area.shape != (1, 1):
                r1, c1 = area.row, area.column
                r2, c2 = r1 + area.shape[0] - 1, c1 + area.shape[1] - 1
                areas.append((r1, c1, r2, c2))
                covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        return areas
    except Exception as exc:  # an engine without merge information: read the cells as they are
        log.debug("merged areas unavailable: %s", exc)
        return []


def row_addresses(rows: Iterable[int], limit: int | None = MAX_ADDRESS) -> list[str]:
    """Whole-row addresses of ``rows`` ("3:5,9:9,12:14"), bottom rows first, each at most ``limit`` characters."""
    runs: list[list[int]] = []
    for row in sorted({int(r) for r in rows}):
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    chunks: list[str] = []
    current = ""
    for a, b in reversed(runs):
        part = f"{a}:{b}"
        if current and limit is not None and len(current) + 1 + len(part) > limit:
            chunks.append(current)
            current = part
        else:
            current = f"{current},{part}" if current else part
    if current:
        chunks.append(current)
    return chunks


def delete_rows(sheet: xw.Sheet, rows: Iterable[int]) -> int:
    """Delete whole sheet rows (many runs at once), as a clerk deletes rows in Excel; returns the calls made.

    Excel: one ``Range("3:5,9:9,12:14").Delete()`` per address of at most 255 characters, the
    bottom rows first, so that the rows of a later call have not moved. Headless: one call for
    all rows, done in one pass over the sheet whatever the number of runs. Everything below
    moves up; formulas, tables, merged areas, formats and validation follow their cells.
    """
    chunks = row_addresses(rows, limit=None if is_headless(sheet) else MAX_ADDRESS)
    for chunk in chunks:
        sheet.range(chunk).delete()
    return len(chunks)


@contextmanager
def headless_caller(path: str | os.PathLike[str]) -> Iterator[xw.Book]:
    """Make ``xw.Book.caller()`` return this workbook, as RunPython would in Excel.

    Macros written for the ribbon (``macros.dispatch``) then run unchanged from the
    CLI and tests.
    """
    import xlwings as xw

    book = open_book(path, engine="headless")
    previous = getattr(xw.Book, "_mock_caller", None)
    book.set_mock_caller()
    try:
        yield book
    finally:
        if previous is None:
            del xw.Book._mock_caller
        else:
            xw.Book._mock_caller = previous
