"""Cell values between Python, openpyxl and the file: Excel-like reads, storable writes, control characters."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DATE = dt.date
_DATETIME = dt.datetime


_EMPTY = ""  # calamine's empty cell is CPython's one empty string: an identity test is cheaper than ==


def from_calamine(v: Any) -> Any:
    """One python-calamine value as Excel's COM layer gives it: None for empty, datetime for a date."""
    if v is _EMPTY or v == "":
        return None
    return _DATETIME(v.year, v.month, v.day) if type(v) is _DATE else v


def calamine_rows(
    rows: list[list[Any]], c1: int = 1, c2: int | None = None, shared: dict[Any, Any] | None = None
) -> list[list[Any]]:
    """Columns c1..c2 (1-based; None: to the end) of python-calamine rows as Excel's values
    (:func:`from_calamine`), in one pass over the cells. Each distinct date becomes one datetime.

    ``shared``: also keep each distinct text and non-zero number once, through this dictionary (a big
    sheet's rows then cost their distinct values; numbers are keyed apart from texts and dates, as
    ``1.0 == True``, and 0.0 is left alone, as ``-0.0 == 0.0``).
    """
    lo = c1 - 1
    empty, date, make = _EMPTY, _DATE, _DATETIME  # locals: this loop runs once per cell
    seen: dict[Any, Any] = {} if shared is None else shared
    known, remember = seen.get, seen.setdefault
    if shared is None:
        return [
            [
                None
                if v is empty
                else ((known(v) or remember(v, make(v.year, v.month, v.day))) if type(v) is date else v)
                for v in row[lo:c2]
            ]
            for row in rows
        ]
    numbers: dict[float, float] = seen.setdefault(_NUMBERS, {})
    text, number, remember_number = str, float, numbers.setdefault
    return [
        [
            None
            if v is empty
            else (
                (known(v) or remember(v, v))
                if type(v) is text
                else (
                    (remember_number(v, v) if v else v)
                    if type(v) is number
                    else ((known(v) or remember(v, make(v.year, v.month, v.day))) if type(v) is date else v)
                )
            )
            for v in row[lo:c2]
        ]
        for row in rows
    ]


_NUMBERS = object()  # the key of the numbers' own dictionary inside ``shared``


def from_cell(value: Any, data_type: str | None, err_to_str: bool) -> Any:
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


ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape_control(text: str) -> str:
    """Control characters as Excel stores them (``_x000B_``): openpyxl refuses them raw."""
    if ILLEGAL_XML.search(text) is None:
        return text
    return ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def to_cell(value: Any) -> Any:
    """A Python value as openpyxl should store it."""
    if value is None:
        return None
    if isinstance(value, str):
        return escape_control(value) if value != "" else None
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


def cached_value(value: Any, epoch: Any) -> tuple[str, str] | None:
    """A formula's last result as the cell's ``t`` attribute and ``<v>`` text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("b", "1" if value else "0")
    if isinstance(value, (int, float)):
        return ("n", repr(float(value)) if isinstance(value, float) else str(value))
    if isinstance(value, str):
        return ("str", escape_control(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        from openpyxl.utils.datetime import to_excel

        try:
            return ("n", repr(float(to_excel(value, epoch) if epoch is not None else to_excel(value))))
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def formula_text(value: Any) -> str:
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
