"""A1 addresses: parsing ('B3', 'A1:C9', 'A:C', '3:5', "'Sheet'!A1") and writing."""

from __future__ import annotations

import re

from xlwings.utils import col_name as get_column_letter
from xlwings.utils import column_to_number

from neiqin.engine.common import MAX_COLUMNS, MAX_ROWS, EngineError

A1_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_CELL = re.compile(r"^([A-Za-z]{1,3})?(\d+)?$")


def parse_area(text: str) -> tuple[int, int, int, int]:
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


def address(r1: int, c1: int, r2: int, c2: int, row_abs: bool = True, col_abs: bool = True) -> str:
    rd = "$" if row_abs else ""
    cd = "$" if col_abs else ""
    first = f"{cd}{get_column_letter(c1)}{rd}{r1}"
    if (r1, c1) == (r2, c2):
        return first
    return f"{first}:{cd}{get_column_letter(c2)}{rd}{r2}"
