"""NeiQin's headless xlwings engine: the xlwings API on real files, without Excel.

Macro code written for Excel (``book.sheets[...]``, ``range(...).expand()``,
``.options(pd.DataFrame).value``, ``.color``, ``.note`` …) runs unchanged on this
engine, through xlwings' own conversion layer. Values are read with
python-calamine (fast, cached values of formulas) until a sheet is written; writes,
formats and notes go through openpyxl, which is loaded only when something is
written. ``Book.save`` is atomic and keeps the VBA project and the ribbon part.

This module is the xlwings glue (Engine, App, Book, Sheet, Range …); the work is done in
the modules beside it: :mod:`values` (cell values), :mod:`colors`, :mod:`addresses` (A1),
:mod:`saving` (atomic save, backups, lost-update checks; :mod:`ooxml` restores the package),
:mod:`formulas` (which formula results a save keeps), :mod:`rowshift` (references moved on
row insert/delete), :mod:`notes`, :mod:`layout` (page setup, tables, freeze panes),
:mod:`protection`, :mod:`charts`, :mod:`prefetch` (background reads).

This is NeiQin's own code (BSD-compatible); it does not use xlwings PRO.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from xlwings import base_classes
from xlwings.utils import col_name as get_column_letter

from neiqin.base.perf import gc_paused
from neiqin.engine import blocks, clipboard, codenames, colors, lazyrows, prefetch, rowshift, saving
from neiqin.engine import ooxml as package
from neiqin.engine.addresses import A1_CELL, address, parse_area
from neiqin.engine.calls import instrumented
from neiqin.engine.common import ENGINE_NAME, MAX_COLUMNS, MAX_ROWS, NOTE_AUTHOR, EngineError, opx, warnings_to_log
from neiqin.engine.formulas import in_spans, touched_in
from neiqin.engine.layout import (
    DEFAULT_COLUMN_WIDTH,
    FreezePanes,
    PageSetup,
    Tables,
    autofit_height,
    check_column_width,
    check_row_height,
    text_width,
    wrapped_lines,
)
from neiqin.engine.notes import Note, make_comment
from neiqin.engine.protection import check_protected
from neiqin.engine.values import formula_text, from_cell, to_cell

__all__ = ["ENGINE_NAME", "MAX_COLUMNS", "MAX_ROWS", "NOTE_AUTHOR", "EngineError", "engine"]

log = logging.getLogger(__name__)

_DATETIME = dt.datetime


# --------------------------------------------------------------------------- engine


class Engine:
    """The engine object xlwings talks to (``xw.engines['neiqin']``)."""

    def __init__(self) -> None:
        self.apps = Apps()

    @property
    def name(self) -> str:
        return ENGINE_NAME

    @property
    def type(self) -> str:
        # Like Excel: a scalar written to a range fills it in one call.
        return "desktop"

    @staticmethod
    def clean_value_data(
        data: list[list[Any]], datetime_builder: Any, empty_as: Any, number_builder: Any, err_to_str: bool
    ) -> list[list[Any]]:
        # Values are already Excel-like (see raw_value); only custom builders cost a pass.
        if empty_as is None and number_builder is None and datetime_builder is _DATETIME:
            return data
        out = []
        for row in data:
            new = []
            for v in row:
                if v is None:
                    v = empty_as
                elif type(v) is _DATETIME and datetime_builder is not _DATETIME:
                    v = datetime_builder(
                        year=v.year,
                        month=v.month,
                        day=v.day,
                        hour=v.hour,
                        minute=v.minute,
                        second=v.second,
                        microsecond=v.microsecond,
                    )
                elif number_builder is not None and type(v) is float:
                    v = number_builder(v)
                new.append(v)
            out.append(new)
        return out

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any) -> Any:
        if x is None:
            return None
        if isinstance(x, float):
            return None if x != x else x
        try:
            import numpy as np
            import pandas as pd
        except ImportError:  # pragma: no cover
            return x
        if x is pd.NaT or x is pd.NA:
            return None
        if isinstance(x, pd.Timestamp):
            return x.to_pydatetime().replace(tzinfo=None)
        if isinstance(x, np.datetime64):
            return None if np.isnat(x) else pd.Timestamp(x).to_pydatetime()
        if isinstance(x, np.bool_):
            return bool(x)
        if isinstance(x, np.integer):
            return int(x)
        if isinstance(x, np.floating):
            return None if np.isnan(x) else float(x)
        return x


@instrumented
class Apps(base_classes.Apps):
    def __init__(self) -> None:
        self._apps: list[App] = [App(self)]

    def keys(self) -> list[int]:
        return [a.pid for a in self._apps]

    def add(self, spec: Any = None, add_book: Any = None, xl: Any = None, visible: Any = None, **kw: Any) -> App:
        app = App(self)
        self._apps.insert(0, app)
        return app

    def __iter__(self) -> Iterator[App]:
        return iter(list(self._apps))

    def __len__(self) -> int:
        return len(self._apps)

    def __getitem__(self, key: int) -> App:
        for app in self._apps:
            if app.pid == key:
                return app
        return self._apps[key]


def _app_state(key: str) -> property:
    def get(self: App) -> Any:
        return self._state[key]

    def set_(self: App, value: Any) -> None:
        self._state[key] = value

    return property(get, set_)


@instrumented
class App(base_classes.App):
    """One headless 'Excel instance': holds books and the Excel-like app state."""

    _next_pid = -1

    def __init__(self, apps: Apps) -> None:
        self._apps = apps
        self._pid = App._next_pid
        App._next_pid -= 1
        self._books = Books(self)
        self._state: dict[str, Any] = {
            "visible": False,
            "screen_updating": True,
            "display_alerts": True,
            "enable_events": True,
            "interactive": True,
            "calculation": "automatic",
            "status_bar": False,
            "cut_copy_mode": False,
        }
        self.alerts: list[tuple[str, str]] = []

    @property
    def engine(self) -> Engine:
        return engine

    @property
    def api(self) -> App:
        return self

    @property
    def xl(self) -> App:
        return self

    @property
    def books(self) -> Books:
        return self._books

    @property
    def pid(self) -> int:
        return self._pid

    @property
    def hwnd(self) -> int:
        return 0

    @property
    def path(self) -> str:
        return ""

    @property
    def version(self) -> str:
        return "headless"

    @property
    def selection(self) -> None:
        return None

    def activate(self, steal_focus: bool = False) -> None:
        apps = self._apps._apps
        if self in apps:
            apps.remove(self)
            apps.insert(0, self)

    def quit(self) -> None:
        for book in list(self._books):
            book.close()
        self.kill()

    def kill(self) -> None:
        if self in self._apps._apps:
            self._apps._apps.remove(self)
        if not self._apps._apps:
            self._apps._apps.append(App(self._apps))

    def calculate(self) -> None:
        """openpyxl computes no formulas: NeiQin keeps derived values in Python."""

    def run(self, macro: str, args: Any) -> None:
        raise EngineError(f"无 Excel 环境，无法运行 VBA 宏 {macro}")

    def alert(self, prompt: str, title: str | None, buttons: str, mode: str | None, callback: str | None) -> str:
        self.alerts.append((title or "", prompt))
        log.info("alert: %s %s", title or "", prompt)
        return "ok"

    # Excel's switches: kept, so that app.properties(...) sets and restores them as in Excel
    visible = _app_state("visible")
    screen_updating = _app_state("screen_updating")
    display_alerts = _app_state("display_alerts")
    enable_events = _app_state("enable_events")
    interactive = _app_state("interactive")
    calculation = _app_state("calculation")
    status_bar = _app_state("status_bar")

    @property
    def cut_copy_mode(self) -> bool:
        return self._state["cut_copy_mode"]

    @cut_copy_mode.setter
    def cut_copy_mode(self, value: bool) -> None:
        self._state["cut_copy_mode"] = value
        if not value:
            clipboard.clear()

    @property
    def startup_path(self) -> str:
        return ""


@instrumented
class Books(base_classes.Books):
    def __init__(self, app: App) -> None:
        self.app = app
        self._books: list[Book] = []

    @property
    def api(self) -> list[Book]:
        return self._books

    @property
    def active(self) -> Book | None:
        return self._books[0] if self._books else None

    def __call__(self, name_or_index: int | str) -> Book:
        if isinstance(name_or_index, int):
            return self._books[name_or_index - 1]
        for book in self._books:
            if book.name.lower() == str(name_or_index).lower():
                return book
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return len(self._books)

    def __iter__(self) -> Iterator[Book]:
        return iter(list(self._books))

    def add(self) -> Book:
        book = Book(self, None)
        self._books.insert(0, book)
        return book

    def open(self, fullname: str | os.PathLike[str], *args: Any, **kwargs: Any) -> Book:
        try:
            path = Path(fullname).resolve()
        except (RuntimeError, OSError) as exc:
            raise EngineError(
                f"无法打开『{Path(fullname).name}』：路径中的符号链接指向自身（{exc}）；请检查路径"
            ) from None
        for book in self._books:
            if book._path == path:
                return book
        book = Book(self, path)
        self._books.insert(0, book)
        return book


def _cached_value(value: Any, err_to_str: bool) -> Any:
    """A saved formula result as a read gives it (an error value only with ``err_to_str``)."""
    error = isinstance(value, str) and value in package.ERROR_VALUES
    return from_cell(value, "e" if error else None, err_to_str)


class SheetState:
    """What the engine knows about one sheet; shared by every Sheet/Range impl of it."""

    __slots__ = (
        "cached",
        "dirty",
        "errors",
        "file_name",
        "grid",
        "in_file",
        "lazy",
        "name",
        "touched",
        "visible",
        "ws",
    )

    def __init__(self, name: str, in_file: bool, visible: bool = True) -> None:
        self.name = name
        self.file_name = name  # the name in the file on disk (calamine reads by it), kept across renames
        self.ws: Any = None  # openpyxl worksheet, once loaded
        self.grid: list[list[Any]] | None = None  # calamine values from A1
        self.errors: dict[tuple[int, int], str] | Future[dict[tuple[int, int], str]] | None = None
        self.dirty = False  # written since open: read from openpyxl from now on
        self.in_file = in_file
        self.touched: list[tuple[int, int, int, int]] = []
        self.visible = visible
        self.cached: dict[tuple[int, int], Any] = {}  # formula results when calamine could not read the sheet
        self.lazy: lazyrows.LazySheet | None = None  # a big sheet's rows, still the file's XML


@instrumented
class Book(base_classes.Book):
    def __init__(self, books: Books, path: Path | None) -> None:
        self._books = books
        self._path = path
        self._xl: Any = None
        self._cal: Any = None
        self._states: list[SheetState] = []
        self._untitled = f"工作簿{len(books._books) + 1}"
        self.save_warnings: list[str] = []
        self._palette: list[tuple[int, int, int]] | None = None
        self._prefetch: prefetch._Job | None = None
        self.save_backup: Path | None = None  # copy of the original kept by the last save, if any
        self._disk: tuple[int, int] | None = None  # (mtime_ns, size) of the file as opened
        self._comments_loaded: int | None = None  # notes openpyxl read from the file
        self._zip: bool | None = None  # an OOXML package (cached: is_zip_workbook opens the file)
        self._strings: lazyrows.LazyStrings | None = None  # the file's shared strings, for lazy sheets
        if path is None:
            self._xl = opx().openpyxl.Workbook()
            self._states = [SheetState(ws.title, in_file=False) for ws in self._xl.worksheets]
            for st, ws in zip(self._states, self._xl.worksheets, strict=True):
                st.ws = ws
                st.dirty = True
            return
        if not path.exists():
            raise FileNotFoundError(path)
        if not path.is_file():
            raise EngineError(f"『{path.name}』不是文件（是文件夹或无法读取的链接）；请指定 Excel 工作簿")
        if self._is_zip():
            package.check_package(path)
            package.remove_stale_temps(path)
        self._disk = saving.disk_stamp(path)
        self._prefetch = prefetch.take(path)
        try:
            # the prefetch thread owns its calamine workbook: never share it across threads
            self._cal = None if self._prefetch is not None else self._open_calamine()
            metadata = self._prefetch.metadata if self._prefetch is not None else self._cal.sheets_metadata
            for meta in metadata:
                if "WorkSheet" not in str(meta.typ):
                    continue
                self._states.append(
                    SheetState(meta.name, in_file=True, visible=str(meta.visible).split(".")[-1] == "Visible")
                )
        except Exception as exc:  # calamine cannot read it: openpyxl may (or says why)
            log.debug("calamine could not open %s: %s", path, exc)
            self._cal = None
            self._states = []
            self._prefetch = None
            try:
                if not self._is_zip():
                    raise ValueError(str(exc))
                self._load_xl()
            except Exception as exc2:
                raise EngineError(
                    f"无法打开『{path.name}』：不是 Excel 工作簿、已加密或已损坏（{exc2.__class__.__name__}）；"
                    "请用 Excel 打开确认，另存为 .xlsx 后再试"
                ) from None

    # ----------------------------------------------------------------- internals

    def _is_zip(self) -> bool:
        if self._zip is None:
            self._zip = self._path is not None and package.is_zip_workbook(self._path)
        return self._zip

    def _load_xl(self) -> Any:
        if self._xl is None:
            path = self._path
            if path is None or not self._is_zip() or path.suffix.lower() not in package.WRITABLE_EXTENSIONS:
                raise EngineError(
                    f"无法写入 {path.name if path else '该文件'}：只能写入 .xlsx / .xlsm 文件，"
                    "请在 Excel 中另存为 .xlsx 后再试"
                )
            keep_vba = package.has_vba(path) or path.suffix.lower() in package.MACRO_EXTENSIONS
            try:
                package.check_package(path)
                with open(path, "rb") as fh, warnings_to_log(log):  # a file object: no extension check (.xlam)
                    # big sheets keep their rows as XML until a cell of them is touched (neiqin.engine.lazyrows)
                    self._xl, lazy, self._strings = lazyrows.load_workbook(fh, keep_vba=keep_vba)
            except EngineError:
                raise
            except Exception as exc:
                log.info("openpyxl could not read %s", path, exc_info=True)
                raise EngineError(
                    f"无法读取『{path.name}』：文件已损坏或含有 Excel 不会写出的内容（{type(exc).__name__}）；"
                    "请用 Excel 打开它并另存为 .xlsx 后再试"
                ) from None
            # what openpyxl could read: a note it could not is lost, one NeiQin deletes is not
            # (a pass over every cell, so only when the file has notes at all)
            self._comments_loaded = (
                sum(1 for ws in self._xl.worksheets for cell in ws._cells.values() if cell.comment is not None)
                if package.inventory_has(self._path, "批注")
                else 0
            )
            by_name = {st.name: st for st in self._states}
            states = []
            for ws in self._xl.worksheets:
                st = by_name.get(ws.title) or SheetState(ws.title, in_file=True)
                st.ws = ws
                st.visible = ws.sheet_state == "visible"
                st.lazy = lazy.get(ws.title)
                states.append(st)
            self._states = states
            for st in states:
                if st.lazy is not None and not st.dirty and not self._grid(st) and st.lazy.last_row():
                    self._materialize_all(st)  # calamine cannot read it: the values come from openpyxl
        return self._xl

    def _materialize_all(self, st: SheetState) -> None:
        """Every raw row of a lazy sheet made openpyxl cells (what the engine cannot do row by row)."""
        lazy = st.lazy
        if lazy is None:
            return
        if self._strings is not None and lazy.shared_strings:
            self._strings.load_all()
        self._parse_rows(st, lazy.raw_rows(1, len(lazy.raw_of)))
        st.lazy = None

    def _parse_rows(self, st: SheetState, rows: list[tuple[int, int]]) -> None:
        """Raw rows of a lazy sheet made openpyxl cells; a row openpyxl cannot read is a clear error."""
        if not rows or st.lazy is None:
            return
        try:
            st.lazy.parse(st.ws, rows, self._strings if self._strings is not None else [])
        except Exception as exc:
            log.info("openpyxl could not read rows of %s", st.name, exc_info=True)
            name = self._path.name if self._path is not None else st.name
            raise EngineError(
                f"无法读取『{name}』的工作表『{st.name}』：文件已损坏或含有 Excel 不会写出的内容"
                f"（{type(exc).__name__}）；请用 Excel 打开它并另存为 .xlsx 后再试"
            ) from None

    def _ws_bare(self, st: SheetState) -> Any:
        """The openpyxl worksheet for what is the sheet's own (merged areas, tables, protection, columns,
        page setup …): a lazy sheet's rows stay raw."""
        self._load_xl()
        if st.ws is None:
            return self._ws(st)
        return st.ws

    def _ws_rows(self, st: SheetState, r1: int, r2: int) -> Any:
        """The openpyxl worksheet with rows ``r1..r2`` as cells (a lazy sheet's other rows stay raw)."""
        ws = self._ws_bare(st)
        lazy = st.lazy
        if lazy is not None:
            rows = lazy.raw_rows(r1, r2)
            if len(rows) > 20_000 and self._strings is not None and lazy.shared_strings:
                self._strings.load_all()
            self._parse_rows(st, rows)
        return ws

    def _open_calamine(self) -> Any:
        import python_calamine

        return python_calamine.CalamineWorkbook.from_path(str(self._path))

    def _grid(self, st: SheetState) -> list[list[Any]]:
        if st.grid is None:
            if self._path is None or not st.in_file:
                st.grid = []
                return st.grid
            job = self._prefetch
            name = st.file_name
            grid = job.grid(name) if job is not None else None
            if grid is not None:
                if st.errors is None and name in job.errors:  # type: ignore[union-attr]
                    st.errors = job.errors[name]  # type: ignore[union-attr]
            else:
                if st.errors is None and self._is_zip() and not blocks.wanted(self._path, name):
                    st.errors = prefetch.error_scan(self._path, name)  # overlaps the parse (a block read notes them)
                try:
                    if self._cal is None:
                        self._cal = self._open_calamine()
                    grid = prefetch.parse_sheet(self._cal, name, self._path if self._is_zip() else None)
                except Exception as exc:  # calamine cannot lay the sheet out: openpyxl reads it cell by cell
                    log.info("reading sheet %s of %s with openpyxl: %s", name, self._path.name, exc)
                    if not self._is_zip():
                        raise EngineError(
                            f"无法读取『{self._path.name}』的工作表『{st.name}』（{type(exc).__name__}）；"
                            "请用 Excel 打开它并另存为 .xlsx 后再试"
                        ) from None
                    st.grid = []
                    self._ws(st)
                    st.dirty = True  # read from openpyxl from now on
                    st.cached = self._cached_results(st)  # formula cells still read as the results Excel saved
                    return st.grid
            st.grid = grid
        return st.grid

    def _cached_results(self, st: SheetState) -> dict[tuple[int, int], Any]:
        """The results Excel last saved for the sheet's formula cells, {(row, col): value}, by openpyxl.

        Used when calamine cannot read the sheet (a LibreOffice rows-only ``<dimension>`` with older
        calamine, an error value it does not know such as ``#SPILL!``): the formula cells of a sheet read
        by openpyxl are read as these results, as calamine would have given them. Only the rectangle
        around the formulas is read (a sheet with a value in XFD1048576 is not laid out).
        """
        formulas = [key for key, cell in st.ws._cells.items() if cell.data_type == "f"]
        if not formulas:
            return {}
        r1, r2 = min(r for r, _ in formulas), max(r for r, _ in formulas)
        c1, c2 = min(c for _, c in formulas), max(c for _, c in formulas)
        wanted = set(formulas)
        found: dict[tuple[int, int], Any] = {}
        try:
            with open(self._path, "rb") as fh, warnings_to_log(log):  # type: ignore[arg-type]
                wb = opx().openpyxl.load_workbook(fh, read_only=True, data_only=True)
                try:
                    rows = wb[st.file_name].iter_rows(r1, r2, c1, c2, values_only=True)
                    for r, values in enumerate(rows, r1):
                        for c, value in enumerate(values, c1):
                            if (r, c) in wanted:
                                found[(r, c)] = value
                finally:
                    wb.close()
        except Exception as exc:  # no results to be had: formulas read as their text, as before
            log.info("no cached formula results for sheet %s: %s", st.name, exc)
            return {}
        return found

    def _errors(self, st: SheetState) -> dict[tuple[int, int], str]:
        if st.errors is None:
            st.errors = package.error_cells(self._path, st.file_name) if (st.in_file and self._is_zip()) else {}
        elif isinstance(st.errors, Future):
            st.errors = st.errors.result()
        return st.errors

    def _ws(self, st: SheetState) -> Any:
        """The openpyxl worksheet with every cell (a lazy sheet is made cells first: always right, slower)."""
        if st.ws is None:
            self._load_xl()
            if st.ws is None:  # calamine listed a sheet openpyxl does not see (an odd workbook.xml)
                raise EngineError(
                    f"无法修改工作表『{st.name}』：openpyxl 读不到它（文件的工作表清单有误）；"
                    "请用 Excel 打开并另存为 .xlsx 后再试"
                )
        if st.lazy is not None:
            self._materialize_all(st)
        return st.ws

    def _state(self, name: str) -> SheetState:
        for st in self._states:
            if st.name.lower() == name.lower():
                return st
        raise KeyError(name)

    def _theme_rgb(self, color: Any) -> tuple[int, int, int] | None:
        """The RGB Excel shows for an openpyxl colour (rgb, indexed or theme + tint)."""
        if self._palette is None:
            self._palette = colors.theme_palette(getattr(self._xl, "loaded_theme", None) if self._xl else None)
        return colors.shown_rgb(color, self._palette)

    # ----------------------------------------------------------------- xlwings API

    @property
    def api(self) -> Book:
        return self

    @property
    def name(self) -> str:
        return self._path.name if self._path else self._untitled

    @property
    def fullname(self) -> str:
        return str(self._path) if self._path else self.name

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    @property
    def app(self) -> App:
        return self._books.app

    @property
    def names(self) -> Names:
        return Names(self)

    def activate(self) -> None:
        books = self._books._books
        books.remove(self)
        books.insert(0, self)

    def close(self) -> None:
        for st in self._states:
            st.lazy = None  # the raw rows' XML: freed with the book
        if self in self._books._books:
            self._books._books.remove(self)
        app = self._books.app
        if not self._books._books and len(app._apps._apps) > 1:
            app.kill()  # an empty headless instance is not worth keeping
        if self._cal is not None:
            with contextlib.suppress(Exception):  # older calamine has no close()
                self._cal.close()
        self._xl = None

    def save(self, path: str | os.PathLike[str] | None = None, password: str | None = None) -> None:
        """Save atomically (see :func:`neiqin.engine.saving.save`)."""
        saving.save(self, path, password)

    def to_pdf(self, path: str, quality: Any) -> None:
        raise EngineError("无 Excel 环境时请用 LibreOffice 导出 PDF")


@instrumented
class Sheets(base_classes.Sheets):
    def __init__(self, book: Book) -> None:
        self.book = book

    @property
    def api(self) -> Book:
        return self.book

    @property
    def active(self) -> Sheet:
        if self.book._xl is not None:
            title = self.book._xl.active.title
            return Sheet(self.book, self.book._state(title))
        return Sheet(self.book, self.book._states[0])

    def __call__(self, name_or_index: int | str) -> Sheet:
        if isinstance(name_or_index, int):
            return Sheet(self.book, self.book._states[name_or_index - 1])
        try:
            return Sheet(self.book, self.book._state(name_or_index))
        except KeyError:
            raise KeyError(f"工作簿中没有名为『{name_or_index}』的工作表") from None

    def __contains__(self, name: str) -> bool:
        return any(st.name.lower() == str(name).lower() for st in self.book._states)

    def __len__(self) -> int:
        return len(self.book._states)

    def __iter__(self) -> Iterator[Sheet]:
        return iter([Sheet(self.book, st) for st in self.book._states])

    def add(self, before: Sheet | None = None, after: Sheet | None = None, name: str | None = None) -> Sheet:
        wb = self.book._load_xl()
        states = self.book._states
        if before is not None:
            index = states.index(before._st)
        elif after is not None:
            index = states.index(after._st) + 1
        else:
            index = 0
        if name is None:
            n = len(states) + 1
            while any(st.name.lower() == f"sheet{n}" for st in states):
                n += 1
            name = f"Sheet{n}"
        ws = wb.create_sheet(title=name, index=index)
        codenames.name_sheets(wb)  # in a macro workbook, as Excel does: Sheet<N>, unique in the VBA project
        st = SheetState(ws.title, in_file=False)
        st.ws = ws
        st.dirty = True
        states.insert(index, st)
        wb.active = wb.worksheets.index(ws)
        return Sheet(self.book, st)


@instrumented
class Sheet(base_classes.Sheet):
    def __init__(self, book: Book, st: SheetState) -> None:
        self._book = book
        self._st = st

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sheet) and other._st is self._st

    def __hash__(self) -> int:
        return id(self._st)

    @property
    def api(self) -> Any:
        return self._book._ws(self._st)

    @property
    def name(self) -> str:
        return self._st.name

    @name.setter
    def name(self, value: str) -> None:
        self._book._ws_bare(self._st).title = value
        self._st.name = value
        self._st.dirty = True  # the file's copy has the old name: read from openpyxl now

    @property
    def index(self) -> int:
        return self._book._states.index(self._st) + 1

    @property
    def book(self) -> Book:
        return self._book

    @property
    def visible(self) -> bool:
        return self._st.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self._book._ws_bare(self._st).sheet_state = "visible" if value else "hidden"
        self._st.visible = bool(value)

    @property
    def freeze_panes(self) -> FreezePanes:
        return FreezePanes(self)

    @property
    def charts(self) -> Any:
        from neiqin.engine.charts import Charts

        return Charts(self)

    @property
    def show_gridlines(self) -> bool:
        return bool(self._book._ws_bare(self._st).sheet_view.showGridLines is not False)

    @show_gridlines.setter
    def show_gridlines(self, value: bool) -> None:
        self._book._ws_bare(self._st).sheet_view.showGridLines = bool(value)

    def range(self, arg1: Any, arg2: Any = None) -> Range:
        return Range(self, arg1, arg2)

    @property
    def cells(self) -> Range:
        return Range(self, (1, 1), (MAX_ROWS, MAX_COLUMNS))

    @property
    def used_range(self) -> Range:
        nrows, ncols = self._extent()
        return Range(self, (1, 1), (max(nrows, 1), max(ncols, 1)))

    def _extent(self) -> tuple[int, int]:
        st = self._st
        if st.in_file and not st.dirty:
            self._book._grid(st)  # may find that openpyxl must read the sheet (then it is dirty)
        if st.dirty or not st.in_file:
            ws = self._book._ws_bare(st)
            if st.lazy is not None:  # the raw rows' extent (moved as rows were deleted) and the cells'
                grid = self._book._grid(st)
                rows, cols = st.lazy.last_row(), max((len(r) for r in grid[:1]), default=0)
                if ws._cells:
                    rows, cols = max(rows, ws.max_row), max(cols, ws.max_column)
                return rows, cols
            return ws.max_row, ws.max_column
        grid = self._book._grid(st)
        return len(grid), max((len(r) for r in grid[:1]), default=0)

    def activate(self) -> None:
        wb = self._book._load_xl()
        wb.active = wb.worksheets.index(self._book._ws_bare(self._st))

    def select(self) -> None:
        self.activate()

    def clear_contents(self) -> None:
        self.used_range.clear_contents()

    def clear_formats(self) -> None:
        self.used_range.clear_formats()

    def clear(self) -> None:
        ws = self._book._ws_bare(self._st)
        check_protected(self, 1, 1, MAX_ROWS, MAX_COLUMNS, whole=True)
        if self._st.lazy is not None:  # every raw row goes: nothing to make cells of
            self._st.lazy.forget(range(1, len(self._st.lazy.raw_of) + 1))
        ws._cells.clear()  # what delete_rows(1, max_row) leaves, without walking every row × column
        ws.merged_cells.ranges = set()
        ws.conditional_formatting = type(ws.conditional_formatting)()
        ws.data_validations.dataValidation = []
        self._st.dirty = True
        self._st.touched.append((1, 1, MAX_ROWS, MAX_COLUMNS))

    def autofit(self, axis: str | None = None) -> None:
        if axis in (None, "columns", "c"):
            self.used_range.autofit()

    def delete(self) -> None:
        wb = self._book._load_xl()
        wb.remove(self._book._ws_bare(self._st))
        self._st.lazy = None
        self._book._states.remove(self._st)

    @property
    def page_setup(self) -> PageSetup:
        return PageSetup(self)

    @property
    def tables(self) -> Tables:
        return Tables(self)

    def _merged_areas(self) -> list[tuple[int, int, int, int]]:
        """NeiQin extension (not xlwings API, not counted): every merged area as (row1, col1, row2, col2), 1-based.

        Read from the sheet's XML (a byte search, no second parse) unless openpyxl already holds
        the sheet; :func:`neiqin.engine.merged_areas` gives it to business code.
        """
        st = self._st
        if st.ws is not None:
            return [(m.min_row, m.min_col, m.max_row, m.max_col) for m in st.ws.merged_cells.ranges]
        book = self._book
        if book._path is None or not st.in_file:
            return []
        if not book._is_zip():
            ranges = book._open_calamine().get_sheet_by_name(st.name).merged_cell_ranges or []
            return [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges]
        if isinstance(st.errors, Future):
            book._errors(st)  # the running error scan notes the merged areas: do not decompress the sheet again
        return [parse_area(ref) for ref in package.merged_refs(book._path, st.file_name)]


@instrumented
class Range(base_classes.Range):
    """A rectangle (or, for formatting, several) on a sheet."""

    def __init__(self, sheet: Sheet, arg1: Any, arg2: Any = None) -> None:
        self._sheet = sheet
        self.options: dict[str, Any] = {}
        self.areas: list[tuple[int, int, int, int]]
        if isinstance(arg1, Range):
            a = arg1.areas[0]
            b = arg2.areas[0] if isinstance(arg2, Range) else a
            self.areas = [(min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))]
        elif isinstance(arg1, str):
            if arg2 is not None:
                a = parse_area(arg1)
                b = parse_area(arg2) if isinstance(arg2, str) else (arg2[0], arg2[1], arg2[0], arg2[1])
                self.areas = [(min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))]
            else:
                self.areas = self._parse(arg1)
        elif len(arg1) == 4:
            row, col, nrows, ncols = arg1
            self.areas = [(row, col, row + max(nrows, 1) - 1, col + max(ncols, 1) - 1)]
        else:
            r1, c1 = arg1
            if isinstance(arg2, Range):
                r2, c2 = arg2.areas[0][2], arg2.areas[0][3]
            elif arg2 is not None:
                r2, c2 = arg2
            else:
                r2, c2 = r1, c1
            self.areas = [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))]

    def _parse(self, text: str) -> list[tuple[int, int, int, int]]:
        areas = []
        for part in re.split(r"[,;]", text):
            part = part.strip()
            if not part:
                continue
            if (
                A1_CELL.match(part.split(":")[0].replace("$", ""))
                or re.match(r"^\$?[A-Za-z]+:\$?[A-Za-z]+$|^\$?\d+:\$?\d+$", part)
                or "!" in part
            ):
                areas.append(parse_area(part))
            else:
                target = self._sheet._book.names._resolve(part, self._sheet)
                if target is None:
                    raise EngineError(f"找不到名称或地址『{part}』")
                areas.append(target)
        return areas

    # ---- geometry
    @property
    def api(self) -> Range:
        return self

    @property
    def sheet(self) -> Sheet:
        return self._sheet

    @property
    def coords(self) -> tuple[str, int, int, int, int]:
        r1, c1, r2, c2 = self.areas[0]
        return self._sheet.name, r1, c1, r2 - r1 + 1, c2 - c1 + 1

    @property
    def row(self) -> int:
        return self.areas[0][0]

    @property
    def column(self) -> int:
        return self.areas[0][1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self.areas[0]
        return r2 - r1 + 1, c2 - c1 + 1

    def __len__(self) -> int:
        nrows, ncols = self.shape
        return nrows * ncols

    @property
    def max_cells_per_read(self) -> None:
        return None  # one read per range, like a single COM call

    @property
    def max_cells_per_write(self) -> None:
        return None

    @property
    def address(self) -> str:
        return ",".join(address(*a) for a in self.areas)

    def get_address(self, row_absolute: bool, col_absolute: bool, external: bool) -> str:
        text = ",".join(address(*a, row_abs=row_absolute, col_abs=col_absolute) for a in self.areas)
        if external:
            return f"[{self._sheet._book.name}]{self._sheet.name}!{text}"
        return text

    @property
    def has_array(self) -> bool:
        return False

    def __call__(self, arg1: int, arg2: int | None = None) -> Range:
        if arg2 is None:
            ncols = self.shape[1]
            col = (arg1 - 1) % ncols
            row = (arg1 - 1) // ncols
            return self(row + 1, col + 1)
        return Range(self._sheet, (self.row + arg1 - 1, self.column + arg2 - 1))

    def end(self, direction: str) -> Range:
        r, c = self.row, self.column
        filled = self._sheet_values_column if direction in ("down", "up") else self._sheet_values_row
        line = filled(c if direction in ("down", "up") else r)
        pos = r if direction in ("down", "up") else c
        limit = MAX_ROWS if direction in ("down", "up") else MAX_COLUMNS
        step = 1 if direction in ("down", "right") else -1

        def has(i: int) -> bool:
            return 1 <= i <= len(line) and line[i - 1] is not None

        nxt = pos + step
        if has(pos) and has(nxt):
            while has(nxt + step):
                nxt += step
            target = nxt
        else:
            target = nxt
            while 1 <= target <= len(line) and not has(target):
                target += step
            if not (1 <= target <= len(line)):
                target = limit if step > 0 else 1
        target = max(1, min(target, limit))
        if direction in ("down", "up"):
            return Range(self._sheet, (target, c))
        return Range(self._sheet, (r, target))

    def _sheet_values_column(self, col: int) -> list[Any]:
        nrows, _ = self._sheet._extent()
        values = self._read(1, col, max(nrows, 1), col, False)
        return [row[0] for row in values]

    def _sheet_values_row(self, row: int) -> list[Any]:
        _, ncols = self._sheet._extent()
        return self._read(row, 1, row, max(ncols, 1), False)[0]

    @property
    def current_region(self) -> Range:
        from xlwings import expansion
        from xlwings.main import Range as XRange

        return expansion.expanders["table"].expand(XRange(impl=Range(self._sheet, (self.row, self.column)))).impl

    # ---- values
    def _read(self, r1: int, c1: int, r2: int, c2: int, err_to_str: bool) -> list[list[Any]]:
        cells = (r2 - r1 + 1) * (c2 - c1 + 1)
        st = self._sheet._st
        if cells > package.GRID_LIMIT and not (
            cells <= package.READ_CELL_LIMIT  # a sheet read in row blocks may give that much (a million rows)
            and st.in_file
            and not st.dirty
            and prefetch.is_normalized(self._sheet._book._grid(st))
        ):
            raise EngineError(
                f"工作表『{self._sheet.name}』要读取的区域 {address(r1, c1, r2, c2, False, False)} "
                f"有 {cells:,} 个单元格，"
                "超出一次能读取的范围（多半是远处有个不用的单元格有内容或格式）；"
                "请在 Excel 中删除表格右侧和下方不用的行列后再试"
            )
        with gc_paused():
            return self._read_values(r1, c1, r2, c2, err_to_str)

    def _read_values(self, r1: int, c1: int, r2: int, c2: int, err_to_str: bool) -> list[list[Any]]:
        book, st = self._sheet._book, self._sheet._st
        width = c2 - c1 + 1
        if st.in_file and not st.dirty:
            book._grid(st)  # may find that openpyxl must read the sheet (then it is dirty)
        if st.dirty or not st.in_file:
            lazy = st.lazy
            ws = book._ws_bare(st) if lazy is not None else book._ws(st)
            nrows, ncols = (ws.max_row, ws.max_column) if ws._cells or lazy is None else (0, 0)
            out: list[list[Any]] = []
            grid = None
            touched: dict[int, tuple[list[int], list[int]]] | None = None
            r = r1
            while r <= r2:
                f = lazy.file_row(r) if lazy is not None else 0
                if f:  # raw rows of a lazy sheet: the file's values, one grid slice per run of rows
                    end = r
                    while end < r2 and lazy.file_row(end + 1) == f + end + 1 - r:  # type: ignore[union-attr]
                        end += 1
                    if grid is None:
                        grid = book._grid(st)
                    part = prefetch.grid_rows(grid, f, f + end - r, c1, c2)
                    for line in part:
                        if len(line) < width:
                            line.extend([None] * (width - len(line)))
                    part.extend([None] * width for _ in range(end - r + 1 - len(part)))
                    if err_to_str:
                        for (er, ec), text in book._errors(st).items():
                            if f <= er <= f + end - r and c1 <= ec <= c2:
                                part[er - f][ec - c1] = text
                    out.extend(part)
                    r = end + 1
                    continue
                if r > nrows:
                    out.append([None] * width)
                    r += 1
                    continue
                row = []
                for c in range(c1, c2 + 1):
                    if c > ncols:
                        row.append(None)
                        continue
                    cell = ws._cells.get((r, c))
                    if cell is None:
                        row.append(None)
                        continue
                    if cell.data_type == "f":
                        if grid is None:
                            grid = book._grid(st) if st.in_file else []
                        if touched is None:
                            touched = touched_in(st, r1, c1, r2, c2)  # once per read, not per formula
                        if st.in_file and not in_spans(touched, c, r, r) and r <= len(grid) and c <= len(grid[r - 1]):
                            row.append(prefetch.normalize_value(grid[r - 1][c - 1]))
                        elif st.in_file and (r, c) in st.cached and not in_spans(touched, c, r, r):
                            row.append(_cached_value(st.cached[(r, c)], err_to_str))
                        else:
                            row.append(str(cell.value))
                        continue
                    row.append(from_cell(cell.value, cell.data_type, err_to_str))
                out.append(row)
                r += 1
            return out
        grid = book._grid(st)  # calamine's raw rows; normalized while slicing
        nrows = len(grid)
        out = prefetch.grid_rows(grid, r1, min(r2, nrows), c1, c2)
        for part in out:
            if len(part) < width:
                part.extend([None] * (width - len(part)))
        out.extend([None] * width for _ in range(max(0, r2 - max(r1 - 1, nrows))))
        if err_to_str:
            errors = book._errors(st)
            if errors:
                for (er, ec), text in errors.items():
                    if r1 <= er <= r2 and c1 <= ec <= c2:
                        out[er - r1][ec - c1] = text
        return out

    @property
    def raw_value(self) -> Any:
        r1, c1, r2, c2 = self.areas[0]
        if r2 == MAX_ROWS and c2 == MAX_COLUMNS and (r1, c1) == (1, 1):
            nrows, ncols = self._sheet._extent()
            r2, c2 = max(nrows, 1), max(ncols, 1)
        values = self._read(r1, c1, r2, c2, bool(self.options.get("err_to_str", False)))
        if r1 == r2 and c1 == c2:
            return values[0][0]
        return values

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        book, st = self._sheet._book, self._sheet._st
        r1, c1, r2, c2 = self.areas[0]
        if not isinstance(data, (list, tuple)):
            rows = [[data] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
        elif data and not isinstance(data[0], (list, tuple)):
            rows = [list(data)]
        else:
            rows = data
        width = max((len(r) for r in rows), default=1)
        last_row, last_col = r1 + max(len(rows), 1) - 1, c1 + width - 1
        ws = book._ws_rows(st, r1, last_row)
        # covered cells of the merged areas this write reaches (not of every merged area of the sheet)
        merged = {
            (r, c)
            for rng in ws.merged_cells.ranges
            if rng.min_row <= last_row and rng.max_row >= r1 and rng.min_col <= last_col and rng.max_col >= c1
            for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)
            if (r, c) != (rng.min_row, rng.min_col)
        }
        check_protected(self._sheet, r1, c1, last_row, last_col)
        cell = ws.cell
        existing = ws._cells
        for i, row in enumerate(rows):
            r = r1 + i
            for j, v in enumerate(row):
                c = c1 + j
                if (r, c) in merged:
                    if v is not None and v != "":
                        raise EngineError(f"单元格 {get_column_letter(c)}{r} 位于合并单元格内，无法写入；请先取消合并")
                    continue
                v = to_cell(v)
                if v is None:  # Excel clears the cell's value (its format stays)
                    old = existing.get((r, c))
                    if old is not None and old.value is not None:
                        old.value = None
                        if old.has_style and old.quotePrefix:
                            old.quotePrefix = False
                    continue
                if type(v) is str and v[0] == "'":
                    # like Excel: a leading apostrophe makes the rest text, even "=…" or "001"
                    target = cell(row=r, column=c)
                    target.value = v[1:] or None
                    if v[1:]:
                        target.data_type = "s"
                    target.quotePrefix = True
                    continue
                target = cell(row=r, column=c, value=v)
                if target.has_style:
                    if target.quotePrefix:
                        target.quotePrefix = False
                    if target.data_type == "f" and target.number_format == "@":
                        target.data_type = "s"  # like Excel: a Text cell keeps "=…" as text
        st.dirty = True
        st.touched.append((r1, c1, last_row, last_col))

    def clear_contents(self) -> None:
        book, st = self._sheet._book, self._sheet._st
        ws = book._ws(st)
        for r1, c1, r2, c2 in self._bounded_areas():
            check_protected(self._sheet, r1, c1, r2, c2)
            for (r, c), cell in list(ws._cells.items()):
                if r1 <= r <= r2 and c1 <= c <= c2 and not isinstance(cell, opx().MergedCell):
                    cell.value = None
            st.touched.append((r1, c1, r2, c2))
        st.dirty = True

    def clear_formats(self) -> None:
        ws = self._sheet._book._ws(self._sheet._st)
        for r1, c1, r2, c2 in self._bounded_areas():
            for (r, c), cell in list(ws._cells.items()):
                if r1 <= r <= r2 and c1 <= c <= c2:
                    cell.style = "Normal"
        self._sheet._st.dirty = True

    def clear(self) -> None:
        ws = self._sheet._book._ws(self._sheet._st)
        for r1, c1, r2, c2 in self._bounded_areas():
            check_protected(self._sheet, r1, c1, r2, c2)
            for r, c in [k for k in ws._cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
                del ws._cells[(r, c)]
            self._sheet._st.touched.append((r1, c1, r2, c2))
        self._sheet._st.dirty = True

    def delete(self, shift: str | None = None) -> None:
        """Delete the cells, shifting the cells below up (Excel's Range.Delete xlShiftUp).

        As in Excel: formulas that refer to moved cells follow them (a reference to a deleted cell
        becomes #REF!), tables, merged areas, conditional formats and data validation shrink or move
        up, and shifting part of a table is refused. Entire rows (``sheet.range('5:6')``), also many
        areas of them at once (``sheet.range('3:5,9:9,12:14')``), are deleted in one pass.
        """
        if shift not in (None, "up"):
            raise EngineError("无 Excel 环境时只能删除单元格并让下方单元格上移")
        book, st = self._sheet._book, self._sheet._st
        ws = book._ws_bare(st)
        width = max(self._sheet._extent()[1], 1)
        if all(c1 == 1 and c2 >= width for _, c1, _, c2 in self.areas):
            self._delete_whole_rows(ws)
            return
        ws = book._ws(st)  # part of rows: every cell
        if len(self.areas) > 1:
            raise EngineError("无 Excel 环境时一次只能删除一块单元格，或多处整行（如 sheet.range('3:5,9:9')）")
        r1, c1, r2, c2 = self.areas[0]
        check_protected(self._sheet, r1, c1, r2, c2, whole=True)
        n = r2 - r1 + 1
        for table in ws.tables.values():
            t1, tc1, t2, tc2 = parse_area(table.ref)
            if t2 < r1 or tc2 < c1 or tc1 > c2:
                continue
            if tc1 < c1 or tc2 > c2:
                raise EngineError(
                    f"不能只移动表格『{table.displayName}』的一部分（删除 {address(r1, c1, r2, c2)} 会让表格中"
                    "部分列的单元格上移）；请删除整行"
                )
            if r1 <= t1 <= r2:
                raise EngineError(
                    f"删除 {address(r1, c1, r2, c2)} 会删掉表格『{table.displayName}』的表头；请先删除该表格"
                )
        for key in [k for k in ws._cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
            del ws._cells[key]
        last = ws.max_row
        if last > r2:
            ws.move_range(f"{get_column_letter(c1)}{r2 + 1}:{get_column_letter(c2)}{last}", rows=-n)
        rowshift.shift_rows_after_delete(book._load_xl(), ws, r1, r2, (c1, c2))
        st.dirty = True
        st.touched.append((r1, c1, MAX_ROWS, c2))

    def _delete_whole_rows(self, ws: Any) -> None:
        book, st = self._sheet._book, self._sheet._st
        deletion = rowshift.RowDeletion((r1, r2) for r1, _, r2, _ in self.areas)
        if not deletion:
            return
        check_protected(self._sheet, deletion.first, 1, deletion.last, MAX_COLUMNS, whole=True)
        for table in ws.tables.values():
            t1 = parse_area(table.ref)[0]
            run = deletion.run_of(t1)
            if run is not None:
                raise EngineError(
                    f"删除第 {run[0]}–{run[1]} 行会删掉表格『{table.displayName}』的表头（第 {t1} 行）；请先删除该表格"
                    if run[0] != run[1]
                    else f"删除第 {t1} 行会删掉表格『{table.displayName}』的表头；请先删除该表格"
                )
        rowshift.delete_whole_rows(book._load_xl(), ws, deletion)
        if st.lazy is not None:
            st.lazy.delete(deletion.runs)
        st.dirty = True
        st.touched.append((deletion.first, 1, MAX_ROWS, MAX_COLUMNS))

    def insert(self, shift: str | None = None, copy_origin: str | None = None) -> None:
        """Insert whole rows above this range (Excel's Range.Insert xlShiftDown on entire rows).

        Like Excel, everything below moves down: cells, notes, row heights, merged areas, tables
        (a table the rows are inserted into grows), conditional formats, data validation, and every
        formula reference to a moved cell, on this sheet and on the others.
        """
        r1, c1, r2, c2 = self.areas[0]
        if shift not in (None, "down") or (c1, c2) != (1, MAX_COLUMNS):
            raise EngineError("无 Excel 环境时只能插入整行（如 sheet.range('5:6').insert('down')）")
        book, st = self._sheet._book, self._sheet._st
        ws = book._ws_bare(st)
        check_protected(self._sheet, r1, c1, r2, c2, whole=True)
        at, n = r1, r2 - r1 + 1
        ws.insert_rows(at, n)
        if st.lazy is not None:
            st.lazy.insert(at, n)
        rowshift.shift_rows_after_insert(book._load_xl(), ws, at, n)
        st.dirty = True
        st.touched.append((at, 1, MAX_ROWS, MAX_COLUMNS))

    def _bounded_areas(self) -> list[tuple[int, int, int, int]]:
        """The areas, whole columns and rows cut to the sheet's extent (what Excel does lazily).

        A block beyond the cells written so far stays as given: Excel formats it (a Text format set
        before the values are written must hold for every cell of the block, not only existing ones).
        """
        book, st = self._sheet._book, self._sheet._st
        whole = any(r2 >= MAX_ROWS or c2 >= MAX_COLUMNS for _, _, r2, c2 in self.areas)
        ws = book._ws(st) if whole else book._ws_bare(st)  # whole rows or columns: every cell
        out = []
        for r1, c1, r2, c2 in self.areas:
            if r2 >= MAX_ROWS:
                r2 = max(ws.max_row, r1)
            if c2 >= MAX_COLUMNS:
                c2 = max(ws.max_column, c1)
            out.append((r1, c1, r2, c2))
        return out

    def _cells(self) -> Iterator[Any]:
        """openpyxl cells of every area (created when missing: formats need a cell)."""
        book, st = self._sheet._book, self._sheet._st
        areas = self._bounded_areas()
        ws = book._ws_bare(st)
        for r1, _c1, r2, _c2 in areas:
            book._ws_rows(st, r1, r2)  # a lazy sheet's rows become cells before they are formatted
        for r1, c1, r2, c2 in areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield ws.cell(row=r, column=c)

    def _first(self) -> Any:
        book, st = self._sheet._book, self._sheet._st
        ws = book._ws_rows(st, self.row, self.row)
        cell = ws.cell(row=self.row, column=self.column)
        if isinstance(cell, opx().MergedCell):  # like Excel: a merged area is its top-left cell
            for m in ws.merged_cells.ranges:
                if m.min_row <= self.row <= m.max_row and m.min_col <= self.column <= m.max_col:
                    book._ws_rows(st, m.min_row, m.min_row)
                    return ws.cell(row=m.min_row, column=m.min_col)
        return cell

    @property
    def formula(self) -> Any:
        r1, c1, r2, c2 = self.areas[0]
        if (r1, c1) == (r2, c2):
            cell = self._first()
            return formula_text(cell.value)
        # like Excel: a block gives one formula (or constant as text) per cell, row by row
        ws = self._sheet._book._ws_rows(self._sheet._st, r1, r2)
        cells = ws._cells
        return tuple(
            tuple(formula_text(cells[(r, c)].value if (r, c) in cells else None) for c in range(c1, c2 + 1))
            for r in range(r1, r2 + 1)
        )

    @formula.setter
    def formula(self, value: Any) -> None:
        self.raw_value = value

    formula2 = formula

    # ---- formats
    @property
    def number_format(self) -> str:
        return self._first().number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        for cell in self._cells():
            cell.number_format = value
        self._sheet._st.dirty = True

    @property
    def color(self) -> tuple[int, int, int] | None:
        fill = self._first().fill
        if fill is None:
            return None
        stops = getattr(fill, "stop", None)
        if stops is not None:  # a gradient: report its first colour
            return self._sheet._book._theme_rgb(stops[0].color) if len(stops) else None
        if fill.fill_type in (None, "none"):
            return None
        return self._sheet._book._theme_rgb(fill.fgColor)

    @color.setter
    def color(self, color_or_rgb: Any) -> None:
        rgb = colors.to_rgb(color_or_rgb)
        pattern = opx().PatternFill
        fill = (
            pattern(fill_type=None)
            if rgb is None
            else pattern("solid", fgColor=colors.argb_hex(rgb), bgColor=colors.argb_hex(rgb))
        )
        check_protected(self._sheet, *self.areas[0], what="format")
        for cell in self._cells():
            if not isinstance(cell, opx().MergedCell):
                cell.fill = fill
        self._sheet._st.dirty = True

    def set_colors(self, colors: list[list[Any]]) -> None:
        for i, row in enumerate(colors):
            for j, color in enumerate(row):
                if color is not ...:
                    Range(self._sheet, (self.row + i, self.column + j)).color = color

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def wrap_text(self) -> bool:
        return bool(self._first().alignment.wrap_text)

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        for cell in self._cells():
            a = cell.alignment
            cell.alignment = opx().Alignment(horizontal=a.horizontal, vertical=a.vertical, wrap_text=bool(value))

    @property
    def horizontal_alignment(self) -> str:
        return self._first().alignment.horizontal or "general"

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        mapping = {"center_across_selection": "centerContinuous"}
        for cell in self._cells():
            a = cell.alignment
            horizontal = mapping.get(value, value)
            cell.alignment = opx().Alignment(horizontal=horizontal, vertical=a.vertical, wrap_text=a.wrap_text)

    @property
    def vertical_alignment(self) -> str:
        return self._first().alignment.vertical or "bottom"

    @vertical_alignment.setter
    def vertical_alignment(self, value: str) -> None:
        for cell in self._cells():
            a = cell.alignment
            cell.alignment = opx().Alignment(horizontal=a.horizontal, vertical=value, wrap_text=a.wrap_text)

    @property
    def column_width(self) -> float:
        ws = self._sheet._book._ws_bare(self._sheet._st)
        dim = ws.column_dimensions.get(get_column_letter(self.column))
        return float(dim.width) if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH

    @column_width.setter
    def column_width(self, value: float) -> None:
        value = check_column_width(value)
        ws = self._sheet._book._ws_bare(self._sheet._st)
        for c in range(self.areas[0][1], self.areas[0][3] + 1):
            ws.column_dimensions[get_column_letter(c)].width = value

    @property
    def row_height(self) -> float | None:
        """The rows' height; as in Excel, None when the rows of the range differ."""
        ws = self._sheet._book._ws_rows(self._sheet._st, self.areas[0][0], self.areas[0][2])
        heights = set()
        for r in range(self.areas[0][0], self.areas[0][2] + 1):
            dim = ws.row_dimensions.get(r)
            heights.add(float(dim.height) if dim is not None and dim.height else 15.0)
            if len(heights) > 1:
                return None
        return heights.pop()

    @row_height.setter
    def row_height(self, value: float) -> None:
        value = check_row_height(value)
        ws = self._sheet._book._ws_rows(self._sheet._st, self.areas[0][0], self.areas[0][2])
        for r in range(self.areas[0][0], self.areas[0][2] + 1):
            ws.row_dimensions[r].height = value

    def autofit(self, axis: str | None = None) -> None:
        """Excel's AutoFit, estimated from the text: column widths and wrapped-row heights.

        CJK characters count double; a wrapped cell needs one line per column width of text
        (:func:`~neiqin.engine.layout.wrapped_lines`). Like Excel, no row gets taller than 409.5 pt.
        """
        ws = self._sheet._book._ws(self._sheet._st)
        r1, c1, r2, c2 = self._bounded_areas()[0]
        if axis in (None, "columns", "c"):
            widths: dict[int, float] = {}
            for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
                for cell in row:
                    if cell.value is None or isinstance(cell, opx().MergedCell):
                        continue
                    text = "2026-11-26" if isinstance(cell.value, (dt.date, dt.datetime)) else str(cell.value)
                    w = max(text_width(line) for line in text.split("\n"))
                    widths[cell.column] = max(widths.get(cell.column, 0), w)
            for col, w in widths.items():
                ws.column_dimensions[get_column_letter(col)].width = min(max(w + 2, 6), 60)
        if axis in (None, "rows", "r"):
            for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
                lines = 1
                for cell in row:
                    if not isinstance(cell.value, str) or isinstance(cell, opx().MergedCell):
                        continue
                    dim = ws.column_dimensions.get(get_column_letter(cell.column))
                    width = dim.width if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH
                    lines = max(lines, wrapped_lines(cell.value, width, bool(cell.alignment.wrap_text)))
                if lines > 1:
                    ws.row_dimensions[row[0].row].height = autofit_height(lines)
        self._sheet._st.dirty = True

    # ---- merge
    @property
    def merge_cells(self) -> bool:
        ws = self._sheet._book._ws_bare(self._sheet._st)
        return any(
            self.row in range(m.min_row, m.max_row + 1) and self.column in range(m.min_col, m.max_col + 1)
            for m in ws.merged_cells.ranges
        )

    def merge(self, across: bool = False) -> None:
        r1, c1, r2, c2 = self.areas[0]
        ws = self._sheet._book._ws_rows(self._sheet._st, r1, r2)
        if across:
            for r in range(r1, r2 + 1):
                ws.merge_cells(start_row=r, start_column=c1, end_row=r, end_column=c2)
        else:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        self._sheet._st.dirty = True

    def unmerge(self) -> None:
        r1, c1, r2, c2 = self.areas[0]
        ws = self._sheet._book._ws_rows(self._sheet._st, r1, r2)
        for m in list(ws.merged_cells.ranges):
            if m.min_row <= r2 and m.max_row >= r1 and m.min_col <= c2 and m.max_col >= c1:
                ws.unmerge_cells(str(m))

    # ---- notes and links
    @property
    def note(self) -> Note | None:
        ws = self._sheet._book._ws_rows(self._sheet._st, self.row, self.row)
        cell = ws._cells.get((self.row, self.column))
        if cell is None or cell.comment is None:
            return None
        return Note(self)

    def add_note(self, text: str) -> Note:
        check_protected(self._sheet, self.row, self.column, self.row, self.column, what="note")
        cell = self._first()
        cell.comment = make_comment(text)
        self._sheet._st.dirty = True
        return Note(self)

    @property
    def hyperlink(self) -> str:
        cell = self._first()
        if cell.hyperlink is None:
            raise EngineError("该单元格没有超链接")
        link = cell.hyperlink
        return link.target or ("#" + link.location if link.location else "")

    def add_hyperlink(self, address: str, text_to_display: str | None = None, screen_tip: str | None = None) -> None:
        cell = self._first()
        if address.startswith("#"):
            cell.hyperlink = opx().Hyperlink(
                ref=cell.coordinate, location=address[1:], tooltip=screen_tip, display=text_to_display
            )
        else:
            cell.hyperlink = address
            if screen_tip:
                cell.hyperlink.tooltip = screen_tip
        cell.value = text_to_display or address
        cell.font = opx().Font(color="FF0563C1", underline="single")
        self._sheet._st.dirty = True
        self._sheet._st.touched.append((self.row, self.column, self.row, self.column))

    # ---- copy and paste (see neiqin.engine.clipboard)
    def copy(self, destination: Range | None = None) -> None:
        """Range.Copy: to the clipboard, or (formats and values) straight to ``destination``."""
        if destination is None:
            clipboard.put(self._sheet, self.areas[0])
        else:
            clipboard.paste(self._sheet, self.areas[0], destination, "all")

    def paste(
        self, paste: str | None = None, operation: str | None = None, skip_blanks: bool = False, transpose: bool = False
    ) -> None:
        """Range.PasteSpecial of what the clipboard holds: all, formats, values or column_widths."""
        if operation or skip_blanks or transpose:
            raise EngineError("无 Excel 环境时粘贴不支持运算、跳过空单元格或转置")
        sheet, area = clipboard.take()
        clipboard.paste(sheet, area, self, paste)

    # ---- misc
    def select(self) -> None:
        ws = self._sheet._book._ws(self._sheet._st)
        ws.sheet_view.selection[0].activeCell = f"{get_column_letter(self.column)}{self.row}"
        ws.sheet_view.selection[0].sqref = address(*self.areas[0], row_abs=False, col_abs=False)

    @property
    def name(self) -> None:
        return None


@instrumented
class Font:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def _update(self, **changes: Any) -> None:
        for cell in self._rng._cells():
            f = cell.font
            attrs = {
                "name": f.name,
                "size": f.size,
                "bold": f.bold,
                "italic": f.italic,
                "underline": f.underline,
                "color": f.color,
            }
            attrs.update(changes)
            cell.font = opx().Font(**attrs)
        self._rng._sheet._st.dirty = True

    @property
    def api(self) -> Any:
        return self._rng._first().font

    @property
    def bold(self) -> bool:
        return bool(self._rng._first().font.bold)

    @bold.setter
    def bold(self, value: bool) -> None:
        self._update(bold=bool(value))

    @property
    def italic(self) -> bool:
        return bool(self._rng._first().font.italic)

    @italic.setter
    def italic(self, value: bool) -> None:
        self._update(italic=bool(value))

    @property
    def size(self) -> float:
        return float(self._rng._first().font.size or 11)

    @size.setter
    def size(self, value: float) -> None:
        self._update(size=value)

    @property
    def name(self) -> str:
        return self._rng._first().font.name or "Calibri"

    @name.setter
    def name(self, value: str) -> None:
        self._update(name=value)

    @property
    def color(self) -> tuple[int, int, int] | None:
        color = self._rng._first().font.color
        return self._rng._sheet._book._theme_rgb(color) if color is not None else None

    @color.setter
    def color(self, value: Any) -> None:
        rgb = colors.to_rgb(value)
        self._update(color=colors.argb_hex(rgb) if rgb else None)


@instrumented
class Names:
    """Workbook-level defined names (read side: what macros use to find ranges)."""

    def __init__(self, book: Book) -> None:
        self.book = book

    def _resolve(self, name: str, sheet: Sheet) -> tuple[int, int, int, int] | None:
        wb = self.book._load_xl()
        defined = wb.defined_names.get(name) or sheet._book._ws_bare(sheet._st).defined_names.get(name)
        if defined is None:
            for ws in wb.worksheets:
                if name in ws.tables:
                    return parse_area(ws.tables[name].ref)
            return None
        for title, coord in defined.destinations:
            if title == sheet.name:
                return parse_area(coord)
        return None

    def __len__(self) -> int:
        return len(self.book._load_xl().defined_names)

    def contains(self, name: str) -> bool:
        return name in self.book._load_xl().defined_names


engine = Engine()
