"""China VAT invoice (增值税发票) code and number rules for expense claim lines.

Four invoice types are known, spelled exactly as in the ledger's closed list (``INVOICE_KINDS``);
full-width brackets and whitespace are normalised, so 电子发票（数电） is the same as 电子发票(数电).

* 电子发票(数电) (fully digitalised e-invoice, 全面数字化的电子发票): a 20-digit 发票号码 and no
  发票代码.  The first two digits are the last two digits of the year of issue.
* 增值税专用发票 / 增值税普通发票 (paper and legacy e-invoices): a 10- or 12-digit 发票代码 and an
  8-digit 发票号码, digits only.
* 无发票: neither code nor number.

Cells from Excel arrive as text, int or float.  Whitespace (also inside the text) is removed,
full-width digits become ASCII, an integral float or "12345678.0" becomes its digit string, and a
scientific-notation string ("1.23457E+19") whose mantissa does not carry every digit - like any float
of 1e15 or more, beyond Excel's 15 significant digits - is reported as digits lost.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

__all__ = [
    "INVOICE_KINDS",
    "KIND_DIGITAL",
    "KIND_GENERAL",
    "KIND_NONE",
    "KIND_SPECIAL",
    "check_invoice",
    "invoice_key",
    "normalize_kind",
]

KIND_SPECIAL = "增值税专用发票"
KIND_GENERAL = "增值税普通发票"
KIND_DIGITAL = "电子发票(数电)"
KIND_NONE = "无发票"
INVOICE_KINDS = (KIND_SPECIAL, KIND_GENERAL, KIND_DIGITAL, KIND_NONE)
_LEGACY_KINDS = (KIND_SPECIAL, KIND_GENERAL)

DIGITAL_NUMBER_LENGTH = 20
LEGACY_NUMBER_LENGTH = 8
LEGACY_CODE_LENGTHS = (10, 12)

# Excel keeps 15 significant digits; a numeric cell at or above this bound has lost some.
_EXCEL_EXACT_LIMIT = 10**15

LOST_NUMBER_MESSAGE = "Excel 把发票号码存成了数字，后几位已丢失；请把该列设为文本后重新输入"
LOST_CODE_MESSAGE = "Excel 把发票代码存成了数字，后几位已丢失；请把该列设为文本后重新输入"
_LEADING_ZERO_HINT = "（Excel 可能去掉了开头的 0，请把该列设为文本后重新输入）"

Problem = tuple[str, str]
CellValue = str | int | float | Decimal | None

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SCIENTIFIC = re.compile(r"\+?(\d*)(?:\.(\d*))?[eE][+]?(\d+)")


def normalize_kind(kind: str | None) -> str | None:
    """The canonical type name, or None for blank or unknown text."""
    if kind is None:
        return None
    text = re.sub(r"\s+", "", str(kind)).replace("（", "(").replace("）", ")")
    return text if text in INVOICE_KINDS else None


@dataclass(frozen=True)
class _Cell:
    """A code or number cell made comparable: its text, whether Excel lost digits, whether it was a number."""

    text: str | None
    lost: bool = False
    numeric: bool = False

    @property
    def present(self) -> bool:
        return self.text is not None or self.lost

    def is_digits(self, *lengths: int) -> bool:
        return self.text is not None and self.text.isascii() and self.text.isdigit() and len(self.text) in lengths


def _cell(value: CellValue) -> _Cell:
    """Normalise one Excel cell holding an invoice code or number."""
    if value is None:
        return _Cell(None)
    if isinstance(value, bool):
        return _Cell(str(value))
    if isinstance(value, numbers.Integral):
        return _Cell(str(int(value)), numeric=True)
    if isinstance(value, numbers.Real):
        as_float = float(value)
        if math.isnan(as_float):
            return _Cell(None)
        if math.isinf(as_float) or abs(as_float) >= _EXCEL_EXACT_LIMIT:
            return _Cell(None, lost=True, numeric=True)
        if as_float.is_integer():
            return _Cell(str(int(as_float)), numeric=True)
        return _Cell(repr(as_float), numeric=True)
    text = re.sub(r"\s+", "", str(value)).translate(_FULL_WIDTH_DIGITS)
    if not text:
        return _Cell(None)
    if re.fullmatch(r"\d+\.0*", text):  # "12345678.0" from a CSV or a float's str()
        return _Cell(text.split(".")[0])
    match = _SCIENTIFIC.fullmatch(text)
    if match and (match.group(1) or match.group(2)):
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only lets valid numbers through
            return _Cell(text)
        if number != number.to_integral_value():
            return _Cell(text)
        digits = str(int(number))
        significant = (match.group(1) + (match.group(2) or "")).lstrip("0")
        if len(digits) > len(significant):  # the exponent filled in digits the mantissa never had
            return _Cell(None, lost=True)
        return _Cell(digits)
    return _Cell(text)


def _length_problem(cell: _Cell, what: str, expected: str, lengths: tuple[int, ...]) -> str:
    """'…应为 N 位数字，当前为 M 位；…' or '…只能是数字…' for a cell that is present but malformed."""
    assert cell.text is not None
    if not (cell.text.isascii() and cell.text.isdigit()):
        return f"{what}只能是数字，当前为“{cell.text}”；请对照发票核对"
    message = f"{what}应为 {expected} 位数字，当前为 {len(cell.text)} 位；请对照发票核对"
    if cell.numeric and len(cell.text) < max(lengths):
        message += _LEADING_ZERO_HINT
    return message


def _check_digital(code: _Cell, number: _Cell, invoice_date: date | None) -> list[Problem]:
    problems: list[Problem] = []
    looks_legacy = False
    if number.lost:
        problems.append(("lost_digits", LOST_NUMBER_MESSAGE))
    elif number.text is None:
        problems.append(("missing_number", "数电发票须填写 20 位发票号码；请对照发票填写"))
    elif number.is_digits(LEGACY_NUMBER_LENGTH):
        looks_legacy = True
        what = "发票代码 + 8 位号码" if code.present else "8 位号码"
        problems.append(
            (
                "type_mismatch",
                f"发票类型为“{KIND_DIGITAL}”，但填写的是旧版增值税发票（专用或普通发票）的格式（{what}）；"
                "请核对发票类型：数电发票号码为 20 位，没有发票代码",
            )
        )
    elif not number.is_digits(DIGITAL_NUMBER_LENGTH):
        problems.append(("number_format", _length_problem(number, "数电发票号码", "20", (20,))))
    elif isinstance(invoice_date, date) and int(number.text[:2]) != invoice_date.year % 100:
        prefix = number.text[:2]
        problems.append(
            (
                "year_mismatch",
                f"数电发票号码前两位“{prefix}”表示 20{prefix} 年开具，"
                f"与开票日期 {invoice_date:%Y-%m-%d} 的年份不符；请核对发票号码或开票日期",
            )
        )
    if code.present and not looks_legacy:
        problems.append(("code_format", "数电发票没有发票代码；请清空“发票代码”一栏"))
    return problems


def _check_legacy(kind: str, code: _Cell, number: _Cell) -> list[Problem]:
    problems: list[Problem] = []
    looks_digital = False
    if number.lost:
        problems.append(("lost_digits", LOST_NUMBER_MESSAGE))
    elif number.text is None:
        problems.append(("missing_number", f"{kind}须填写 8 位发票号码；请对照发票填写"))
    elif number.is_digits(DIGITAL_NUMBER_LENGTH):
        looks_digital = True
        problems.append(
            (
                "type_mismatch",
                f"发票号码为 20 位，是数电发票（{KIND_DIGITAL}）的格式，但发票类型填的是“{kind}”；"
                f"请把发票类型改为“{KIND_DIGITAL}”并清空发票代码，或核对发票号码",
            )
        )
    elif not number.is_digits(LEGACY_NUMBER_LENGTH):
        problems.append(("number_format", _length_problem(number, f"{kind}号码", "8", (8,))))

    if code.lost:
        problems.append(("lost_code_digits", LOST_CODE_MESSAGE))
    elif code.text is None:
        if not looks_digital:
            problems.append(("missing_code", f"{kind}须填写 10 位或 12 位发票代码；请对照发票填写"))
    elif not looks_digital and not code.is_digits(*LEGACY_CODE_LENGTHS):
        problems.append(("code_format", _length_problem(code, "发票代码", "10 位或 12", LEGACY_CODE_LENGTHS)))
    return problems


def check_invoice(
    kind: str | None,
    code: CellValue,
    number: CellValue,
    invoice_date: date | None,
) -> list[tuple[str, str]]:
    """Problems with one expense line's invoice fields, as (problem_key, Chinese message) pairs.

    An empty list means the fields agree with the invoice type.  Keys: ``number_format``,
    ``code_format``, ``type_mismatch`` (the format belongs to another type; the message names it),
    ``year_mismatch`` (数电 number vs ``invoice_date``), ``no_invoice_has_number``,
    ``missing_number``, ``missing_code``, ``lost_digits`` / ``lost_code_digits`` (Excel stored the
    发票号码 / 发票代码 as a number and dropped digits).  A blank or unknown ``kind`` gives no
    type-dependent problems (the closed list of the type column reports it) but lost digits are
    still reported.
    """
    canonical = normalize_kind(kind)
    code_cell, number_cell = _cell(code), _cell(number)
    if canonical == KIND_NONE:
        if code_cell.present or number_cell.present:
            return [
                (
                    "no_invoice_has_number",
                    "发票类型为“无发票”，却填写了发票代码或号码；请删除代码和号码，或改选正确的发票类型",
                )
            ]
        return []
    if canonical == KIND_DIGITAL:
        return _check_digital(code_cell, number_cell, invoice_date)
    if canonical in _LEGACY_KINDS:
        return _check_legacy(canonical, code_cell, number_cell)
    problems: list[Problem] = []
    if number_cell.lost:
        problems.append(("lost_digits", LOST_NUMBER_MESSAGE))
    if code_cell.lost:
        problems.append(("lost_code_digits", LOST_CODE_MESSAGE))
    return problems


def invoice_key(kind: str | None, code: CellValue, number: CellValue) -> str | None:
    """The identity used to find the same invoice claimed twice, or None.

    The 20-digit number for a 数电 invoice, ``f"{code}-{number}"`` for a legacy one, None for 无发票,
    an unknown type, or incomplete/malformed fields.  The key follows the *format* of the fields
    rather than the stated type, so an invoice entered once under the wrong type (a type_mismatch
    that ``check_invoice`` reports) still collides with its correct entry.
    """
    canonical = normalize_kind(kind)
    if canonical is None or canonical == KIND_NONE:
        return None
    code_cell, number_cell = _cell(code), _cell(number)
    if number_cell.is_digits(DIGITAL_NUMBER_LENGTH):
        return number_cell.text
    if number_cell.is_digits(LEGACY_NUMBER_LENGTH) and code_cell.is_digits(*LEGACY_CODE_LENGTHS):
        return f"{code_cell.text}-{number_cell.text}"
    return None
