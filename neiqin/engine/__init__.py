"""Workbooks through the xlwings API: live Excel when it has the book open, else headless.

``open_book(path)`` is the one way NeiQin opens a workbook. The headless engine
(:mod:`neiqin.engine.headless`) is registered with ``xlwings.engines`` under the
name ``neiqin``; macro code cannot tell it from Excel.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import xlwings as xw

from neiqin.engine import headless
from neiqin.engine.calls import count_calls
from neiqin.engine.headless import ENGINE_NAME, EngineError

__all__ = [
    "ENGINE_NAME",
    "EngineError",
    "count_calls",
    "delete_rows",
    "headless_caller",
    "is_headless",
    "open_book",
    "register",
]


def register() -> xw.main.Engine:
    """Register the headless engine with xlwings (idempotent) and return it.

    Where xlwings has no Excel engine (Linux, CI), the headless engine also becomes
    the active one, so plain ``xw.Book(path)`` in a macro works there too.
    """
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


def open_book(path: str | os.PathLike[str], engine: Literal["auto", "headless", "excel"] = "auto") -> xw.Book:
    """Open a workbook for NeiQin's actions.

    ``auto`` uses the live workbook when Excel already has the file open (so a
    batch run never overwrites what a clerk is editing) and the headless engine
    otherwise; ``headless`` and ``excel`` force one or the other. Each headless
    open reads the file as it is on disk now.
    """
    path = Path(path).resolve()
    if not path.exists():
        raise FileNotFoundError(path)
    if engine in ("auto", "excel"):
        live = _open_in_excel(path)
        if live is not None:
            return live
        if engine == "excel":
            return xw.Book(str(path))
    # A fresh headless "Excel instance" per workbook, as batch jobs do with
    # xw.App(visible=False): never a stale copy of a file opened earlier.
    app = register().apps.add()
    return app.books.open(str(path))


def is_headless(book: xw.Book) -> bool:
    """True when the book is handled by NeiQin's headless engine."""
    return book.app.engine.name == ENGINE_NAME


@contextmanager
def headless_caller(path: str | os.PathLike[str]) -> Iterator[xw.Book]:
    """Make ``xw.Book.caller()`` return this workbook, as RunPython would in Excel.

    Macros written for the ribbon (``macros.dispatch``) then run unchanged from the
    CLI and tests.
    """
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


def delete_rows(sheet: xw.Sheet, rows: list[int]) -> int:
    """Delete whole sheet rows (many runs of them), as a clerk deletes table rows in Excel.

    Deleting only some columns would leave the clerk's own columns (回款情况, 序号 …) in place,
    so each later line would sit beside the previous line's values; and Excel refuses to shift
    part of a table up. The headless engine gets the same cells as one block — every used
    column and the full width of the tables — so that it need not walk 16,384 columns.
    Returns the number of runs deleted.
    """
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    if not runs:
        return 0
    if not is_headless(sheet.book):  # Excel: entire rows, bottom run first
        for run in reversed(runs):
            sheet.range(f"{run[0]}:{run[-1]}").delete()
        return len(runs)
    used = sheet.used_range
    first, last = used.column, used.column + used.shape[1] - 1
    for table in sheet.tables:
        area = table.range
        if area.row <= runs[-1][-1] and area.row + area.shape[0] - 1 >= runs[0][0]:
            first, last = min(first, area.column), max(last, area.column + area.shape[1] - 1)
    for run in reversed(runs):
        sheet.range((run[0], first), (run[-1], last)).delete(shift="up")
    return len(runs)
