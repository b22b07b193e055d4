"""The order workflow (issue 3) end to end on real files: each ribbon action, headless."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
import neiqin
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.orders import MACHINE, OrderCode
from validators.orders.states import transition_problem

from .conftest import TODAY, ledger_rows, make_order_row, order_workbook

D = dt.datetime


def run(path: Path, action_id: str, today: dt.date = TODAY) -> macros.Summary:
    book = open_book(path)
    summary = macros.run(action_id, book, today=today)
    assert summary.outcome in ("ok", "issues"), summary.text()
    book.save()
    return summary


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
    assert not run(path, "validate_orders").issues  # records the statuses
    assert open_store().statuses()[("SO2", "MT-2200")] == ("已完成", None)
    wb = openpyxl.load_workbook(path)
    rows = {ws.cell(r, 1).value: r for ws in [wb["订单台账"]] for r in range(1, ws.max_row + 1)}
    wb["订单台账"].cell(rows["SO2611001"], 18).value = "已发货"  # skips 已确认 … 生产中
    wb["订单台账"].cell(rows["SO2"], 18).value = "已确认"  # back from 已完成
    wb.save(path)
    found = {(i.row, i.code) for i in run(path, "validate_orders").issues}
    assert found == {
        (rows["SO2611001"], OrderCode.ORD_STATUS_TRANSITION),
        (rows["SO2"], OrderCode.ORD_STATUS_TRANSITION),
    }
    # a refused status is not recorded: it is still refused on the next run
    assert open_store().statuses()[("SO2", "MT-2200")] == ("已完成", None)
    assert len(run(path, "validate_orders").issues) == 2


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
    issues = run(path, "validate_orders").issues
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
    issues = run(path, "validate_orders").issues
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
    summary = run(workflow, "confirm_orders", today=dt.date(2026, 11, 10))
    assert "确认了 1 行（1 张订单）" in summary.message and "1 行有错误" in summary.message
    lines = {r["order_id"]: r for r in ledger_rows(workflow, "orders")}
    assert lines["SO1"]["status"] == "已确认" and isinstance(lines["SO1"]["entered_at"], dt.datetime)
    assert lines["SO2"]["status"] == "待确认" and lines["SO2"]["entered_at"] is None
    assert lines["SO3"]["entered_at"] is None  # only newly confirmed lines get an entry time
    assert open_store().statuses()[("SO1", "MT-2200")][0] == "已确认"
    again = run(workflow, "confirm_orders", today=dt.date(2026, 11, 10))
    assert again.message.startswith("确认了 0 行")


def test_dispatch_orders_routes_by_supply_mode_and_is_idempotent(workflow: Path) -> None:
    summary = run(workflow, "dispatch_orders")
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
    run(workflow, "dispatch_orders")  # nothing new: nothing added twice
    assert len(ledger_rows(workflow, "production_tasks")) == 2 and len(ledger_rows(workflow, "purchase_tasks")) == 1


def test_update_progress_brings_back_feedback(workflow: Path) -> None:
    summary = run(workflow, "update_progress")
    line = next(r for r in ledger_rows(workflow, "orders") if r["order_id"] == "SO6")
    assert line["status"] == "生产中"
    assert line["expected_date"] == D(2026, 11, 28)
    assert line["problem"] == "缺料：定子缺货"
    assert "预计晚于交货日期 1 行" in summary.details[0]
    issues = run(workflow, "validate_orders").issues
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
    summary = run(path, "apply_changes")
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
    again = run(path, "apply_changes")
    assert again.message == "执行了 0 项变更，拒绝 0 项。"
    assert next(r for r in ledger_rows(path, "orders") if r["order_id"] == "SO4")["quantity"] == 12


def _orders_of(path: Path) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "_row"} for r in ledger_rows(path, "orders")]


# --------------------------------------------------------------------------- generated sheets


def test_overdue_alert(workflow: Path) -> None:
    run(workflow, "update_progress")
    summary = run(workflow, "overdue_alert", today=dt.date(2026, 11, 19))
    assert summary.message.startswith("已逾期 0 行，有风险 1 行")  # SO6: 缺料, expected after delivery
    ws = openpyxl.load_workbook(workflow)["逾期预警"]
    (risk,) = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert risk[:3] == ["有风险", "SO6", "MT-2200"] and "缺料：定子缺货" in risk[10]
    summary = run(workflow, "overdue_alert", today=dt.date(2026, 11, 24))  # rewritten, not appended
    assert summary.message.startswith("已逾期 6 行（最长 4 天），有风险 0 行")
    body = [[c.value for c in row] for row in openpyxl.load_workbook(workflow)["逾期预警"].iter_rows(min_row=5)]
    assert len(body) == 6 and {r[1] for r in body} == {"SO1", "SO2", "SO3", "SO4", "SO5", "SO6"}
    so6 = next(r for r in body if r[1] == "SO6")
    assert so6[8] == 4 and "已过交货日期 4 天" in so6[10] and "缺料" in so6[10]


def test_progress_messages_keep_costs_and_other_customers_out(workflow: Path) -> None:
    run(workflow, "update_progress")
    run(workflow, "progress_messages")
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
    summary = run(path, "order_dashboard")
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
    summary = run(finished, "archive_orders")
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
    assert run(finished, "archive_orders").message.startswith("没有需要归档的订单行")
    wb = openpyxl.load_workbook(finished)
    assert wb["订单台账"].tables["tbl_orders"].ref.endswith(str(max(r["_row"] for r in active.values())))


def test_tampering_with_an_archived_line_is_detected(finished: Path) -> None:
    from neiqin.app.cli import main

    run(finished, "archive_orders")
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
    run(finished, "archive_orders")  # the retry does not copy anything twice
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
    run(finished, "overdue_alert")
    summary = run(finished, "archive_orders")
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
