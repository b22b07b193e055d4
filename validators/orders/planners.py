"""The order workflow as pure planners (regulation 三.1): each takes ledgers and returns a Plan.

接单 → 核对（校验订单）→ 录入（确认订单）→ 按产品的供应方式传给生产或采购（下达订单）→ 跟踪执行
（更新进度、逾期预警）→ 反馈给销售和客户（进度通知）→ 变更（执行变更）→ 归档（订单归档），
考核按时交付率（订单看板）. The macros in ``macros/orders.py`` read the ledgers, call these,
and write the plan; nothing here touches a workbook or the store.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from neiqin.base.errors import NeiQinError
from neiqin.base.text import header_key
from neiqin.core.config import Settings
from neiqin.core.issues import Issue
from neiqin.core.ledger import CellProblem, Ledger, convert_cell, display
from neiqin.core.plan import Append, Output, Plan

from .metrics import on_time
from .rules import line_keys
from .schema import OrderRow
from .states import CLOSED, MACHINE, OrderStatus

S = OrderStatus
TASK_LEDGERS = {"生产": "production_tasks", "采购": "purchase_tasks"}  # 供应方式 -> the task sheet
# What a change may set (订单变更记录「变更字段」), and what one change may set on every line of an
# order (产品编码 left empty: 整单改交期). The other fields are each line's own: a change must name
# its line, or 10 台 and 5 台 would both become 20.
CHANGEABLE = ("quantity", "unit_price", "delivery_date", "spec", "product_name", "customer_po", "unit", "note")
ORDER_WIDE = ("delivery_date", "customer_po")
# what production and purchasing work from: a change of these reaches the task sheets too
TASK_FIELDS = ("quantity", "delivery_date", "spec", "product_name")
# 执行结果 of a change that needs no more work (a change is executed once, even without 执行时间)
DONE_RESULTS = ("已执行", "拒绝")


# --------------------------------------------------------------------------- helpers


def need(ledger: Ledger, *fields: str) -> None:
    """Stop with one Chinese line when the ledger's sheet lacks a column the action needs."""
    missing = [ledger.model.column(f).header for f in fields if not ledger.has(f)]
    if missing:
        raise NeiQinError(f"『{ledger.sheet}』缺少列：{'、'.join(missing)}；请在表头行加上这些列")


def keys(ledger: Ledger) -> list[tuple[str, str]]:
    """Each line's identity (订单编号, 产品编码[#n]): two lines of one product in one order stay two lines."""
    f = ledger.frame
    return line_keys(f["order_id"], f["product_code"])


class Cells:
    """A ledger's cells by (field, position), each column turned into a list once.

    ``frame[name].iloc[pos]`` costs microseconds per cell, and the generated sheets read
    a dozen fields of every line; a field the sheet lacks reads as None.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._lists: dict[str, list[Any]] = {}

    def __call__(self, name: str, pos: int) -> Any:
        values = self._lists.get(name)
        if values is None:
            has = self.ledger.has(name)
            values = self._lists[name] = self.ledger.frame[name].tolist() if has else [None] * len(self.ledger)
        return values[pos]


def rows_after_deleting(rows: Iterable[int], deleted: Iterable[int]) -> list[int]:
    """Where ``rows`` are once ``deleted`` rows have left the sheet (every row below moves up)."""
    gone = sorted(set(deleted))
    import bisect

    return [r - bisect.bisect_left(gone, r) for r in rows if r not in set(gone)]


def line_ref(ledger: Ledger, pos: int) -> str:
    """A line as people and records refer to it — 订单编号/产品编码, never a row number that will move."""
    f = ledger.frame
    order_id = f["order_id"].iloc[pos] if ledger.has("order_id") else None
    code = f["product_code"].iloc[pos] if ledger.has("product_code") else None
    return "/".join(str(v) for v in (order_id, code) if v is not None) or f"第 {ledger.rows[pos]} 行"


def refs_text(ledger: Ledger, positions: list[int], limit: int = 8) -> str:
    """Lines by 订单编号/产品编码 (the n-th of a repeated pair numbered), for records that outlive row numbers."""
    refs = [line_ref(ledger, p) for p in positions]
    counts: dict[str, int] = {}
    named = []
    for ref in refs:
        counts[ref] = counts.get(ref, 0) + 1
        named.append(ref if refs.count(ref) == 1 else f"{ref} 第 {counts[ref]} 行")
    return "、".join(named[:limit]) + (" 等" if len(named) > limit else "")


def lines_text(rows: list[int], limit: int = 8) -> str:
    shown = "、".join(str(r) for r in rows[:limit])
    return f"第 {shown}{' 等' if len(rows) > limit else ''} 行"


def date_text(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return display(value)


def state_of(ledger: Ledger, settings: Settings) -> list[OrderStatus | None]:
    """Each line's state (None: no status, or one that is not a state — the closed-list check reports it)."""
    if not ledger.has("status"):
        return [None] * len(ledger)
    return MACHINE.states_of(ledger.frame["status"], settings)


def open_lines(ledger: Ledger, settings: Settings) -> list[bool]:
    return [s not in CLOSED for s in state_of(ledger, settings)]


def label(state: OrderStatus, settings: Settings) -> str:
    return MACHINE.label(state, settings)


# --------------------------------------------------------------------------- 确认 / 下达 / 进度


def plan_confirm(ledger: Ledger, issues: list[Issue], now: dt.datetime, settings: Settings) -> Plan:
    """待确认 lines without an error become 已确认, with the time they were entered (订单处理及时率)."""
    need(ledger, "order_id", "status")
    errors = {i.row for i in issues if i.severity == "error" and i.sheet == ledger.sheet}
    plan = Plan(rows=len(ledger))
    confirmed, orders, held = [], set(), []
    states = state_of(ledger, settings)
    typed = ledger.frame["status"].tolist()
    for pos, (row, order_id, status) in enumerate(zip(ledger.rows, ledger.frame["order_id"], states, strict=True)):
        if (typed[pos] is not None and status != S.PENDING) or order_id is None:
            continue
        if row in errors:
            held.append(row)
            continue
        confirmed.append(row)
        orders.add(order_id)
        plan.write(ledger.sheet, row, ledger.col("status"), label(S.CONFIRMED, settings))
        if ledger.has("entered_at") and ledger.raw["entered_at"][pos] is None:
            plan.write(ledger.sheet, row, ledger.col("entered_at"), now)
    plan.message = f"确认了 {len(confirmed):,} 行（{len(orders)} 张订单），录入时间已记下。"
    if held:
        plan.message += f"{len(held)} 行有错误，保持『{label(S.PENDING, settings)}』：{lines_text(held)}。"
    return plan


def catalogue(products: Ledger | None) -> dict[str, dict[str, Any]]:
    """产品目录 by 产品编码: supply mode, name, spec (empty without a catalogue)."""
    if products is None or not products.has("product_code"):
        return {}
    cell = Cells(products)
    return {
        str(code): {name: cell(name, pos) for name in ("supply", "product_name", "spec")}
        for pos, code in enumerate(products.frame["product_code"])
        if code is not None
    }


def plan_dispatch(
    ledger: Ledger, products: Ledger | None, tasks: dict[str, Ledger], today: dt.date, settings: Settings
) -> Plan:
    """已确认 lines go to 生产任务单 or 采购任务单 by the product's 供应方式, once; they become 已下达."""
    need(ledger, "order_id", "product_code", "status")
    if products is None or not products.has("product_code"):
        raise NeiQinError("工作簿中没有『产品目录』：下达订单要按产品的供应方式（生产/采购）分派，请先建立『产品目录』")
    items = catalogue(products)
    for task in tasks.values():  # without them a line would be dispatched again each time
        need(task, "order_id", "product_code")
    present = {mode: set(keys(task)) for mode, task in tasks.items()}
    copied = ("product_name", "spec", "quantity", "delivery_date")
    new_lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    plan = Plan(rows=len(ledger))
    skipped: list[str] = []
    states = state_of(ledger, settings)
    f = ledger.frame
    written = 0
    for pos, (row, key, order_id, code, status) in enumerate(
        zip(ledger.rows, keys(ledger), f["order_id"], f["product_code"], states, strict=True)
    ):
        if status != S.CONFIRMED:
            continue
        mode = (items.get(str(code)) or {}).get("supply")
        if mode not in TASK_LEDGERS:
            why = "产品目录中没有" if str(code) not in items else "未填供应方式"
            skipped.append(f"第 {row} 行（{code}：{why}）")
            continue
        if key not in present[mode]:
            present[mode].add(key)
            new_lines[mode].append(
                {
                    "order_id": order_id,
                    "product_code": code,
                    **{name: ledger.raw[name][pos] if ledger.has(name) else None for name in copied},
                    "issued_on": dt.datetime.combine(today, dt.time()),
                    "progress": "未开始",
                }
            )
        plan.write(ledger.sheet, row, ledger.col("status"), label(S.DISPATCHED, settings))
        written += 1
    for mode, name in TASK_LEDGERS.items():
        plan.appends.append(Append(name, new_lines[mode], after=ledger.sheet))
    counts = "，".join(f"{mode} {len(new_lines[mode])} 行" for mode in TASK_LEDGERS)
    plan.message = f"下达了 {written} 行：{counts}。"
    if skipped:
        plan.details.append(
            f"『{ledger.sheet}』有 {len(skipped)} 行没有下达：请在『产品目录』补上这些产品或它们的「供应方式」，"
            "再点『下达订单』。" + "；".join(skipped[:8]) + ("……" if len(skipped) > 8 else "")
        )
    return plan


def task_feedback(tasks: dict[str, Ledger | None]) -> dict[tuple[str, str], dict[str, Any]]:
    """What the departments wrote in the task sheets, by order line."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for mode, task in tasks.items():
        if task is None or not (task.has("order_id") and task.has("product_code")):
            continue
        cell = Cells(task)
        for pos, key in enumerate(keys(task)):
            found[key] = {
                "mode": mode,
                "progress": cell("progress", pos),
                "expected": cell("expected_date", pos),
                "problem_type": cell("problem_type", pos),
                "problem_note": cell("problem_note", pos),
            }
    return found


def plan_progress(ledger: Ledger, tasks: dict[str, Ledger | None], settings: Settings) -> Plan:
    """Bring back 进度, 预计完成日期 and problems from the task sheets; started lines become 生产中 / 采购中."""
    need(ledger, "order_id", "product_code", "status")
    feedback = task_feedback(tasks)
    cell = Cells(ledger)
    plan = Plan(rows=len(ledger))
    started, late, problems = [], [], []
    states = state_of(ledger, settings)
    for pos, (row, key) in enumerate(zip(ledger.rows, keys(ledger), strict=True)):
        info = feedback.get(key)
        if info is None:
            continue
        status = states[pos]
        if status == S.DISPATCHED and info["progress"] in ("进行中", "已完成"):
            state = S.IN_PRODUCTION if info["mode"] == "生产" else S.IN_PURCHASE
            plan.write(ledger.sheet, row, ledger.col("status"), label(state, settings))
            started.append(row)
        expected = info["expected"]
        if ledger.has("expected_date") and pd.notna(expected):
            if cell("expected_date", pos) != expected:
                plan.write(ledger.sheet, row, ledger.col("expected_date"), expected.to_pydatetime())
            delivery = cell("delivery_date", pos)
            if pd.notna(delivery) and expected > delivery and status not in CLOSED:
                late.append(
                    f"{cell('order_id', pos)}/{cell('product_code', pos)}"
                    f"（第 {row} 行，预计 {date_text(expected)}，交货 {date_text(delivery)}）"
                )
        if ledger.has("problem"):
            text = None
            if info["problem_type"]:
                text = info["problem_type"] + (f"：{info['problem_note']}" if info["problem_note"] else "")
            if text != cell("problem", pos):
                plan.write(ledger.sheet, row, ledger.col("problem"), text)
            if text:
                problems.append(row)
    if late:
        plan.details.append(
            f"预计晚于交货日期 {len(late)} 行（『{ledger.sheet}』）："
            + "；".join(late[:6])
            + ("……" if len(late) > 6 else "")
            + "。请与生产/采购确认，必要时通知客户。"
        )
    plan.message = f"从任务单带回了 {len(feedback)} 行的进度；{len(started)} 行开工，{len(problems)} 行有问题。"
    return plan


# --------------------------------------------------------------------------- 变更


def old_values(ledger: Ledger, field_name: str, targets: list[int]) -> str:
    """原值 of a change: one value, or each line's own when the lines differ (so it can be undone).

    Lines are named by 订单编号/产品编码 (and their occurrence), not by row: rows move when lines are
    archived, the record must still say which line had which value.
    """
    shown = [display(ledger.raw[field_name][p]) for p in targets]
    if len(set(shown)) <= 1:
        return shown[0] if shown else ""
    refs = [line_ref(ledger, p) for p in targets]
    seen: dict[str, int] = {}
    named = []
    for ref in refs:
        seen[ref] = seen.get(ref, 0) + 1
        named.append(ref if refs.count(ref) == 1 else f"{ref}（第 {seen[ref]} 行）")
    return "；".join(f"{ref}：{v or '（空）'}" for ref, v in zip(named, shown, strict=True))


def notify(field_name: str, mode: str | None) -> str:
    """Who must hear of a change of ``field_name`` (应通知部门)."""
    dept = mode or "生产/采购"
    return {
        "quantity": dept,
        "spec": dept,
        "product_name": dept,
        "unit": dept,
        "delivery_date": f"{dept}、仓库",
        "unit_price": "财务",
    }.get(field_name, "销售")


@dataclass
class ChangePlan:
    """执行变更: the cells to write in 订单台账, 订单变更记录 and the task sheets, and what happened."""

    plan: Plan
    changed_rows: set[int] = field(default_factory=set)  # 订单台账 rows changed (re-checked after)
    executed: dict[int, list[int]] = field(default_factory=dict)  # 变更记录 row -> its order's 订单台账 rows
    task_notes: dict[int, str] = field(default_factory=dict)  # 变更记录 row -> what changed on the task sheets
    refused: list[str] = field(default_factory=list)


def plan_changes(
    changes: Ledger,
    ledger: Ledger,
    products: Ledger | None,
    tasks: dict[str, Ledger | None],
    archived: set[tuple[str, str]],
    formula_rows: set[int],
    now: dt.datetime,
    settings: Settings,
) -> ChangePlan:
    """Approved, not yet executed changes of 订单变更记录 written into 订单台账 (and the task sheets).

    The old value stays in the record; shipped, finished or archived lines refuse the change with
    the reason; a change of 数量, 交货日期, 规格 or 产品名称 also reaches the line's task sheet, so
    production and purchasing work from the new figures.
    """
    # Long because each approved change walks the same steps (find its lines, refuse with a reason,
    # write the value, keep the old one, reach the task sheets); the refusals live in _refusal.
    if not changes.has("result"):
        raise NeiQinError(
            "『订单变更记录』缺少「执行结果」列：执行变更在这一列（和「执行时间」列）记下每项变更已执行或为什么拒绝，"
            "没有它同一项变更每次都会重新执行；请在表头行加上「执行时间」和「执行结果」两列"
        )
    need(changes, "change_id", "order_id", "field", "new_value")
    need(ledger, "order_id", "product_code")
    items = catalogue(products)
    archived_orders = {order_id for order_id, _code in archived}
    lookup: dict[str, str] = {}
    for spec in OrderRow.columns():
        for name in (spec.header, *spec.synonyms, spec.field):
            lookup.setdefault(header_key(name), spec.field)
    cell, rec = Cells(ledger), Cells(changes)
    out = ChangePlan(Plan(rows=len(changes)))
    plan = out.plan
    by_order: dict[Any, list[int]] = defaultdict(list)
    for p, order_id in enumerate(ledger.frame["order_id"]):
        by_order[order_id].append(p)
    line_key = keys(ledger)
    task_rows = _task_rows(tasks)
    states = state_of(ledger, settings)
    done = 0

    def record(crow: int, name: str, value: Any) -> None:
        if changes.has(name):
            plan.write(changes.sheet, crow, changes.col(name), value)

    for pos, crow in enumerate(changes.rows):
        if rec("review", pos) != "同意":
            continue
        if changes.has("executed_at") and changes.raw["executed_at"][pos] is not None:
            continue
        if str(rec("result", pos) or "").strip().startswith(DONE_RESULTS):
            continue
        order_id = rec("order_id", pos)
        code = rec("product_code", pos)
        field_name = lookup.get(header_key(rec("field", pos) or ""))
        new_raw = changes.raw["new_value"][pos]
        targets = [
            p
            for p in by_order.get(order_id, ())
            if order_id is not None and (code is None or cell("product_code", p) == code)
        ]
        reason = _refusal(
            ledger, field_name, rec("field", pos), order_id, code, targets, states, archived, archived_orders, settings
        )
        value = None
        if reason is None:
            assert field_name is not None
            try:
                value = convert_cell(new_raw, OrderRow.column(field_name).kind)
            except CellProblem:
                reason = f"新值『{display(new_raw)}』不是有效的{OrderRow.column(field_name).header}"
        if reason is not None:
            out.refused.append(f"{rec('change_id', pos)}：{reason}")
            record(crow, "result", f"拒绝：{reason}")
            record(crow, "executed_at", now)
            continue
        assert field_name is not None
        first = targets[0]
        if changes.has("old_value") and changes.raw["old_value"][pos] is None:
            record(crow, "old_value", old_values(ledger, field_name, targets))
        for p in targets:
            row = ledger.rows[p]
            plan.write(ledger.sheet, row, ledger.col(field_name), value)
            out.changed_rows.add(row)
            if field_name in ("quantity", "unit_price") and ledger.has("amount") and row not in formula_rows:
                qty = value if field_name == "quantity" else cell("quantity", p)
                price = value if field_name == "unit_price" else cell("unit_price", p)
                if qty == qty and price == price and qty is not None and price is not None:
                    plan.write(ledger.sheet, row, ledger.col("amount"), round(float(qty) * float(price), 2))
        if field_name in TASK_FIELDS:
            synced = [
                (task.sheet, trow)
                for p in targets
                for task, trow in task_rows.get(line_key[p], ())
                if task.has(field_name)
            ]
            for task_sheet, trow in synced:
                task = next(t for t in tasks.values() if t is not None and t.sheet == task_sheet)
                plan.write(task_sheet, trow, task.col(field_name), value)
            if synced:
                sheets = "、".join(dict.fromkeys(f"『{s}』第 {r} 行" for s, r in synced))
                out.task_notes[crow] = f"已同步到{sheets}，请通知部门按新值执行"
        mode = (items.get(str(cell("product_code", first))) or {}).get("supply")
        record(crow, "notify", notify(field_name, mode))
        record(crow, "executed_at", now)
        record(crow, "result", "已执行" + (f"；{out.task_notes[crow]}" if crow in out.task_notes else ""))
        out.executed[crow] = [ledger.rows[p] for p in by_order.get(order_id, ())]
        done += 1
    plan.message = f"执行了 {done} 项变更，拒绝 {len(out.refused)} 项。"
    if out.task_notes:
        plan.details.append(f"{len(out.task_notes)} 项变更已同步到生产/采购任务单，请通知相关部门按新值执行。")
    if out.refused:
        plan.details.append("拒绝：" + "；".join(out.refused[:6]))
    return out


def _task_rows(tasks: dict[str, Ledger | None]) -> dict[tuple[str, str], list[tuple[Ledger, int]]]:
    found: dict[tuple[str, str], list[tuple[Ledger, int]]] = defaultdict(list)
    for task in tasks.values():
        if task is None or not (task.has("order_id") and task.has("product_code")):
            continue
        for key, row in zip(keys(task), task.rows, strict=True):
            found[key].append((task, row))
    return found


def _refusal(
    ledger: Ledger,
    field_name: str | None,
    typed: Any,
    order_id: Any,
    code: Any,
    targets: list[int],
    states: list[OrderStatus | None],
    archived: set[tuple[str, str]],
    archived_orders: set[str],
    settings: Settings,
) -> str | None:
    """Why a change cannot be executed (Chinese), or None."""
    if field_name is None:
        return f"不认识的变更字段『{typed}』，应填订单台账的列名"
    header = OrderRow.column(field_name).header
    if field_name not in CHANGEABLE:
        return f"「{header}」不能通过变更修改"
    if not targets:
        key_archived = order_id is not None and (
            str(order_id) in archived_orders if code is None else (str(order_id), str(code)) in archived
        )
        return "该订单行已归档，不能变更" if key_archived else "订单台账中没有这个订单行"
    if not ledger.has(field_name):
        return f"订单台账没有「{header}」列"
    shipped = [p for p in targets if states[p] in (S.SHIPPED, S.DONE)]
    if shipped:
        return f"订单行已发货或已完成（{refs_text(ledger, shipped)}），不能变更"
    if len(targets) > 1 and field_name not in ORDER_WIDE:
        where = refs_text(ledger, targets)
        if code is None:
            return (
                f"订单 {order_id} 有 {len(targets)} 行（{where}），「{header}」是每行各自的；"
                "请在「产品编码」填写要变更的产品后重新提交"
            )
        return (
            f"订单 {order_id} 中产品 {code} 有 {len(targets)} 行（{where}），无法确定变更哪一行；"
            "请在订单台账中直接修改那一行，并在本记录注明"
        )
    return None


def recheck_results(changes: ChangePlan, issues: list[Issue], result_col: int, sheet: str) -> None:
    """After the changes are written: an executed change whose lines now have an error says so."""
    for crow, rows in changes.executed.items():
        found = [i for i in issues if i.row in set(rows) and i.severity == "error"]
        if found:
            text = "已执行；变更后校验发现：" + "；".join(i.message for i in found[:2])
            if crow in changes.task_notes:
                text += f"；{changes.task_notes[crow]}"
            changes.plan.write(sheet, crow, result_col, text)


# --------------------------------------------------------------------------- 预警 / 通知 / 看板


def late_and_risky(ledger: Ledger, today: dt.date, settings: Settings) -> list[dict[str, Any]]:
    """Open lines past their 交货日期 (已逾期) or likely to miss it (有风险), the longest overdue first."""
    cell = Cells(ledger)
    today_ts = pd.Timestamp(today)
    out = []
    for pos, (row, open_) in enumerate(zip(ledger.rows, open_lines(ledger, settings), strict=True)):
        if not open_:
            continue
        delivery = cell("delivery_date", pos)
        expected = cell("expected_date", pos)
        problem = cell("problem", pos)
        days = (today_ts - delivery.normalize()).days if pd.notna(delivery) else None
        reasons = []
        kind = None
        if days is not None and days > 0:
            kind = "已逾期"
            reasons.append(f"已过交货日期 {days} 天")
        if pd.notna(expected) and pd.notna(delivery) and expected > delivery:
            kind = kind or "有风险"
            reasons.append(f"预计 {date_text(expected)} 完成，晚于交货日期")
        if problem and str(problem).startswith(("缺料", "延期", "质量")):
            kind = kind or "有风险"
            reasons.append(str(problem))
        if kind:
            out.append(
                {
                    "row": row,
                    "pos": pos,
                    "kind": kind,
                    "days": days if days and days > 0 else 0,
                    "reason": "；".join(reasons),
                }
            )
    out.sort(key=lambda x: (x["kind"] != "已逾期", -x["days"], x["row"]))
    return out


def plan_overdue(ledger: Ledger, today: dt.date, settings: Settings) -> Plan:
    """『逾期预警』: overdue and at-risk lines with days, reasons, sales rep and customer."""
    need(ledger, "order_id", "delivery_date")
    found = late_and_risky(ledger, today, settings)
    cell = Cells(ledger)
    rows = [
        [
            item["kind"],
            *(
                cell(name, item["pos"])
                for name in ("order_id", "product_code", "product_name", "customer", "sales_rep")
            ),
            date_text(cell("delivery_date", item["pos"])),
            date_text(cell("expected_date", item["pos"])),
            item["days"] or None,
            cell("status", item["pos"]),
            item["reason"],
            item["row"],
        ]
        for item in found
    ]
    late = [x for x in found if x["kind"] == "已逾期"]
    note = (
        f"{today:%Y-%m-%d} 统计：已逾期 {len(late)} 行，有风险 {len(found) - len(late)} 行。"
        "『台账行』是订单台账中的行号。"
    )
    header = ["类型", "订单编号", "产品编码", "产品名称", "客户名称", "销售员", "交货日期", "预计完成", "逾期天数"]
    header += ["状态", "原因", "台账行"]
    widths: list[float] = [8, 14, 12, 16, 26, 8, 11, 11, 8, 8, 36, 7]
    plan = Plan(rows=len(ledger))
    plan.outputs.append(Output("逾期预警", "逾期预警", note, header, rows, widths=widths, wrap=[11]))
    longest = max((x["days"] for x in late), default=0)
    plan.message = (
        f"已逾期 {len(late)} 行"
        + (f"（最长 {longest} 天）" if late else "")
        + f"，有风险 {len(found) - len(late)} 行；见『逾期预警』。"
    )
    return plan


def _line_text(cell: Cells, pos: int, for_customer: bool, settings: Settings) -> str:
    order_id = cell("order_id", pos)
    name = cell("product_name", pos) or cell("product_code", pos)
    spec = cell("spec", pos)
    qty = cell("quantity", pos)
    unit = cell("unit", pos) or ""
    status = cell("status", pos) or label(S.PENDING, settings)
    expected = date_text(cell("expected_date", pos))
    delivery = date_text(cell("delivery_date", pos))
    head = f"订单 {order_id}"
    if for_customer and cell("customer_po", pos):
        head += f"（贵司 {cell('customer_po', pos)}）"
    elif not for_customer:
        head += f" {cell('customer', pos)}"
    quantity = f"×{display(qty)}{unit}" if qty == qty and qty is not None else ""
    text = f"· {head} {name}{' ' + spec if spec else ''}{quantity}：{status}，交货日期 {delivery}"
    if expected and expected != delivery:
        text += f"，预计 {expected} 完成"
    problem = cell("problem", pos)
    if problem:
        text += f"（{problem}）" if not for_customer else "（我们正在协调，有变化会及时告知）"
    return text


CELL_TEXT_LIMIT = 32_000  # an Excel cell holds 32,767 characters; the rest would be cut off silently


def message_parts(head: str, lines: list[str], tail: str, limit: int = CELL_TEXT_LIMIT) -> list[str]:
    """A message as one text, or — too long for one cell — parts cut at line ends, marked （1/3）…"""
    text = head + "\n".join(lines) + tail
    if len(text) <= limit:
        return [text]
    budget = limit - 20  # room for the （2/3） mark
    parts: list[list[str]] = [[head.rstrip("\n")]]
    size = len(parts[0][0])
    for line in [*lines, tail.lstrip("\n")]:
        if size + 1 + len(line) > budget and parts[-1]:
            parts.append([])
            size = 0
        parts[-1].append(line[:budget])
        size += len(line) + 1
    n = len(parts)
    return [f"（{i}/{n}）" + "\n".join(part) for i, part in enumerate(parts, 1)]


def plan_messages(ledger: Ledger, today: dt.date, settings: Settings, issues: Iterable[Issue] = ()) -> Plan:
    """『进度通知』: one message per sales rep and per customer about their open lines.

    A line with an error (``issues``: the order checks, run first) is held back: a message must not
    pass wrong data on to a rep or a customer (a status 完成 that is no status, a delivery date a year
    off). The held lines are listed in the summary, to be corrected first.
    """
    need(ledger, "order_id", "customer")
    states = state_of(ledger, settings)
    cell = Cells(ledger)
    wrong = {i.row for i in issues if i.severity == "error" and i.sheet == ledger.sheet}
    by_rep: dict[str, list[int]] = defaultdict(list)
    by_customer: dict[str, list[int]] = defaultdict(list)
    held: list[int] = []
    for pos, state in enumerate(states):
        if ledger.rows[pos] in wrong:
            if state not in CLOSED:
                held.append(ledger.rows[pos])
            continue
        if state in CLOSED:
            continue
        by_rep[cell("sales_rep", pos) or "（未填销售员）"].append(pos)
        customer = cell("customer", pos)
        if customer:
            by_customer[customer].append(pos)
    late = {item["pos"] for item in late_and_risky(ledger, today, settings) if item["kind"] == "已逾期"}
    rows = []
    stamp = f"{today:%m-%d}"
    for rep, positions in sorted(by_rep.items()):
        orders = len({cell("order_id", p) for p in positions})
        lines = [_line_text(cell, p, False, settings) for p in positions]
        overdue = sum(p in late for p in positions)
        head = f"{rep}您好：您负责的未完成订单 {orders} 张（{len(positions)} 行），截至 {stamp}：\n"
        tail = (f"\n其中 {overdue} 行已逾期，请尽快跟进。" if overdue else "") + "\n——销售内勤"
        for text in message_parts(head, lines, tail):
            rows.append(["销售员", rep, len(positions), text])
    for customer, positions in sorted(by_customer.items()):
        lines = [_line_text(cell, p, True, settings) for p in positions]
        reps = sorted({cell("sales_rep", p) for p in positions if cell("sales_rep", p)})
        contact = f"如有疑问请联系销售 {'、'.join(reps)}。" if reps else ""
        head = f"{customer}：您好！截至 {stamp}，贵司订单的进展如下：\n"
        for text in message_parts(head, lines, f"\n{contact}谢谢！"):
            rows.append(["客户", customer, len(positions), text])
    note = (
        f"{today:%Y-%m-%d} 生成：销售员 {len(by_rep)} 位、客户 {len(by_customer)} 家。"
        "复制『消息』一格即可发送（太长的消息分成几段，标有（1/2）…，依次发送）；给客户的消息不含成本和其他客户。"
    )
    plan = Plan(rows=len(ledger))
    plan.outputs.append(
        Output(
            "进度通知",
            "进度通知",
            note,
            ["对象", "名称", "未完成行数", "消息"],
            rows,
            widths=[8, 26, 10, 100],
            wrap=[4],
        )
    )
    plan.message = f"生成了 {len(by_rep)} 位销售员、{len(by_customer)} 家客户的进度消息；见『进度通知』。"
    if held:
        plan.details.append(
            f"{len(held)} 行有错误，没有写进进度通知（以免把错误的状态、日期告诉销售员和客户）："
            f"『{ledger.sheet}』{lines_text(held)}；请改正（见『校验结果』）后再点『进度通知』。"
        )
        plan.outcome = "issues"
    return plan


def _rate_row(group: str, name: str, due: int, kept: int, target: float) -> list[Any]:
    rate = kept / due if due else None
    ok = None if rate is None else ("✓" if rate * 100 >= target - 1e-9 else "✗")
    return [group, name, due, kept, rate, target / 100, ok]


NOT_A_STATUS = "（不是有效状态，请改正）"


def status_rows(ledger: Ledger, settings: Settings) -> list[list[Any]]:
    """『订单看板』's lines per status: every state (an empty 状态 is 待确认), then each text that is not a
    state under that text (marked as such), then the total — the ledger's line count, so nothing is lost."""
    counts: dict[Any, int] = defaultdict(int)
    other: dict[str, int] = defaultdict(int)
    typed = ledger.frame["status"].tolist()
    for state, text in zip(state_of(ledger, settings), typed, strict=True):
        if state is not None:
            counts[state] += 1
        elif text is None or (isinstance(text, float) and text != text) or not str(text).strip():
            counts[S.PENDING] += 1
        else:
            other[str(text).strip()] += 1
    blank = [None] * 4
    labels = MACHINE.label_map(settings)
    rows: list[list[Any]] = [["状态", name, counts[state], *blank] for state, name in labels.items()]
    rows += [["状态", f"{text}{NOT_A_STATUS}", n, *blank] for text, n in sorted(other.items())]
    rows.append(["状态", "合计（订单台账的行数）", len(ledger), *blank])
    return rows


def plan_dashboard(ledger: Ledger, archive: Ledger | None, today: dt.date, settings: Settings) -> Plan:
    """『订单看板』: lines per status, overdue lines, 按时交付率 by month, sales rep and region against the target."""
    need(ledger, "delivery_date", "status")
    f = ledger.frame.copy()
    if archive is not None and len(archive):
        # archived lines were delivered in the period too: the rate counts them
        f = pd.concat([f, archive.frame[[c for c in f.columns if c in archive.frame]]], ignore_index=True)
    if "ship_date" not in f:
        f["ship_date"] = pd.NaT
    target = settings.on_time_target_pct
    overdue = sum(1 for x in late_and_risky(ledger, today, settings) if x["kind"] == "已逾期")
    rows = status_rows(ledger, settings)
    rows.append(["逾期", "过了交货日期仍未发货", overdue, None, None, None, None])
    if "status" in f:
        cancelled = pd.Series([s == S.CANCELLED for s in MACHINE.states_of(f["status"], settings)], index=f.index)
    else:
        cancelled = pd.Series(False, index=f.index)

    def rate(mask: Any) -> tuple[int, int]:
        result = on_time(f["delivery_date"][mask], f["ship_date"][mask], cancelled[mask], today)
        return result.due, result.on_time

    start = (pd.Timestamp(today) - pd.DateOffset(months=11)).to_period("M")
    month = f["delivery_date"].dt.to_period("M")
    for period in pd.period_range(start, pd.Timestamp(today).to_period("M"), freq="M"):
        rows.append(_rate_row("按月", str(period), *rate(month == period), target))
    recent = month >= start
    for group_label, field_name in (("按销售员", "sales_rep"), ("按区域", "region")):
        if field_name not in f:
            continue
        names = f[field_name].fillna("（未填）")
        for name in sorted(names[recent].unique(), key=str):
            rows.append(_rate_row(group_label, name, *rate(recent & (names == name)), target))
    due, kept = rate(recent)
    rows.append(_rate_row("合计", "近 12 个月", due, kept, target))
    note = (
        f"{today:%Y-%m-%d} 统计。按时交付率 = 在交货日期当天或之前发货的行 ÷ 交货日期已到的行（不含已取消）；"
        f"目标 {target:g}%（见『设置』），含已归档的行。状态一栏是订单台账中的行数（不是有效状态的按原文单列）。"
    )
    plan = Plan(rows=len(ledger))
    plan.outputs.append(
        Output(
            "订单看板",
            "订单看板",
            note,
            ["分组", "名称", "行数 / 到期行数", "按时行数", "按时交付率", "目标", "达标"],
            rows,
            widths=[10, 28, 14, 10, 12, 8, 6],
            formats={5: "0.0%", 6: "0%"},
        )
    )
    value = kept / due if due else None
    plan.message = (
        f"近 12 个月按时交付率 {value:.1%}（目标 {target:g}%）" if value is not None else "近 12 个月还没有到期的订单行"
    )
    plan.message += f"；逾期未发货 {overdue} 行；见『订单看板』。"
    return plan


# --------------------------------------------------------------------------- 归档


def archive_candidates(
    ledger: Ledger, issues: list[Issue], today: dt.date, settings: Settings
) -> tuple[list[int], list[int]]:
    """Positions of 已完成 lines shipped more than 归档天数 ago without an error; and rows held for errors."""
    need(ledger, "order_id", "product_code", "status")
    f = ledger.frame
    cutoff = pd.Timestamp(today - dt.timedelta(days=settings.archive_days))
    done_on = f["ship_date"] if ledger.has("ship_date") else pd.Series(pd.NaT, index=f.index)
    if ledger.has("delivery_date"):
        done_on = done_on.fillna(f["delivery_date"])
    finished = np.array([s == S.DONE for s in state_of(ledger, settings)], dtype=bool)
    old_enough = np.flatnonzero(finished & (done_on.notna() & (done_on <= cutoff)).to_numpy()).tolist()
    # a line with an error stays until it is corrected: the archive keeps lines as they were
    errors = {i.row for i in issues if i.severity == "error" and i.sheet == ledger.sheet}
    chosen = [p for p in old_enough if ledger.rows[p] not in errors]
    held = [ledger.rows[p] for p in old_enough if ledger.rows[p] in errors]
    return chosen, held


def rekey_after_archive(ledger: Ledger, chosen: Iterable[int]) -> tuple[dict, set]:
    """How the status memory follows split lines whose key changed because an earlier line left.

    Returns (moves old key -> new key, keys to forget) for ``Store.rekey_statuses``.
    """
    f = ledger.frame
    before = keys(ledger)
    pairs = [(str(o), str(c)) for o, c in zip(f["order_id"], f["product_code"], strict=True)]
    gone = set(chosen)
    remaining = [p for p in range(len(ledger)) if p not in gone]
    order_ids, codes = f["order_id"].tolist(), f["product_code"].tolist()
    after = line_keys((order_ids[p] for p in remaining), (codes[p] for p in remaining))
    moves = {before[p]: new for p, new in zip(remaining, after, strict=True) if before[p] != new}
    if not moves:
        return {}, set()
    archived = {pairs[p] for p in gone}
    affected = {before[p] for p in range(len(ledger)) if pairs[p] in archived}
    return moves, affected - set(after)
