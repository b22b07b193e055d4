"""What a cell shows: a value formatted by one of the few number formats a sealed form may carry.

Finance trusts what it sees, so a sealed 费用报销单 records the displayed text of every value
cell, and ``verify`` formats the cell again: ``0%`` put on 900 (shows 90000%), ``#,##0`` on
1409.5 (shows 1,410) or ``0`` on a tax rate of 0.06 (shows 0) changes the text, and is found.
Only the formats below are allowed (anything else — quoted text, sections, colours,
conditions — can show another value than the one sealed and is refused):

=======================  ======================================  =================
format                   shows 1409.5 / 2026-11-03               kind
=======================  ======================================  =================
General, @               1409.5 (up to 11 characters, like Excel) general
0, 0.00                  1410 / 1409.50                          number
#,##0, #,##0.00          1,410 / 1,409.50                        number
¥#,##0.00                ¥1,409.50                               currency
0%, 0.00%                140950% / 140950.00%                    percent
yyyy-mm-dd               2026-11-03                              date
yyyy-mm-dd hh:mm(:ss)    2026-11-03 09:30(:00)                   date and time
hh:mm, hh:mm:ss          09:30, 09:30:00                         time
=======================  ======================================  =================

A format is compared after :func:`normalise_format`: LibreOffice's backslash escapes
(``\\¥#,##0.00``, ``yyyy\\-mm\\-dd``), Excel's locale currency tokens (``[$¥-804]``) and a
quoted ``"¥"`` are the same format. Numbers round half away from zero on their decimal
digits, as Excel shows them; a date in a number format shows its serial number, a number in
a date format the date it stands for, as Excel does.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from neiqin.core.canonical import canonical_text

ALLOWED_FORMATS = frozenset(
    {
        "general",
        "@",
        "0",
        "0.00",
        "#,##0",
        "#,##0.00",
        "¥#,##0.00",
        "0%",
        "0.00%",
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
        "yyyy-mm-dd hh:mm:ss",
        "hh:mm",
        "hh:mm:ss",
    }
)
DATE_FORMATS = {
    "yyyy-mm-dd": "%Y-%m-%d",
    "yyyy-mm-dd hh:mm": "%Y-%m-%d %H:%M",
    "yyyy-mm-dd hh:mm:ss": "%Y-%m-%d %H:%M:%S",
    "hh:mm": "%H:%M",
    "hh:mm:ss": "%H:%M:%S",
}
INVALID_DATE = "#" * 8  # what Excel shows for a number that is no date (negative, too large)


def normalise_format(number_format: str | None) -> str:
    """A number format as the allow-list compares it (LibreOffice's ``\\¥#,##0.00`` = ``¥#,##0.00``)."""
    text = unicodedata.normalize("NFKC", str(number_format or "General")).strip()
    text = re.sub(r"\[\$([^\]-]*)(-[0-9A-Fa-f]+)?\]", r"\1", text)  # [$¥-804] -> ¥
    text = text.replace('"¥"', "¥").replace("￥", "¥").replace("\\", "")
    return text.lower()


def allowed(number_format: str | None) -> bool:
    return normalise_format(number_format) in ALLOWED_FORMATS


def display_text(value: Any, number_format: str | None) -> str | None:
    """The text a cell holding ``value`` shows under ``number_format``; None for an empty cell.

    Raises ValueError for a format outside :data:`ALLOWED_FORMATS` (what it shows is not known).
    """
    fmt = normalise_format(number_format)
    if fmt not in ALLOWED_FORMATS:
        raise ValueError(f"number format not allowed: {number_format!r}")
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return canonical_text(value) or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        if fmt in DATE_FORMATS:
            return _date_text(_as_datetime(value), fmt)
        number = Decimal(repr(_serial(value)))
    else:
        try:
            number = Decimal(repr(float(value)))
        except (TypeError, ValueError, InvalidOperation):
            return canonical_text(str(value)) or None
        if not number.is_finite():
            return str(float(value))
        if fmt in DATE_FORMATS:
            moment = _from_serial(number)
            return INVALID_DATE if moment is None else _date_text(moment, fmt)
    return _number_text(number, fmt)


def _number_text(number: Decimal, fmt: str) -> str:
    if fmt in ("general", "@"):
        return general(number)
    percent = fmt.endswith("%")
    if percent:
        number *= 100
        fmt = fmt[:-1]
    currency = fmt.startswith("¥")
    body = fmt.lstrip("¥")
    decimals = len(body.split(".")[1]) if "." in body else 0
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    negative = rounded < 0
    text = f"{abs(rounded):,.{decimals}f}" if body.startswith("#,##") else f"{abs(rounded):.{decimals}f}"
    return ("-" if negative else "") + ("¥" if currency else "") + text + ("%" if percent else "")


def general(number: Decimal) -> str:
    """Excel's General for a number in a column wide enough: at most 11 characters, else scientific."""
    if number == 0:
        return "0"
    magnitude = abs(number)
    if magnitude >= Decimal("1e11") or magnitude < Decimal("1e-9"):
        mantissa, exponent = f"{number:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        sign, digits = exponent[0], exponent[1:].lstrip("0")
        return f"{mantissa}E{sign}{digits.zfill(2)}"
    text = _plain(number.quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP))
    if len(text) > 11:
        whole = len(text.split(".")[0])
        decimals = max(0, 10 - whole)
        text = _plain(number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return text


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_EPOCH = dt.datetime(1899, 12, 30)


def _serial(value: dt.datetime | dt.date | dt.time) -> float:
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    moment = _as_datetime(value)
    days = (moment - _EPOCH).total_seconds() / 86400
    return days if days >= 61 else days - 1  # Excel's 1900-02-29 that never was


def _from_serial(number: Decimal) -> dt.datetime | None:
    if number < 0 or number >= 2958466:  # Excel's dates end at 9999-12-31
        return None
    days = float(number)
    if days < 61:
        days += 1
    return _EPOCH + dt.timedelta(days=days)


def _as_datetime(value: dt.datetime | dt.date | dt.time) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.combine(dt.date(1899, 12, 30), value)


def _date_text(moment: dt.datetime, fmt: str) -> str:
    moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)  # to the second, as shown
    return moment.strftime(DATE_FORMATS[fmt])
