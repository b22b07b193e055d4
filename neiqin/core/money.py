"""Money as NeiQin compares, rounds and shows it: one definition of "the same amount".

Two amounts are the same when they agree to the fen (分). Rounding is half-up to the fen,
as invoices and the People's Bank rules for 大写 amounts do — never Python's round-half-even.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FEN = Decimal("0.01")
TOLERANCE = 0.005  # yuan: two float amounts closer than half a fen are the same amount


NOISE_DIGITS = 6  # a sum of amounts carries float noise far below a micro-yuan: 118447.82499999999 is .825


def to_fen(value: Any) -> Decimal:
    """``value`` (a number) as a Decimal rounded half-up to the fen.

    The float noise a sum picks up is dropped first (to a micro-yuan), so a total is rounded
    as the amount it stands for: 118,447.825 is ¥118,447.83 whichever order its lines were
    added in — never .82 in one table and .83 in another.
    """
    return Decimal(repr(round(float(value), NOISE_DIGITS))).quantize(FEN, rounding=ROUND_HALF_UP)


def fen(value: float) -> float:
    """``float(to_fen(value))``, fast: only an amount at a half fen (within float noise) needs the Decimal
    rounding — anywhere else half-up and round-to-nearest agree (a report has hundreds of thousands of amounts)."""
    cents = abs(value) * 100
    if abs(cents - math.floor(cents) - 0.5) > 1e-3 or not math.isfinite(cents):
        return round(value, 2)
    return float(to_fen(value))


def same_amount(a: Any, b: Any) -> bool:
    """Two amounts equal to the fen (None only equals None)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < TOLERANCE


def close(a: float, b: float) -> bool:
    """Two computed totals equal to the fen, allowing float noise on large sums (reconciliation)."""
    return abs(a - b) <= TOLERANCE + 1e-9 * max(abs(a), abs(b))


def money(value: float) -> str:
    """A number as money in messages: 1,234.50."""
    if abs(value) < TOLERANCE:
        value = 0.0
    return f"{to_fen(value):,.2f}"  # half-up to the fen: 118,447.825 is 118,447.83
