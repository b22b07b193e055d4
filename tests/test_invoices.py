"""VAT invoice code/number rules for expense lines: the tables below are the specification."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from neiqin.core.invoices import (
    INVOICE_KINDS,
    KIND_DIGITAL,
    KIND_GENERAL,
    KIND_NONE,
    KIND_SPECIAL,
    check_invoice,
    invoice_key,
    normalize_kind,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
DIGITAL = "电子发票(数电)"
DIGITAL_FW = "电子发票（数电）"
SPECIAL = "增值税专用发票"
GENERAL = "增值税普通发票"
NONE = "无发票"

NUM20 = "25312000000012345678"  # a 数电 number issued in 2025
D2025 = date(2025, 6, 30)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
D2026 = date(2026, 1, 5)
LOST = "Excel 把发票号码存成了数字，后几位已丢失；请把该列设为文本后重新输入"

KEYS = {
    "number_format",
    "code_format",
    "type_mismatch",
    "year_mismatch",
    "no_invoice_has_number",
    "missing_number",
    "missing_code",
    "lost_digits",
    "lost_code_digits",
}


def test_kind_constants() -> None:
    assert INVOICE_KINDS == (SPECIAL, GENERAL, DIGITAL, NONE)
    assert (KIND_SPECIAL, KIND_GENERAL, KIND_DIGITAL, KIND_NONE) == INVOICE_KINDS


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (DIGITAL, DIGITAL),
        (DIGITAL_FW, DIGITAL),
        ("电子发票(数电）", DIGITAL),
        (" 电子发票 （数电） ", DIGITAL),
        (SPECIAL, SPECIAL),
        (" 增值税普通发票\u3000", GENERAL),
        (NONE, NONE),
        ("数电", None),
        ("普通发票", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_kind(kind: str | None, expected: str | None) -> None:
    assert normalize_kind(kind) == expected


# ------------------------------------------------------------------------------------------
# check_invoice: lines that are fine

VALID = [
    (DIGITAL, None, NUM20, D2025),
    (DIGITAL_FW, None, NUM20, D2025),
    (DIGITAL, "", NUM20, None),
    (DIGITAL, None, f"  {NUM20}\t", datetime(2025, 12, 31, 23, 59)),
    (DIGITAL, None, "26442000000000000001", D2026),
    (DIGITAL, None, NUM20.translate(FULL_WIDTH), D2025),  # full-width digits
    (DIGITAL, None, "2531 2000 0000 1234 5678", D2025),  # spaces inside
    (DIGITAL, None, int(NUM20), D2025),  # an exact Python int is fine
    (DIGITAL, None, "2.5312000000012345678E19", D2025),  # scientific, but every digit is there
    (SPECIAL, "3100191130", "01234567", D2025),
    (SPECIAL, "3100191130", "12345678", None),
    (GENERAL, "044031900111", "12345678", D2026),
    (GENERAL, " 0440 3190 0111 ", " 1234 5678 ", None),
    (SPECIAL, 3100191130, 12345678, None),  # numbers from Excel, nothing lost
    (SPECIAL, 3100191130.0, 12345678.0, None),
    (SPECIAL, "3100191130.0", "12345678.0", None),
    (SPECIAL, "3.100191130E9", "1.2345678e7", None),
    (SPECIAL, Decimal("3100191130"), Decimal("12345678"), None),
    (NONE, None, None, None),
    (NONE, "", "  ", None),
    (NONE, None, float("nan"), None),  # pandas' empty cell
    (None, None, None, None),
    (None, "anything", "1", None),  # no type: the type column's own check reports it
    ("外币发票", None, "1", None),
]


@pytest.mark.parametrize(("kind", "code", "number", "when"), VALID)
def test_check_invoice_accepts(kind: str | None, code: object, number: object, when: date | None) -> None:
    assert check_invoice(kind, code, number, when) == []  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# check_invoice: problems (expected keys in order, and a fragment of each line's messages)

INVALID = [
    # 数电
    (DIGITAL, None, NUM20[:18], None, ["number_format"], "数电发票号码应为 20 位数字，当前为 18 位；请对照发票核对"),
    (DIGITAL, None, NUM20 + "9", None, ["number_format"], "当前为 21 位"),
    (DIGITAL, None, "2531200000001234567X", None, ["number_format"], "只能是数字"),
    (DIGITAL, None, None, D2025, ["missing_number"], "20 位"),
    (DIGITAL, "", "  ", D2025, ["missing_number"], "20 位"),
    (DIGITAL, None, NUM20, D2026, ["year_mismatch"], "“25”表示 2025 年开具"),
    (DIGITAL, None, NUM20, date(2024, 12, 31), ["year_mismatch"], "2024-12-31"),
    (DIGITAL, "3100191130", NUM20, D2025, ["code_format"], "数电发票没有发票代码"),
    (DIGITAL, "3100191130", "12345678", None, ["type_mismatch"], "旧版增值税发票"),
    (DIGITAL_FW, "044031900111", "12345678", D2025, ["type_mismatch"], "专用或普通发票"),
    (DIGITAL, None, "12345678", None, ["type_mismatch"], "8 位号码"),
    (DIGITAL, None, 1.2345678901234567e19, D2025, ["lost_digits"], LOST),
    (DIGITAL, None, 2.5312000000012346e19, D2025, ["lost_digits"], LOST),
    (DIGITAL, None, "2.53120000000123E+19", D2025, ["lost_digits"], LOST),
    (DIGITAL, None, "1.23457E+19", None, ["lost_digits"], LOST),
    (DIGITAL, None, "1.2345678901234567e19", None, ["lost_digits"], LOST),
    (DIGITAL, None, 2.5312e15, None, ["lost_digits"], LOST),
    (DIGITAL, "3100191130", "18.5", None, ["number_format", "code_format"], "只能是数字"),
    # legacy 专用 / 普通
    (SPECIAL, "3100191130", NUM20, D2025, ["type_mismatch"], f"改为“{DIGITAL}”"),
    (GENERAL, None, NUM20, D2025, ["type_mismatch"], "数电发票"),
    (SPECIAL, "3100191130", "1234567", None, ["number_format"], "增值税专用发票号码应为 8 位数字，当前为 7 位"),
    (GENERAL, "044031900111", "123456789", None, ["number_format"], "当前为 9 位"),
    (GENERAL, "044031900111", "1234567A", None, ["number_format"], "只能是数字"),
    (SPECIAL, "3100191130", 1234567, None, ["number_format"], "开头的 0"),  # 01234567 typed as a number
    (GENERAL, 44031900111, 12345678, None, ["code_format"], "开头的 0"),  # 044031900111 as a number
    (GENERAL, 44031900111.0, "12345678", None, ["code_format"], "当前为 11 位"),
    (SPECIAL, "31001911", "12345678", None, ["code_format"], "10 位或 12 位数字，当前为 8 位"),
    (SPECIAL, "31001911300", "12345678", None, ["code_format"], "当前为 11 位"),
    (SPECIAL, "31001-91130", "12345678", None, ["code_format"], "只能是数字"),
    (SPECIAL, None, "12345678", None, ["missing_code"], "10 位或 12 位发票代码"),
    (GENERAL, "  ", "12345678", None, ["missing_code"], "增值税普通发票须填写"),
    (SPECIAL, "3100191130", None, None, ["missing_number"], "8 位发票号码"),
    (SPECIAL, None, None, None, ["missing_number", "missing_code"], "须填写"),
    (SPECIAL, "3100191130", 1.2345678901234567e19, None, ["lost_digits"], LOST),
    (SPECIAL, 1.1e15, "12345678", None, ["lost_code_digits"], "发票代码"),
    # "3.10019113E+9": was the 10th digit a 0? the text cannot tell
    (SPECIAL, "3.10019113E+9", "12345678", None, ["lost_code_digits"], "发票代码"),
    (GENERAL, "4.40319E+11", "12345678", None, ["lost_code_digits"], "发票代码"),
    # 无发票
    (NONE, None, "12345678", None, ["no_invoice_has_number"], "无发票"),
    (NONE, "3100191130", None, None, ["no_invoice_has_number"], "删除"),
    (NONE, None, NUM20, D2025, ["no_invoice_has_number"], "改选"),
    (NONE, None, 1.2345678901234567e19, None, ["no_invoice_has_number"], "无发票"),
    # no type, but Excel damage is still worth saying
    (None, None, 1.2345678901234567e19, None, ["lost_digits"], LOST),
]


@pytest.mark.parametrize(("kind", "code", "number", "when", "keys", "fragment"), INVALID)
def test_check_invoice_problems(
    kind: str | None, code: object, number: object, when: date | None, keys: list[str], fragment: str
) -> None:
    problems = check_invoice(kind, code, number, when)  # type: ignore[arg-type]
    assert [key for key, _ in problems] == keys
    assert all(key in KEYS for key, _ in problems)
    messages = "\n".join(message for _, message in problems)
    assert all(CJK.search(message) for _, message in problems)
    assert fragment in messages, messages


def test_lost_digits_message_is_exact() -> None:
    assert check_invoice(DIGITAL, None, 1.2345678901234567e19, None) == [("lost_digits", LOST)]


def test_type_mismatch_messages_name_the_suggested_type() -> None:
    [(_, legacy_as_digital)] = check_invoice(DIGITAL, "3100191130", "12345678", None)
    assert "专用" in legacy_as_digital and "普通" in legacy_as_digital
    [(_, digital_as_legacy)] = check_invoice(SPECIAL, None, NUM20, None)
    assert DIGITAL in digital_as_legacy and SPECIAL in digital_as_legacy


def test_messages_say_what_to_do() -> None:
    cases = [case for case in INVALID if case[4] not in (["lost_digits"], ["lost_code_digits"])]
    for kind, code, number, when, _, _ in cases:
        for _, message in check_invoice(kind, code, number, when):  # type: ignore[arg-type]
            assert "请" in message, message


# ------------------------------------------------------------------------------------------
# invoice_key

KEYS_TABLE = [
    (DIGITAL, None, NUM20, NUM20),
    (DIGITAL_FW, None, f" {NUM20} ", NUM20),
    (DIGITAL, None, int(NUM20), NUM20),
    (SPECIAL, "3100191130", "01234567", "3100191130-01234567"),
    (GENERAL, "044031900111", "12345678", "044031900111-12345678"),
    (GENERAL, " 044031900111 ", "12345678.0", "044031900111-12345678"),
    (SPECIAL, 3100191130, 12345678, "3100191130-12345678"),
    # the key follows the format, so a wrongly typed entry still collides with the right one
    (SPECIAL, None, NUM20, NUM20),
    (DIGITAL, "3100191130", "12345678", "3100191130-12345678"),
    # none for 无发票, unknown types and incomplete or damaged fields
    (NONE, None, None, None),
    (NONE, "3100191130", "12345678", None),
    (None, None, NUM20, None),
    ("外币发票", None, NUM20, None),
    (DIGITAL, None, None, None),
    (DIGITAL, None, NUM20[:18], None),
    (DIGITAL, None, 1.2345678901234567e19, None),
    (SPECIAL, None, "12345678", None),
    (SPECIAL, "3100191130", None, None),
    (SPECIAL, "31001911", "12345678", None),
    (GENERAL, 44031900111, "12345678", None),
]


@pytest.mark.parametrize(("kind", "code", "number", "expected"), KEYS_TABLE)
def test_invoice_key(kind: str | None, code: object, number: object, expected: str | None) -> None:
    assert invoice_key(kind, code, number) == expected  # type: ignore[arg-type]


def test_same_invoice_same_key_whatever_the_cell_type() -> None:
    spellings = ["3100191130", 3100191130, 3100191130.0, " 3100191130 ", "3100191130.0"]
    keys = {invoice_key(SPECIAL, code, "00123456") for code in spellings}
    assert keys == {"3100191130-00123456"}
