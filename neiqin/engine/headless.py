"""NeiQin's headless xlwings engine: the xlwings API on real files, without Excel.

Macro code written for Excel (``book.sheets[...]``, ``range(...).expand()``,
``.options(pd.DataFrame).value``, ``.color``, ``.note`` …) runs unchanged on this
engine, through xlwings' own conversion layer. Values are read with
python-calamine (fast, cached values of formulas) until a sheet is written; writes,
formats and notes go through openpyxl, which is loaded only when something is
written. ``Book.save`` is atomic and keeps the VBA project and the ribbon part.

This is NeiQin's own code (BSD-compatible); it does not use xlwings PRO.
"""

from __future__ import annotations

import bisect
import colorsys
import contextlib
import datetime as dt
import functools
import logging
import os
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree as ET

from xlwings import base_classes
from xlwings.utils import col_name as get_column_letter
from xlwings.utils import column_to_number

from neiqin.base.errors import NeiQinError
from neiqin.base.perf import gc_paused
from neiqin.engine import ooxml as package
from neiqin.engine import prefetch
from neiqin.engine.calls import instrumented

log = logging.getLogger(__name__)

ENGINE_NAME = "neiqin"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
NOTE_AUTHOR = "NeiQin"


_DATE = dt.date
_DATETIME = dt.datetime


@functools.cache
def _opx() -> SimpleNamespace:
    """openpyxl, imported on the first write or format: reading never needs it."""
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.styles.colors import COLOR_INDEX
    from openpyxl.worksheet.hyperlink import Hyperlink

    return SimpleNamespace(
        openpyxl=openpyxl,
        MergedCell=MergedCell,
        Comment=Comment,
        Alignment=Alignment,
        Font=Font,
        PatternFill=PatternFill,
        COLOR_INDEX=COLOR_INDEX,
        Hyperlink=Hyperlink,
    )


class EngineError(NeiQinError):
    """A request the headless engine cannot carry out (message in Chinese)."""


# --------------------------------------------------------------------------- values


def _from_cell(value: Any, data_type: str | None, err_to_str: bool) -> Any:
    """openpyxl cell value -> Excel-like value (numbers as float, dates as datetime)."""
    if value is None:
        return None
    t = type(value)
    if t is float:
        return value
    if t is str:
        if data_type == "e":
            return value if err_to_str else None
        return value or None
    if t is bool:
        return value
    if t is int:
        return float(value)
    if t is _DATETIME or isinstance(value, dt.time):
        return value
    if t is _DATE:
        return _DATETIME(value.year, value.month, value.day)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    text = getattr(value, "text", None)  # ArrayFormula
    if isinstance(text, str):
        return text
    return str(value)  # CellRichText and friends


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escape_control(text: str) -> str:
    """Control characters as Excel stores them (``_x000B_``): openpyxl refuses them raw."""
    if _ILLEGAL_XML.search(text) is None:
        return text
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _to_cell(value: Any) -> Any:
    """A Python value as openpyxl should store it."""
    if value is None:
        return None
    if isinstance(value, str):
        return _escape_control(value) if value != "" else None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (_DATETIME, _DATE, dt.time)):
        return value
    try:
        import decimal

        if isinstance(value, decimal.Decimal):
            return float(value)
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def _rgb(color: Any) -> tuple[int, int, int] | None:
    if color is None:
        return None
    if isinstance(color, str):
        h = color.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    if isinstance(color, int):  # Excel's BGR integer
        return color & 0xFF, (color >> 8) & 0xFF, (color >> 16) & 0xFF
    r, g, b = color
    return int(r), int(g), int(b)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "FF{:02X}{:02X}{:02X}".format(*rgb)


def _apply_tint(rgb: tuple[int, int, int], tint: float) -> tuple[int, int, int]:
    if not tint:
        return rgb
    h, lum, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, lum, s))  # type: ignore[return-value]


# --------------------------------------------------------------------------- addresses

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


_CELL = re.compile(r"^([A-Za-z]{1,3})?(\d+)?$")


def _parse_area(text: str) -> tuple[int, int, int, int]:
    """'B3', 'A1:C9', 'A:C', '3:5', "'Sheet'!A1" -> (row1, col1, row2, col2)."""
    text = text.strip().replace("$", "")
    if "!" in text:
        text = text.rsplit("!", 1)[1]
    parts = text.split(":", 1)
    bounds = []
    for part in parts:
        m = _CELL.match(part.strip())
        if not m or not (m[1] or m[2]):
            raise EngineError(f"无法识别的单元格地址『{text}』")
        col = column_to_number(m[1].upper()) if m[1] else None
        row = int(m[2]) if m[2] else None
        bounds.append((row, col))
    (r1, c1), (r2, c2) = bounds[0], bounds[-1]
    if r1 is None or r2 is None:  # whole columns
        r1, r2 = 1, MAX_ROWS
    if c1 is None or c2 is None:  # whole rows
        c1, c2 = 1, MAX_COLUMNS
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _address(r1: int, c1: int, r2: int, c2: int, row_abs: bool = True, col_abs: bool = True) -> str:
    rd = "$" if row_abs else ""
    cd = "$" if col_abs else ""
    first = f"{cd}{get_column_letter(c1)}{rd}{r1}"
    if (r1, c1) == (r2, c2):
        return first
    return f"{first}:{cd}{get_column_letter(c2)}{rd}{r2}"


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
    cut_copy_mode = _app_state("cut_copy_mode")

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
        path = Path(fullname).resolve()
        for book in self._books:
            if book._path == path:
                return book
        book = Book(self, path)
        self._books.insert(0, book)
        return book


class _SheetState:
    """What the engine knows about one sheet; shared by every Sheet/Range impl of it."""

    __slots__ = ("dirty", "errors", "file_name", "grid", "in_file", "name", "touched", "visible", "ws")

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


@instrumented
class Book(base_classes.Book):
    def __init__(self, books: Books, path: Path | None) -> None:
        self._books = books
        self._path = path
        self._xl: Any = None
        self._cal: Any = None
        self._states: list[_SheetState] = []
        self._untitled = f"工作簿{len(books._books) + 1}"
        self.save_warnings: list[str] = []
        self._palette: list[tuple[int, int, int]] | None = None
        self._prefetch: prefetch._Job | None = None
        self.save_backup: Path | None = None  # copy of the original kept by the last save, if any
        self._disk: tuple[int, int] | None = None  # (mtime_ns, size) of the file as opened
        self._comments_loaded: int | None = None  # notes openpyxl read from the file
        if path is None:
            self._xl = _opx().openpyxl.Workbook()
            self._states = [_SheetState(ws.title, in_file=False) for ws in self._xl.worksheets]
            for st, ws in zip(self._states, self._xl.worksheets, strict=True):
                st.ws = ws
                st.dirty = True
            return
        if not path.exists():
            raise FileNotFoundError(path)
        self._disk = _disk_stamp(path)
        self._prefetch = prefetch.take(path)
        try:
            # the prefetch thread owns its calamine workbook: never share it across threads
            self._cal = None if self._prefetch is not None else self._open_calamine()
            metadata = self._prefetch.metadata if self._prefetch is not None else self._cal.sheets_metadata
            for meta in metadata:
                if "WorkSheet" not in str(meta.typ):
                    continue
                self._states.append(
                    _SheetState(meta.name, in_file=True, visible=str(meta.visible).split(".")[-1] == "Visible")
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
        return self._path is not None and package.is_zip_workbook(self._path)

    def _load_xl(self) -> Any:
        if self._xl is None:
            if self._path is None or not self._is_zip():
                raise EngineError(
                    f"无法写入 {self._path.name if self._path else '该文件'}：只能写入 .xlsx / .xlsm 文件，"
                    "请在 Excel 中另存为 .xlsx 后再试"
                )
            keep_vba = package.has_vba(self._path) or self._path.suffix.lower() in package.MACRO_EXTENSIONS
            self._xl = _opx().openpyxl.load_workbook(self._path, keep_vba=keep_vba, rich_text=True)
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
                st = by_name.get(ws.title) or _SheetState(ws.title, in_file=True)
                st.ws = ws
                st.visible = ws.sheet_state == "visible"
                states.append(st)
            self._states = states
        return self._xl

    def _open_calamine(self) -> Any:
        import python_calamine

        return python_calamine.CalamineWorkbook.from_path(str(self._path))

    def _grid(self, st: _SheetState) -> list[list[Any]]:
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
                if st.errors is None and self._is_zip():
                    st.errors = prefetch.error_scan(self._path, name)  # overlaps the parse
                if self._cal is None:
                    self._cal = self._open_calamine()
                grid = prefetch.parse_sheet(self._cal, name)
            st.grid = grid
        return st.grid

    def _errors(self, st: _SheetState) -> dict[tuple[int, int], str]:
        if st.errors is None:
            st.errors = package.error_cells(self._path, st.file_name) if (st.in_file and self._is_zip()) else {}
        elif isinstance(st.errors, Future):
            st.errors = st.errors.result()
        return st.errors

    def _ws(self, st: _SheetState) -> Any:
        if st.ws is None:
            self._load_xl()
        return st.ws

    def _state(self, name: str) -> _SheetState:
        for st in self._states:
            if st.name.lower() == name.lower():
                return st
        raise KeyError(name)

    def _theme_rgb(self, color: Any) -> tuple[int, int, int] | None:
        """The RGB Excel shows for an openpyxl colour (rgb, indexed or theme + tint)."""
        if color is None:
            return None
        kind = getattr(color, "type", None)
        if kind == "rgb" and isinstance(color.rgb, str):
            value = color.rgb[-6:]
            return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
        if kind == "indexed" and color.indexed is not None and color.indexed < len(_opx().COLOR_INDEX):
            value = _opx().COLOR_INDEX[color.indexed][-6:]
            return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
        if kind == "theme" and color.theme is not None:
            palette = self._theme_palette()
            if color.theme < len(palette):
                return _apply_tint(palette[color.theme], color.tint or 0.0)
        return None

    def _theme_palette(self) -> list[tuple[int, int, int]]:
        """Theme colours in the order fills refer to them (lt1, dk1, lt2, dk2, accent1-6, links)."""
        cached = self._palette
        if cached is not None:
            return cached
        default = [
            "FFFFFF",
            "000000",
            "E7E6E6",
            "44546A",
            "4472C4",
            "ED7D31",
            "A5A5A5",
            "FFC000",
            "5B9BD5",
            "70AD47",
            "0563C1",
            "954F72",
        ]
        values = list(default)
        theme = getattr(self._xl, "loaded_theme", None) if self._xl is not None else None
        if theme:
            try:
                root = ET.fromstring(theme)
                ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
                scheme = root.find(".//a:clrScheme", ns)
                if scheme is not None:
                    order = [
                        "lt1",
                        "dk1",
                        "lt2",
                        "dk2",
                        "accent1",
                        "accent2",
                        "accent3",
                        "accent4",
                        "accent5",
                        "accent6",
                        "hlink",
                        "folHlink",
                    ]
                    for i, tag in enumerate(order):
                        node = scheme.find(f"a:{tag}", ns)
                        if node is None or not len(node):
                            continue
                        child = node[0]
                        values[i] = child.get("lastClr") or child.get("val") or values[i]
            except ET.ParseError:
                pass
        palette = []
        for v in values:
            v = v if re.fullmatch(r"[0-9A-Fa-f]{6}", v or "") else "000000"
            palette.append((int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)))
        self._palette = palette
        return palette

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
        """Save atomically. Refuses to overwrite a file that changed on disk since it was opened
        (someone else saved it meanwhile); when the save would lose content the engine cannot
        keep (shapes, threaded comments …), the original is first copied to ``save_backup``."""
        if password:
            raise EngineError("无 Excel 环境时不能设置工作簿密码")
        target = Path(path).resolve() if path else self._path
        if target is None:
            raise EngineError("新建的工作簿需要指定保存路径")
        if not target.parent.is_dir():
            raise EngineError(f"保存位置 {target.parent} 不存在，未保存；请先建好该文件夹或换一个路径")
        self.save_warnings = []
        self.save_backup = None
        overwrite = self._path is not None and target == self._path
        if self._xl is None:
            # nothing was written: the file on disk is the workbook
            if self._path is not None and target != self._path:
                tmp = package.temp_beside(target)
                shutil.copyfile(self._path, tmp)
                package.replace_file(tmp, target)
                self._disk = _disk_stamp(target)
            self._path = target
            return
        if overwrite:
            self._check_unchanged(target)
        tmp = package.temp_beside(target)
        try:
            self._xl.save(tmp)
            try:
                cached = self._formula_cache()
            except Exception:  # the results are a convenience: never a reason not to save
                log.warning("formula results not kept in %s", target.name, exc_info=True)
                cached = None
            before, after = package.restore_package(self._path, tmp, target.suffix, cached)
            if self._path is not None and self._is_zip():
                if self._comments_loaded is not None and "批注" in before:
                    # notes NeiQin removed on purpose are not lost; those openpyxl could not read are
                    after["批注"] = min(before["批注"], self._comments_loaded)
                lost = package.lost_items(before, after)
                self.save_warnings = lost
                for item in lost:
                    log.warning("saving %s lost %s", target.name, item)
                if lost and overwrite and target.exists():
                    self.save_backup = _backup(target)
            if overwrite:
                self._check_unchanged(target)  # the save took a while: look once more
            package.replace_file(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        self._path = target
        self._disk = _disk_stamp(target)
        for st in self._states:
            st.file_name = st.name  # the file on disk now has the current names

    def _formula_cache(self) -> dict[str, dict[tuple[int, int], tuple[str, str]]] | None:
        """Last results of the formulas NeiQin's changes cannot have changed: {sheet: {(r, c): (t, v)}}.

        openpyxl writes formulas without their cached results. Excel recalculates when it opens
        the file, but the next headless read would see every formula cell empty; so the saved
        package gets back the results the file had (see :func:`ooxml.restore_package`) for every
        formula that was not written, moved, or depends on a written cell (directly, through
        another formula, or through a name, a table, INDIRECT or OFFSET, conservatively).
        """
        if self._path is None or self._xl is None or not self._is_zip():
            return None
        states = [st for st in self._states if st.ws is not None]
        written: dict[str, list[tuple[int, int, int, int]]] = {}
        for st in states:
            if not st.in_file:
                written[st.name.lower()] = [(1, 1, MAX_ROWS, MAX_COLUMNS)]
            elif st.touched:
                written[st.name.lower()] = list(st.touched)
        known = {st.name.lower() for st in states}
        formulas: dict[str, list[tuple[int, int, str]]] = {}
        for st in states:
            if not st.in_file:
                continue
            found = [
                (r, c, cell.value)
                for (r, c), cell in st.ws._cells.items()
                if cell.data_type == "f" and isinstance(cell.value, str)
            ]
            if found:
                formulas[st.name.lower()] = found
        if not formulas:
            return None
        # a file last saved by openpyxl (or NeiQin) has no results to keep: skip the analysis
        if not any(self._has_result(name, cells) for name, cells in formulas.items()):
            return None
        areas = _ReferenceAreas(self._xl, known, written)
        # formula cells whose result may differ from the file's, found to a fixed point
        unsafe: dict[str, dict[int, list[int]]] = {}
        pending: list[tuple[str, int, int, list[tuple[str, tuple[int, int, int, int]]]]] = []
        for sheet, cells in formulas.items():
            for r, c, text in cells:
                refs = None if areas.touched(sheet, r, c) else areas.references(sheet, r, c, text)
                if refs is None:
                    unsafe.setdefault(sheet, {}).setdefault(c, []).append(r)
                else:
                    pending.append((sheet, r, c, refs))
        changed = True
        while changed and pending:
            changed = False
            for col_rows in unsafe.values():
                for rows in col_rows.values():
                    rows.sort()
            keep = []
            for item in pending:
                if any(_holds(unsafe.get(sheet), area) for sheet, area in item[3]):
                    unsafe.setdefault(item[0], {}).setdefault(item[2], []).append(item[1])
                    changed = True
                else:
                    keep.append(item)
            pending = keep
        epoch = getattr(self._xl, "epoch", None)
        out: dict[str, dict[tuple[int, int], tuple[str, str]]] = {}
        by_name = {st.name.lower(): st for st in states}
        for sheet, r, c, _ in pending:
            st = by_name[sheet]
            grid = self._grid(st)
            errors = self._errors(st)
            if (r, c) in errors:
                out.setdefault(st.name, {})[(r, c)] = ("e", errors[(r, c)])
                continue
            if r > len(grid) or c > len(grid[r - 1]):
                continue
            cached = _cached_value(prefetch.normalize_value(grid[r - 1][c - 1]), epoch)
            if cached is not None:
                out.setdefault(st.name, {})[(r, c)] = cached
        return out or None

    def _has_result(self, sheet: str, cells: list[tuple[int, int, str]]) -> bool:
        st = self._state(sheet)
        grid = self._grid(st)
        if self._errors(st):
            return True
        return any(
            r <= len(grid) and c <= len(grid[r - 1]) and grid[r - 1][c - 1] not in ("", None) for r, c, _ in cells
        )

    def _check_unchanged(self, target: Path) -> None:
        """Never overwrite what someone else saved (or has open in Excel) since NeiQin opened the file."""
        owner = target.with_name("~$" + target.name)  # Excel's owner file while it has the book open
        if owner.exists():
            raise EngineError(
                f"『{target.name}』正在 Excel 中打开（有锁文件 {owner.name}），NeiQin 的结果未保存；"
                "请在 Excel 中关闭该文件后重新运行（若确实没人打开它，删除该锁文件即可）"
            )
        if self._disk is not None and target.exists() and _disk_stamp(target) != self._disk:
            raise EngineError(
                f"『{target.name}』在 NeiQin 运行期间被修改过（可能有人刚保存了它），为免覆盖别人的修改，"
                "NeiQin 的结果未保存；请重新运行"
            )

    def to_pdf(self, path: str, quality: Any) -> None:
        raise EngineError("无 Excel 环境时请用 LibreOffice 导出 PDF")


def _cached_value(value: Any, epoch: Any) -> tuple[str, str] | None:
    """A formula's last result as the cell's ``t`` attribute and ``<v>`` text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("b", "1" if value else "0")
    if isinstance(value, (int, float)):
        return ("n", repr(float(value)) if isinstance(value, float) else str(value))
    if isinstance(value, str):
        return ("str", _escape_control(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        from openpyxl.utils.datetime import to_excel

        try:
            return ("n", repr(float(to_excel(value, epoch) if epoch is not None else to_excel(value))))
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def _holds(col_rows: dict[int, list[int]] | None, area: tuple[int, int, int, int]) -> bool:
    """True when ``area`` contains one of the (sorted, by column) cells."""
    if not col_rows:
        return False
    r1, c1, r2, c2 = area
    for col, rows in col_rows.items():
        if c1 <= col <= c2:
            i = bisect.bisect_left(rows, r1)
            if i < len(rows) and rows[i] <= r2:
                return True
    return False


def _column_spans(spans: dict[int, list[tuple[int, int]]]) -> dict[int, tuple[list[int], list[int]]]:
    """Row intervals per column, merged and sorted: {col: (starts, ends)} for :func:`_in_spans`."""
    out = {}
    for col, items in spans.items():
        merged: list[list[int]] = []
        for a, b in sorted(items):
            if merged and a <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        out[col] = ([m[0] for m in merged], [m[1] for m in merged])
    return out


def _in_spans(cols: dict[int, tuple[list[int], list[int]]], col: int, r1: int, r2: int) -> bool:
    """True when rows r1..r2 of column ``col`` meet one of the :func:`_column_spans` intervals."""
    found = cols.get(col)
    if found is None:
        return False
    starts, ends = found
    i = bisect.bisect_right(starts, r2) - 1  # the last interval starting at or above r2
    return i >= 0 and ends[i] >= r1


def _touched_in(st: _SheetState, r1: int, c1: int, r2: int, c2: int) -> dict[int, tuple[list[int], list[int]]]:
    """The areas written since open, clipped to a read of r1..r2 × c1..c2, as :func:`_column_spans`."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for a, x, b, y in st.touched:
        if b < r1 or a > r2 or y < c1 or x > c2:
            continue
        for col in range(max(x, c1), min(y, c2) + 1):
            spans.setdefault(col, []).append((max(a, r1), min(b, r2)))
    return _column_spans(spans)


class _ReferenceAreas:
    """What a formula refers to, as (sheet, area) pairs, for :meth:`Book._formula_cache`."""

    _VOLATILE_REFS = re.compile(r"\b(INDIRECT|OFFSET)\s*\(", re.I)

    _A1 = re.compile(
        r"\$?[A-Za-z]{1,3}\$?\d+(:\$?[A-Za-z]{1,3}\$?\d+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+"
    )

    def __init__(self, wb: Any, known: set[str], written: dict[str, list[tuple[int, int, int, int]]]) -> None:
        self.known = known
        self.written = written
        # written areas by sheet: wide ones as they are, narrow ones as merged row intervals per column
        self._wide: dict[str, list[tuple[int, int, int, int]]] = {}
        self._cols: dict[str, dict[int, tuple[list[int], list[int]]]] = {}
        for sheet, found in written.items():
            wide = self._wide.setdefault(sheet, [])
            spans: dict[int, list[tuple[int, int]]] = {}
            for a, x, b, y in found:
                if y - x > 64:
                    wide.append((a, x, b, y))
                else:
                    for col in range(x, y + 1):
                        spans.setdefault(col, []).append((a, b))
            self._cols[sheet] = _column_spans(spans)
        self.tables: dict[str, tuple[str, tuple[int, int, int, int]]] = {}
        for ws in wb.worksheets:
            for table in ws.tables.values():
                self.tables[table.name.lower()] = (ws.title.lower(), _parse_area(table.ref))
        self.names: dict[str, list[tuple[str, tuple[int, int, int, int]]] | None] = {}
        for name, defined in wb.defined_names.items():
            try:
                dests = [(title.lower(), _parse_area(coord)) for title, coord in defined.destinations]
            except Exception:
                dests = None
            self.names[name.lower()] = dests or None

    def touched(self, sheet: str, r: int, c: int) -> bool:
        return self._is_written(sheet, (r, c, r, c))

    def _is_written(self, sheet: str, area: tuple[int, int, int, int]) -> bool:
        if sheet not in self.written:
            return False
        r1, c1, r2, c2 = area
        if any(not (b < r1 or a > r2 or y < c1 or x > c2) for a, x, b, y in self._wide[sheet]):
            return True
        cols = self._cols[sheet]
        return any(
            c1 <= col <= c2 and _in_spans(cols, col, r1, r2)
            for col in (cols if c2 - c1 > len(cols) else range(c1, c2 + 1))
        )

    def references(
        self, sheet: str, r: int, c: int, formula: str
    ) -> list[tuple[str, tuple[int, int, int, int]]] | None:
        """The areas ``formula`` reads, or None when it reads a written cell or cannot be told."""
        if self._VOLATILE_REFS.search(formula):
            return None
        if not self.written:
            return []
        from openpyxl.formula.tokenizer import Token, Tokenizer

        try:
            tokens = Tokenizer(formula).items
        except Exception:
            return None
        refs: list[tuple[str, tuple[int, int, int, int]]] = []
        for token in tokens:
            if token.type != Token.OPERAND or token.subtype != Token.RANGE:
                continue
            found = self._resolve(sheet, r, c, token.value)
            if found is None:
                return None
            for target, area in found:
                if self._is_written(target, area):
                    return None
                refs.append((target, area))
        return refs

    def _resolve(self, sheet: str, r: int, c: int, value: str) -> list[tuple[str, tuple[int, int, int, int]]] | None:
        target, ref = sheet, value
        if "!" in value:
            prefix, ref = value.rsplit("!", 1)
            if prefix.startswith("[") or prefix.startswith("'["):
                return []  # another workbook: NeiQin wrote nothing there
            target = (prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix).lower()
            if ":" in target or target not in self.known:
                return None  # 3-D reference, or a sheet that is gone
        if "[" in ref:  # structured reference: the whole table, conservatively
            name = ref.split("[", 1)[0].lower()
            if not name:
                for tsheet, area in self.tables.values():
                    if tsheet == sheet and area[0] <= r <= area[2] and area[1] <= c <= area[3]:
                        return [(tsheet, area)]
                return None
            table = self.tables.get(name)
            return [table] if table is not None else None
        if self._A1.fullmatch(ref):
            return [(target, _parse_area(ref))]
        if ref.lower() in self.tables:
            return [self.tables[ref.lower()]]
        dests = self.names.get(ref.lower())
        return dests if dests is not None else None


def _disk_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _backup(target: Path) -> Path:
    """Copy ``target`` beside itself as ``name.neiqin-backup.xlsx`` (never over an older backup)."""
    base = target.with_name(f"{target.stem}.neiqin-backup{target.suffix}")
    backup, n = base, 2
    while backup.exists():
        backup = target.with_name(f"{target.stem}.neiqin-backup-{n}{target.suffix}")
        n += 1
    shutil.copy2(target, backup)
    return backup


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
        st = _SheetState(ws.title, in_file=False)
        st.ws = ws
        st.dirty = True
        states.insert(index, st)
        wb.active = wb.worksheets.index(ws)
        return Sheet(self.book, st)


@instrumented
class Sheet(base_classes.Sheet):
    def __init__(self, book: Book, st: _SheetState) -> None:
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
        self._book._ws(self._st).title = value
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
        self._book._ws(self._st).sheet_state = "visible" if value else "hidden"
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
        return bool(self._book._ws(self._st).sheet_view.showGridLines is not False)

    @show_gridlines.setter
    def show_gridlines(self, value: bool) -> None:
        self._book._ws(self._st).sheet_view.showGridLines = bool(value)

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
        if st.dirty or not st.in_file:
            ws = self._book._ws(st)
            return ws.max_row, ws.max_column
        grid = self._book._grid(st)
        return len(grid), max((len(r) for r in grid[:1]), default=0)

    def activate(self) -> None:
        wb = self._book._load_xl()
        wb.active = wb.worksheets.index(self._book._ws(self._st))

    def select(self) -> None:
        self.activate()

    def clear_contents(self) -> None:
        self.used_range.clear_contents()

    def clear_formats(self) -> None:
        self.used_range.clear_formats()

    def clear(self) -> None:
        ws = self._book._ws(self._st)
        _check_protected(self, 1, 1, MAX_ROWS, MAX_COLUMNS, whole=True)
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
        wb.remove(self._book._ws(self._st))
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
        the sheet; neiqin.core.ledger uses it to read a vertically merged 订单编号 on each of its rows.
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
        return [_parse_area(ref) for ref in package.merged_refs(book._path, st.file_name)]


class _ComPageSetup:
    """The few properties of Excel's COM PageSetup object that NeiQin sets, on openpyxl.

    Macro code sets ``sheet.page_setup.api.Orientation = 2`` and friends: on Windows
    that is Excel's own object, headless it is this one, so the code stays the same.
    """

    def __init__(self, ws: Any) -> None:
        object.__setattr__(self, "_ws", ws)

    def __setattr__(self, name: str, value: Any) -> None:
        ws = self._ws
        if name == "Orientation":
            ws.page_setup.orientation = "landscape" if value == 2 else "portrait"
        elif name == "Zoom":
            ws.sheet_properties.pageSetUpPr.fitToPage = value is False
            if value is not False:
                ws.page_setup.scale = value
        elif name == "FitToPagesWide":
            ws.page_setup.fitToWidth = value or 0
        elif name == "FitToPagesTall":
            ws.page_setup.fitToHeight = value or 0
        elif name == "PrintTitleRows":
            ws.print_title_rows = value.replace("$", "") if value else None
        else:
            raise EngineError(f"无 Excel 环境时不支持页面设置 {name}")

    def __getattr__(self, name: str) -> Any:
        ws = self._ws
        return {
            "Orientation": 2 if ws.page_setup.orientation == "landscape" else 1,
            "FitToPagesWide": ws.page_setup.fitToWidth,
            "FitToPagesTall": ws.page_setup.fitToHeight,
        }.get(name)


@instrumented
class PageSetup:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    @property
    def api(self) -> _ComPageSetup:
        self.sheet._st.dirty = True
        return _ComPageSetup(self.sheet._book._ws(self.sheet._st))

    @property
    def print_area(self) -> str | None:
        area = self.sheet._book._ws(self.sheet._st).print_area
        return area or None

    @print_area.setter
    def print_area(self, value: str | None) -> None:
        self.sheet._book._ws(self.sheet._st).print_area = value.replace("$", "") if value else None


@instrumented
class Tables:
    """The Excel tables (ListObjects) of a sheet."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def _tables(self) -> dict[str, Any]:
        return dict(self.sheet._book._ws(self.sheet._st).tables.items())

    @property
    def api(self) -> Any:
        return self._tables()

    def __call__(self, name_or_index: int | str) -> Table:
        tables = self._tables()
        if isinstance(name_or_index, int):
            name = list(tables)[name_or_index - 1]
        else:
            name = next((n for n in tables if n.lower() == str(name_or_index).lower()), None)
            if name is None:
                raise KeyError(f"工作表『{self.sheet.name}』中没有名为 {name_or_index} 的表格")
        return Table(self.sheet, name)

    def __len__(self) -> int:
        return len(self._tables())

    def __iter__(self) -> Iterator[Table]:
        return iter([Table(self.sheet, name) for name in self._tables()])

    def __contains__(self, name: str) -> bool:
        return any(n.lower() == str(name).lower() for n in self._tables())


@instrumented
class Table:
    """One Excel table: its ranges, and resize() as Excel's ListObject.Resize."""

    def __init__(self, sheet: Sheet, name: str) -> None:
        self._sheet = sheet
        self._name = name

    def _obj(self) -> Any:
        return self._sheet._book._ws(self._sheet._st).tables[self._name]

    def _area(self) -> tuple[int, int, int, int]:
        return _parse_area(self._obj().ref)

    @property
    def api(self) -> Any:
        return self._obj()

    @property
    def parent(self) -> Sheet:
        return self._sheet

    @property
    def name(self) -> str:
        return self._name

    display_name = name

    @property
    def range(self) -> Range:
        return Range(self._sheet, self._obj().ref)

    @property
    def header_row_range(self) -> Range:
        r1, c1, _, c2 = self._area()
        return Range(self._sheet, (r1, c1), (r1, c2))

    @property
    def data_body_range(self) -> Range | None:
        r1, c1, r2, c2 = self._area()
        return Range(self._sheet, (r1 + 1, c1), (r2, c2)) if r2 > r1 else None

    @property
    def insert_row_range(self) -> None:
        return None

    @property
    def totals_row_range(self) -> None:
        return None

    @property
    def show_totals(self) -> bool:
        return bool(self._obj().totalsRowCount)

    @property
    def show_headers(self) -> bool:
        return self._obj().headerRowCount != 0

    def resize(self, range: Any) -> None:
        r1, c1, r2, c2 = range.impl.areas[0] if hasattr(range, "impl") else range.areas[0]
        old = self._area()
        if (r1, c1) != old[:2] or c2 - c1 != old[3] - old[1]:
            raise EngineError("表格只能在原位置向下增减行（表头和列不变）")
        ref = _address(r1, c1, r2, c2, row_abs=False, col_abs=False)
        table = self._obj()
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
        self._sheet._st.dirty = True


@instrumented
class FreezePanes:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def freeze_at(self, frozen_range: str) -> None:
        # Like Office.js freezeAt: the given range becomes the frozen top-left pane.
        _, _, r2, c2 = _parse_area(frozen_range.split(",")[0])
        row = r2 + 1 if r2 < MAX_ROWS else 1
        col = c2 + 1 if c2 < MAX_COLUMNS else 1
        ws = self.sheet._book._ws(self.sheet._st)
        ws.freeze_panes = f"{get_column_letter(col)}{row}"

    def unfreeze(self) -> None:
        self.sheet._book._ws(self.sheet._st).freeze_panes = None


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
                a = _parse_area(arg1)
                b = _parse_area(arg2) if isinstance(arg2, str) else (arg2[0], arg2[1], arg2[0], arg2[1])
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
                _A1.match(part.split(":")[0].replace("$", ""))
                or re.match(r"^\$?[A-Za-z]+:\$?[A-Za-z]+$|^\$?\d+:\$?\d+$", part)
                or "!" in part
            ):
                areas.append(_parse_area(part))
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
        return ",".join(_address(*a) for a in self.areas)

    def get_address(self, row_absolute: bool, col_absolute: bool, external: bool) -> str:
        text = ",".join(_address(*a, row_abs=row_absolute, col_abs=col_absolute) for a in self.areas)
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
        with gc_paused():
            return self._read_values(r1, c1, r2, c2, err_to_str)

    def _read_values(self, r1: int, c1: int, r2: int, c2: int, err_to_str: bool) -> list[list[Any]]:
        book, st = self._sheet._book, self._sheet._st
        width = c2 - c1 + 1
        if st.dirty or not st.in_file:
            ws = book._ws(st)
            nrows, ncols = ws.max_row, ws.max_column
            out = []
            grid = None
            touched: dict[int, tuple[list[int], list[int]]] | None = None
            for r in range(r1, r2 + 1):
                if r > nrows:
                    out.append([None] * width)
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
                            touched = _touched_in(st, r1, c1, r2, c2)  # once per read, not per formula
                        if st.in_file and not _in_spans(touched, c, r, r) and r <= len(grid) and c <= len(grid[r - 1]):
                            row.append(prefetch.normalize_value(grid[r - 1][c - 1]))
                        else:
                            row.append(str(cell.value))
                        continue
                    row.append(_from_cell(cell.value, cell.data_type, err_to_str))
                out.append(row)
            return out
        grid = book._grid(st)  # calamine's raw rows; normalized while slicing
        nrows = len(grid)
        out = prefetch.normalize_rows(grid[r1 - 1 : min(r2, nrows)], c1, c2)
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
        ws = book._ws(st)
        r1, c1, r2, c2 = self.areas[0]
        if not isinstance(data, (list, tuple)):
            rows = [[data] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
        elif data and not isinstance(data[0], (list, tuple)):
            rows = [list(data)]
        else:
            rows = data
        width = max((len(r) for r in rows), default=1)
        last_row, last_col = r1 + max(len(rows), 1) - 1, c1 + width - 1
        # covered cells of the merged areas this write reaches (not of every merged area of the sheet)
        merged = {
            (r, c)
            for rng in ws.merged_cells.ranges
            if rng.min_row <= last_row and rng.max_row >= r1 and rng.min_col <= last_col and rng.max_col >= c1
            for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)
            if (r, c) != (rng.min_row, rng.min_col)
        }
        _check_protected(self._sheet, r1, c1, last_row, last_col)
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
                v = _to_cell(v)
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
            _check_protected(self._sheet, r1, c1, r2, c2)
            for (r, c), cell in list(ws._cells.items()):
                if r1 <= r <= r2 and c1 <= c <= c2 and not isinstance(cell, _opx().MergedCell):
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
            _check_protected(self._sheet, r1, c1, r2, c2)
            for r, c in [k for k in ws._cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
                del ws._cells[(r, c)]
            self._sheet._st.touched.append((r1, c1, r2, c2))
        self._sheet._st.dirty = True

    def delete(self, shift: str | None = None) -> None:
        """Delete the cells, shifting the cells below up (Excel's Range.Delete xlShiftUp).

        As in Excel: formulas that refer to moved cells follow them (a reference to a deleted cell
        becomes #REF!), tables, merged areas, conditional formats and data validation shrink or move
        up, and shifting part of a table is refused. Entire rows (``sheet.range('5:6')``) are fast.
        """
        if shift not in (None, "up"):
            raise EngineError("无 Excel 环境时只能删除单元格并让下方单元格上移")
        book, st = self._sheet._book, self._sheet._st
        ws = book._ws(st)
        r1, c1, r2, c2 = self.areas[0]
        _check_protected(self._sheet, r1, c1, r2, c2, whole=True)
        n = r2 - r1 + 1
        whole = c1 == 1 and c2 >= max(ws.max_column, 1)
        for table in ws.tables.values():
            t1, tc1, t2, tc2 = _parse_area(table.ref)
            if t2 < r1 or tc2 < c1 or tc1 > c2:
                continue
            if not whole and (tc1 < c1 or tc2 > c2):
                raise EngineError(
                    f"不能只移动表格『{table.displayName}』的一部分（删除 {_address(r1, c1, r2, c2)} 会让表格中"
                    "部分列的单元格上移）；请删除整行"
                )
            if r1 <= t1 <= r2:
                raise EngineError(
                    f"删除 {_address(r1, c1, r2, c2)} 会删掉表格『{table.displayName}』的表头；请先删除该表格"
                )
        for key in [k for k in ws._cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
            del ws._cells[key]
        last = ws.max_row
        if whole:
            ws.delete_rows(r1, n)
        elif last > r2:
            ws.move_range(f"{get_column_letter(c1)}{r2 + 1}:{get_column_letter(c2)}{last}", rows=-n)
        _shift_rows_after_delete(book._load_xl(), ws, r1, r2, None if whole else (c1, c2))
        st.dirty = True
        st.touched.append((r1, 1 if whole else c1, MAX_ROWS, MAX_COLUMNS if whole else c2))

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
        ws = book._ws(st)
        _check_protected(self._sheet, r1, c1, r2, c2, whole=True)
        at, n = r1, r2 - r1 + 1
        ws.insert_rows(at, n)
        _shift_rows_after_insert(book._load_xl(), ws, at, n)
        st.dirty = True
        st.touched.append((at, 1, MAX_ROWS, MAX_COLUMNS))

    def _bounded_areas(self) -> list[tuple[int, int, int, int]]:
        ws = self._sheet._book._ws(self._sheet._st)
        out = []
        for r1, c1, r2, c2 in self.areas:
            out.append((r1, c1, min(r2, max(ws.max_row, r1)), min(c2, max(ws.max_column, c1))))
        return out

    def _cells(self) -> Iterator[Any]:
        """openpyxl cells of every area (created when missing: formats need a cell)."""
        ws = self._sheet._book._ws(self._sheet._st)
        for r1, c1, r2, c2 in self._bounded_areas():
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield ws.cell(row=r, column=c)

    def _first(self) -> Any:
        ws = self._sheet._book._ws(self._sheet._st)
        cell = ws.cell(row=self.row, column=self.column)
        if isinstance(cell, _opx().MergedCell):  # like Excel: a merged area is its top-left cell
            for m in ws.merged_cells.ranges:
                if m.min_row <= self.row <= m.max_row and m.min_col <= self.column <= m.max_col:
                    return ws.cell(row=m.min_row, column=m.min_col)
        return cell

    @property
    def formula(self) -> Any:
        r1, c1, r2, c2 = self.areas[0]
        if (r1, c1) == (r2, c2):
            cell = self._first()
            return _formula_text(cell.value)
        # like Excel: a block gives one formula (or constant as text) per cell, row by row
        ws = self._sheet._book._ws(self._sheet._st)
        cells = ws._cells
        return tuple(
            tuple(_formula_text(cells[(r, c)].value if (r, c) in cells else None) for c in range(c1, c2 + 1))
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
        rgb = _rgb(color_or_rgb)
        pattern = _opx().PatternFill
        fill = pattern(fill_type=None) if rgb is None else pattern("solid", fgColor=_hex(rgb), bgColor=_hex(rgb))
        _check_protected(self._sheet, *self.areas[0], what="format")
        for cell in self._cells():
            if not isinstance(cell, _opx().MergedCell):
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
            cell.alignment = _opx().Alignment(horizontal=a.horizontal, vertical=a.vertical, wrap_text=bool(value))

    @property
    def horizontal_alignment(self) -> str:
        return self._first().alignment.horizontal or "general"

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        mapping = {"center_across_selection": "centerContinuous"}
        for cell in self._cells():
            a = cell.alignment
            horizontal = mapping.get(value, value)
            cell.alignment = _opx().Alignment(horizontal=horizontal, vertical=a.vertical, wrap_text=a.wrap_text)

    @property
    def vertical_alignment(self) -> str:
        return self._first().alignment.vertical or "bottom"

    @vertical_alignment.setter
    def vertical_alignment(self, value: str) -> None:
        for cell in self._cells():
            a = cell.alignment
            cell.alignment = _opx().Alignment(horizontal=a.horizontal, vertical=value, wrap_text=a.wrap_text)

    @property
    def column_width(self) -> float:
        ws = self._sheet._book._ws(self._sheet._st)
        dim = ws.column_dimensions.get(get_column_letter(self.column))
        return float(dim.width) if dim is not None and dim.width else 8.43

    @column_width.setter
    def column_width(self, value: float) -> None:
        ws = self._sheet._book._ws(self._sheet._st)
        for c in range(self.areas[0][1], self.areas[0][3] + 1):
            ws.column_dimensions[get_column_letter(c)].width = value

    @property
    def row_height(self) -> float:
        ws = self._sheet._book._ws(self._sheet._st)
        dim = ws.row_dimensions.get(self.row)
        return float(dim.height) if dim is not None and dim.height else 15.0

    @row_height.setter
    def row_height(self, value: float) -> None:
        ws = self._sheet._book._ws(self._sheet._st)
        for r in range(self.areas[0][0], self.areas[0][2] + 1):
            ws.row_dimensions[r].height = value

    def autofit(self, axis: str | None = None) -> None:
        """Excel's AutoFit, estimated from the text: column widths and wrapped-row heights.

        CJK characters count double; a wrapped cell needs one line per column width of text.
        """
        ws = self._sheet._book._ws(self._sheet._st)
        r1, c1, r2, c2 = self._bounded_areas()[0]
        if axis in (None, "columns", "c"):
            widths: dict[int, float] = {}
            for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
                for cell in row:
                    if cell.value is None or isinstance(cell, _opx().MergedCell):
                        continue
                    text = "2026-11-26" if isinstance(cell.value, (dt.date, dt.datetime)) else str(cell.value)
                    w = max(_text_width(line) for line in text.split("\n"))
                    widths[cell.column] = max(widths.get(cell.column, 0), w)
            for col, w in widths.items():
                ws.column_dimensions[get_column_letter(col)].width = min(max(w + 2, 6), 60)
        if axis in (None, "rows", "r"):
            for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
                lines = 1
                for cell in row:
                    if not isinstance(cell.value, str) or isinstance(cell, _opx().MergedCell):
                        continue
                    dim = ws.column_dimensions.get(get_column_letter(cell.column))
                    width = max((dim.width if dim is not None and dim.width else 8.43) - 1, 1)
                    if cell.alignment.wrap_text:
                        count = sum(max(1, -(-_text_width(line) // int(width))) for line in cell.value.split("\n"))
                    else:
                        count = cell.value.count("\n") + 1
                    lines = max(lines, count)
                if lines > 1:
                    ws.row_dimensions[row[0].row].height = 15 * lines + 2
        self._sheet._st.dirty = True

    # ---- merge
    @property
    def merge_cells(self) -> bool:
        ws = self._sheet._book._ws(self._sheet._st)
        return any(
            self.row in range(m.min_row, m.max_row + 1) and self.column in range(m.min_col, m.max_col + 1)
            for m in ws.merged_cells.ranges
        )

    def merge(self, across: bool = False) -> None:
        ws = self._sheet._book._ws(self._sheet._st)
        r1, c1, r2, c2 = self.areas[0]
        if across:
            for r in range(r1, r2 + 1):
                ws.merge_cells(start_row=r, start_column=c1, end_row=r, end_column=c2)
        else:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        self._sheet._st.dirty = True

    def unmerge(self) -> None:
        ws = self._sheet._book._ws(self._sheet._st)
        r1, c1, r2, c2 = self.areas[0]
        for m in list(ws.merged_cells.ranges):
            if m.min_row <= r2 and m.max_row >= r1 and m.min_col <= c2 and m.max_col >= c1:
                ws.unmerge_cells(str(m))

    # ---- notes and links
    @property
    def note(self) -> Note | None:
        ws = self._sheet._book._ws(self._sheet._st)
        cell = ws._cells.get((self.row, self.column))
        if cell is None or cell.comment is None:
            return None
        return Note(self)

    def add_note(self, text: str) -> Note:
        _check_protected(self._sheet, self.row, self.column, self.row, self.column, what="note")
        cell = self._first()
        cell.comment = _comment(text)
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
            cell.hyperlink = _opx().Hyperlink(
                ref=cell.coordinate, location=address[1:], tooltip=screen_tip, display=text_to_display
            )
        else:
            cell.hyperlink = address
            if screen_tip:
                cell.hyperlink.tooltip = screen_tip
        cell.value = text_to_display or address
        cell.font = _opx().Font(color="FF0563C1", underline="single")
        self._sheet._st.dirty = True
        self._sheet._st.touched.append((self.row, self.column, self.row, self.column))

    # ---- misc
    def select(self) -> None:
        ws = self._sheet._book._ws(self._sheet._st)
        ws.sheet_view.selection[0].activeCell = f"{get_column_letter(self.column)}{self.row}"
        ws.sheet_view.selection[0].sqref = _address(*self.areas[0], row_abs=False, col_abs=False)

    @property
    def name(self) -> None:
        return None


def _formula_text(value: Any) -> str:
    """A cell's content as Excel's Range.Formula gives it: the formula, or the constant as text."""
    if value is None:
        return ""
    text = getattr(value, "text", None)  # ArrayFormula
    if isinstance(text, str):
        return text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_REF_CELL = re.compile(r"^(\$?[A-Za-z]{1,3})?(\$?)(\d+)?$")


def _ref_parts(ref: str) -> list[re.Match[str]] | None:
    """The one or two cell parts of an A1 reference, or None when it is no row address."""
    parts = ref.split(":")
    if len(parts) > 2:
        return None
    parsed = []
    for part in parts:
        m = _REF_CELL.match(part)
        if not m or not (m[1] or m[3]):
            return None
        parsed.append(m)
    return parsed


def _shift_ref(ref: str, at: int, n: int) -> str:
    """One A1 reference (``E5``, ``$E$5:$F9``, ``5:9``) after inserting ``n`` rows at row ``at``."""
    parsed = _ref_parts(ref)
    if parsed is None:
        return ref  # a name, a structured reference …: not a row address
    rows = [int(m[3]) if m[3] else None for m in parsed]
    if any(r is None for r in rows):
        return ref  # whole columns do not move
    lo, hi = rows[0], rows[-1]
    if len(rows) == 1:
        new = [lo + n if lo >= at else lo]
    elif hi < at:
        return ref
    elif lo >= at:
        new = [lo + n, hi + n]
    else:
        new = [lo, hi + n]
    return ":".join(f"{m[1] or ''}{m[2]}{r}" for m, r in zip(parsed, new, strict=True))


def _delete_ref(ref: str, d1: int, d2: int, cols: tuple[int, int] | None) -> str:
    """One A1 reference after deleting rows ``d1..d2`` (of columns ``cols`` only, if given)."""
    parsed = _ref_parts(ref)
    if parsed is None:
        return ref
    rows = [int(m[3]) if m[3] else None for m in parsed]
    if any(r is None for r in rows):
        return ref  # whole columns do not move
    if cols is not None:
        letters = [m[1].lstrip("$") for m in parsed if m[1]]
        if len(letters) != len(parsed):
            return ref  # whole rows: only part of them moved
        first, last = (column_to_number(x.upper()) for x in (letters[0], letters[-1]))
        if first < cols[0] or last > cols[1]:
            return ref  # partly outside the cells that moved: Excel leaves it
    k = d2 - d1 + 1
    lo, hi = rows[0], rows[-1]
    if hi < d1:
        return ref
    if lo > d2:
        new = [lo - k, hi - k]
    elif lo >= d1 and hi <= d2:
        return "#REF!"
    else:
        new = [lo if lo < d1 else d1, hi - k if hi > d2 else d1 - 1]
    if len(parsed) == 1:
        new = new[:1]
    return ":".join(f"{m[1] or ''}{m[2]}{r}" for m, r in zip(parsed, new, strict=True))


def _shift_formula(formula: str, at: int, n: int, own_sheet: bool, sheet_name: str, move: Any = None) -> str:
    """``formula`` with its references to ``sheet_name`` moved for an insert of ``n`` rows at ``at``
    (or as ``move(ref)`` says)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer

    try:
        tokens = Tokenizer(formula)
    except Exception:  # not parseable: leave it as it is
        return formula
    changed = False
    for token in tokens.items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        value = token.value
        if "!" in value:
            prefix, ref = value.rsplit("!", 1)
            name = prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix
            if name.startswith("[") or name.lower() != sheet_name.lower():
                continue
        elif own_sheet:
            prefix, ref = "", value
        else:
            continue
        new = move(ref) if move is not None else _shift_ref(ref, at, n)
        if new != ref:
            token.value = new if new == "#REF!" else (f"{prefix}!{new}" if prefix else new)
            changed = True
    return tokens.render() if changed else formula


def _shift_bounds(r1: int, r2: int, at: int, n: int) -> tuple[int, int]:
    if r2 < at:
        return r1, r2
    if r1 >= at:
        return r1 + n, r2 + n
    return r1, r2 + n


def _shift_rows_after_insert(wb: Any, ws: Any, at: int, n: int) -> None:
    """What openpyxl's insert_rows leaves to the caller, done as Excel does it."""
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.formula.translate import Translator
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    title = ws.title
    for other in wb.worksheets:
        own = other is ws
        for cell in other._cells.values():
            value = cell.value
            if cell.data_type == "f" and isinstance(value, str) and (own or title.lower() in value.lower()):
                cell.value = _shift_formula(value, at, n, own, title)
            if own and cell.hyperlink is not None and cell.row >= at:
                cell.hyperlink.ref = cell.coordinate

    def moved(sqref: Any) -> MultiCellRange:
        out = []
        for rng in sqref.ranges:
            lo, hi = _shift_bounds(rng.min_row, rng.max_row, at, n)
            out.append(CellRange(min_col=rng.min_col, min_row=lo, max_col=rng.max_col, max_row=hi).coord)
        return MultiCellRange(" ".join(out))

    for merged in list(ws.merged_cells.ranges):
        lo, hi = _shift_bounds(merged.min_row, merged.max_row, at, n)
        merged.shift(row_shift=lo - merged.min_row)
        merged.expand(down=(hi - lo) - (merged.max_row - merged.min_row))
    for table in ws.tables.values():
        t1, tc1, t2, tc2 = _parse_area(table.ref)
        if t1 < at <= t2:  # rows inserted into the table (a totals row moves down with it)
            t2 += n
        elif t1 >= at:
            t1, t2 = t1 + n, t2 + n
        table.ref = _address(t1, tc1, t2, tc2, row_abs=False, col_abs=False)
        if table.autoFilter is not None:
            table.autoFilter.ref = (
                _address(t1, tc1, t2 - (table.totalsRowCount or 0), tc2, row_abs=False, col_abs=False)
                if table.totalsRowCount
                else table.ref
            )
    for dv in ws.data_validations.dataValidation:
        dv.sqref = moved(dv.sqref)
    old_cf = ws.conditional_formatting
    new_cf = ConditionalFormattingList()
    for cf in old_cf:
        sqref = moved(cf.sqref)
        first_old = min((r.min_row for r in cf.sqref.ranges), default=1)
        first_new = min((r.min_row for r in sqref.ranges), default=1)
        for rule in cf.rules:
            if first_new != first_old and rule.formula:
                origin = f"A{first_old}"
                rule.formula = [
                    Translator("=" + f, origin).translate_formula(f"A{first_new}")[1:] for f in rule.formula
                ]
            new_cf.add(str(sqref), rule)
    ws.conditional_formatting = new_cf
    heights = {r: d for r, d in ws.row_dimensions.items() if r >= at}
    for r in sorted(heights, reverse=True):
        dim = ws.row_dimensions.pop(r)
        dim.index = r + n
        ws.row_dimensions[r + n] = dim


def _shift_rows_after_delete(wb: Any, ws: Any, d1: int, d2: int, cols: tuple[int, int] | None) -> None:
    """After rows ``d1..d2`` (of columns ``cols``, or entire rows) were deleted and the rest moved up."""
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    k = d2 - d1 + 1
    title = ws.title

    def move(ref: str) -> str:
        return _delete_ref(ref, d1, d2, cols)

    for other in wb.worksheets:
        own = other is ws
        for cell in other._cells.values():
            value = cell.value
            if cell.data_type == "f" and isinstance(value, str) and (own or title.lower() in value.lower()):
                cell.value = _shift_formula(value, d1, -k, own, title, move)
            if own and cell.hyperlink is not None and cell.row >= d1:
                cell.hyperlink.ref = cell.coordinate

    def inside(min_col: int, max_col: int) -> bool:
        return cols is None or (cols[0] <= min_col and max_col <= cols[1])

    def bounds(lo: int, hi: int) -> tuple[int, int] | None:
        if hi < d1:
            return lo, hi
        if lo > d2:
            return lo - k, hi - k
        if lo >= d1 and hi <= d2:
            return None
        return (lo if lo < d1 else d1), (hi - k if hi > d2 else d1 - 1)

    def moved(sqref: Any) -> MultiCellRange | None:
        out = []
        for rng in sqref.ranges:
            b = bounds(rng.min_row, rng.max_row) if inside(rng.min_col, rng.max_col) else (rng.min_row, rng.max_row)
            if b is not None:
                out.append(CellRange(min_col=rng.min_col, min_row=b[0], max_col=rng.max_col, max_row=b[1]).coord)
        return MultiCellRange(" ".join(out)) if out else None

    for merged in list(ws.merged_cells.ranges):
        if not inside(merged.min_col, merged.max_col):
            continue
        b = bounds(merged.min_row, merged.max_row)
        if b is None or (b[0] == b[1] and merged.min_col == merged.max_col):
            ws.merged_cells.remove(merged)
            continue
        merged.shift(row_shift=b[0] - merged.min_row)
        merged.expand(down=(b[1] - b[0]) - (merged.max_row - merged.min_row))
    for table in ws.tables.values():
        t1, tc1, t2, tc2 = _parse_area(table.ref)
        if not inside(tc1, tc2):
            continue
        b = bounds(t1, t2)
        if b is None:
            continue
        t1, t2 = b[0], max(b[1], b[0] + 1)  # a table keeps its header and one (empty) line
        table.ref = _address(t1, tc1, t2, tc2, row_abs=False, col_abs=False)
        if table.autoFilter is not None:
            end = t2 - (table.totalsRowCount or 0)
            table.autoFilter.ref = _address(t1, tc1, end, tc2, row_abs=False, col_abs=False)
    kept = []
    for dv in ws.data_validations.dataValidation:
        sqref = moved(dv.sqref)
        if sqref is not None:
            dv.sqref = sqref
            kept.append(dv)
    ws.data_validations.dataValidation = kept
    new_cf = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        sqref = moved(cf.sqref)
        if sqref is None:
            continue
        first_old = min((r.min_row for r in cf.sqref.ranges), default=1)
        first_new = min((r.min_row for r in sqref.ranges), default=1)
        for rule in cf.rules:
            if first_new != first_old and rule.formula:
                from openpyxl.formula.translate import Translator

                rule.formula = [
                    Translator("=" + f, f"A{first_old}").translate_formula(f"A{first_new}")[1:] for f in rule.formula
                ]
            new_cf.add(str(sqref), rule)
    ws.conditional_formatting = new_cf
    if cols is None:
        for r in sorted(r for r in list(ws.row_dimensions) if r >= d1):
            dim = ws.row_dimensions.pop(r)
            if r > d2:
                dim.index = r - k
                ws.row_dimensions[r - k] = dim


def _check_protected(
    sheet: Sheet, r1: int, c1: int, r2: int, c2: int, whole: bool = False, what: str = "value"
) -> None:
    """Refuse, as Excel does, to change locked cells of a protected sheet (or any cell for ``whole``)."""
    ws = sheet._book._ws(sheet._st)
    protection = ws.protection
    if not protection.sheet:
        return
    if what == "format" and protection.formatCells is False:
        return  # the sheet allows formatting cells
    if what == "note" and not protection.objects:
        return  # notes are objects: editing them is allowed
    locked = whole or (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000
    if not locked:
        cells = ws._cells
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                cell = cells.get((r, c))
                if cell is None or not cell.has_style or cell.protection.locked is not False:
                    locked = True
                    break
            if locked:
                break
    if locked:
        raise EngineError(
            f"工作表『{sheet.name}』受保护，NeiQin 不能修改其中锁定的单元格；"
            "请在 Excel 中点「审阅 → 撤消工作表保护」后重新运行"
        )


def _text_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _comment(text: str, author: str = NOTE_AUTHOR) -> Any:
    text = _escape_control(text)
    lines = text.split("\n")
    width = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in lines), default=10)
    comment = _opx().Comment(text, author or NOTE_AUTHOR)
    comment.width = int(min(max(width, 20), 60) * 7.5)
    comment.height = int(min(max(len(lines) + sum(len(line) // 30 for line in lines), 3), 30) * 20)
    return comment


@instrumented
class Note:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def _cell(self) -> Any:
        return self._rng._first()

    @property
    def api(self) -> Any:
        return self._cell().comment

    @property
    def text(self) -> str:
        comment = self._cell().comment
        return comment.text if comment is not None else ""

    @text.setter
    def text(self, value: str) -> None:
        rng = self._rng
        _check_protected(rng._sheet, rng.row, rng.column, rng.row, rng.column, what="note")
        cell = self._cell()
        author = cell.comment.author if cell.comment is not None else NOTE_AUTHOR
        cell.comment = _comment(value, author)
        self._rng._sheet._st.dirty = True

    @property
    def author(self) -> str:
        comment = self._cell().comment
        return comment.author if comment is not None else ""

    @property
    def location(self) -> Range:
        return self._rng

    def delete(self) -> None:
        rng = self._rng
        _check_protected(rng._sheet, rng.row, rng.column, rng.row, rng.column, what="note")
        self._cell().comment = None
        self._rng._sheet._st.dirty = True


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
            cell.font = _opx().Font(**attrs)
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
        rgb = _rgb(value)
        self._update(color=_hex(rgb) if rgb else None)


@instrumented
class Names:
    """Workbook-level defined names (read side: what macros use to find ranges)."""

    def __init__(self, book: Book) -> None:
        self.book = book

    def _resolve(self, name: str, sheet: Sheet) -> tuple[int, int, int, int] | None:
        wb = self.book._load_xl()
        defined = wb.defined_names.get(name) or sheet._book._ws(sheet._st).defined_names.get(name)
        if defined is None:
            for ws in wb.worksheets:
                if name in ws.tables:
                    return _parse_area(ws.tables[name].ref)
            return None
        for title, coord in defined.destinations:
            if title == sheet.name:
                return _parse_area(coord)
        return None

    def __len__(self) -> int:
        return len(self.book._load_xl().defined_names)

    def contains(self, name: str) -> bool:
        return name in self.book._load_xl().defined_names


engine = Engine()
