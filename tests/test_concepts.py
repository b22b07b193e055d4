"""One definition per concept: every caller of a concept gives the same answer on the same data.

The on-time rate of 订单看板 and NQ_ONTIME; "the same name" in the customer check and in the
reports; text width in every layout; money equality in the store, the checks and the reports;
claim stages in the store and the workflow; field labels from the schema.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import macros
from neiqin.base import text
from neiqin.core import money
from neiqin.engine import open_book
from validators.orders import OrderCode, OrderRow
from validators.orders.metrics import on_time
from validators.sales import reports
from validators.sales.sources import read_values
from xlwings_udfs.reports import NQ_ONTIME

from .conftest import ORDER_HEADERS, TODAY, make_order_row, order_values, validate_file, write_orders

D = dt.datetime


def two_lines() -> list[dict]:
    """Two lines due on 11-20: one shipped that afternoon (on time), one shipped on the 21st (late)."""
    due = D(2026, 11, 20)
    return [
        make_order_row(order_id="SO1", delivery_date=due, ship_date=D(2026, 11, 20, 15, 30), status="已发货"),
        make_order_row(order_id="SO2", delivery_date=due, ship_date=D(2026, 11, 21), status="已发货"),
    ]


def test_on_time_rate_is_the_same_in_the_dashboard_and_nq_ontime(tmp_path: Path) -> None:
    rows = two_lines()
    values = [ORDER_HEADERS, *order_values(rows)]
    udf = NQ_ONTIME(values, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    path = write_orders(tmp_path / "o.xlsx", rows)
    book = open_book(path)
    macros.run("order_dashboard", book, today=TODAY)
    sheet = book.sheets["订单看板"].used_range.value
    november = next(r for r in sheet if r[0] == "按月" and r[1] == "2026-11")
    assert udf == pytest.approx(0.5)  # a shipment in the afternoon of the due day is on time
    assert november[2:5] == [2, 1, pytest.approx(0.5)]


def test_on_time_counts_only_lines_due_by_today() -> None:
    delivery = pd.Series(pd.to_datetime(["2026-11-20", "2026-12-20", "2026-11-21"]))
    ship = pd.Series(pd.to_datetime(["2026-11-19", None, None]))
    cancelled = pd.Series([False, False, True])
    result = on_time(delivery, ship, cancelled, today=dt.date(2026, 11, 26))
    assert (result.due, result.on_time, result.rate) == (1, 1, 1.0)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("⼈民机电有限公司", "人民机电有限公司", True),  # Kangxi radical ⼈ U+2F08
        ("ＡＢＣ机电", "abc机电", True),  # full width, case
        ("华东 机电\u3000公司", "华东机电公司", True),  # spaces of any kind
        ("华东机电公司", "华东机电有限公司", False),
    ],
)
def test_the_same_name_in_the_customer_check_and_in_reports(tmp_path: Path, a: str, b: str, same: bool) -> None:
    rows = [make_order_row(order_id="SO1", customer=a), make_order_row(order_id="SO2", customer=b)]
    # the archive knows the first spelling only
    path = write_orders(tmp_path / "o.xlsx", rows, companions=False)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("客户档案")
    ws.append(["客户编号", "客户名称"])
    ws.append(["C1", a])
    wb.save(path)
    unknown = [i for i in validate_file(path).issues if i.code == OrderCode.ORD_UNKNOWN_CUSTOMER]
    assert (not unknown) == same
    sales = read_values([ORDER_HEADERS, *order_values(rows)])
    assert (sales.lines["_customer"].nunique() == 1) == same
    document = reports.report_json(sales, "month")
    assert document["totals"]["customers"] == (1 if same else 2)


@pytest.mark.parametrize(("value", "width"), [("abc", 3), ("订单", 4), ("订单A", 5), ("", 0), ("⼈", 2)])
def test_text_width_is_one_definition(value: str, width: int) -> None:
    from macros import reports as report_tabs
    from neiqin.app import cli
    from neiqin.engine import layout

    assert text.text_width(value) == width
    assert cli._width(value) == width
    assert layout.text_width is text.text_width
    assert report_tabs.text_width is text.text_width


@pytest.mark.parametrize(("a", "b", "same"), [(1409.5, 1409.504, True), (1409.5, 1409.51, False), (None, None, True)])
def test_amounts_are_equal_to_the_fen_everywhere(a: float | None, b: float | None, same: bool) -> None:
    from neiqin.core import store

    assert money.same_amount(a, b) == same
    assert store.same_amount is money.same_amount  # the store compares with the one definition


def test_claim_stages_have_one_list() -> None:
    from neiqin.core.config import Settings
    from validators.expenses.states import CLOSED, ClaimStage, stage

    assert [stage(label) for label in Settings().claim_statuses] == list(ClaimStage)
    assert {s.value for s in CLOSED} == {"已交财务", "财务已审核", "已支付"}


def test_field_labels_come_from_the_schema() -> None:
    for name, label in reports.FIELD_LABELS.items():
        if name != "profit":
            assert label == OrderRow.column(name).header
    assert reports.FIELD_LABELS["customer"] == "客户名称"


def test_money_rounds_half_up_to_the_fen() -> None:
    assert str(money.to_fen(0.125)) == "0.13"
    assert str(money.to_fen(2.675)) == "2.68"  # float 2.675 is 2.67499…; the fen is what was typed
    assert money.money(118447.825) == "118,447.83"
