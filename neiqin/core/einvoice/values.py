"""Field values as invoice files write them: money, tax rates, dates, digit strings, names.

Every parser here takes text from outside (an XML element, an OFD text object, a PDF line, a QR
payload) and returns a clean value or None; none raises. Full-width digits and punctuation are
folded first (NFKC), so ¥１，１３０．００ is 1130.00.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from neiqin.base.text import nfkc

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 13

_SPACES = re.compile(r"\s+")
_MONEY = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_MONEY_NOISE = re.compile(r"[¥￥,\s]|元$|RMB|CNY", re.I)
_DATE_PATTERNS = (
    re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日?"),
    re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})"),
    re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})(?:[0-9]{6,9})?$"),  # 20250307, or 20250307102233(000)
)
_RATE_WORDS = ("免税", "不征税", "免征", "零税率", "出口零税")


def clean(text: object) -> str:
    """``text`` as a field value: NFKC, no leading/trailing space, inner runs of space kept as one."""
    if text is None:
        return ""
    return _SPACES.sub(" ", nfkc(text)).strip()


def digits(text: object) -> str:
    """A code or number field: NFKC, every whitespace removed (QR fields may hold spaces)."""
    if text is None:
        return ""
    return _SPACES.sub("", nfkc(text))


def tax_id(text: object) -> str:
    """A 纳税人识别号 / 统一社会信用代码 as compared: NFKC, no whitespace, upper case."""
    return digits(text).upper()


def money(text: object) -> Decimal | None:
    """An amount such as ``1,130.00``, ``¥-50.5`` or ``1130`` as a Decimal; None when it is not one.

    The value is kept as written (an item's unit price may have 8 decimals); :func:`fen` rounds.
    """
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text if text.is_finite() else None
    s = _MONEY_NOISE.sub("", nfkc(text))
    if not s or len(s) > 40 or not _MONEY.fullmatch(s):
        return None
    try:
        value = Decimal(s)
    except InvalidOperation:  # pragma: no cover - the pattern only lets valid numbers through
        return None
    # no invoice reaches 10¹³ 元; larger "amounts" are garbage (and would overflow Decimal's 28 digits)
    return value if value.is_finite() and abs(value) < MAX_AMOUNT else None


def fen(value: Decimal) -> Decimal:
    """``value`` rounded to the fen (half up, as the tax system rounds)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def rate(text: object) -> Decimal | None:
    """A tax rate as a fraction: ``0.13``, ``13%`` and ``13`` all give 0.13; 免税 / 不征税 give 0.

    A value of 1 or more is read as a percentage (no VAT rate is 100 %); ``***`` and blanks give None.
    """
    if text is None:
        return None
    s = digits(text)
    if not s:
        return None
    if any(word in s for word in _RATE_WORDS):
        return Decimal(0)
    percent = s.endswith("%")
    number = money(s.rstrip("%"))
    if number is None or number < 0 or number > 100:
        return None
    if percent or number >= 1:
        number = number / 100
    return number.normalize() if number else Decimal(0)


def percent(value: Decimal) -> str:
    """0.13 → ``13%``, 0.015 → ``1.5%``."""
    return f"{(value * 100).normalize():f}%"


def date(text: object) -> dt.date | None:
    """A date as invoice files write it: 2025-03-07 (10:22:33), 2025年03月07日, 20250307, 2025/3/7."""
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    s = nfkc(text).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.search(s)
        if match:
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


def money_text(value: Decimal | None) -> str:
    """An amount as shown to a clerk: ``1,130.00``; ``（无）`` for None."""
    return "（无）" if value is None else f"{fen(value):,.2f}"
