"""订单看板 counts every line; 进度通知 never passes wrong data on; the template's columns hold what clerks write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from neiqin.base.text import text_width
from neiqin.core.config import Settings
from neiqin.engine import open_book
from validators.orders import OrderRow
from validators.orders.planners import NOT_A_STATUS, status_rows

from .conftest import ledger_rows, make_order_row, order_workbook, run_action

D = dt.datetime


def dashboard(path: Path) -> dict[tuple[Any, Any], list[Any]]:
    ws = openpyxl.load_workbook(path)["订单看板"]
    return {(r[0].value, r[1].value): [c.value for c in r[2:]] for r in ws.iter_rows(min_row=5)}


STATUSES = ["已完成", "已完成", "完成", None, "生产中", " 已发货 ", "暂停", "完成", "已结案"]


def test_every_line_is_counted_on_the_dashboard(tmp_path: Path) -> None:
    rows = [make_order_row(order_id=f"SO{i}", status=s) for i, s in enumerate(STATUSES)]
    path = order_workbook(tmp_path / "d.xlsx", rows)
    run_action(path, "order_dashboard")
    table = dashboard(path)
    counts = {name: values[0] for (group, name), values in table.items() if group == "状态"}
    assert counts["已完成"] == 2 and counts["生产中"] == 1 and counts["暂停"] == 1
    assert counts["待确认"] == 1  # an empty 状态
    assert counts["已发货"] == 1  # spaces around a status do not lose it
    assert counts[f"完成{NOT_A_STATUS}"] == 2  # not a status: counted under its own text, marked
    assert counts[f"已结案{NOT_A_STATUS}"] == 1
    assert counts["合计（订单台账的行数）"] == len(STATUSES)
    assert sum(n for name, n in counts.items() if not name.startswith("合计")) == len(STATUSES)
    head = {c.value: c.alignment.horizontal for c in openpyxl.load_workbook(path)["订单看板"][4]}
    assert head["行数 / 到期行数"] == head["按时交付率"] == "right" and head["名称"] is None  # over their numbers


def test_a_company_label_counts_lines_typed_with_the_default(tmp_path: Path) -> None:
    labels = ["待确认", "已确认", "已派单", "生产中", "采购中", "已发货", "已完成", "已取消", "暂停"]
    settings = Settings(order_statuses=labels)
    rows = [make_order_row(order_id="SO1", status="已派单"), make_order_row(order_id="SO2", status="已下达")]
    path = order_workbook(tmp_path / "d.xlsx", rows)
    book = open_book(path)
    from neiqin.core.ledger import read_ledger

    got = {r[1]: r[2] for r in status_rows(read_ledger(book, "orders", settings), settings)}
    assert got["已派单"] == 2 and "已下达" not in got and got["合计（订单台账的行数）"] == 2


WRONG = [
    make_order_row(order_id="SO1", status="生产中"),  # fine
    make_order_row(order_id="SO2", status="完成", customer_po="PO-SO2"),  # not a status
    make_order_row(order_id="SO3", status="已确认", delivery_date=D(2025, 11, 20)),  # a year off: before the order
    make_order_row(order_id="SO4", status="已发货", delivery_date=D(2025, 11, 20)),  # wrong, but shipped: no message
]


def test_lines_with_errors_are_held_back_from_messages(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "m.xlsx", WRONG)
    summary = run_action(path, "progress_messages")
    ws = openpyxl.load_workbook(path)["进度通知"]
    text = "\n".join(str(r[3].value) for r in ws.iter_rows(min_row=5) if r[3].value)
    assert "SO1" in text
    assert "SO2" not in text and "完成，" not in text  # the invalid status is not told to anyone
    assert "SO3" not in text and "2025-11-20" not in text  # nor the wrong delivery date
    assert summary.outcome == "issues"
    rows = {r["order_id"]: r["_row"] for r in ledger_rows(path, "orders")}
    held = next(d for d in summary.details if "没有写进进度通知" in d)
    assert held.startswith("2 行有错误") and f"第 {rows['SO2']}、{rows['SO3']} 行" in held
    assert any("校验结果" in d for d in summary.details)  # the problems are marked and listed
    assert {i.row for i in summary.issues if i.severity == "error"} >= {rows["SO2"], rows["SO3"]}


def test_a_clean_ledger_gets_every_message(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "m.xlsx", WRONG[:1])
    summary = run_action(path, "progress_messages")
    assert summary.outcome == "ok" and not any("没有写进" in d for d in summary.details)


# --------------------------------------------------------------------------- template widths


@pytest.mark.parametrize("field", ["customer", "customer_po", "spec", "product_name"])
def test_order_columns_hold_what_the_demo_company_writes(field: str) -> None:
    """Excel cuts a text at the next filled cell: a column must be wider than what clerks type in it."""
    from neiqin.app.demo import generate

    longest = max(text_width(r[field]) for r in generate(2026)["lines"] if r[field])
    assert OrderRow.column(field).width >= longest + 2


def test_the_order_template_has_those_widths(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "t.xlsx", [make_order_row()])
    ws = openpyxl.load_workbook(path)["订单台账"]
    widths = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[4] if c.value}
    assert widths["客户订单号"] >= 17 and widths["规格型号"] >= 22 and widths["客户名称"] >= 28
