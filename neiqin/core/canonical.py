"""Cell values in one canonical text form, for digests that survive a save in any spreadsheet program.

One definition for every digest NeiQin keeps — the archived order lines' 校验值 and the
sealed expense forms — so a value means the same text in both: numbers to 10 decimals
without trailing zeros, dates as ``YYYY-MM-DD`` (with `` HH:MM:SS`` when there is a time,
rounded to the second), TRUE/FALSE, text as Excel stores it (below) without surrounding
spaces. Excel and LibreOffice save 15 significant digits, so a re-saved file gives the same texts.

Text as Excel stores it: a file holds a control character (a vertical tab pasted from Word) as
``_x000B_`` and a carriage return as ``_x000D_``; one reader gives that escape back as typed
(python-calamine decodes it), another gives the escape itself (openpyxl). The canonical text
decodes the escapes (until none is left), turns line ends into ``\n`` (XML keeps no bare CR), composes (NFC), then
escapes again every character a worksheet cannot hold raw (C0 controls but tab and line feed,
U+FFFE/U+FFFF, lone surrogates) — so every reader of every re-save gives the same text.
:func:`canonical_value_v1` is the form before (NFC, stripped), kept so that digests made with it
still verify.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_RAW = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def canonical_text(text: str) -> str:
    """``text`` as Excel stores it, whichever program wrote and whichever library read it (see above)."""
    while "_x" in text:  # to the end: one reader decodes _x005F_x000B_ once, the other not at all
        decoded = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
        if decoded == text:
            break
        text = decoded
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if _RAW.search(text):
        text = _RAW.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.strip()


def canonical_value(value: Any) -> str | None:
    """A cell value as digests see it; None for an empty cell."""
    if isinstance(value, str):
        return canonical_text(value) or None
    return _canonical_other(value)


def canonical_value_v1(value: Any) -> str | None:
    """The first canonical form (text: NFC, stripped; seal records of version 1 and the first archive
    digests were made with it): those digests still verify."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip() or None
    return _canonical_other(value)


def _canonical_other(value: Any) -> str | None:
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
    return canonical_text(str(value)) or None


def canonical(value: Any) -> str:
    """:func:`canonical_value` with an empty cell as the empty text (for field lists)."""
    text = canonical_value(value)
    return "" if text is None else text


def canonical_v1(value: Any) -> str:
    """:func:`canonical_value_v1` with an empty cell as the empty text."""
    text = canonical_value_v1(value)
    return "" if text is None else text
