"""报价单 checks (『校验报价单』), one parametrised table per concern, on real .xlsx files read through the engine.

Each row: (quotation overrides, overrides of its first line, the (code, column) pairs expected).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from neiqin.core.config import Settings

from .conftest import validate_file
from .quote_factory import FIRST_LINE_ROW, TODAY, D, make_quote, make_quote_line, quote_file


def found(tmp_path: Path, form: dict[str, Any], settings: Any = None, today: Any = TODAY, **kwargs: Any) -> set:
    checked = validate_file(quote_file(tmp_path / "q.xlsx", form, **kwargs), "quotations", settings, today)
    return {(str(i.code), i.column) for i in checked.issues}


def with_first_line(**line: Any) -> dict[str, Any]:
    quote = make_quote()
    quote["lines"][0].update(line)
    return quote


def test_the_sample_quotation_is_clean(tmp_path: Path) -> None:
    assert found(tmp_path, make_quote()) == set()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"customer": "上海华东贸易有限责任公司"}, set()),  # the same company, written the long way
        ({"customer": "C0001", "customer_id": None}, set()),  # the customer by its number
        ({"customer": "杭州不存在科技有限公司", "customer_id": None}, {("QUO-010", "客户")}),
        ({"customer": None}, {("LED-010", "客户")}),
    ],
)
def test_the_customer_is_in_the_archive(tmp_path: Path, overrides: dict[str, Any], expected: set) -> None:
    assert found(tmp_path, make_quote(**overrides)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"product_code": "mt 2200"}, set()),  # the code as typed in another style
        ({"product_code": "XX-9999"}, {("QUO-011", "产品编码")}),
        ({"product_name": "异步电机"}, {("QUO-023", "产品名称")}),
        ({"spec": "YE3-100L1-4 3kW"}, {("QUO-023", "规格")}),
        ({"quantity": None}, {("LED-010", "数量")}),
        ({"quantity": 0}, {("LED-015", "数量")}),
    ],
)
def test_products_are_in_the_catalogue(tmp_path: Path, line: dict[str, Any], expected: set) -> None:
    assert found(tmp_path, with_first_line(**line)) == expected


def priced(price: float) -> dict[str, Any]:
    """The sample with its first line at ``price`` and every amount consistent (only the price is at issue)."""
    from neiqin.core.money import to_fen

    lines = [make_quote_line(price=price, amount=float(to_fen(3 * price))), make_quote().get("lines")[1]]
    return make_quote(lines=lines)


@pytest.mark.parametrize(
    ("price", "limit_pct", "expected"),
    [
        (1850.0, 10.0, set()),
        (1800.0, 10.0, {("QUO-013", "单价")}),  # 2.7% off: a warning that says the discount
        (1665.0, 10.0, {("QUO-013", "单价")}),  # exactly 10% off: still within the limit
        (1664.0, 10.0, {("QUO-012", "单价")}),  # just beyond
        (1600.0, 10.0, {("QUO-012", "单价")}),
        (1600.0, 15.0, {("QUO-013", "单价")}),  # the company's own limit
        (1900.0, 10.0, {("QUO-014", "单价")}),  # above the list
    ],
)
def test_prices_against_the_list(tmp_path: Path, price: float, limit_pct: float, expected: set) -> None:
    settings = Settings()
    settings.quote_discount_limit_pct = limit_pct
    assert found(tmp_path, priced(price), settings) == expected


def test_the_discount_message_says_how_much(tmp_path: Path) -> None:
    checked = validate_file(quote_file(tmp_path / "q.xlsx", priced(1800.0)), "quotations", None, TODAY)
    (issue,) = checked.issues
    assert issue.severity == "warning" and issue.row == FIRST_LINE_ROW and issue.cell == f"G{FIRST_LINE_ROW}"
    assert "低 2.7%" in issue.message and "1,850.00" in issue.message and "10%" in issue.message


@pytest.mark.parametrize(
    ("overrides", "line", "expected"),
    [
        ({}, {"amount": 5500.0}, {("QUO-016", "金额")}),  # a wrong line: reported there only
        ({}, {"amount": None}, {("LED-010", "金额")}),
        ({"total": 8100.0}, {}, {("QUO-017", "合计")}),
        ({"total_net": 8110.0}, {}, {("QUO-017", "不含税合计")}),
        ({"tax_amount": 932.5}, {}, {("QUO-017", "税额")}),
        ({"tax_amount": 933.01 + 0.004}, {}, set()),  # within the amount tolerance
        ({"tax_rate": 0.06}, {}, {("QUO-017", "不含税合计"), ("QUO-017", "税额")}),
        ({"tax_rate": 13}, {}, set()),  # 13 typed without % is 13%
        ({"total": None}, {}, {("LED-010", "合计")}),
    ],
)
def test_amounts_and_totals(tmp_path: Path, overrides: dict[str, Any], line: dict[str, Any], expected: set) -> None:
    quote = make_quote(**overrides)
    quote["lines"][0].update(line)
    assert found(tmp_path, quote) == expected


@pytest.mark.parametrize(
    ("upper", "expected"),
    [
        ("捌仟壹佰壹拾元整", set()),
        ("人民币捌仟壹佰壹拾元整", set()),
        ("捌仟壹佰壹拾圆正", set()),  # 圆 and 正 are accepted spellings
        ("捌仟壹佰元整", {("QUO-019", "大写金额")}),  # another amount
        ("八千一百一十元整", {("QUO-018", "大写金额")}),  # lowercase numerals
        ("捌仟壹佰拾元整", {("QUO-018", "大写金额")}),  # the 壹 of 壹拾 left out
        (None, {("LED-010", "大写金额")}),
    ],
)
def test_the_amount_in_words(tmp_path: Path, upper: str | None, expected: set) -> None:
    assert found(tmp_path, make_quote(total_upper=upper)) == expected


def test_a_wrong_amount_in_words_says_what_to_write(tmp_path: Path) -> None:
    checked = validate_file(quote_file(tmp_path / "q.xlsx", make_quote(total_upper="八千一百一十元整")), "quotations")
    (issue,) = checked.issues
    assert "捌仟壹佰壹拾元整" in issue.message and "壹" in issue.message


@pytest.mark.parametrize(
    ("overrides", "today", "expected"),
    [
        ({}, TODAY, set()),
        ({}, D(2026, 12, 20).date(), set()),  # the last day is still valid
        ({}, D(2026, 12, 21).date(), {("QUO-020", "有效期至")}),
        ({"valid_until": D(2026, 11, 19)}, TODAY, {("QUO-021", "有效期至")}),  # before the quotation
        ({"valid_until": None}, TODAY, set()),  # nothing to check (the action fills it)
    ],
)
def test_validity(tmp_path: Path, overrides: dict[str, Any], today: Any, expected: set) -> None:
    assert found(tmp_path, make_quote(**overrides), today=today) == expected


def test_an_expired_quotation_says_since_when(tmp_path: Path) -> None:
    checked = validate_file(quote_file(tmp_path / "q.xlsx"), "quotations", None, D(2027, 1, 5).date())
    (issue,) = checked.issues
    assert issue.severity == "warning" and "已过期 16 天" in issue.message and issue.cell == "H4"


@pytest.mark.parametrize(("terms", "expected"), [(None, {("QUO-022", "条款")}), ("  ", {("QUO-022", "条款")})])
def test_terms_are_required(tmp_path: Path, terms: Any, expected: set) -> None:
    assert found(tmp_path, make_quote(terms=terms)) == expected


def test_prices_excluding_tax(tmp_path: Path) -> None:
    settings = Settings()
    settings.quote_price_basis = "不含税"
    # 不含税: 合计 = Σ 金额 + 税额
    quote = make_quote(total_net=8110.0, tax_amount=1054.3, total=9164.3, total_upper="玖仟壹佰陆拾肆元叁角")
    assert found(tmp_path, quote, settings) == set()
    assert found(tmp_path, make_quote(), settings) == {
        ("QUO-017", "不含税合计"), ("QUO-017", "税额"), ("QUO-017", "合计"), ("QUO-019", "大写金额"),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"products": None}, {("QUO-005", "报价明细")}),  # at the line table's header
        ({"customers": None}, {("QUO-005", "客户")}),
    ],
)
def test_without_master_data_it_says_which_sheet_is_missing(tmp_path: Path, kwargs: dict, expected: set) -> None:
    checked = validate_file(quote_file(tmp_path / "q.xlsx", make_quote(), **kwargs), "quotations")
    assert {(str(i.code), i.column) for i in checked.issues} == expected
    missing = "产品目录" if "products" in kwargs else "客户档案"
    assert missing in checked.issues[0].message


@pytest.mark.parametrize("label", ["有效期至", "条款", "大写金额", "报价单号"])
def test_a_missing_label_is_named(tmp_path: Path, label: str) -> None:
    assert ("QUO-001", label) in found(tmp_path, make_quote(), drop_labels=(label,))


def test_labels_are_found_after_the_clerk_inserts_rows(tmp_path: Path) -> None:
    import openpyxl

    path = quote_file(tmp_path / "q.xlsx", make_quote(total_upper="捌仟壹佰元整"))
    wb = openpyxl.load_workbook(path)
    wb["报价单"].insert_rows(3, 2)  # openpyxl moves values, not merges: enough for labels and their values
    wb.save(path)
    checked = validate_file(path, "quotations")
    assert [(str(i.code), i.row) for i in checked.issues] == [("QUO-019", 25)]
