"""Reading ledgers as clerks keep them: the parametrised tables are the spec."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from neiqin.core.issues import Code
from neiqin.core.ledger import CellProblem, LedgerError, norm_header, parse_date, parse_number, read_ledger
from neiqin.engine import open_book

from .conftest import ORDER_HEADERS, make_order_row, order_values, write_orders, write_sheet

D = dt.datetime


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (D(2026, 11, 3), D(2026, 11, 3)),
        (D(2026, 11, 3, 14, 5), D(2026, 11, 3, 14, 5)),
        (dt.date(2026, 11, 3), D(2026, 11, 3)),
        (46329.0, D(2026, 11, 3)),  # Excel serial date typed into a General cell
        (46329.5, D(2026, 11, 3, 12)),
        (20261103.0, D(2026, 11, 3)),
        ("2026-11-03", D(2026, 11, 3)),
        ("2026/11/3", D(2026, 11, 3)),
        ("2026.11.03", D(2026, 11, 3)),
        ("2026年11月3日", D(2026, 11, 3)),
        ("2026年11月3号", D(2026, 11, 3)),
        ("2026-11-03 星期二", D(2026, 11, 3)),
        ("2026/11/3（周二）", D(2026, 11, 3)),
        ("20261103", D(2026, 11, 3)),
        ("２０２６－１１－０３", D(2026, 11, 3)),  # full-width
        ("2026-11-03 09:30", D(2026, 11, 3, 9, 30)),
        ("2026-11-03T09:30:15", D(2026, 11, 3, 9, 30, 15)),
        ("  2026-11-03 ", D(2026, 11, 3)),
        (None, None),
    ],
)
def test_dates(cell: Any, expected: Any) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "code", "detail"),
    [
        ("2026-02-30", Code.LED_IMPOSSIBLE_DATE, "2026 年 2 月只有 28 天"),
        ("2024-02-30", Code.LED_IMPOSSIBLE_DATE, "2024 年 2 月只有 29 天"),
        ("2026-13-01", Code.LED_IMPOSSIBLE_DATE, "没有 13 月"),
        ("2026年11月31日", Code.LED_IMPOSSIBLE_DATE, "2026 年 11 月只有 30 天"),
        ("20260230", Code.LED_IMPOSSIBLE_DATE, "只有 28 天"),
        ("下周一", Code.LED_BAD_DATE, None),
        ("11/03/2026", Code.LED_BAD_DATE, None),  # day/month order unknowable
        ("2026-11-03 25:00", Code.LED_BAD_DATE, None),
        (5.0, Code.LED_BAD_DATE, None),  # a small number is not a date
        (True, Code.LED_BAD_DATE, None),
        (dt.time(9, 30), Code.LED_BAD_DATE, None),
    ],
)
def test_bad_dates(cell: Any, code: Code, detail: str | None) -> None:
    with pytest.raises(CellProblem) as info:
        parse_date(cell)
    assert info.value.code == code
    if detail:
        assert detail in info.value.values["detail"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (120.0, 120.0),
        (120, 120.0),
        ("120", 120.0),
        ("１２０", 120.0),
        ("1,200.50", 1200.5),
        ("1，200.50", 1200.5),
        ("¥1,200.50", 1200.5),
        ("￥1,200.50", 1200.5),
        ("1200元", 1200.0),
        ("RMB 1200", 1200.0),
        ("-¥35.00", -35.0),
        ("(1,200)", -1200.0),
        ("13%", 0.13),
        ("１３％", 0.13),
        (" 8 ", 8.0),
        ("一百二十", 120.0),
        ("1.2万", 12000.0),
        ("2e3", 2000.0),
        (None, None),
    ],
)
def test_numbers(cell: Any, expected: float | None) -> None:
    assert parse_number(cell) == pytest.approx(expected) if expected is not None else parse_number(cell) is None


@pytest.mark.parametrize("cell", ["十来个", "abc", "1.2.3", "nan", "inf", "¥", True, dt.datetime(2026, 1, 1)])
def test_not_numbers(cell: Any) -> None:
    with pytest.raises(CellProblem) as info:
        parse_number(cell)
    assert info.value.code == Code.LED_BAD_NUMBER


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("金额(元)", "金额"),
        ("金额（元）", "金额"),
        ("单价 [元]", "单价"),
        (" 订 单 号 ", "订单号"),
        ("*客户名称", "客户名称"),
        ("交货日期：", "交货日期"),
        ("数量\n(件)", "数量"),
        ("ＰＯ号", "po号"),
        ("Order_ID", "order_id"),
    ],
)
def test_header_normalisation(header: str, normalised: str) -> None:
    assert norm_header(header) == normalised


def read(path: Path, **kwargs: Any):
    return read_ledger(open_book(path), "orders", **kwargs)


def test_title_rows_merged_cells_synonyms_and_units(tmp_path: Path) -> None:
    headers = ["单号", "下单日期", "客户全称", "货号", "订单数量", "含税单价(元)", "订单金额（元）", "交期", "业务员"]
    rows = [
        [
            "SO1",
            "2026/11/3",
            "上海华东贸易有限公司",
            "MT-2200",
            "１２０",
            "¥1,850.00",
            222000,
            "2026年11月20日",
            "王磊",
        ],
        ["SO2", D(2026, 11, 4), "苏州恒通机械有限公司", "GR-0407", 5, 420, 2100, D(2026, 11, 30), "陈静"],
    ]
    path = write_sheet(tmp_path / "l.xlsx", [headers, *rows], title="2026 年订单台账（内勤：李娜）", blank_rows=2)
    ledger = read(path)
    assert ledger.header_row == 4
    assert ledger.rows == [5, 6]
    assert ledger.header("order_id") == "单号"
    assert ledger.col("amount") == 7
    f = ledger.frame
    assert f.loc[5, "quantity"] == 120.0
    assert f.loc[5, "unit_price"] == 1850.0
    assert f.loc[5, "order_date"] == D(2026, 11, 3)
    assert f.loc[6, "delivery_date"] == D(2026, 11, 30)
    assert [i.code for i in ledger.issues] == []


def test_header_found_on_any_of_the_first_rows_and_blank_and_total_rows_skipped(tmp_path: Path) -> None:
    rows = order_values([make_order_row(), make_order_row(order_id="SO2"), make_order_row(order_id="SO3")])
    total = [None] * len(ORDER_HEADERS)
    total[1], total[10] = "合计", 30
    path = write_sheet(
        tmp_path / "l.xlsx", [ORDER_HEADERS, rows[0], [None] * 20, rows[1], rows[2], total], blank_rows=5
    )
    ledger = read(path)
    assert ledger.header_row == 7
    assert ledger.rows == [8, 10, 11]  # row 9 is blank, row 12 is the 合计 row


def test_no_header_is_unusable(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "l.xlsx", [["随便", "写点"], [1, 2]], sheet="订单台账")
    with pytest.raises(LedgerError, match="找不到表头"):
        read(path)


def test_sheet_found_by_headers_when_not_named(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "l.xlsx",
        [ORDER_HEADERS, *order_values([make_order_row()])],
        sheet="Sheet1",
        extra_sheets={"说明": [["本表为订单登记"]]},
    )
    assert read(path).sheet == "Sheet1"


def test_no_order_sheet_at_all(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "l.xlsx", [["客户", "电话"], ["甲", "1"]], sheet="通讯录", title=None)
    with pytest.raises(LedgerError, match="订单台账"):
        read(path)


def test_unknown_duplicate_and_missing_columns(tmp_path: Path) -> None:
    headers = ["订单编号", "接单日期", "客户名称", "产品编码", "数量", "单价", "订单号", "订单编码x", "客户地址"]
    row = ["SO1", D(2026, 11, 3), "甲", "P1", 1, 2, "SO1", "x", "上海"]
    path = write_sheet(tmp_path / "l.xlsx", [headers, row])
    ledger = read(path)
    by_code = {}
    for issue in ledger.issues:
        by_code.setdefault(issue.code, []).append(issue)
    assert [i.column for i in by_code[Code.LED_UNKNOWN_COLUMN]] == ["订单编码x", "客户地址"]
    assert "是否为「订单编号」" in by_code[Code.LED_UNKNOWN_COLUMN][0].message
    assert by_code[Code.LED_UNKNOWN_COLUMN][1].message.endswith("校验时将忽略该列")
    assert [i.column for i in by_code[Code.LED_DUPLICATE_COLUMN]] == ["订单号"]
    assert [i.column for i in by_code[Code.LED_MISSING_COLUMN]] == ["交货日期"]
    assert all(i.row == 3 for i in ledger.issues)


def test_cell_problems_keep_their_excel_row_and_header(tmp_path: Path) -> None:
    rows = [
        make_order_row(),
        make_order_row(order_id="SO2", order_date="2026-02-30", quantity="十来个", unit_price="#VALUE!"),
        make_order_row(order_id="SO3", delivery_date="下周一", unit_cost="#N/A"),
    ]
    values = order_values(rows)
    errors = [(2, 11), (3, 13)]  # 单价 of SO2, 成本单价 of SO3 are Excel error cells
    path = write_sheet(tmp_path / "l.xlsx", [ORDER_HEADERS, *values], errors=errors)
    found = {(i.row, i.column, i.code) for i in read(path).issues}
    assert found == {
        (5, "接单日期", Code.LED_IMPOSSIBLE_DATE),
        (5, "数量", Code.LED_BAD_NUMBER),
        (5, "单价", Code.LED_EXCEL_ERROR),
        (6, "交货日期", Code.LED_BAD_DATE),
        (6, "成本单价", Code.LED_EXCEL_ERROR),
    }


def test_text_cells_are_stripped_and_numbers_become_text(tmp_path: Path) -> None:
    path = write_orders(
        tmp_path / "l.xlsx", [make_order_row(order_id=2611001.0, customer="  甲公司 ", status=" 已确认")]
    )
    f = read(path).frame
    assert f.iloc[0]["order_id"] == "2611001"
    assert f.iloc[0]["customer"] == "甲公司"
    assert f.iloc[0]["status"] == "已确认"


def test_ledger_read_does_not_change_the_file(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "l.xlsx", [make_order_row()])
    before = path.read_bytes()
    read(path)
    assert path.read_bytes() == before
