"""How a cell value from a clerk's sheet becomes text for the China checks.

Excel hands over numbers as floats: a mobile typed into a number cell arrives as ``13812345678.0``
and an 18-digit credit code as ``9.14403001922038e+17`` with its last digits already lost (Excel
keeps 15 significant digits). :func:`cell_text` turns such values back into the digits the clerk
sees and says whether precision may have been lost, so a check can explain instead of guessing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Excel (IEEE double) keeps 15 significant decimal digits.
EXCEL_DIGITS = 15
# Longest text a check looks at: a cell holds up to 32,767 characters, no code or phone is longer than this.
MAX_TEXT = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


@dataclass(frozen=True, slots=True)
class CellText:
    """A cell value as text: ``text`` (NFKC, controls removed, trimmed), and what happened on the way."""

    text: str
    empty: bool
    was_number: bool
    lost_digits: bool  # a number too long for Excel's 15 digits: trailing digits may be wrong
    too_long: bool  # longer than :data:`MAX_TEXT` characters (cut to that length)
    had_controls: bool
    raw: str = ""  # the value as given, trimmed (before NFKC), to tell whether normalising changed it


def cell_text(value: Any) -> CellText:
    """``value`` (str, int, float, Decimal, None, NaN …) as the text a clerk typed, never raising."""
    if type(value) is str and len(value) <= MAX_TEXT:  # the common case, kept fast
        text = value if unicodedata.is_normalized("NFKC", value) else unicodedata.normalize("NFKC", value)
        controls = bool(_CONTROL.search(text))
        if controls:
            text = _CONTROL.sub("", text)
        text = text.strip()
        return CellText(text, not text, False, False, False, controls, value.strip())
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return CellText("", True, False, False, False, False)
    if isinstance(value, bool):
        return CellText(str(value), False, False, False, False, False)
    if isinstance(value, int | float | Decimal):
        if (isinstance(value, float) and math.isinf(value)) or (isinstance(value, Decimal) and not value.is_finite()):
            return CellText("", True, True, False, False, False)
        if isinstance(value, float | Decimal) and value != int(value):
            text = format(Decimal(str(value)), "f")
            return CellText(text, False, True, False, False, False)
        digits = str(abs(int(value)))
        lost = len(digits.rstrip("0")) > EXCEL_DIGITS or (isinstance(value, float) and len(digits) > EXCEL_DIGITS)
        return CellText(("-" if value < 0 else "") + digits, False, True, lost, False, False)
    raw = str(value)
    too_long = len(raw) > MAX_TEXT * 5
    raw = raw[: MAX_TEXT * 5]
    text = unicodedata.normalize("NFKC", raw)
    controls = bool(_CONTROL.search(text))
    text = _CONTROL.sub("", text).strip()
    if len(text) > MAX_TEXT:
        text, too_long = text[:MAX_TEXT], True
    return CellText(text, not text, False, False, too_long, controls, raw.strip())
