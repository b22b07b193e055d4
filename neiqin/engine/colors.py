"""Colours as Excel shows them: RGB from text, Excel's BGR integers, indexed and theme colours with tint."""

from __future__ import annotations

import colorsys
import re
from typing import Any
from xml.etree import ElementTree as ET

from neiqin.engine.common import opx


def to_rgb(color: Any) -> tuple[int, int, int] | None:
    if color is None:
        return None
    if isinstance(color, str):
        h = color.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    if isinstance(color, int):  # Excel's BGR integer
        return color & 0xFF, (color >> 8) & 0xFF, (color >> 16) & 0xFF
    r, g, b = color
    return int(r), int(g), int(b)


def argb_hex(rgb: tuple[int, int, int]) -> str:
    return "FF{:02X}{:02X}{:02X}".format(*rgb)


def apply_tint(rgb: tuple[int, int, int], tint: float) -> tuple[int, int, int]:
    if not tint:
        return rgb
    h, lum, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, lum, s))  # type: ignore[return-value]


_THEME_ORDER = (
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
)
_DEFAULT_THEME = (
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
)
_DRAWING_NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def theme_palette(theme: bytes | str | None) -> list[tuple[int, int, int]]:
    """Theme colours in the order fills refer to them (lt1, dk1, lt2, dk2, accent1-6, links)."""
    values = list(_DEFAULT_THEME)
    if theme:
        try:
            root = ET.fromstring(theme)
            scheme = root.find(".//a:clrScheme", _DRAWING_NS)
            if scheme is not None:
                for i, tag in enumerate(_THEME_ORDER):
                    node = scheme.find(f"a:{tag}", _DRAWING_NS)
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
    return palette


def shown_rgb(color: Any, palette: list[tuple[int, int, int]]) -> tuple[int, int, int] | None:
    """The RGB Excel shows for an openpyxl colour (rgb, indexed or theme + tint)."""
    if color is None:
        return None
    kind = getattr(color, "type", None)
    if kind == "rgb" and isinstance(color.rgb, str):
        value = color.rgb[-6:]
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    if kind == "indexed" and color.indexed is not None and color.indexed < len(opx().COLOR_INDEX):
        value = opx().COLOR_INDEX[color.indexed][-6:]
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    if kind == "theme" and color.theme is not None and color.theme < len(palette):
        return apply_tint(palette[color.theme], color.tint or 0.0)
    return None
