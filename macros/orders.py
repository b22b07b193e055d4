"""Order workflow actions (regulation 二.1 / 三.1 / 四.1).

接单 → 核对（校验订单）→ 录入（确认订单）→ 按产品类别传给生产或采购（下达订单）→ 跟踪执行
（更新进度、逾期预警）→ 反馈给销售和客户（进度通知）→ 变更（执行变更）→ 归档（订单归档），
考核按时交付率（订单看板）。Every action reads whole ledgers once and writes only what it changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import xlwings as xw

import validators
from neiqin.base.errors import NeiQinError
from neiqin.core.issues import Issue
from neiqin.core.ledger import CellProblem, Ledger, convert_cell, display, norm_header, read_ledger
from neiqin.core.marks import clear_marks, mark_issues
from neiqin.core.schema import ledger_model
from neiqin.core.sheetio import append_rows, delete_rows, ensure_ledger_sheet, output_sheet, write_cells
from validators.archive import DIGEST_FIELDS, digest, line_values
from validators.orders import CLOSED_STATUSES, OrderRow, line_keys

from .registry import Context, Summary, action, get

# --------------------------------------------------------------------------- helpers


def _key(order_id: Any, code: Any) -> tuple[str, str]:
    return (str(order_id), str(code))


def _keys(ledger: Ledger) -> list[tuple[str, str]]:
    """Each line's identity (订单编号, 产品编码[#n]): two lines of one product in one order stay two lines."""
    f = ledger.frame
    return line_keys(f["order_id"], f["product_code"])


def _need(ledger: Ledger, *fields: str) -> None:
    """Stop with one Chinese line when the ledger's sheet lacks a column the action needs."""
    missing = [ledger.model.column(f).header for f in fields if not ledger.has(f)]
    if missing:
        raise NeiQinError(f"『{ledger.sheet}』缺少列：{'、'.join(missing)}；请在表头行加上这些列")


def _validate(book: xw.Book, ctx: Context) -> validators.Validation:
    return validators.validate(book, "orders", ctx.settings, ctx.today, ctx.store)


def _record(ctx: Context, book: xw.Book, ledger: Ledger, issues: list[Issue] = ()) -> None:
    """Remember each line's status — except lines whose new status was just refused."""
    if not (ledger.has("status") and ledger.has("order_id") and ledger.has("product_code")):
        return
    refused = {i.row for i in issues if i.code == "ORD-010"}
    statuses = {
        key: status
        for key, status, row in zip(_keys(ledger), ledger.frame["status"], ledger.rows, strict=True)
        if status is not None and row not in refused and key[0] != "None"
    }
    ctx.store.record_statuses(statuses, workbook=book.fullname)


def _done(action_id: str, message: str, rows: int, details: list[str] | None = None) -> Summary:
    """The summary of an action that completed."""
    return Summary(action_id, get(action_id).label, "ok", message, rows=rows, details=details or [])


class _Cells:
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


def _lines(rows: list[int], limit: int = 8) -> str:
    shown = "、".join(str(r) for r in rows[:limit])
    return f"第 {shown}{' 等' if len(rows) > limit else ''} 行"


def _date(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return display(value)


def _open_lines(ledger: Ledger) -> pd.Series:
    status = ledger.frame["status"] if ledger.has("status") else pd.Series(None, index=ledger.frame.index, dtype=object)
    return ~status.isin(CLOSED_STATUSES)


# --------------------------------------------------------------------------- 校验 / 确认


@action(
    "validate_orders",
    label="校验订单",
    group="订单",
    image="AcceptInvitation",
    screentip="校验订单台账",
    supertip="检查『订单台账』每一行：必填项、日期、数量、金额 = 数量×单价、交货期、重复行、可选值，"
    "客户是否在『客户档案』、产品与规格是否在『产品目录』、单价是否偏离标准价、状态是否跳步……"
    "问题标在单元格上（浅色底纹 + 批注），并全部列在『校验结果』工作表。",
)
def validate_orders(book: xw.Book, ctx: Context) -> Summary:
    """订单台账: run every order check and mark the problems in the clerk's cells."""
    result = _validate(book, ctx)
    issues = result.issues + ctx.setting_issues
    scope = result.sheets + sorted({i.sheet for i in ctx.setting_issues})
    marked = mark_issues(book, issues, scope, limit=ctx.settings.mark_limit, title="校验订单台账", when=ctx.now)
    if result.ledger is not None:
        _record(ctx, book, result.ledger, result.issues)
    return Summary.of_issues("validate_orders", issues, result.rows, "订单", marked)


@action(
    "confirm_orders",
    label="确认订单",
    group="订单",
    image="ReviewAcceptChange",
    screentip="确认核对无误的订单",
    supertip="先校验；没有错误、状态为空或『待确认』的订单行改为『已确认』并记下录入时间（考核订单处理及时率）。"
    "有错误的行保持不动，列在摘要和『校验结果』里。",
)
def confirm_orders(book: xw.Book, ctx: Context) -> Summary:
    result = _validate(book, ctx)
    ledger = result.ledger
    assert ledger is not None
    _need(ledger, "order_id", "status")
    marked = mark_issues(
        book, result.issues, result.sheets, limit=ctx.settings.mark_limit, title="确认订单", when=ctx.now
    )
    errors = {i.row for i in result.issues if i.severity == "error" and i.sheet == ledger.sheet}
    f = ledger.frame
    cells: dict[tuple[int, int], Any] = {}
    confirmed, orders, held = [], set(), []
    for pos, (row, order_id, status) in enumerate(zip(ledger.rows, f["order_id"], f["status"], strict=True)):
        if status not in (None, "待确认") or order_id is None:
            continue
        if row in errors:
            held.append(row)
            continue
        confirmed.append(row)
        orders.add(order_id)
        cells[(row, ledger.col("status"))] = "已确认"
        if ledger.has("entered_at") and ledger.raw["entered_at"][pos] is None:
            cells[(row, ledger.col("entered_at"))] = ctx.now
    sheet = book.sheets[ledger.sheet]
    write_cells(sheet, cells)
    after = read_ledger(book, "orders", ctx.settings)
    _record(ctx, book, after, result.issues)
    summary = Summary.of_issues("confirm_orders", result.issues, len(ledger), "订单", marked)
    summary.message = f"确认了 {len(confirmed):,} 行（{len(orders)} 张订单），录入时间已记下。"
    if held:
        summary.message += f"{len(held)} 行有错误，保持『待确认』：{_lines(held)}。"
    summary.outcome = "ok"
    return summary


# --------------------------------------------------------------------------- 下达 / 进度


def _catalogue(book: xw.Book, ctx: Context, required: bool = True) -> dict[str, dict[str, Any]]:
    """产品目录 by 产品编码: supply mode, name, spec. Empty when there is none and it is not ``required``."""
    products = validators.read_optional(book, "products", ctx.settings)
    if products is None or not products.has("product_code"):
        if not required:
            return {}
        raise NeiQinError("工作簿中没有『产品目录』：下达订单要按产品的供应方式（生产/采购）分派，请先建立『产品目录』")
    cell = _Cells(products)
    return {
        str(code): {field: cell(field, pos) for field in ("supply", "product_name", "spec")}
        for pos, code in enumerate(products.frame["product_code"])
        if code is not None
    }


TASK_LEDGERS = {"生产": "production_tasks", "采购": "purchase_tasks"}


def _task_ledger(book: xw.Book, name: str, ctx: Context, after: str) -> tuple[xw.Sheet, Ledger]:
    model = ledger_model(name)
    sheet = ensure_ledger_sheet(book, model, after=after)
    return sheet, read_ledger(book, name, ctx.settings, sheet=model.ledger.sheet)


@action(
    "dispatch_orders",
    label="下达订单",
    group="订单",
    image="FileSendAsAttachment",
    screentip="把已确认的订单下达给生产或采购",
    supertip="『已确认』的订单行按产品目录的供应方式写入『生产任务单』或『采购任务单』（下达日期为今天），"
    "状态改为『已下达』。重复点不会重复下达。",
)
def dispatch_orders(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "orders", ctx.settings)
    _need(ledger, "order_id", "product_code", "status")
    catalogue = _catalogue(book, ctx)
    tasks = {mode: _task_ledger(book, name, ctx, after=ledger.sheet) for mode, name in TASK_LEDGERS.items()}
    for _sheet, task_ledger in tasks.values():  # without them a line would be dispatched again each time
        _need(task_ledger, "order_id", "product_code")
    present = {mode: set(_keys(task_ledger)) for mode, (_sheet, task_ledger) in tasks.items()}
    f = ledger.frame
    copied = ("product_name", "spec", "quantity", "delivery_date")
    new_lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    cells: dict[tuple[int, int], Any] = {}
    skipped: list[str] = []
    lines = zip(ledger.rows, _keys(ledger), f["order_id"], f["product_code"], f["status"], strict=True)
    for pos, (row, key, order_id, code, status) in enumerate(lines):
        if status != "已确认":
            continue
        mode = (catalogue.get(str(code)) or {}).get("supply")
        if mode not in TASK_LEDGERS:
            skipped.append(
                f"第 {row} 行（{code}：{'产品目录中没有' if str(code) not in catalogue else '未填供应方式'}）"
            )
            continue
        if key not in present[mode]:
            present[mode].add(key)
            new_lines[mode].append(
                {
                    "order_id": order_id,
                    "product_code": code,
                    **{name: ledger.raw[name][pos] if ledger.has(name) else None for name in copied},
                    "issued_on": dt.datetime.combine(ctx.today, dt.time()),
                    "progress": "未开始",
                }
            )
        cells[(row, ledger.col("status"))] = "已下达"
    for mode, (sheet, task_ledger) in tasks.items():
        append_rows(sheet, task_ledger, new_lines[mode])
    write_cells(book.sheets[ledger.sheet], cells)
    _record(ctx, book, read_ledger(book, "orders", ctx.settings))
    counts = "，".join(f"{mode} {len(new_lines[mode])} 行" for mode in TASK_LEDGERS)
    details = []
    if skipped:
        details.append(
            f"『{ledger.sheet}』有 {len(skipped)} 行没有下达：请在『产品目录』补上这些产品或它们的「供应方式」，"
            "再点『下达订单』。" + "；".join(skipped[:8]) + ("……" if len(skipped) > 8 else "")
        )
    return _done("dispatch_orders", f"下达了 {len(cells)} 行：{counts}。", len(ledger), details)


def _feedback(book: xw.Book, ctx: Context) -> dict[tuple[str, str], dict[str, Any]]:
    """What the departments wrote in the task sheets, by order line."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for mode, name in TASK_LEDGERS.items():
        task = validators.read_optional(book, name, ctx.settings)
        if task is None or not (task.has("order_id") and task.has("product_code")):
            continue
        cell = _Cells(task)
        for pos, key in enumerate(_keys(task)):
            found[key] = {
                "mode": mode,
                "progress": cell("progress", pos),
                "expected": cell("expected_date", pos),
                "problem_type": cell("problem_type", pos),
                "problem_note": cell("problem_note", pos),
            }
    return found


@action(
    "update_progress",
    label="更新进度",
    group="订单",
    image="Refresh",
    screentip="从任务单带回生产/采购进度",
    supertip="读取『生产任务单』『采购任务单』里部门填写的进度、预计完成日期和问题：已开工的订单行改为『生产中』/『采购中』，"
    "预计完成日期和问题（延期、缺料……）写到订单行上；预计晚于交货日期的行列在摘要里。",
)
def update_progress(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "orders", ctx.settings)
    _need(ledger, "order_id", "product_code", "status")
    feedback = _feedback(book, ctx)
    cell = _Cells(ledger)
    cells: dict[tuple[int, int], Any] = {}
    started, late, problems = [], [], []
    for pos, (row, key) in enumerate(zip(ledger.rows, _keys(ledger), strict=True)):
        info = feedback.get(key)
        if info is None:
            continue
        status = cell("status", pos)
        if status == "已下达" and info["progress"] in ("进行中", "已完成"):
            cells[(row, ledger.col("status"))] = "生产中" if info["mode"] == "生产" else "采购中"
            started.append(row)
        expected = info["expected"]
        if ledger.has("expected_date") and pd.notna(expected):
            if cell("expected_date", pos) != expected:
                cells[(row, ledger.col("expected_date"))] = expected.to_pydatetime()
            delivery = cell("delivery_date", pos)
            if pd.notna(delivery) and expected > delivery and status not in CLOSED_STATUSES:
                late.append(
                    f"{cell('order_id', pos)}/{cell('product_code', pos)}"
                    f"（第 {row} 行，预计 {_date(expected)}，交货 {_date(delivery)}）"
                )
        if ledger.has("problem"):
            text = None
            if info["problem_type"]:
                text = info["problem_type"] + (f"：{info['problem_note']}" if info["problem_note"] else "")
            if text != cell("problem", pos):
                cells[(row, ledger.col("problem"))] = text
            if text:
                problems.append(row)
    write_cells(book.sheets[ledger.sheet], cells)
    _record(ctx, book, read_ledger(book, "orders", ctx.settings))
    details = []
    if late:
        details.append(
            f"预计晚于交货日期 {len(late)} 行（『{ledger.sheet}』）："
            + "；".join(late[:6])
            + ("……" if len(late) > 6 else "")
            + "。请与生产/采购确认，必要时通知客户。"
        )
    message = f"从任务单带回了 {len(feedback)} 行的进度；{len(started)} 行开工，{len(problems)} 行有问题。"
    return _done("update_progress", message, len(ledger), details)


# --------------------------------------------------------------------------- 变更


CHANGEABLE = ("quantity", "unit_price", "delivery_date", "spec", "product_name", "customer_po", "unit", "note")
# What one change may set on every line of an order (产品编码 left empty: 整单改交期). The other
# fields are each line's own: a change must name its line, or 10 台 and 5 台 would both become 20.
ORDER_WIDE = ("delivery_date", "customer_po")
# 执行结果 of a change that needs no more work (a change is executed once, even without 执行时间)
DONE_RESULTS = ("已执行", "拒绝")


def _formula_rows(sheet: xw.Sheet, ledger: Ledger, field_name: str) -> set[int]:
    """Rows whose cell of ``field_name`` holds a formula (one range read for the whole column)."""
    if not ledger.has(field_name) or not ledger.rows:
        return set()
    first, last = ledger.rows[0], ledger.rows[-1]
    col = ledger.col(field_name)
    formulas = sheet.range((first, col), (last, col)).options(ndim=2).formula
    if isinstance(formulas, str):  # one cell
        formulas = ((formulas,),)
    return {first + i for i, row in enumerate(formulas or ()) if isinstance(row[0], str) and row[0].startswith("=")}


def _old_values(ledger: Ledger, field_name: str, targets: list[int]) -> str:
    """原值 of a change: one value, or each line's own when the lines differ (so it can be undone)."""
    shown = [display(ledger.raw[field_name][p]) for p in targets]
    if len(set(shown)) <= 1:
        return shown[0] if shown else ""
    return "；".join(f"第 {ledger.rows[p]} 行：{v or '（空）'}" for p, v in zip(targets, shown, strict=True))


def _notify(field_name: str, mode: str | None) -> str:
    dept = mode or "生产/采购"
    return {
        "quantity": dept,
        "spec": dept,
        "product_name": dept,
        "unit": dept,
        "delivery_date": f"{dept}、仓库",
        "unit_price": "财务",
    }.get(field_name, "销售")


def _archived_keys(book: xw.Book, ctx: Context) -> set[tuple[str, str]]:
    archive = validators.read_optional(book, "archive", ctx.settings)
    keys = (
        {_key(o, c) for o, c in zip(archive.frame["order_id"], archive.frame["product_code"], strict=True)}
        if archive is not None and archive.has("order_id") and archive.has("product_code")
        else set()
    )
    return keys | {_key(r["order_id"], r["product_code"]) for r in ctx.store.archived()}


@action(
    "apply_changes",
    label="执行变更",
    group="订单",
    image="ReviewTrackChanges",
    screentip="执行已同意的订单变更",
    supertip="『订单变更记录』中审核结果为『同意』且还没执行的变更写进订单台账，原值留在记录里；"
    "已发货、已完成或已归档的行拒绝变更并写明原因；按变更内容填写应通知的部门，变更后的行重新校验。",
)
def apply_changes(book: xw.Book, ctx: Context) -> Summary:
    changes = validators.read_optional(book, "changes", ctx.settings)
    if changes is None:
        raise NeiQinError("工作簿中没有『订单变更记录』工作表；请先登记变更申请")
    if not changes.has("result"):
        raise NeiQinError(
            "『订单变更记录』缺少「执行结果」列：执行变更在这一列（和「执行时间」列）记下每项变更已执行或为什么拒绝，"
            "没有它同一项变更每次都会重新执行；请在表头行加上「执行时间」和「执行结果」两列"
        )
    _need(changes, "change_id", "order_id", "field", "new_value")
    ledger = read_ledger(book, "orders", ctx.settings)
    _need(ledger, "order_id", "product_code")
    catalogue = _catalogue(book, ctx, required=False)
    archived = _archived_keys(book, ctx)
    archived_orders = {order_id for order_id, _code in archived}
    lookup = {}
    for spec in OrderRow.columns():
        for name in (spec.header, *spec.synonyms, spec.field):
            lookup.setdefault(norm_header(name), spec.field)
    cell, rec = _Cells(ledger), _Cells(changes)
    order_cells: dict[tuple[int, int], Any] = {}
    record_cells: dict[tuple[int, int], Any] = {}
    done, refused, changed_rows = 0, [], set()
    by_order: dict[Any, list[int]] = defaultdict(list)
    for p, order_id in enumerate(ledger.frame["order_id"]):
        by_order[order_id].append(p)
    formulas: set[int] | None = None  # rows whose 金额 is a formula (read when a change needs it)
    for pos, crow in enumerate(changes.rows):
        if rec("review", pos) != "同意":
            continue
        if changes.has("executed_at") and changes.raw["executed_at"][pos] is not None:
            continue
        if str(rec("result", pos) or "").strip().startswith(DONE_RESULTS):
            continue
        order_id = rec("order_id", pos)
        code = rec("product_code", pos)
        field_name = lookup.get(norm_header(rec("field", pos) or ""))
        new_raw = changes.raw["new_value"][pos]
        targets = [
            p
            for p in by_order.get(order_id, ())
            if order_id is not None and (code is None or cell("product_code", p) == code)
        ]
        reason = None
        if field_name is None:
            reason = f"不认识的变更字段『{rec('field', pos)}』，应填订单台账的列名"
        elif field_name not in CHANGEABLE:
            reason = f"「{OrderRow.column(field_name).header}」不能通过变更修改"
        elif not targets:
            key_archived = order_id is not None and (
                str(order_id) in archived_orders if code is None else _key(order_id, code) in archived
            )
            reason = "该订单行已归档，不能变更" if key_archived else "订单台账中没有这个订单行"
        elif not ledger.has(field_name):
            reason = f"订单台账没有「{OrderRow.column(field_name).header}」列"
        else:
            shipped = [ledger.rows[p] for p in targets if cell("status", p) in ("已发货", "已完成")]
            if shipped:
                reason = f"订单行已发货或已完成（{_lines(shipped)}），不能变更"
            elif len(targets) > 1 and field_name not in ORDER_WIDE:
                header = OrderRow.column(field_name).header
                where = _lines([ledger.rows[p] for p in targets])
                reason = (
                    f"订单 {order_id} 有 {len(targets)} 行（{where}），「{header}」是每行各自的；"
                    "请在「产品编码」填写要变更的产品后重新提交"
                    if code is None
                    else f"订单 {order_id} 中产品 {code} 有 {len(targets)} 行（{where}），无法确定变更哪一行；"
                    "请在订单台账中直接修改那一行，并在本记录注明"
                )
        value = None
        if reason is None:
            try:
                value = convert_cell(new_raw, OrderRow.column(field_name).kind)
            except CellProblem:
                reason = f"新值『{display(new_raw)}』不是有效的{OrderRow.column(field_name).header}"
        if reason is not None:
            refused.append(f"{rec('change_id', pos)}：{reason}")
            record_cells[(crow, changes.col("result"))] = f"拒绝：{reason}"
            if changes.has("executed_at"):
                record_cells[(crow, changes.col("executed_at"))] = ctx.now
            continue
        first = targets[0]
        if changes.has("old_value") and changes.raw["old_value"][pos] is None:
            record_cells[(crow, changes.col("old_value"))] = _old_values(ledger, field_name, targets)
        if field_name in ("quantity", "unit_price") and ledger.has("amount") and formulas is None:
            formulas = _formula_rows(book.sheets[ledger.sheet], ledger, "amount")
        for p in targets:
            row = ledger.rows[p]
            order_cells[(row, ledger.col(field_name))] = value
            changed_rows.add(row)
            if field_name in ("quantity", "unit_price") and ledger.has("amount") and row not in (formulas or ()):
                qty = value if field_name == "quantity" else cell("quantity", p)
                price = value if field_name == "unit_price" else cell("unit_price", p)
                if qty == qty and price == price and qty is not None and price is not None:
                    order_cells[(row, ledger.col("amount"))] = round(float(qty) * float(price), 2)
        mode = (catalogue.get(str(cell("product_code", first))) or {}).get("supply")
        if changes.has("notify"):
            record_cells[(crow, changes.col("notify"))] = _notify(field_name, mode)
        if changes.has("executed_at"):
            record_cells[(crow, changes.col("executed_at"))] = ctx.now
        record_cells[(crow, changes.col("result"))] = "已执行"
        done += 1
    write_cells(book.sheets[ledger.sheet], order_cells)
    recheck = [i for i in _validate(book, ctx).issues if i.row in changed_rows and i.sheet == ledger.sheet]
    for pos, crow in enumerate(changes.rows):
        if record_cells.get((crow, changes.col("result"))) == "已执行":
            order_id = rec("order_id", pos)
            rows = {ledger.rows[p] for p in by_order.get(order_id, ())}
            found = [i for i in recheck if i.row in rows and i.severity == "error"]
            if found:
                record_cells[(crow, changes.col("result"))] = "已执行；变更后校验发现：" + "；".join(
                    i.message for i in found[:2]
                )
    write_cells(book.sheets[changes.sheet], record_cells)
    summary = Summary(
        "apply_changes",
        get("apply_changes").label,
        "issues" if any(i.severity == "error" for i in recheck) else "ok",
        f"执行了 {done} 项变更，拒绝 {len(refused)} 项。",
        rows=len(changes),
        issues=recheck,
    )
    if refused:
        summary.details.append("拒绝：" + "；".join(refused[:6]))
    if recheck:
        summary.details.append(f"变更后的行有 {len(recheck)} 条问题，请点『校验订单』查看。")
    return summary


# --------------------------------------------------------------------------- 预警 / 通知 / 看板


def _late_and_risky(ledger: Ledger, today: dt.date) -> list[dict[str, Any]]:
    """Open lines past their 交货日期 (已逾期) or likely to miss it (有风险), the longest overdue first."""
    cell = _Cells(ledger)
    today_ts = pd.Timestamp(today)
    out = []
    for pos, (row, open_) in enumerate(zip(ledger.rows, _open_lines(ledger), strict=True)):
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
            reasons.append(f"预计 {_date(expected)} 完成，晚于交货日期")
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


@action(
    "overdue_alert",
    label="逾期预警",
    group="订单",
    image="DeclineInvitation",
    screentip="列出逾期和有逾期风险的订单行",
    supertip="生成『逾期预警』：已过交货日期仍未发货的订单行（逾期天数），以及预计完成晚于交货日期或有缺料、延期问题的行，"
    "附原因、销售员和客户，逾期最久的排在最前。",
)
def overdue_alert(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "orders", ctx.settings)
    _need(ledger, "order_id", "delivery_date")
    found = _late_and_risky(ledger, ctx.today)
    cell = _Cells(ledger)
    rows = [
        [
            item["kind"],
            *(
                cell(name, item["pos"])
                for name in ("order_id", "product_code", "product_name", "customer", "sales_rep")
            ),
            _date(cell("delivery_date", item["pos"])),
            _date(cell("expected_date", item["pos"])),
            item["days"] or None,
            cell("status", item["pos"]),
            item["reason"],
            item["row"],
        ]
        for item in found
    ]
    late = [x for x in found if x["kind"] == "已逾期"]
    note = (
        f"{ctx.today:%Y-%m-%d} 统计：已逾期 {len(late)} 行，有风险 {len(found) - len(late)} 行。"
        "『台账行』是订单台账中的行号。"
    )
    output_sheet(
        book,
        "逾期预警",
        "逾期预警",
        note,
        [
            "类型",
            "订单编号",
            "产品编码",
            "产品名称",
            "客户名称",
            "销售员",
            "交货日期",
            "预计完成",
            "逾期天数",
            "状态",
            "原因",
            "台账行",
        ],
        rows,
        widths=[8, 14, 12, 16, 26, 8, 11, 11, 8, 8, 36, 7],
        wrap=[11],
    )
    longest = max((x["days"] for x in late), default=0)
    message = (
        f"已逾期 {len(late)} 行"
        + (f"（最长 {longest} 天）" if late else "")
        + f"，有风险 {len(found) - len(late)} 行；见『逾期预警』。"
    )
    return _done("overdue_alert", message, len(ledger))


def _line_text(cell: _Cells, pos: int, for_customer: bool) -> str:
    order_id = cell("order_id", pos)
    name = cell("product_name", pos) or cell("product_code", pos)
    spec = cell("spec", pos)
    qty = cell("quantity", pos)
    unit = cell("unit", pos) or ""
    status = cell("status", pos) or "待确认"
    expected = _date(cell("expected_date", pos))
    delivery = _date(cell("delivery_date", pos))
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


def _message_parts(head: str, lines: list[str], tail: str, limit: int = CELL_TEXT_LIMIT) -> list[str]:
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


@action(
    "progress_messages",
    label="进度通知",
    group="订单",
    image="MailMergeStartLetters",
    screentip="给销售员和客户的订单进度消息",
    supertip="生成『进度通知』：每位销售员、每家客户一段中文消息，说明未完成订单的状态、预计日期和问题，"
    "可直接复制到邮件或微信。给客户的消息不含成本，也不会出现其他客户。",
)
def progress_messages(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "orders", ctx.settings)
    _need(ledger, "order_id", "customer")
    open_ = _open_lines(ledger)
    if ledger.has("status"):
        open_ &= ledger.frame["status"].ne("已取消")
    cell = _Cells(ledger)
    by_rep: dict[str, list[int]] = defaultdict(list)
    by_customer: dict[str, list[int]] = defaultdict(list)
    for pos, is_open in enumerate(open_):
        if not is_open:
            continue
        by_rep[cell("sales_rep", pos) or "（未填销售员）"].append(pos)
        customer = cell("customer", pos)
        if customer:
            by_customer[customer].append(pos)
    late = {item["pos"] for item in _late_and_risky(ledger, ctx.today) if item["kind"] == "已逾期"}
    rows = []
    stamp = f"{ctx.today:%m-%d}"
    for rep, positions in sorted(by_rep.items()):
        orders = len({cell("order_id", p) for p in positions})
        lines = [_line_text(cell, p, for_customer=False) for p in positions]
        overdue = sum(p in late for p in positions)
        head = f"{rep}您好：您负责的未完成订单 {orders} 张（{len(positions)} 行），截至 {stamp}：\n"
        tail = (f"\n其中 {overdue} 行已逾期，请尽快跟进。" if overdue else "") + "\n——销售内勤"
        for text in _message_parts(head, lines, tail):
            rows.append(["销售员", rep, len(positions), text])
    for customer, positions in sorted(by_customer.items()):
        lines = [_line_text(cell, p, for_customer=True) for p in positions]
        reps = sorted({cell("sales_rep", p) for p in positions if cell("sales_rep", p)})
        contact = f"如有疑问请联系销售 {'、'.join(reps)}。" if reps else ""
        head = f"{customer}：您好！截至 {stamp}，贵司订单的进展如下：\n"
        for text in _message_parts(head, lines, f"\n{contact}谢谢！"):
            rows.append(["客户", customer, len(positions), text])
    output_sheet(
        book,
        "进度通知",
        "进度通知",
        f"{ctx.today:%Y-%m-%d} 生成：销售员 {len(by_rep)} 位、客户 {len(by_customer)} 家。"
        "复制『消息』一格即可发送（太长的消息分成几段，标有（1/2）…，依次发送）；给客户的消息不含成本和其他客户。",
        ["对象", "名称", "未完成行数", "消息"],
        rows,
        widths=[8, 26, 10, 100],
        wrap=[4],
    )
    message = f"生成了 {len(by_rep)} 位销售员、{len(by_customer)} 家客户的进度消息；见『进度通知』。"
    return _done("progress_messages", message, len(ledger))


@action(
    "archive_orders",
    label="订单归档",
    group="订单",
    image="FileSave",
    screentip="把完成的订单行移到『订单归档』",
    supertip="状态『已完成』且发货超过『设置』中归档天数的订单行，先写入『订单归档』和数据库（每行附校验值），"
    "核对无误后才从订单台账移走；以后改动归档行能被发现。",
)
def archive_orders(book: xw.Book, ctx: Context) -> Summary:
    from validators.archive import ArchivedOrderRow

    ledger = read_ledger(book, "orders", ctx.settings)
    _need(ledger, "order_id", "product_code", "status")
    f = ledger.frame
    cutoff = pd.Timestamp(ctx.today - dt.timedelta(days=ctx.settings.archive_days))
    done_on = f["ship_date"] if ledger.has("ship_date") else pd.Series(pd.NaT, index=f.index)
    if ledger.has("delivery_date"):
        done_on = done_on.fillna(f["delivery_date"])
    old_enough = np.flatnonzero((f["status"].eq("已完成") & done_on.notna() & (done_on <= cutoff)).to_numpy()).tolist()
    # a line with an error stays until it is corrected: the archive keeps lines as they were
    errors = {i.row for i in _validate(book, ctx).issues if i.severity == "error" and i.sheet == ledger.sheet}
    chosen = [p for p in old_enough if ledger.rows[p] not in errors]
    held = [ledger.rows[p] for p in old_enough if ledger.rows[p] in errors]
    held_note = [f"{len(held)} 行有错误，改正前不归档：{_lines(held)}（见『校验结果』）。"] if held else []
    if not chosen:
        message = f"没有需要归档的订单行（已完成且发货超过 {ctx.settings.archive_days} 天）。"
        return _done("archive_orders", message, len(ledger), held_note)
    lines = [line_values(ledger, p) for p in chosen]
    digests = [digest(line) for line in lines]
    sheet = ensure_ledger_sheet(book, ArchivedOrderRow, after=ledger.sheet)
    archive = read_ledger(book, "archive", ctx.settings, sheet=ArchivedOrderRow.ledger.sheet)
    _need(archive, "order_id", "product_code", "digest")  # without 校验值 a copy cannot be checked
    # Idempotent: a line already copied by an earlier, interrupted run is not copied twice.
    present = set(archive.raw["digest"]) if archive.has("digest") else set()
    new = [
        {**line, "archived_at": ctx.now, "digest": d}
        for line, d in zip(lines, digests, strict=True)
        if d not in present
    ]
    first, last = append_rows(sheet, archive, new)
    # the clerk's own columns (回款情况, 跟单员 …) leave with the line: the store keeps them too
    extras = [
        {
            c.header: ledger.data[p][c.col - ledger.first_col]
            for c in ledger.extra_columns
            if c.header not in DIGEST_FIELDS
        }
        for p in chosen
    ]
    kept = [{**line, **extra} for line, extra in zip(lines, extras, strict=True)]
    ctx.store.archive_lines(kept, digests, workbook=book.fullname, user=ctx.user, when=ctx.now)
    # A line leaves 订单台账 only once its archived copy reads back with the same digest.
    reread = read_ledger(book, "archive", ctx.settings, sheet=ArchivedOrderRow.ledger.sheet)
    copies: dict[str, bool] = {}
    for pos, stored in enumerate(reread.raw["digest"]):
        copies[stored] = copies.get(stored, False) or digest(line_values(reread, pos)) == stored
    bad = [ledger.rows[p] for p, d in zip(chosen, digests, strict=True) if not copies.get(d)]
    if bad:
        raise NeiQinError(
            f"『{ledger.sheet}』{_lines(bad)}的归档副本在『订单归档』中找不到或核对不一致，订单台账未改动；"
            "请检查『订单归档』（不要改动已归档的行）后再点『订单归档』"
        )
    if len({r["digest"] for r in ctx.store.archived(digests)}) < len(set(digests)):
        raise NeiQinError("数据库中的归档记录不完整，订单台账未改动；请检查数据库后重试")
    rows = [ledger.rows[p] for p in chosen]
    clear_marks(book, [ledger.sheet])  # marks are kept by cell address: take them off before rows move
    _delete_lines(book.sheets[ledger.sheet], rows)
    _rekey_after_archive(ctx, ledger, chosen)
    message = (
        f"归档了 {len(rows)} 行（已完成且发货超过 {ctx.settings.archive_days} 天），"
        f"写入『订单归档』{f'第 {first}–{last} 行' if new else ''}和数据库，"
        f"核对一致后已从订单台账移走；订单台账还有 {len(ledger) - len(rows)} 行。"
    )
    return _done("archive_orders", message, len(ledger), held_note)


def _rekey_after_archive(ctx: Context, ledger: Ledger, chosen: list[int]) -> None:
    """The status memory follows split lines whose key changed because an earlier line left."""
    f = ledger.frame
    before = _keys(ledger)
    pairs = [_key(o, c) for o, c in zip(f["order_id"], f["product_code"], strict=True)]
    gone = set(chosen)
    remaining = [p for p in range(len(ledger)) if p not in gone]
    order_ids, codes = f["order_id"].tolist(), f["product_code"].tolist()
    after = line_keys((order_ids[p] for p in remaining), (codes[p] for p in remaining))
    moves = {before[p]: new for p, new in zip(remaining, after, strict=True) if before[p] != new}
    if moves:  # only split lines change keys; the archived ones are forgotten, the others move
        archived = {pairs[p] for p in chosen}
        affected = {before[p] for p in range(len(ledger)) if pairs[p] in archived}
        ctx.store.rekey_statuses(moves, drop=affected - set(after))


def _delete_lines(sheet: xw.Sheet, rows: list[int]) -> int:
    """Delete whole ledger lines: entire sheet rows, as a clerk deletes table rows in Excel.

    Deleting only the columns NeiQin knows would leave the clerk's own columns (回款情况, 序号 …) in
    place, so each later line would sit beside the previous line's values; and Excel refuses to
    shift part of a table up.
    """
    return delete_rows(sheet, rows)


def _on_time(frame: pd.DataFrame, today: dt.date) -> tuple[int, int]:
    """(lines due, lines shipped on or before their 交货日期) among ``frame``."""
    due = frame["delivery_date"].notna() & (frame["delivery_date"].dt.normalize() <= pd.Timestamp(today))
    if "status" in frame:
        due &= frame["status"].ne("已取消")
    shipped = frame["ship_date"].notna() & (frame["ship_date"].dt.normalize() <= frame["delivery_date"].dt.normalize())
    return int(due.sum()), int((due & shipped).sum())


@action(
    "order_dashboard",
    label="订单看板",
    group="订单",
    image="PivotTableInsert",
    screentip="订单状态、逾期和按时交付率",
    supertip="生成『订单看板』：各状态的行数、逾期行数，按月份、销售员、区域的按时交付率"
    "（按时发货的行 ÷ 到期的行），与『设置』中的目标比较。",
)
def order_dashboard(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "orders", ctx.settings)
    _need(ledger, "delivery_date", "status")
    f = ledger.frame.copy()
    archive = validators.read_optional(book, "archive", ctx.settings)
    if archive is not None and len(archive):
        # archived lines were delivered in the period too: the rate counts them
        f = pd.concat([f, archive.frame[[c for c in f.columns if c in archive.frame]]], ignore_index=True)
    if "ship_date" not in f:
        f["ship_date"] = pd.NaT
    target = ctx.settings.on_time_target_pct
    statuses = ctx.settings.order_statuses
    counts = ledger.frame["status"].fillna("待确认").value_counts()
    overdue = sum(1 for x in _late_and_risky(ledger, ctx.today) if x["kind"] == "已逾期")
    rows: list[list[Any]] = [["状态", s, int(counts.get(s, 0)), None, None, None, None] for s in statuses]
    rows.append(["逾期", "过了交货日期仍未发货", overdue, None, None, None, None])
    start = (pd.Timestamp(ctx.today) - pd.DateOffset(months=11)).to_period("M")
    month = f["delivery_date"].dt.to_period("M")
    for period in pd.period_range(start, pd.Timestamp(ctx.today).to_period("M"), freq="M"):
        due, on_time = _on_time(f[month == period], ctx.today)
        rows.append(_rate_row("按月", str(period), due, on_time, target))
    recent = f[month >= start]
    for label, field_name in (("按销售员", "sales_rep"), ("按区域", "region")):
        if field_name not in recent:
            continue
        for name, group in recent.groupby(recent[field_name].fillna("（未填）")):
            due, on_time = _on_time(group, ctx.today)
            rows.append(_rate_row(label, name, due, on_time, target))
    due, on_time = _on_time(recent, ctx.today)
    rows.append(_rate_row("合计", "近 12 个月", due, on_time, target))
    output_sheet(
        book,
        "订单看板",
        "订单看板",
        f"{ctx.today:%Y-%m-%d} 统计。按时交付率 = 在交货日期当天或之前发货的行 ÷ 交货日期已到的行（不含已取消）；"
        f"目标 {target:g}%（见『设置』），含已归档的行。状态一栏是订单台账中的行数。",
        ["分组", "名称", "行数 / 到期行数", "按时行数", "按时交付率", "目标", "达标"],
        rows,
        widths=[10, 18, 14, 10, 12, 8, 6],
        formats={5: "0.0%", 6: "0%"},
    )
    rate = on_time / due if due else None
    message = (
        f"近 12 个月按时交付率 {rate:.1%}（目标 {target:g}%）" if rate is not None else "近 12 个月还没有到期的订单行"
    )
    message += f"；逾期未发货 {overdue} 行；见『订单看板』。"
    return _done("order_dashboard", message, len(ledger))


def _rate_row(group: str, name: str, due: int, on_time: int, target: float) -> list[Any]:
    rate = on_time / due if due else None
    ok = None if rate is None else ("✓" if rate * 100 >= target - 1e-9 else "✗")
    return [group, name, due, on_time, rate, target / 100, ok]
