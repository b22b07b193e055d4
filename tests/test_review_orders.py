"""Regression tests for the review of the order workflow and ledger reading (/tmp/review/REPORT.md).

Each test names its finding (A1, A3, B2 …). Real .xlsx files, run headless.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.table import TableColumn

import macros
from neiqin.app.cli import main
from neiqin.core.issues import Code
from neiqin.core.ledger import CellProblem, norm_header, parse_number, parse_text, read_ledger
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.orders import OrderCode

from .conftest import ORDER_HEADERS, TODAY, ledger_rows, make_order_row, order_values, order_workbook, write_orders

D = dt.datetime


def run(path: Path, action_id: str, today: dt.date = TODAY) -> macros.Summary:
    book = open_book(path)
    summary = macros.run(action_id, book, today=today)
    assert summary.outcome in ("ok", "issues"), summary.text()
    book.save()
    return summary


def columns(ws: Any, header_row: int = 4) -> dict[str, int]:
    """Header text -> column number of a sheet's header row."""
    return {c.value: c.column for c in ws[header_row] if c.value is not None}


def sheet_rows(path: Path, sheet: str, first: int = 5) -> list[list[Any]]:
    """Every row from ``first`` down, all used columns, as values (formulas as their text)."""
    ws = openpyxl.load_workbook(path)[sheet]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=first, max_col=ws.max_column)]


# --------------------------------------------------------------------------- A1 archive deletes whole lines

DONE = {"status": "已完成", "order_date": D(2026, 1, 3), "delivery_date": D(2026, 1, 10), "ship_date": D(2026, 1, 10)}


@pytest.mark.parametrize("in_table", [True, False], ids=["column-in-table", "column-beside-table"])
def test_archive_moves_the_clerks_own_columns_with_their_lines(tmp_path: Path, in_table: bool) -> None:
    path = order_workbook(
        tmp_path / "a.xlsx",
        [
            make_order_row(order_id="SO1", quantity=1.0, amount=1850.0),
            make_order_row(order_id="SO2", quantity=2.0, amount=3700.0, **DONE),
            make_order_row(order_id="SO3", quantity=3.0, amount=5550.0),
            make_order_row(order_id="SO4", quantity=4.0, amount=7400.0, **DONE),
            make_order_row(order_id="SO5", quantity=5.0, amount=9250.0),
        ],
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    table = ws.tables["tbl_orders"]
    extra = ws.max_column + 1
    letter = openpyxl.utils.get_column_letter(extra)
    ws.cell(4, extra, "回款情况")
    for r in range(5, 10):
        ws.cell(r, extra, f"{ws.cell(r, 1).value} 回款备注")
    if in_table:
        table.ref = table.autoFilter.ref = f"A4:{letter}9"
        table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name="回款情况"))
    wb.save(path)
    before = {row[0]: row for row in sheet_rows(path, "订单台账") if row[0]}

    summary = run(path, "archive_orders")

    assert summary.message.startswith("归档了 2 行")
    after = sheet_rows(path, "订单台账")
    kept = [row for row in after if any(v is not None for v in row)]
    assert [row[0] for row in kept] == ["SO1", "SO3", "SO5"]
    for row in kept:  # cell for cell, the clerk's column included
        assert row == before[row[0]]
        assert row[extra - 1] == f"{row[0]} 回款备注"
    ws = openpyxl.load_workbook(path)["订单台账"]
    assert ws.tables["tbl_orders"].ref.endswith("7")  # two table rows fewer, no empty line inside
    assert not any(ws.cell(r, c).value for r in (8, 9) for c in range(1, extra + 1))
    records = {r["order_id"]: json.loads(r["data"]) for r in open_store().archived()}
    assert records["SO2"]["回款情况"] == "SO2 回款备注" and records["SO4"]["回款情况"] == "SO4 回款备注"


# --------------------------------------------------------------------------- A3 apply_changes

CHANGE_HEADERS = ["变更单号", "订单编号", "产品编码", "变更字段", "原值", "新值", "审核结果", "应通知部门"]
TWO_LINES = [
    make_order_row(order_id="SO1", quantity=10.0, amount=18500.0, delivery_date=D(2026, 12, 1)),
    make_order_row(
        order_id="SO1",
        product_code="VF-0750",
        product_name="通用变频器",
        spec="FR-E820-0.75K",
        quantity=5.0,
        unit_price=1280.0,
        amount=6400.0,
        unit_cost=1010.0,
        delivery_date=D(2026, 12, 8),
    ),
    make_order_row(order_id="SO2", quantity=3.0, amount=5550.0),
]


def changes_workbook(path: Path, headers: list[str], rows: list[list[Any]], orders=TWO_LINES) -> Path:
    """An order workbook whose 订单变更记录 is a plain sheet with exactly these columns."""
    order_workbook(path, orders)
    wb = openpyxl.load_workbook(path)
    del wb["订单变更记录"]
    ws = wb.create_sheet("订单变更记录")
    ws.append(["订单变更记录"])
    ws.append([])
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def change_records(path: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)["订单变更记录"]
    head = [c.value for c in ws[4]]
    return [dict(zip(head, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=5)]


def order_lines(path: Path) -> list[dict[str, Any]]:
    return ledger_rows(path, "orders")


@pytest.mark.parametrize(
    ("change", "result", "quantities", "deliveries", "old"),
    [
        # a per-line field without 产品编码 on a two-line order: refused, nothing changed
        (
            ["BG1", "SO1", None, "数量", None, "20", "同意", None],
            # lines named by 订单编号/产品编码: row numbers in a record go stale when lines are archived
            "拒绝：订单 SO1 有 2 行（SO1/MT-2200、SO1/VF-0750），「数量」是每行各自的；"
            "请在「产品编码」填写要变更的产品后重新提交",
            [10, 5, 3],
            None,
            None,
        ),
        # … with 产品编码: only that line
        (["BG1", "SO1", "VF-0750", "数量", None, "20", "同意", None], "已执行", [10, 20, 3], None, "5"),
        # … on a one-line order 产品编码 may stay empty
        (["BG1", "SO2", None, "数量", None, "4", "同意", None], "已执行", [10, 5, 4], None, "3"),
        # a whole-order field: every line, and each line's old value is kept (the change can be undone)
        (
            ["BG1", "SO1", None, "交货日期", None, "2026-12-20", "同意", None],
            "已执行",
            [10, 5, 3],
            [D(2026, 12, 20), D(2026, 12, 20)],
            "SO1/MT-2200：2026-12-01；SO1/VF-0750：2026-12-08",
        ),
    ],
)
def test_a_change_names_its_line_or_is_refused(
    tmp_path: Path, change: list[Any], result: str, quantities: list[int], deliveries: list[Any] | None, old: Any
) -> None:
    path = changes_workbook(tmp_path / "c.xlsx", [*CHANGE_HEADERS, "执行时间", "执行结果"], [change])
    run(path, "apply_changes")
    (record,) = change_records(path)
    assert record["执行结果"] == result and record["原值"] == old
    lines = order_lines(path)
    assert [line["quantity"] for line in lines] == quantities
    if deliveries:
        assert [line["delivery_date"] for line in lines[:2]] == deliveries


def test_a_change_is_executed_once_without_an_execution_time_column(tmp_path: Path) -> None:
    path = changes_workbook(
        tmp_path / "c.xlsx", [*CHANGE_HEADERS, "执行结果"], [["BG1", "SO2", None, "数量", None, "20", "同意", None]]
    )
    assert run(path, "apply_changes").message == "执行了 1 项变更，拒绝 0 项。"
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    row = next(r for r in range(5, 9) if ws.cell(r, 1).value == "SO2")
    ws.cell(row, columns(ws)["数量"]).value = 12  # the clerk corrects the line by hand afterwards
    wb.save(path)
    assert run(path, "apply_changes", today=TODAY + dt.timedelta(days=1)).message == "执行了 0 项变更，拒绝 0 项。"
    assert next(line for line in order_lines(path) if line["order_id"] == "SO2")["quantity"] == 12


def test_a_change_record_without_result_column_is_refused(tmp_path: Path) -> None:
    path = changes_workbook(
        tmp_path / "c.xlsx", CHANGE_HEADERS, [["BG1", "SO2", None, "数量", None, "20", "同意", None]]
    )
    summary = macros.run("apply_changes", open_book(path), today=TODAY)
    assert summary.outcome == "failed" and "执行时间" in summary.message and "执行结果" in summary.message


def test_a_change_keeps_the_amount_formula(tmp_path: Path) -> None:
    path = changes_workbook(
        tmp_path / "c.xlsx",
        [*CHANGE_HEADERS, "执行时间", "执行结果"],
        [
            ["BG1", "SO2", None, "数量", None, "4", "同意", None],
            ["BG2", "SO1", "MT-2200", "单价", None, "1900", "同意"],
        ],
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    head = columns(ws)
    qty, price, amount = (openpyxl.utils.get_column_letter(head[h]) for h in ("数量", "单价", "金额"))
    so2 = next(r for r in range(5, 9) if ws.cell(r, 1).value == "SO2")
    ws[f"{amount}{so2}"] = f"={qty}{so2}*{price}{so2}"
    wb.save(path)
    assert run(path, "apply_changes").message == "执行了 2 项变更，拒绝 0 项。"
    ws = openpyxl.load_workbook(path)["订单台账"]
    assert ws[f"{amount}{so2}"].value == f"={qty}{so2}*{price}{so2}"  # still a formula
    assert ws[f"{qty}{so2}"].value == 4
    assert ws[f"{amount}5"].value == 19000  # a constant 金额 is recomputed as before


# --------------------------------------------------------------------------- B2 split lines

SPLIT = [
    make_order_row(order_id="SO1", quantity=10.0, amount=18500.0, delivery_date=D(2026, 12, 1)),
    make_order_row(order_id="SO1", quantity=5.0, amount=9250.0, delivery_date=D(2027, 1, 15)),
]


def test_both_lines_of_a_split_delivery_are_dispatched_once(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "s.xlsx", SPLIT)
    run(path, "dispatch_orders")
    tasks = ledger_rows(path, "production_tasks")
    assert [(t["order_id"], t["quantity"], t["delivery_date"]) for t in tasks] == [
        ("SO1", 10, D(2026, 12, 1)),
        ("SO1", 5, D(2027, 1, 15)),
    ]
    assert [line["status"] for line in order_lines(path)] == ["已下达", "已下达"]
    run(path, "dispatch_orders")
    assert len(ledger_rows(path, "production_tasks")) == 2


def test_the_status_memory_keeps_split_lines_apart(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "s.xlsx", [SPLIT[0] | {"status": "已确认"}, SPLIT[1] | {"status": "已下达"}])
    for _ in range(2):
        assert not [i for i in run(path, "validate_orders").issues if i.code == OrderCode.ORD_STATUS_TRANSITION]
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws.cell(6, columns(ws)["状态"]).value = "已确认"  # the second line really goes back
    wb.save(path)
    found = [(i.row, i.code) for i in run(path, "validate_orders").issues if i.severity == "error"]
    assert found == [(6, OrderCode.ORD_STATUS_TRANSITION)]


# --------------------------------------------------------------------------- B4 CLI validate


def test_validate_reads_the_sheet_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_orders(tmp_path / "v.xlsx", [make_order_row(order_id="SO1")])
    wb = openpyxl.load_workbook(path)
    other = wb.copy_worksheet(wb["订单台账"])
    other.title = "十月订单"
    other["D4"] = None  # 客户名称 missing, on 十月订单 only
    wb.save(path)
    assert main(["validate", str(path), "--today", "2026-11-26"]) == 0
    assert main(["validate", str(path), "--sheet", "十月订单", "--today", "2026-11-26"]) == 1
    assert "『十月订单』" in capsys.readouterr().out
    assert main(["validate", str(path), "--sheet", "十月订单", "--mark", "--today", "2026-11-26"]) == 2


def test_validate_with_and_without_mark_agree(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "v.xlsx", [make_order_row(order_id="SO1", status="已完成")])
    assert main(["validate", str(path), "--mark", "--today", "2026-11-26"]) == 0  # remembers 已完成
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws.cell(5, columns(ws)["状态"]).value = "已确认"  # goes back
    wb.save(path)
    assert main(["validate", str(path), "--today", "2026-11-26"]) == 1
    assert main(["validate", str(path), "--mark", "--today", "2026-11-26"]) == 1


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


# --------------------------------------------------------------------------- B10 long progress messages


def test_long_progress_messages_are_split_not_cut(tmp_path: Path) -> None:
    rows = [make_order_row(order_id=f"SO26{i:05d}", status="生产中", delivery_date=D(2026, 12, 20)) for i in range(450)]
    path = order_workbook(tmp_path / "m.xlsx", rows)
    run(path, "progress_messages")
    body = sheet_rows(path, "进度通知")
    rep: list[str] = []
    target = None
    for r in body:  # a part taller than a row continues on the rows below it, marked （续）
        if r[0] is None and target is not None and str(r[3]).startswith("（续）"):
            target[-1] += "\n" + r[3].removeprefix("（续）")
        elif r[0] == "销售员":
            rep.append(r[3])
            target = rep
        else:
            target = None
    assert len(rep) > 1 and all(len(text) <= 32_767 for text in rep)
    assert rep[0].startswith("（1/") and "王磊您好" in rep[0] and rep[-1].endswith("——销售内勤")
    text = "\n".join(rep)
    assert all(f"订单 SO26{i:05d} " in text for i in range(450))


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
    summary = run(merged, "confirm_orders")
    assert summary.message.startswith("确认了 3 行（2 张订单）")


# --------------------------------------------------------------------------- C5 confirm counts orders in one pass


def test_confirm_counts_lines_and_orders(tmp_path: Path) -> None:
    rows = [make_order_row(order_id=f"SO{i // 3}", product_code=f"P{i}", status=None) for i in range(9)]
    path = write_orders(tmp_path / "c.xlsx", rows, companions=False)
    book = open_book(path)
    summary = macros.run("confirm_orders", book, today=TODAY)
    assert summary.message.startswith("确认了 9 行（3 张订单）")


def test_archiving_the_first_of_two_split_lines_moves_the_second_ones_memory(tmp_path: Path) -> None:
    path = order_workbook(
        tmp_path / "s.xlsx",
        [SPLIT[0] | DONE, SPLIT[1] | {"status": "生产中"}],
    )
    run(path, "validate_orders")  # remembers 已完成 and 生产中
    assert run(path, "archive_orders").message.startswith("归档了 1 行")
    assert not [i for i in run(path, "validate_orders").issues if i.code == OrderCode.ORD_STATUS_TRANSITION]
    assert open_store().statuses()[("SO1", "MT-2200")][0] == "生产中"
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws.cell(5, columns(ws)["状态"]).value = "已确认"  # the remaining line goes back: still caught
    wb.save(path)
    assert [i.row for i in run(path, "validate_orders").issues if i.code == OrderCode.ORD_STATUS_TRANSITION] == [5]


# --------------------------------------------------------------------------- final review: bad input, plain messages


def test_repeated_customer_and_product_keys_point_at_the_first_line() -> None:
    from neiqin.core import kit
    from neiqin.core.ledger import parse_ledger

    from .conftest import check

    found = check(
        "customers",
        parse_ledger(
            [["客户编号", "客户名称"], ["C1", "甲公司"], ["C2", "乙公司"], ["C1", "丙公司"], ["C3", "乙公司"]],
            kit.ledger("customers"),
            "客户档案",
        ),
    )
    assert [(i.row, i.column, i.code) for i in found] == [(4, "客户编号", "LED-018"), (5, "客户名称", "LED-018")]
    assert "第 2 行" in found[0].message and "第 3 行" in found[1].message
    found = check(
        "products",
        parse_ledger([["产品编码", "产品名称"], ["P1", "电机"], ["P1", "电机"]], kit.ledger("products"), "产品目录"),
    )
    assert [(i.row, i.code) for i in found] == [(3, "LED-018")] and "第 2 行" in found[0].message


def test_a_change_record_without_a_needed_column_names_it_and_changes_nothing(tmp_path: Path) -> None:
    headers = [h for h in CHANGE_HEADERS if h != "新值"] + ["执行时间", "执行结果"]
    path = changes_workbook(tmp_path / "c.xlsx", headers, [["BG1", "SO2", None, "数量", None, "同意", None]])
    summary = macros.run("apply_changes", open_book(path), today=TODAY)
    assert summary.outcome == "failed"
    assert "『订单变更记录』缺少列：新值" in summary.message, summary.message
    assert [line["quantity"] for line in order_lines(path)] == [10, 5, 3]


def test_a_task_sheet_without_product_code_is_refused_before_anything_is_dispatched(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "t.xlsx", [make_order_row(order_id="SO1", status="已确认")])
    wb = openpyxl.load_workbook(path)
    ws = wb["生产任务单"]
    for name in list(ws.tables):
        del ws.tables[name]
    ws.cell(4, columns(ws)["产品编码"]).value = "附注"
    wb.save(path)
    summary = macros.run("dispatch_orders", open_book(path), today=TODAY)
    assert summary.outcome == "failed" and "『生产任务单』缺少列：产品编码" in summary.message, summary.message
    assert [line["status"] for line in order_lines(path)] == ["已确认"]


def test_late_split_lines_are_named_by_their_product_not_by_an_internal_key(tmp_path: Path) -> None:
    tasks = [
        {"order_id": "SO1", "product_code": "MT-2200", "progress": "进行中", "expected_date": D(2026, 12, 20)},
        {"order_id": "SO1", "product_code": "MT-2200", "progress": "进行中", "expected_date": D(2027, 2, 1)},
    ]
    lines = [line | {"status": "已下达"} for line in SPLIT]
    path = order_workbook(tmp_path / "p.xlsx", lines, production_tasks=tasks)
    summary = run(path, "update_progress")
    (late,) = summary.details
    assert late.startswith("预计晚于交货日期 2 行（『订单台账』）：") and "#" not in late
    assert "SO1/MT-2200（第 5 行，预计 2026-12-20，交货 2026-12-01）" in late
    assert "SO1/MT-2200（第 6 行，预计 2027-02-01，交货 2027-01-15）" in late


@pytest.mark.parametrize(
    ("field", "new", "task_field", "expected"),
    [("数量", "20", "quantity", 20.0), ("交货日期", "2026-12-20", "delivery_date", D(2026, 12, 20))],
)
def test_an_approved_change_reaches_the_task_sheet(
    tmp_path: Path, field: str, new: str, task_field: str, expected: Any
) -> None:
    """Issue 12: production works from the new quantity and date, and the record says it was passed on."""
    path = changes_workbook(
        tmp_path / "c.xlsx",
        [*CHANGE_HEADERS, "执行时间", "执行结果"],
        [["BG1", "SO1", "MT-2200", field, None, new, "同意", None]],
        orders=[make_order_row(order_id="SO1", status="已确认", delivery_date=D(2026, 12, 1))],
    )
    run(path, "dispatch_orders")
    task = next(r for name in ("production_tasks", "purchase_tasks") for r in ledger_rows(path, name))
    assert task[task_field] != expected
    summary = run(path, "apply_changes")
    (record,) = change_records(path)
    assert record["执行结果"].startswith("已执行；已同步到") and "请通知部门按新值执行" in record["执行结果"]
    task = next(r for name in ("production_tasks", "purchase_tasks") for r in ledger_rows(path, name))
    assert task[task_field] == expected
    assert order_lines(path)[0][task_field] == expected
    assert any("任务单" in d for d in summary.details)
