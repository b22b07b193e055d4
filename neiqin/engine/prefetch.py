"""Reading a workbook's values in the background while the rest of NeiQin starts.

The ``neiqin`` command knows which file it will read before it has imported pandas,
xlwings and pydantic (about half a second). :func:`start` hands the file to a
background thread that parses its worksheets with python-calamine (which releases
the GIL while it parses) in workbook order; the headless engine then takes the
parsed sheets instead of parsing them again. A sheet the thread has not reached
when the engine asks for it is parsed by the engine itself: prefetching can make
a run faster, never different.

The same module scans sheets for Excel error values (:func:`error_scan`): that is a
zip decompression, which also runs outside the GIL, so it overlaps the parse.

Everything the background threads use is imported here, by the thread that imports this
module: a thread that imports while the main thread imports too can see a module half
initialised (``NameError: name 'sys' is not defined``), so the threads import nothing.
"""

from __future__ import annotations

import encodings.cp437  # noqa: F401 - zipfile decodes member names with it, lazily, on the reading thread
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import python_calamine

from neiqin.base.perf import gc_paused
from neiqin.engine import blocks, ooxml, values

log = logging.getLogger(__name__)
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="neiqin-read")
_JOBS: dict[Path, _Job] = {}
_LOCK = threading.Lock()


normalize_value = values.from_calamine  # one calamine value as Excel's COM layer gives it


def grid_rows(grid: list[list[Any]], r1: int, r2: int, c1: int, c2: int) -> list[list[Any]]:
    """Rows r1..r2 and columns c1..c2 (1-based) of a sheet's grid, as Excel's COM layer gives them.

    This is the one pass over every cell a read makes: slicing and normalizing together — only slicing
    for a block read's grid (:class:`blocks.Rows`), whose values are Excel's already.
    """
    part = grid[r1 - 1 : r2]
    if is_normalized(grid):
        return [row[c1 - 1 : c2] for row in part]
    with gc_paused():
        return values.calamine_rows(part, c1, c2)


def is_normalized(grid: list[list[Any]]) -> bool:
    """True for a block read's rows (values already Excel's), False for calamine's own."""
    return getattr(grid, "normalized", False)


# Not a sheet for calamine: its cells reach too far for a dense layout (see :data:`ooxml.GRID_LIMIT`),
# or it declares a DOCTYPE (calamine does not refuse entities; openpyxl parses it with defusedxml).
SheetTooLarge = blocks.SheetTooLarge


def parse_sheet(workbook: Any, name: str, path: Path | None = None) -> list[list[Any]]:
    """All values of one sheet from A1, as calamine gives them ('' for empty, dates as date).

    With the workbook's ``path``, a sheet whose cells reach too far (a value in XFD1048576)
    raises :class:`SheetTooLarge` before calamine would try to allocate all of its cells, and a big
    sheet is read in row blocks (:mod:`neiqin.engine.blocks`: the same rows, in bounded memory, on both
    cores; its error cells and merged areas are noted on the way for :func:`ooxml.error_cells`).
    """
    if path is not None:
        if blocks.wanted(path, name):
            try:
                read = blocks.read_sheet(path, name)
            except SheetTooLarge:
                raise
            except Exception as exc:  # a part calamine can read but zipfile cannot (a bad CRC …): in one piece
                log.info("reading sheet %s of %s in one piece: %s", name, Path(path).name, exc)
            else:
                ooxml.remember_scan(path, name, read.errors, read.merges)
                return read.rows
        extent = ooxml.sheet_extent(path, name)
        if extent is not None and extent[0] * extent[1] > ooxml.GRID_LIMIT:
            raise SheetTooLarge(f"{name}: {extent[0]} rows x {extent[1]} columns")
        if extent is not None and extent[2]:
            raise SheetTooLarge(f"{name}: DOCTYPE in the sheet XML")  # openpyxl (defusedxml) decides
    with gc_paused():
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)


def error_scan(path: Path, sheet: str) -> Future[dict[tuple[int, int], str]]:
    """Start scanning one sheet for error cells; the result is {(row, col): '#N/A'}."""
    return _POOL.submit(ooxml.error_cells, path, sheet)


def _key(path: Path) -> tuple[float, int]:
    stat = path.stat()
    return stat.st_mtime, stat.st_size


class _Job:
    def __init__(self, path: Path, errors: bool = True) -> None:
        self.path = path
        self.scan_errors = errors
        self.key = _key(path)
        self.opened = threading.Event()
        self.workbook: Any = None
        self.names: list[str] = []
        self.metadata: list[Any] = []
        self.grids: dict[str, list[list[Any]]] = {}
        self.done: dict[str, threading.Event] = {}
        self.errors: dict[str, Future[dict[tuple[int, int], str]]] = {}
        self.current: str | None = None
        self.stop = False
        self.failed = False

    def run(self) -> None:
        try:
            self.workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
            # read here: calamine objects must not be touched from two threads at once
            self.metadata = list(self.workbook.sheets_metadata)
            self.names = [m.name for m in self.metadata if "WorkSheet" in str(m.typ)]
            self.done = {name: threading.Event() for name in self.names}
        except Exception:
            self.failed = True
            return
        finally:
            self.opened.set()
        zipped = self.path.suffix.lower() in (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam")
        for name in self.names:
            with _LOCK:
                if self.stop:
                    break
                self.current = name
            big = zipped and blocks.wanted(self.path, name)  # its error cells are found by the block read
            if zipped and self.scan_errors and not big:
                self.errors[name] = error_scan(self.path, name)
            try:
                self.grids[name] = parse_sheet(self.workbook, name, self.path if zipped else None)
                if big and self.scan_errors:
                    self.errors[name] = error_scan(self.path, name)  # answered from what the read noted
            except Exception:
                pass
            finally:
                with _LOCK:
                    self.current = None
                self.done[name].set()
        with _LOCK:
            self.current = None
            for event in self.done.values():
                event.set()

    def grid(self, name: str) -> list[list[Any]] | None:
        """The prefetched sheet, waiting for it only if it is being parsed right now."""
        with _LOCK:
            event = self.done.get(name)
            if event is None:
                return None
            if not event.is_set() and self.current != name:
                self.stop = True  # the engine will parse it itself; stop reading ahead
                return None
        event.wait()
        return self.grids.get(name)


def start(path: str | os.PathLike[str], errors: bool = True) -> None:
    """Begin reading ``path`` in the background (no-op for a missing file).

    ``errors=False`` skips the scan for Excel error cells: a reader that takes
    calamine's values directly (a mapped sales export) has no use for it.
    """
    try:
        p = Path(path).resolve()
        if not p.is_file():
            return
    except (OSError, RuntimeError):  # a link loop …: the engine says so when it opens the file
        return
    job = _Job(p, errors)
    with _LOCK:
        _JOBS[p] = job
    threading.Thread(target=job.run, name="neiqin-prefetch", daemon=True).start()


def take(path: Path) -> _Job | None:
    """The background read of ``path``, if one was started and the file is unchanged."""
    with _LOCK:
        job = _JOBS.pop(path, None)
    if job is None:
        return None
    job.opened.wait()
    if job.failed or job.key != _key(path):
        with _LOCK:
            job.stop = True
        return None
    return job
