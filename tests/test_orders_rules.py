"""订单台账 row rules: one table of (line overrides, expected codes) is the spec."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from neiqin.core import kit
from neiqin.core.config import Settings
from neiqin.core.issues import Code
from neiqin.core.ledger import parse_ledger
from validators.orders import OrderCode

from .conftest import ORDER_HEADERS, TODAY, check, make_order_row, order_values, validate_file, write_orders

D = dt.datetime


def issues_for(*rows: dict[str, Any], settings: Settings | None = None, headers: list[str] | None = None):
    """Issues of a ledger whose header is on row 1 and lines on rows 2, 3, …"""
    values = [headers or ORDER_HEADERS, *order_values(rows)]
    ledger = parse_ledger(values, kit.ledger("orders"), "订单台账")
    return check("orders", ledger, settings or Settings(), TODAY)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, set()),
        # required fields
        ({"order_id": None}, {(Code.LED_REQUIRED, "订单编号")}),
        ({"order_date": None}, {(Code.LED_REQUIRED, "接单日期")}),
        ({"customer": None}, {(Code.LED_REQUIRED, "客户名称")}),
        ({"customer": "   "}, {(Code.LED_REQUIRED, "客户名称")}),
        ({"product_code": None}, {(Code.LED_REQUIRED, "产品编码")}),
        ({"quantity": None, "amount": None}, {(Code.LED_REQUIRED, "数量")}),
        ({"unit_price": None, "amount": None}, {(Code.LED_REQUIRED, "单价")}),
        ({"delivery_date": None}, {(Code.LED_REQUIRED, "交货日期")}),
        ({"channel": None, "status": None, "note": None, "amount": None}, set()),  # optional ones
        # dates
        ({"order_date": "2026-02-30"}, {(Code.LED_IMPOSSIBLE_DATE, "接单日期")}),
        ({"delivery_date": "月底"}, {(Code.LED_BAD_DATE, "交货日期")}),
        ({"delivery_date": D(2026, 11, 2)}, {(OrderCode.ORD_DELIVERY_BEFORE_ORDER, "交货日期")}),
        ({"delivery_date": D(2026, 11, 3)}, set()),  # same day is fine
        ({"ship_date": D(2026, 11, 1)}, {(OrderCode.ORD_SHIP_BEFORE_ORDER, "发货日期")}),
        ({"ship_date": D(2026, 11, 5)}, set()),
        (
            {"order_date": D(2026, 11, 30), "delivery_date": D(2026, 12, 9)},
            {(OrderCode.ORD_ORDER_DATE_FUTURE, "接单日期")},
        ),
        # quantity, price, amount
        ({"quantity": 0, "amount": 0}, {(OrderCode.ORD_QTY_ZERO, "数量")}),
        ({"quantity": -2, "amount": -3700}, {(OrderCode.ORD_QTY_NEGATIVE, "数量")}),
        ({"quantity": "十来个", "amount": None}, {(Code.LED_BAD_NUMBER, "数量")}),
        ({"quantity": "１０"}, set()),
        ({"unit_price": "¥1,850.00"}, set()),
        ({"unit_price": -1, "amount": -10}, {(Code.LED_OUT_OF_RANGE, "单价")}),
        ({"unit_price": 0, "amount": 0}, {(OrderCode.ORD_BELOW_COST, "单价")}),  # a free sample needs its approval too
        ({"amount": 18500.01}, set()),  # within 0.01
        ({"amount": 18500.02}, {(OrderCode.ORD_AMOUNT_MISMATCH, "金额")}),
        ({"amount": 18050}, {(OrderCode.ORD_AMOUNT_MISMATCH, "金额")}),
        ({"amount": None}, set()),  # NeiQin computes it
        ({"quantity": 3, "unit_price": 19.99, "amount": 59.97, "unit_cost": 9.5}, set()),  # no float noise
        ({"unit_price": 1200, "amount": 12000}, {(OrderCode.ORD_BELOW_COST, "单价")}),
        ({"unit_cost": -5}, {(Code.LED_OUT_OF_RANGE, "成本单价")}),
        ({"unit_cost": "#N/A"}, {(Code.LED_EXCEL_ERROR, "成本单价")}),
        # closed lists
        ({"channel": "QQ"}, {(Code.LED_NOT_IN_LIST, "接单方式")}),
        ({"status": "完成"}, {(Code.LED_NOT_IN_LIST, "状态")}),
        ({"status": "已完成"}, set()),
        # text Excel would run as a formula
        ({"note": '=HYPERLINK("http://x","付款")'}, {(Code.LED_FORMULA_TEXT, "备注")}),
        ({"customer": "@SUM(1+1)"}, {(Code.LED_FORMULA_TEXT, "客户名称")}),
        ({"spec": "+cmd|' /C calc'!A0"}, {(Code.LED_FORMULA_TEXT, "规格型号")}),
        ({"note": "-A 型号，见附件"}, {(Code.LED_FORMULA_TEXT, "备注")}),
        ({"note": "-5% 折扣"}, set()),
        ({"note": "@张经理 请尽快"}, set()),
        ({"note": "+86 138 0000 0000"}, set()),
    ],
)
def test_row_rules(overrides: dict[str, Any], expected: set[tuple[Code, str]]) -> None:
    found = issues_for(make_order_row(**overrides))
    assert {(i.code, i.column) for i in found} == expected
    assert all(i.row == 2 for i in found)


def test_clean_rows_get_no_error() -> None:
    rows = [make_order_row(order_id=f"SO{i}", product_code=f"P{i}") for i in range(50)]
    assert issues_for(*rows) == []


def test_duplicate_key_and_exact_duplicate_lines_are_warnings_with_the_other_row() -> None:
    first = make_order_row()
    same_key = make_order_row(quantity=5, amount=9250)
    found = issues_for(first, make_order_row(order_id="SO2"), same_key, dict(first))
    assert [(i.row, i.code, i.severity) for i in found] == [
        (4, OrderCode.ORD_DUPLICATE_KEY, "warning"),
        (5, OrderCode.ORD_DUPLICATE_LINE, "warning"),
    ]
    assert "第 2 行" in found[0].message and "第 2 行" in found[1].message


def test_all_problems_of_a_row_are_reported_at_once() -> None:
    bad = make_order_row(customer=None, order_date="2026-02-30", quantity=0, amount=5, channel="QQ")
    codes = {i.code for i in issues_for(bad)}
    assert codes == {
        Code.LED_REQUIRED,
        Code.LED_IMPOSSIBLE_DATE,
        OrderCode.ORD_QTY_ZERO,
        OrderCode.ORD_AMOUNT_MISMATCH,
        Code.LED_NOT_IN_LIST,
    }


def test_closed_lists_and_tolerance_come_from_settings() -> None:
    settings = Settings(order_channels=["电话", "QQ"], amount_tolerance=1.0)
    row = make_order_row(channel="QQ", amount=18500.5)
    assert issues_for(row, settings=settings) == []


def test_messages_say_where_and_what_to_do() -> None:
    (issue,) = issues_for(make_order_row(amount=18050))
    assert issue.sheet == "订单台账" and issue.row == 2 and issue.column == "金额" and issue.col == 13
    assert issue.message == "金额 18,050.00 与 数量×单价 = 18,500.00 不符（相差 450.00）；请核对数量、单价和金额"


def test_header_synonyms_are_used_in_messages() -> None:
    headers = [{"数量": "订单数量", "单价": "含税单价"}.get(h, h) for h in ORDER_HEADERS]
    (issue,) = issues_for(make_order_row(quantity=0, amount=0), headers=headers)
    assert issue.column == "订单数量"


def test_end_to_end_on_a_real_file_reports_excel_rows(tmp_path: Path) -> None:
    rows = [make_order_row(), make_order_row(order_id="SO2", customer=None), make_order_row(order_id="SO3", amount=1)]
    path = write_orders(tmp_path / "l.xlsx", rows)  # title row 1, blank row 2, header row 3
    result = validate_file(path, "orders", Settings(), TODAY)
    assert result.rows == 3
    assert [(i.row, i.column) for i in result.issues] == [(5, "客户名称"), (6, "金额")]
