"""Sheet layout: page setup, Excel tables (ListObjects), freeze panes, text widths and row heights for AutoFit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from xlwings.utils import col_name as get_column_letter

from neiqin.base.text import text_width  # one width for every layout
from neiqin.engine.addresses import address, parse_area
from neiqin.engine.calls import instrumented
from neiqin.engine.common import MAX_COLUMN_WIDTH, MAX_COLUMNS, MAX_ROW_HEIGHT, MAX_ROWS, EngineError

if TYPE_CHECKING:
    from neiqin.engine.headless import Range, Sheet

DEFAULT_COLUMN_WIDTH = 8.43  # characters, Excel's standard width
LINE_POINTS = 15  # one line of the default 11 pt font
# the most lines of wrapped text AutoFit gives a row before it reaches Excel's 409.5 pt
MAX_WRAPPED_LINES = int((MAX_ROW_HEIGHT - 2) // LINE_POINTS)


def wrapped_lines(text: str, column_width: float | None, wrap: bool = True) -> int:
    """How many lines ``text`` takes in a cell of a column ``column_width`` characters wide
    (AutoFit's estimate: CJK characters count double; one line per column width of text)."""
    if not wrap:
        return text.count("\n") + 1
    per_line = int(max((column_width or DEFAULT_COLUMN_WIDTH) - 1, 1))
    return sum(max(1, -(-text_width(line) // per_line)) for line in text.split("\n"))


def autofit_height(lines: int) -> float:
    """The row height AutoFit gives ``lines`` lines of text: never more than Excel's 409.5 pt."""
    return min(LINE_POINTS * lines + 2, MAX_ROW_HEIGHT)


def check_row_height(value: float) -> float:
    """``value`` as a row height, refused as Excel refuses it (RowHeight must be 0 to 409.5 pt)."""
    height = _number(value)
    if not 0 <= height <= MAX_ROW_HEIGHT:  # NaN too
        raise EngineError(f"行高 {value} 超出 Excel 允许的范围（0 到 {MAX_ROW_HEIGHT} 磅）")
    return height


def check_column_width(value: float) -> float:
    """``value`` as a column width, refused as Excel refuses it (ColumnWidth must be 0 to 255)."""
    width = _number(value)
    if not 0 <= width <= MAX_COLUMN_WIDTH:
        raise EngineError(f"列宽 {value} 超出 Excel 允许的范围（0 到 {MAX_COLUMN_WIDTH:g} 个字符）")
    return width


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


class ComPageSetup:
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
    def api(self) -> ComPageSetup:
        self.sheet._st.dirty = True
        return ComPageSetup(self.sheet._book._ws_bare(self.sheet._st))

    @property
    def print_area(self) -> str | None:
        area = self.sheet._book._ws_bare(self.sheet._st).print_area
        return area or None

    @print_area.setter
    def print_area(self, value: str | None) -> None:
        self.sheet._book._ws_bare(self.sheet._st).print_area = value.replace("$", "") if value else None


@instrumented
class Tables:
    """The Excel tables (ListObjects) of a sheet."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def _tables(self) -> dict[str, Any]:
        return dict(self.sheet._book._ws_bare(self.sheet._st).tables.items())

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
        return self._sheet._book._ws_bare(self._sheet._st).tables[self._name]

    def _area(self) -> tuple[int, int, int, int]:
        return parse_area(self._obj().ref)

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
        return self._sheet.range(self._obj().ref)

    @property
    def header_row_range(self) -> Range:
        r1, c1, _, c2 = self._area()
        return self._sheet.range((r1, c1), (r1, c2))

    @property
    def data_body_range(self) -> Range | None:
        r1, c1, r2, c2 = self._area()
        return self._sheet.range((r1 + 1, c1), (r2, c2)) if r2 > r1 else None

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
        ref = address(r1, c1, r2, c2, row_abs=False, col_abs=False)
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
        _, _, r2, c2 = parse_area(frozen_range.split(",")[0])
        row = r2 + 1 if r2 < MAX_ROWS else 1
        col = c2 + 1 if c2 < MAX_COLUMNS else 1
        ws = self.sheet._book._ws_bare(self.sheet._st)
        ws.freeze_panes = f"{get_column_letter(col)}{row}"

    def unfreeze(self) -> None:
        self.sheet._book._ws_bare(self.sheet._st).freeze_panes = None
