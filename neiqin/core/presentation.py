"""What a reader sees of a sealed form, and the presentation that may carry it.

A sealed 费用报销单 is trusted for what finance *sees* on screen and on paper. The values
and their displayed texts are sealed (:mod:`neiqin.core.seal`); this module holds the rest:

- the **layout** a sealed copy records — widths of the columns and heights of the rows that
  hold values, and its merged areas — and the comparison with the layout found at verify;
- the **narrow set of presentations** a value cell may have at verify, whatever was sealed
  (documented for finance in the README):

  * text contrasting with its fill (WCAG contrast ratio ≥ 3: no white or near-white text,
    no text the colour of its fill — theme, indexed and tinted colours resolved as Excel shows them);
  * fill empty or solid (no pattern or gradient over the text);
  * font size 6 – 28 pt, no strikethrough, no super-/subscript, no symbol font (Wingdings …);
    the same for every run of a cell with rich text;
  * no rotation, indent ≤ 4, no "fill" alignment (it repeats the text), no shrink to fit;
  * no value under a merged area (only its top-left cell shows);
  * a number or date fits its column (no ####);
  * columns and rows with values not narrower or lower than sealed (re-saves round them a
    little: 20 % and a point are allowed), not hidden, no zero values hidden by the sheet view,
    a print area (if any) that prints every value.

Everything is read from the file with openpyxl, cell by cell of the cells that exist (a
planted value in XFD1048576 costs one cell, not a billion).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from neiqin.base.text import text_width

MIN_CONTRAST = 3.0
MIN_SIZE, MAX_SIZE = 6.0, 28.0
MAX_INDENT = 4
DEFAULT_WIDTH = 8.43  # Excel's standard column width (Calibri 11)
DEFAULT_HEIGHT = 15.0  # Excel's standard row height (Calibri 11)
SYMBOL_FONTS = frozenset(
    {
        "wingdings",
        "wingdings 2",
        "wingdings 3",
        "webdings",
        "symbol",
        "marlett",
        "mt extra",
        "bookshelf symbol 7",
        "ms outlook",
        "ms reference specialty",
        "segoe mdl2 assets",
        "segoe fluent icons",
        "opensymbol",
    }
)
# pixel widths of Calibri 11 at 96 dpi (a digit is 7 px, one unit of Excel's column width)
_PIXELS = {".": 3, ",": 3, ":": 3, ";": 3, " ": 3, "'": 3, "-": 4, "/": 5, "(": 4, ")": 4, "%": 10, "#": 7}


def needed_width(text: str, size: float = 11.0) -> float:
    """The column width (in Excel's character units) a one-line text needs at ``size`` pt to show whole."""
    pixels = sum(_PIXELS.get(ch, 7 * text_width(ch) or 7) for ch in text) + 3  # and the cell's margins
    return pixels / 7 * size / 11.0


@dataclass
class Layout:
    """Widths of the value columns, heights of the value rows, merged areas (A1 ranges)."""

    widths: dict[str, float] = field(default_factory=dict)
    heights: dict[str, float] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"widths": self.widths, "heights": self.heights, "merges": sorted(self.merges)}

    @classmethod
    def from_json(cls, data: Any) -> Layout:
        if not isinstance(data, dict):
            raise ValueError("layout is not an object")
        widths = {str(k): float(v) for k, v in (data.get("widths") or {}).items()}
        heights = {str(k): float(v) for k, v in (data.get("heights") or {}).items()}
        return cls(widths, heights, [str(m) for m in data.get("merges") or []])


def column_width(ws: Any, col: int) -> float | None:
    """The width of column ``col`` as the file gives it (None: hidden), ranges of <col> included."""
    for dim in ws.column_dimensions.values():
        low, high = dim.min or 0, dim.max or 0
        if low <= col <= high:
            if dim.hidden:
                return None
            if dim.width:
                return float(dim.width)
            break
    default = ws.sheet_format.defaultColWidth
    return float(default) if default else DEFAULT_WIDTH


def row_height(ws: Any, row: int) -> float | None:
    """The height of row ``row`` as the file gives it (None: hidden)."""
    dim = ws.row_dimensions.get(row)
    if dim is not None:
        if dim.hidden:
            return None
        if dim.height is not None:
            return float(dim.height)
    default = ws.sheet_format.defaultRowHeight
    return float(default) if default else DEFAULT_HEIGHT


def layout_of(ws: Any, cells: Iterable[tuple[int, int]]) -> Layout:
    """The layout of ``ws`` for the value cells ``cells`` ((row, col) pairs)."""
    cells = list(cells)
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})
    return Layout(
        widths={get_column_letter(c): round(column_width(ws, c) or 0.0, 2) for c in cols},
        heights={str(r): round(row_height(ws, r) or 0.0, 2) for r in rows},
        merges=sorted(str(m) for m in ws.merged_cells.ranges),
    )


# --------------------------------------------------------------------------- colours


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 = the same, 21 = black on white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Colours:
    """Colours as Excel shows them in one workbook (its theme, the indexed palette, tints)."""

    def __init__(self, wb: Any) -> None:
        from neiqin.engine.colors import theme_palette

        self.palette = theme_palette(getattr(wb, "loaded_theme", None))

    def rgb(self, color: Any, default: tuple[int, int, int]) -> tuple[int, int, int]:
        from neiqin.engine.colors import shown_rgb

        if color is None or getattr(color, "type", None) == "auto":
            return default
        if getattr(color, "type", None) == "indexed" and color.indexed in (64, 65):  # system colours
            return (0, 0, 0) if color.indexed == 64 else (255, 255, 255)
        try:
            shown = shown_rgb(color, self.palette)
        except (TypeError, ValueError, IndexError):
            shown = None
        return shown if shown is not None else default

    def background(self, fill: Any) -> tuple[tuple[int, int, int], str | None]:
        """The colour under a cell's text, and what is wrong with the fill (a pattern, a gradient)."""
        white = (255, 255, 255)
        if fill is None:
            return white, None
        if getattr(fill, "tagname", "") == "gradientFill" or getattr(fill, "stop", None):
            return white, "渐变填充"
        pattern = getattr(fill, "fill_type", None) or getattr(fill, "patternType", None)
        if pattern in (None, "none"):
            return white, None
        if pattern != "solid":
            return self.rgb(fill.fgColor, (0, 0, 0)), "图案填充"
        return self.rgb(fill.fgColor, white), None


# --------------------------------------------------------------------------- the rules


@dataclass
class _Found:
    """Problems by kind, each with the cells it was found in (listed in a few words)."""

    cells: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, cell: str) -> None:
        self.cells.setdefault(kind, []).append(cell)

    def texts(self) -> list[str]:
        out = []
        for kind, cells in self.cells.items():
            shown = "、".join(cells[:5]) + (f" 等 {len(cells)} 处" if len(cells) > 5 else "")
            out.append(f"{shown} {kind}")
        return out


def _font_problems(found: _Found, where: str, font: Any, colour: tuple[int, int, int], fill_rgb: Any) -> None:
    if font is None:
        return
    size = getattr(font, "sz", None) if not hasattr(font, "size") else font.size
    if size is not None and not (MIN_SIZE <= float(size) <= MAX_SIZE):
        found.add(f"的字号是 {float(size):g} 磅（允许 {MIN_SIZE:g}–{MAX_SIZE:g} 磅）", where)
    if getattr(font, "strike", None) or getattr(font, "strikethrough", None):
        found.add("的文字有删除线", where)
    vert = getattr(font, "vertAlign", None)
    if vert not in (None, "baseline"):
        found.add("的文字是上标或下标", where)
    name = getattr(font, "name", None) or getattr(font, "rFont", None)
    if name and str(name).strip().lower() in SYMBOL_FONTS:
        found.add(f"用了符号字体『{name}』（显示的不是字母和数字）", where)
    if contrast(colour, fill_rgb) < MIN_CONTRAST:
        found.add("的文字颜色与底色几乎相同（看不见）", where)


def cell_problems(wb: Any, ws: Any, values: dict[tuple[int, int], Any]) -> list[str]:
    """What in the presentation of the value cells can hide or alter what they show (see module doc)."""
    colours = Colours(wb)
    found = _Found()
    covered: dict[tuple[int, int], str] = {}
    merged_width: dict[tuple[int, int], float] = {}
    for m in ws.merged_cells.ranges:
        for r in range(m.min_row, m.max_row + 1):
            for c in range(m.min_col, m.max_col + 1):
                if (r, c) != (m.min_row, m.min_col):
                    covered[(r, c)] = str(m)
        merged_width[(m.min_row, m.min_col)] = sum(column_width(ws, c) or 0.0 for c in range(m.min_col, m.max_col + 1))
    for (r, c), (value, shown) in values.items():
        where = f"{get_column_letter(c)}{r}"
        if (r, c) in covered:
            found.add(f"被合并单元格 {covered[(r, c)]} 遮住（只显示左上角的值）", where)
            continue
        cell = ws._cells.get((r, c))
        if cell is None:
            continue
        fill_rgb, fill_problem = colours.background(cell.fill)
        if fill_problem:
            found.add(f"有{fill_problem}（可能遮盖文字）", where)
        font = cell.font
        colour = colours.rgb(font.color if font is not None else None, (0, 0, 0))
        _font_problems(found, where, font, colour, fill_rgb)
        runs = cell.value if isinstance(cell.value, list) else ()  # rich text: a list of text runs
        for block in runs:
            inline = getattr(block, "font", None)
            if inline is not None:  # a run of rich text: its own font and colour
                run_colour = colours.rgb(inline.color, colour)
                _font_problems(found, where, inline, run_colour, fill_rgb)
        align = cell.alignment
        if align is not None:
            if align.textRotation not in (None, 0):
                found.add("的文字被旋转", where)
            if (align.indent or 0) > MAX_INDENT:
                found.add(f"缩进 {align.indent:g} 格（文字被推出单元格）", where)
            if align.horizontal == "fill":
                found.add("用了“填充”对齐（文字被重复显示）", where)
            if align.shrink_to_fit:
                found.add("设了“缩小字体填充”", where)
        if not isinstance(value, str) and shown is not None:  # a number or date: too narrow shows ####
            width = merged_width.get((r, c)) or column_width(ws, c) or 0.0
            size = float(font.size) if font is not None and font.size else 11.0
            if width < needed_width(shown, size) * 0.9 - 0.3:
                found.add(f"列宽不够，显示为 ####（应显示 {shown}）", where)
    view = ws.sheet_view
    if view is not None and view.showZeros is False:
        found.add("所在的工作表设为不显示零值", "表单")
    area = ws.print_area
    if area:
        spans = []
        for part in str(area).split(","):
            ref = part.split("!")[-1].replace("$", "")
            try:
                spans.append(range_boundaries(ref))
            except ValueError:
                continue
        for r, c in values:
            if spans and not any(c1 <= c <= c2 and r1 <= r <= r2 for c1, r1, c2, r2 in spans):
                found.add("不在打印区域内（打印时看不到）", f"{get_column_letter(c)}{r}")
    return found.texts()


def layout_problems(sealed: Layout, now: Layout) -> list[str]:
    """Columns and rows narrower or lower than sealed (or hidden), merged areas added or removed."""
    out = []
    narrow = [
        f"{col} 列（封存时 {width:g}，现在 {now.widths.get(col) or 0:g}）"
        for col, width in sealed.widths.items()
        if (now.widths.get(col) or 0.0) < width * 0.8 - 0.5
    ]
    if narrow:
        out.append("列宽被改窄或隐藏：" + "、".join(narrow[:5]))
    low = [
        f"第 {row} 行（封存时 {height:g}，现在 {now.heights.get(row) or 0:g}）"
        for row, height in sealed.heights.items()
        if (now.heights.get(row) or 0.0) < height * 0.8 - 1
    ]
    if low:
        out.append("行高被改小或隐藏：" + "、".join(low[:5]))
    added = sorted(set(now.merges) - set(sealed.merges))
    removed = sorted(set(sealed.merges) - set(now.merges))
    if added:
        out.append("多了合并单元格：" + "、".join(added[:5]))
    if removed:
        out.append("合并单元格被拆开：" + "、".join(removed[:5]))
    return out
