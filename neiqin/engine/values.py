"""Cell values between Python, openpyxl and the file: Excel-like reads, storable writes, control characters."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DATE = dt.date
_DATETIME = dt.datetime


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
