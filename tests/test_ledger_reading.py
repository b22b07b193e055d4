"""Reading ledgers as clerks keep them: the parametrised tables are the spec."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from neiqin.app.cli import main
from neiqin.core.issues import Code
from neiqin.core.ledger import CellProblem, LedgerError, norm_header, parse_date, parse_number, parse_text, read_ledger
from neiqin.engine import open_book

from .conftest import (
    ORDER_HEADERS,
    make_order_row,
    order_values,
    run_action,
    write_orders,
    write_sheet,
)

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


def columns(ws: Any, header_row: int = 4) -> dict[str, int]:
    """Header text -> column number of a sheet's header row."""
    return {c.value: c.column for c in ws[header_row] if c.value is not None}


# --------------------------------------------------------------------------- B5 total rows, header repeated


def _write(path: Path, body: list[list[Any]]) -> Path:
    from .conftest import write_sheet

    return write_sheet(path, [ORDER_HEADERS, *body])


def _total(label: str, col: int) -> list[Any]:
    row: list[Any] = [None] * len(ORDER_HEADERS)
    row[col] = label
    row[ORDER_HEADERS.index("数量")] = 20
    row[ORDER_HEADERS.index("金额")] = 37000
    return row


@pytest.mark.parametrize(
    "row",
    [
        _total("合计", 0),  # typed under 订单编号
        _total("汇总", 1),  # Chinese Excel's table total row label
        _total("总  计", 0),
        _total("小计：", 0),
        list(ORDER_HEADERS),  # the header row repeated (monthly blocks)
    ],
    ids=["合计-key", "汇总-B", "总计-spaced", "小计", "header-again"],
)
def test_total_and_repeated_header_rows_are_not_lines(tmp_path: Path, row: list[Any]) -> None:
    path = _write(
        tmp_path / "t.xlsx",
        [*order_values([make_order_row(order_id="SO1")]), row, *order_values([make_order_row(order_id="SO2")])],
    )
    ledger = read_ledger(open_book(path), "orders")
    assert [ledger.frame["order_id"].loc[r] for r in ledger.rows] == ["SO1", "SO2"]
    assert main(["validate", str(path), "--today", "2026-11-26"]) == 0


def test_a_line_whose_note_starts_with_total_is_still_a_line(tmp_path: Path) -> None:
    line = order_values([make_order_row(order_id=None, note="合计两批发货")])[0]
    path = _write(tmp_path / "t.xlsx", [*order_values([make_order_row(order_id="SO1")]), line])
    ledger = read_ledger(open_book(path), "orders")
    assert len(ledger) == 2


# --------------------------------------------------------------------------- B6 numbers and long IDs


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,200.50", 1200.5),
        ("1 200", 1200.0),
        ("1,234,567", 1234567.0),
        ("¥-1,200", -1200.0),
        ("1,000万", 10_000_000.0),
        ("1.200,50", Code.LED_AMBIGUOUS_NUMBER),
        ("12,34", Code.LED_AMBIGUOUS_NUMBER),
        ("1,2,3", Code.LED_AMBIGUOUS_NUMBER),
        ("12 34", Code.LED_AMBIGUOUS_NUMBER),
        ("1,2000", Code.LED_AMBIGUOUS_NUMBER),
        ("--5", Code.LED_BAD_NUMBER),
        ("(-5)", Code.LED_BAD_NUMBER),
    ],
)
def test_thousands_separators_only_in_groups_of_three(cell: str, expected: Any) -> None:
    if isinstance(expected, Code):
        with pytest.raises(CellProblem) as problem:
            parse_number(cell)
        assert problem.value.code == expected
    else:
        assert parse_number(cell) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (123456789012345.0, "123456789012345"),  # 15 digits: Excel keeps them all
        (2026112600000001.0, Code.LED_LOST_DIGITS),
        (12345678901234567890.0, Code.LED_LOST_DIGITS),
        ("2026112600000001", "2026112600000001"),  # typed as text: kept as text
    ],
)
def test_long_numeric_ids(cell: Any, expected: Any) -> None:
    if isinstance(expected, Code):
        with pytest.raises(CellProblem) as problem:
            parse_text(cell)
        assert problem.value.code == expected
    else:
        assert parse_text(cell) == expected


def test_long_numeric_order_ids_are_reported_not_merged(tmp_path: Path) -> None:
    rows = [make_order_row(order_id=2026112600000001.0), make_order_row(order_id=2026112600004567.0)]
    path = write_orders(tmp_path / "ids.xlsx", rows)
    issues = [i for i in read_ledger(open_book(path), "orders").issues if i.code == Code.LED_LOST_DIGITS]
    assert [i.column for i in issues] == ["订单编号", "订单编号"]
    assert "2026112600000000" in issues[0].message or "20261126000000" in issues[0].message


# --------------------------------------------------------------------------- B7 headers with units


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("单价/元", "unit_price"),
        ("数量/台", "quantity"),
        ("金额／元", "amount"),
        ("单价/元/台", "unit_price"),
        ("单价（元/台）", "unit_price"),
        ("生产/采购周期(天)", None),  # a slash that is not a unit stays
    ],
)
def test_headers_with_a_unit_after_a_slash(header: str, field: str | None) -> None:
    from neiqin.core.ledger import _lookup
    from validators.orders import OrderRow

    assert _lookup(OrderRow.columns()).get(norm_header(header)) == field
    if field is None:
        assert norm_header(header) == "生产/采购周期"


# --------------------------------------------------------------------------- C2 merged 订单编号 / 客户名称


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    rows = [
        make_order_row(order_id="SO1", status=None),
        make_order_row(order_id="SO1", product_code="VF-0750", status=None),
        make_order_row(order_id="SO2", status=None),
    ]
    path = write_orders(tmp_path / "merged.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws["A5"] = None
    ws["D5"] = None
    ws.merge_cells("A4:A5")
    ws.merge_cells("D4:D5")
    wb.save(path)
    return path


def test_a_merged_cell_is_read_on_every_row_of_the_merge(merged: Path) -> None:
    ledger = read_ledger(open_book(merged), "orders")
    assert list(ledger.frame["order_id"]) == ["SO1", "SO1", "SO2"]
    assert ledger.frame["customer"].iloc[1] == "上海华东贸易有限公司"
    warnings = [(i.code, i.row, i.column, i.severity) for i in ledger.issues if i.code == Code.LED_MERGED_CELLS]
    assert warnings == [
        (Code.LED_MERGED_CELLS, 4, "订单编号", "warning"),
        (Code.LED_MERGED_CELLS, 4, "客户名称", "warning"),
    ]


def test_merged_cells_give_no_false_errors_and_no_crash(merged: Path) -> None:
    assert main(["validate", str(merged), "--today", "2026-11-26"]) == 0
    assert main(["validate", str(merged), "--mark", "--today", "2026-11-26"]) == 0
    summary = run_action(merged, "confirm_orders")
    assert summary.message.startswith("确认了 3 行（2 张订单）")
