"""Cell values in one canonical text form, for digests that survive a save in any spreadsheet program.

One definition for every digest NeiQin keeps — the archived order lines' 校验值 and the
sealed expense forms — so a value means the same text in both: numbers to 10 decimals
without trailing zeros, dates as ``YYYY-MM-DD`` (with `` HH:MM:SS`` when there is a time,
rounded to the second), TRUE/FALSE, text in NFC without surrounding spaces. Excel and
LibreOffice save 15 significant digits, so a re-saved file gives the same texts.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from decimal import Decimal
from typing import Any


def canonical_value(value: Any) -> str | None:
    """A cell value as digests see it; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return str(number)
        text = format(Decimal(repr(round(number, 10))).normalize(), "f")
        return "0" if text in ("-0", "0") else text
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def canonical(value: Any) -> str:
    """:func:`canonical_value` with an empty cell as the empty text (for field lists)."""
    text = canonical_value(value)
    return "" if text is None else text
