"""The order workflow (issue 3) end to end on real files: each ribbon action, headless."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.table import TableColumn

import macros
import neiqin
from neiqin.app.cli import main
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.orders import MACHINE, OrderCode
from validators.orders.states import transition_problem

from .conftest import (
    TODAY,
    ledger_rows,
    make_order_row,
    order_workbook,
    run_action,
    write_orders,
)

D = dt.datetime


def statuses(path: Path) -> dict[str, Any]:
    return {f"{r['order_id']}/{r['product_code']}": r["status"] for r in ledger_rows(path, "orders")}


# --------------------------------------------------------------------------- status machine


@pytest.mark.parametrize(
    ("old", "new", "before_pause", "problem"),
    [
        ("待确认", "已确认", None, None),
        ("已确认", "已下达", None, None),
        ("已下达", "生产中", None, None),
        ("已下达", "采购中", None, None),
        ("生产中", "已发货", None, None),
        ("已下达", "已发货", None, None),  # a short job ships before progress was reported
        ("已发货", "已完成", None, None),
        ("生产中", "采购中", None, None),  # production handed over to purchasing
        ("待确认", "已发货", None, "跳过了『已确认』、『已下达』、『生产中/采购中』"),
        ("已确认", "生产中", None, "跳过了『已下达』"),
        ("已完成", "已确认", None, "状态倒退"),
        ("已发货", "生产中", None, "状态倒退"),
        ("已下达", "已取消", None, None),
        ("已完成", "已取消", None, "已完成的订单行不能再取消"),
        ("已取消", "已确认", None, "已取消的订单行不能恢复，请新开一行"),
        ("生产中", "暂停", None, None),
        ("已完成", "暂停", None, "『已完成』的订单行不能暂停"),
        ("暂停", "生产中", "生产中", None),
        ("暂停", "已发货", "生产中", None),
        ("暂停", "已完成", "已下达", "跳过了『生产中/采购中』、『已发货』"),
        ("待确认", "完成", None, None),  # unknown status: the closed-list check reports it
    ],
)
def test_transitions(old: str, new: str, before_pause: str | None, problem: str | None) -> None:
    states = [MACHINE.state(old), MACHINE.state(new), MACHINE.state(before_pause)]
    if states[1] is None:  # not a state: the closed-list check reports it, the machine does not
        assert problem is None
        return
    assert transition_problem(*states) == problem


def test_transitions_are_checked_against_the_store(tmp_path: Path) -> None:
    path = order_workbook(
        tmp_path / "o.xlsx",
        [make_order_row(status="待确认"), make_order_row(order_id="SO2", status="已完成")],
    )
    assert not run_action(path, "validate_orders").issues  # records the statuses
    assert open_store().statuses()[("SO2", "MT-2200")] == ("已完成", None)
    wb = openpyxl.load_workbook(path)
    rows = {ws.cell(r, 1).value: r for ws in [wb["订单台账"]] for r in range(1, ws.max_row + 1)}
    wb["订单台账"].cell(rows["SO2611001"], 18).value = "已发货"  # skips 已确认 … 生产中
    wb["订单台账"].cell(rows["SO2"], 18).value = "已确认"  # back from 已完成
    wb.save(path)
    found = {(i.row, i.code) for i in run_action(path, "validate_orders").issues}
    assert found == {
        (rows["SO2611001"], OrderCode.ORD_STATUS_TRANSITION),
        (rows["SO2"], OrderCode.ORD_STATUS_TRANSITION),
    }
    # a refused status is not recorded: it is still refused on the next run
    assert open_store().statuses()[("SO2", "MT-2200")] == ("已完成", None)
    assert len(run_action(path, "validate_orders").issues) == 2


# --------------------------------------------------------------------------- against the archives


def test_customers_products_prices_and_purchase_orders(tmp_path: Path) -> None:
    rows = [
        make_order_row(customer="上海华东贸易公司"),  # near miss
        make_order_row(order_id="SO2", customer="北京无名公司"),  # unknown, nothing close
        make_order_row(order_id="SO3", product_code="MT-2201"),  # unknown product
        make_order_row(order_id="SO4", spec="YE3-100L2-4 3kW"),  # spec differs from the catalogue
        make_order_row(order_id="SO5", unit_price=2100, amount=21000),  # 13.5 % above list
        make_order_row(order_id="SO6", customer_po="PO-SO5"),  # PO of SO5 again
        make_order_row(order_id="SO7", product_code="mt 2200", spec="ye3-100l1-4 2.2KW"),  # same, written loosely
    ]
    path = order_workbook(tmp_path / "o.xlsx", rows)
    issues = run_action(path, "validate_orders").issues
    by_order = {}
    first = min(i.row for i in issues)
    for issue in issues:
        by_order.setdefault(issue.row - first, []).append(issue)
    assert [i.code for i in by_order[0]] == [OrderCode.ORD_UNKNOWN_CUSTOMER]
    assert "是否为『上海华东贸易有限公司』" in by_order[0][0].message
    assert [i.code for i in by_order[1]] == [OrderCode.ORD_UNKNOWN_CUSTOMER] and "是否为" not in by_order[1][0].message
    assert [i.code for i in by_order[2]] == [OrderCode.ORD_UNKNOWN_PRODUCT] and "MT-2200" in by_order[2][0].message
    assert [i.code for i in by_order[3]] == [OrderCode.ORD_SPEC_MISMATCH]
    assert [(i.code, i.severity) for i in by_order[4]] == [(OrderCode.ORD_PRICE_DEVIATION, "warning")]
    assert "高 13.5%（允许 10%）" in by_order[4][0].message
    assert [(i.code, i.severity) for i in by_order[5]] == [(OrderCode.ORD_DUPLICATE_PO, "warning")]
    assert 6 not in by_order


def test_missing_archive_sheets_are_reported_once_on_the_header(tmp_path: Path) -> None:
    from .conftest import write_orders

    path = write_orders(tmp_path / "o.xlsx", [make_order_row(), make_order_row(order_id="SO2")], companions=False)
    issues = run_action(path, "validate_orders").issues
    assert [(i.code, i.row, i.column) for i in issues] == [
        (OrderCode.ORD_NO_COMPANION, 3, "客户名称"),
        (OrderCode.ORD_NO_COMPANION, 3, "产品编码"),
    ]


# --------------------------------------------------------------------------- confirm / dispatch / progress


@pytest.fixture
def workflow(tmp_path: Path) -> Path:
    orders = [
        make_order_row(order_id="SO1", status=None),  # 待确认 (empty)
        make_order_row(order_id="SO2", status="待确认", customer=None),  # has an error: stays
        make_order_row(
            order_id="SO3", status="已确认", product_code="VF-0750", spec="FR-E820-0.75K", unit_price=1280, amount=12800
        ),
        make_order_row(order_id="SO4", status="已确认"),
        make_order_row(
            order_id="SO5",
            status="已确认",
            product_code="PT-OS80",
            spec="TC 40x62x8",
            unit_price=6.5,
            amount=65,
            unit_cost=3.1,
        ),  # no supply mode in the catalogue
        make_order_row(order_id="SO6", status="已下达", delivery_date=D(2026, 11, 20)),
        make_order_row(order_id="SO7", status="已发货", ship_date=D(2026, 11, 18)),
    ]
    tasks = [
        {
            "order_id": "SO6",
            "product_code": "MT-2200",
            "quantity": 10,
            "delivery_date": D(2026, 11, 20),
            "issued_on": D(2026, 11, 5),
            "progress": "进行中",
            "expected_date": D(2026, 11, 28),
            "problem_type": "缺料",
            "problem_note": "定子缺货",
        },
    ]
    return order_workbook(tmp_path / "w.xlsx", orders, production_tasks=tasks)


def test_confirm_orders(workflow: Path) -> None:
    summary = run_action(workflow, "confirm_orders", today=dt.date(2026, 11, 10))
    assert "确认了 1 行（1 张订单）" in summary.message and "1 行有错误" in summary.message
    lines = {r["order_id"]: r for r in ledger_rows(workflow, "orders")}
    assert lines["SO1"]["status"] == "已确认" and isinstance(lines["SO1"]["entered_at"], dt.datetime)
    assert lines["SO2"]["status"] == "待确认" and lines["SO2"]["entered_at"] is None
    assert lines["SO3"]["entered_at"] is None  # only newly confirmed lines get an entry time
    assert open_store().statuses()[("SO1", "MT-2200")][0] == "已确认"
    again = run_action(workflow, "confirm_orders", today=dt.date(2026, 11, 10))
    assert again.message.startswith("确认了 0 行")


def test_dispatch_orders_routes_by_supply_mode_and_is_idempotent(workflow: Path) -> None:
    summary = run_action(workflow, "dispatch_orders")
    assert summary.message == "下达了 2 行：生产 1 行，采购 1 行。"
    assert "PT-OS80：未填供应方式" in summary.details[0]
    production = ledger_rows(workflow, "production_tasks")
    purchase = ledger_rows(workflow, "purchase_tasks")
    assert [(r["order_id"], r["issued_on"]) for r in production] == [("SO6", D(2026, 11, 5)), ("SO4", D(2026, 11, 26))]
    assert [(r["order_id"], r["progress"]) for r in purchase] == [("SO3", "未开始")]
    st = statuses(workflow)
    assert (st["SO3/VF-0750"], st["SO4/MT-2200"], st["SO5/PT-OS80"]) == ("已下达", "已下达", "已确认")
    wb = openpyxl.load_workbook(workflow)
    table = wb["生产任务单"].tables["tbl_production_tasks"]
    assert table.ref.endswith(str(production[-1]["_row"]))
    run_action(workflow, "dispatch_orders")  # nothing new: nothing added twice
    assert len(ledger_rows(workflow, "production_tasks")) == 2 and len(ledger_rows(workflow, "purchase_tasks")) == 1


def test_update_progress_brings_back_feedback(workflow: Path) -> None:
    summary = run_action(workflow, "update_progress")
    line = next(r for r in ledger_rows(workflow, "orders") if r["order_id"] == "SO6")
    assert line["status"] == "生产中"
    assert line["expected_date"] == D(2026, 11, 28)
    assert line["problem"] == "缺料：定子缺货"
    assert "预计晚于交货日期 1 行" in summary.details[0]
    issues = run_action(workflow, "validate_orders").issues
    assert any(i.code == OrderCode.ORD_LATE_FORECAST and i.row == line["_row"] for i in issues)


# --------------------------------------------------------------------------- changes


def test_apply_changes(workflow: Path, tmp_path: Path) -> None:
    changes = [
        {
            "change_id": "BG1",
            "order_id": "SO4",
            "product_code": "MT-2200",
            "field": "数量",
            "new_value": "12",
            "review": "同意",
        },
        {"change_id": "BG2", "order_id": "SO6", "field": "交期", "new_value": "2026-12-05", "review": "同意"},
        {
            "change_id": "BG3",
            "order_id": "SO7",
            "product_code": "MT-2200",
            "field": "单价",
            "new_value": "1700",
            "review": "同意",
        },
        {
            "change_id": "BG4",
            "order_id": "SO4",
            "product_code": "MT-2200",
            "field": "单价",
            "new_value": "1800",
            "review": "待审核",
        },
        {
            "change_id": "BG5",
            "order_id": "SO4",
            "product_code": "MT-2200",
            "field": "颜色",
            "new_value": "红",
            "review": "同意",
        },
        {
            "change_id": "BG6",
            "order_id": "SO3",
            "product_code": "VF-0750",
            "field": "交货日期",
            "new_value": "下周",
            "review": "同意",
        },
        {
            "change_id": "BG7",
            "order_id": "SO9",
            "product_code": "MT-2200",
            "field": "数量",
            "new_value": "1",
            "review": "同意",
        },
    ]
    path = order_workbook(tmp_path / "c.xlsx", _orders_of(workflow), changes=changes)
    summary = run_action(path, "apply_changes")
    assert summary.message == "执行了 2 项变更，拒绝 4 项。"
    lines = {r["order_id"]: r for r in ledger_rows(path, "orders")}
    assert lines["SO4"]["quantity"] == 12 and lines["SO4"]["amount"] == 12 * 1850
    assert lines["SO6"]["delivery_date"] == D(2026, 12, 5)
    assert lines["SO7"]["unit_price"] == 1850  # shipped: refused
    records = {r["change_id"]: r for r in ledger_rows(path, "changes")}
    assert records["BG1"]["old_value"] == "10" and records["BG1"]["result"] == "已执行"
    assert records["BG1"]["notify"] == "生产" and isinstance(records["BG1"]["executed_at"], dt.datetime)
    assert records["BG2"]["notify"] == "生产、仓库" and records["BG2"]["old_value"] == "2026-11-20"
    assert records["BG3"]["result"].startswith("拒绝：订单行已发货或已完成")
    assert records["BG4"]["result"] is None and records["BG4"]["executed_at"] is None
    assert records["BG5"]["result"] == "拒绝：不认识的变更字段『颜色』，应填订单台账的列名"
    assert records["BG6"]["result"] == "拒绝：新值『下周』不是有效的交货日期"
    assert records["BG7"]["result"] == "拒绝：订单台账中没有这个订单行"
    again = run_action(path, "apply_changes")
    assert again.message == "执行了 0 项变更，拒绝 0 项。"
    assert next(r for r in ledger_rows(path, "orders") if r["order_id"] == "SO4")["quantity"] == 12


def _orders_of(path: Path) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "_row"} for r in ledger_rows(path, "orders")]


# --------------------------------------------------------------------------- generated sheets


def test_overdue_alert(workflow: Path) -> None:
    run_action(workflow, "update_progress")
    summary = run_action(workflow, "overdue_alert", today=dt.date(2026, 11, 19))
    assert summary.message.startswith("已逾期 0 行，有风险 1 行")  # SO6: 缺料, expected after delivery
    ws = openpyxl.load_workbook(workflow)["逾期预警"]
    (risk,) = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert risk[:3] == ["有风险", "SO6", "MT-2200"] and "缺料：定子缺货" in risk[10]
    summary = run_action(workflow, "overdue_alert", today=dt.date(2026, 11, 24))  # rewritten, not appended
    assert summary.message.startswith("已逾期 6 行（最长 4 天），有风险 0 行")
    body = [[c.value for c in row] for row in openpyxl.load_workbook(workflow)["逾期预警"].iter_rows(min_row=5)]
    assert len(body) == 6 and {r[1] for r in body} == {"SO1", "SO2", "SO3", "SO4", "SO5", "SO6"}
    so6 = next(r for r in body if r[1] == "SO6")
    assert so6[8] == 4 and "已过交货日期 4 天" in so6[10] and "缺料" in so6[10]


def test_progress_messages_keep_costs_and_other_customers_out(workflow: Path) -> None:
    run_action(workflow, "update_progress")
    run_action(workflow, "progress_messages")
    ws = openpyxl.load_workbook(workflow)["进度通知"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    reps = {r[1]: r[3] for r in rows if r[0] == "销售员"}
    customers = {r[1]: r[3] for r in rows if r[0] == "客户"}
    assert "王磊您好" in reps["王磊"] and "缺料：定子缺货" in reps["王磊"]
    message = customers["上海华东贸易有限公司"]
    assert "贵司 PO-SO6" in message and "订单 SO6" in message
    assert "1,330" not in message and "1330" not in message and "成本" not in message
    assert "苏州恒通" not in message and "定子缺货" not in message  # internal problems stay internal
    assert "SO7" not in message  # shipped lines are not open


def test_order_dashboard_on_time_rate(tmp_path: Path) -> None:
    rows = [
        make_order_row(order_id="A1", delivery_date=D(2026, 10, 10), ship_date=D(2026, 10, 9), status="已完成"),
        make_order_row(order_id="A2", delivery_date=D(2026, 10, 20), ship_date=D(2026, 10, 22), status="已完成"),
        make_order_row(order_id="A3", delivery_date=D(2026, 11, 5), status="生产中"),  # due, not shipped: late
        make_order_row(order_id="A4", delivery_date=D(2026, 11, 5), status="已取消"),  # not counted
        make_order_row(order_id="A5", delivery_date=D(2026, 12, 5), status="已确认"),  # not due yet
    ]
    path = order_workbook(tmp_path / "d.xlsx", rows)
    summary = run_action(path, "order_dashboard")
    assert summary.message.startswith("近 12 个月按时交付率 33.3%（目标 95%）；逾期未发货 1 行")
    ws = openpyxl.load_workbook(path)["订单看板"]
    table = {(r[0].value, r[1].value): [c.value for c in r[2:]] for r in ws.iter_rows(min_row=5)}
    assert table[("按月", "2026-10")][:3] == [2, 1, 0.5]
    assert table[("按月", "2026-11")][:4] == [1, 0, 0, 0.95]
    assert table[("按销售员", "王磊")][:3] == [3, 1, pytest.approx(1 / 3)]
    assert table[("状态", "已完成")][0] == 2 and table[("逾期", "过了交货日期仍未发货")][0] == 1


# --------------------------------------------------------------------------- archive


@pytest.fixture
def finished(tmp_path: Path) -> Path:
    rows = [
        make_order_row(
            order_id=f"SO{i}",
            status="已完成",
            order_date=D(2026, 8, 20),
            delivery_date=D(2026, 9, 5),
            ship_date=D(2026, 9, 1) + dt.timedelta(days=i),
        )
        for i in range(6)
    ]
    rows[2] = rows[2] | {"ship_date": D(2026, 11, 20)}  # too recent
    rows[3] = rows[3] | {"status": "已发货"}  # not finished
    rows[4] = rows[4] | {"amount": 1.0}  # has an error: kept until corrected
    return order_workbook(tmp_path / "a.xlsx", rows)


def test_archive_moves_lines_without_losing_or_doubling(finished: Path) -> None:
    before = {r["order_id"]: {k: v for k, v in r.items() if k != "_row"} for r in ledger_rows(finished, "orders")}
    summary = run_action(finished, "archive_orders")
    assert summary.message.startswith("归档了 3 行")
    assert "1 行有错误，改正前不归档" in summary.details[0]
    active = {r["order_id"]: r for r in ledger_rows(finished, "orders")}
    archived = {r["order_id"]: r for r in ledger_rows(finished, "archive")}
    assert set(active) == {"SO2", "SO3", "SO4"} and set(archived) == {"SO0", "SO1", "SO5"}
    assert set(active) | set(archived) == set(before) and not set(active) & set(archived)
    for order_id, line in archived.items():
        assert {k: line[k] for k in before[order_id]} == before[order_id]  # cell for cell
        assert len(line["digest"]) == 64 and isinstance(line["archived_at"], dt.datetime)
    kept = open_store().archived()
    assert sorted(r["order_id"] for r in kept) == ["SO0", "SO1", "SO5"]
    assert run_action(finished, "archive_orders").message.startswith("没有需要归档的订单行")
    wb = openpyxl.load_workbook(finished)
    assert wb["订单台账"].tables["tbl_orders"].ref.endswith(str(max(r["_row"] for r in active.values())))


def test_tampering_with_an_archived_line_is_detected(finished: Path) -> None:

    run_action(finished, "archive_orders")
    assert main(["validate", str(finished), "--ledger", "archive"]) == 0
    row = next(iter(ledger_rows(finished, "archive")))["_row"]
    wb = openpyxl.load_workbook(finished)
    wb["订单归档"].cell(row, 11).value = 999  # 数量
    wb.save(finished)
    assert main(["validate", str(finished), "--ledger", "archive"]) == 1


def test_archive_is_safe_to_retry_after_a_failure(finished: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from neiqin.core.store import Store

    def broken(self, *args, **kwargs):
        raise RuntimeError("database went away")

    book = open_book(finished)
    with monkeypatch.context() as patched:
        patched.setattr(Store, "archive_lines", broken)
        assert macros.run("archive_orders", book, today=TODAY).outcome == "error"
    book.save()  # even if the half-done workbook were saved …
    assert len(ledger_rows(finished, "orders")) == 6  # … no line left the ledger
    run_action(finished, "archive_orders")  # the retry does not copy anything twice
    assert sorted(r["order_id"] for r in ledger_rows(finished, "archive")) == ["SO0", "SO1", "SO5"]
    assert len(open_store().archived()) == 3


# --------------------------------------------------------------------------- engine calls


@pytest.mark.parametrize(
    "action_id",
    [
        "confirm_orders",
        "dispatch_orders",
        "update_progress",
        "apply_changes",
        "overdue_alert",
        "progress_messages",
        "order_dashboard",
        "archive_orders",
    ],
)
def test_engine_calls_do_not_grow_with_rows(tmp_path: Path, action_id: str) -> None:
    def calls(n: int) -> int:
        busy = [
            make_order_row(order_id="N1", status=None),
            make_order_row(order_id="N2", status="已确认"),
            make_order_row(order_id="N3", status="已下达", delivery_date=D(2026, 11, 20)),
            make_order_row(
                order_id="N4",
                status="已完成",
                order_date=D(2026, 9, 1),
                delivery_date=D(2026, 9, 20),
                ship_date=D(2026, 9, 18),
            ),
        ]
        quiet = [
            make_order_row(order_id=f"Q{i}", status="已发货", customer="苏州恒通机械有限公司", sales_rep="陈静")
            for i in range(n)
        ]
        tasks = [{"order_id": "N3", "product_code": "MT-2200", "progress": "进行中", "expected_date": D(2026, 11, 25)}]
        changes = [
            {"change_id": "BG1", "order_id": "N1", "product_code": "MT-2200", "field": "数量", "new_value": "3"}
            | {"review": "同意"}
        ]
        path = order_workbook(tmp_path / f"{action_id}{n}.xlsx", quiet + busy, production_tasks=tasks, changes=changes)
        book = open_book(path)
        with neiqin.count_calls() as counted:
            summary = macros.run(action_id, book, today=TODAY)
        assert summary.outcome in ("ok", "issues"), summary.text()
        assert action_id != "archive_orders" or summary.message.startswith("归档了 1 行"), summary.text()
        assert action_id != "apply_changes" or summary.message.startswith("执行了 1 项变更"), summary.text()
        return sum(counted.values())

    assert calls(20) == calls(400)


def test_after_archiving_references_follow_the_lines_that_stayed(finished: Path) -> None:
    """Issue 12: marks of rows that stay, stay (on their lines); 逾期预警 and held-row messages use the new rows."""
    run_action(finished, "overdue_alert")
    summary = run_action(finished, "archive_orders")
    active = ledger_rows(finished, "orders")
    so4 = next(r for r in active if r["order_id"] == "SO4")  # the line with an error, held back
    assert f"改正前不归档：第 {so4['_row']} 行" in summary.details[0]
    assert any("已按归档后的行重新生成" in d and "逾期预警" in d for d in summary.details)
    wb = openpyxl.load_workbook(finished)
    ws = wb["订单台账"]
    amount_col = next(c.column for row in ws.iter_rows(max_row=10) for c in row if c.value == "金额")
    note = ws.cell(so4["_row"], amount_col).comment
    assert note is not None and "ORD-003" in note.text  # the mark moved with its line
    results = wb["校验结果"]
    rows = [r[3].value for r in results.iter_rows(min_row=5) if r[5].value == "ORD-003"]
    assert rows == [so4["_row"]]
    alert = wb["逾期预警"]
    refs = {r[1].value: r[11].value for r in alert.iter_rows(min_row=5) if r[1].value}
    assert all(refs[r["order_id"]] == r["_row"] for r in active if r["order_id"] in refs)


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

    summary = run_action(path, "archive_orders")

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
    run_action(path, "apply_changes")
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
    assert run_action(path, "apply_changes").message == "执行了 1 项变更，拒绝 0 项。"
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    row = next(r for r in range(5, 9) if ws.cell(r, 1).value == "SO2")
    ws.cell(row, columns(ws)["数量"]).value = 12  # the clerk corrects the line by hand afterwards
    wb.save(path)
    assert (
        run_action(path, "apply_changes", today=TODAY + dt.timedelta(days=1)).message == "执行了 0 项变更，拒绝 0 项。"
    )
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
    assert run_action(path, "apply_changes").message == "执行了 2 项变更，拒绝 0 项。"
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
    run_action(path, "dispatch_orders")
    tasks = ledger_rows(path, "production_tasks")
    assert [(t["order_id"], t["quantity"], t["delivery_date"]) for t in tasks] == [
        ("SO1", 10, D(2026, 12, 1)),
        ("SO1", 5, D(2027, 1, 15)),
    ]
    assert [line["status"] for line in order_lines(path)] == ["已下达", "已下达"]
    run_action(path, "dispatch_orders")
    assert len(ledger_rows(path, "production_tasks")) == 2


def test_the_status_memory_keeps_split_lines_apart(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "s.xlsx", [SPLIT[0] | {"status": "已确认"}, SPLIT[1] | {"status": "已下达"}])
    for _ in range(2):
        assert not [i for i in run_action(path, "validate_orders").issues if i.code == OrderCode.ORD_STATUS_TRANSITION]
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws.cell(6, columns(ws)["状态"]).value = "已确认"  # the second line really goes back
    wb.save(path)
    found = [(i.row, i.code) for i in run_action(path, "validate_orders").issues if i.severity == "error"]
    assert found == [(6, OrderCode.ORD_STATUS_TRANSITION)]


# --------------------------------------------------------------------------- B10 long progress messages


def test_long_progress_messages_are_split_not_cut(tmp_path: Path) -> None:
    rows = [make_order_row(order_id=f"SO26{i:05d}", status="生产中", delivery_date=D(2026, 12, 20)) for i in range(450)]
    path = order_workbook(tmp_path / "m.xlsx", rows)
    run_action(path, "progress_messages")
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
    run_action(path, "validate_orders")  # remembers 已完成 and 生产中
    assert run_action(path, "archive_orders").message.startswith("归档了 1 行")
    assert not [i for i in run_action(path, "validate_orders").issues if i.code == OrderCode.ORD_STATUS_TRANSITION]
    assert open_store().statuses()[("SO1", "MT-2200")][0] == "生产中"
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws.cell(5, columns(ws)["状态"]).value = "已确认"  # the remaining line goes back: still caught
    wb.save(path)
    assert [i.row for i in run_action(path, "validate_orders").issues if i.code == OrderCode.ORD_STATUS_TRANSITION] == [
        5
    ]


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
    summary = run_action(path, "update_progress")
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
    run_action(path, "dispatch_orders")
    task = next(r for name in ("production_tasks", "purchase_tasks") for r in ledger_rows(path, name))
    assert task[task_field] != expected
    summary = run_action(path, "apply_changes")
    (record,) = change_records(path)
    assert record["执行结果"].startswith("已执行；已同步到") and "请通知部门按新值执行" in record["执行结果"]
    task = next(r for name in ("production_tasks", "purchase_tasks") for r in ledger_rows(path, name))
    assert task[task_field] == expected
    assert order_lines(path)[0][task_field] == expected
    assert any("任务单" in d for d in summary.details)
