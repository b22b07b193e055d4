"""Order workflow actions (regulation 二.1 / 三.1 / 四.1): read → plan (validators.orders.planners) → write.

Every action reads whole ledgers once and writes only what its plan changes.
"""

from __future__ import annotations

import xlwings as xw

import validators.orders.planners as plans
from neiqin.base.errors import NeiQinError
from neiqin.core.kit import ledger as spec
from neiqin.core.ledger import Ledger, read_ledger, read_optional
from neiqin.core.marks import clear_marks, mark_issues
from neiqin.core.plan import Plan, apply_plan
from neiqin.core.sheetio import append_rows, ensure_ledger_sheet, formula_rows
from neiqin.engine import delete_rows
from validators.archive import DIGEST_FIELDS, digest, line_values
from validators.order_intake.planners import intake_inputs, plan_learn
from validators.orders import GROUP, record_statuses

from .ledgers import Checked, check_ledger
from .registry import Context, Summary, action, get


def _check(book: xw.Book, ctx: Context) -> Checked:
    return check_ledger(book, spec("orders"), ctx)


def _remember(book: xw.Book, ctx: Context, checked: Checked | None = None) -> None:
    """Remember each line's state after a change (the status check compares with it next time)."""
    if checked is None:
        checked = _check(book, ctx)
    record_statuses(ctx.store, checked.ledger, checked.issues, checked.ctx)


def _tasks(book: xw.Book, ctx: Context) -> dict[str, Ledger | None]:
    return {mode: read_optional(book, name, ctx.settings) for mode, name in plans.TASK_LEDGERS.items()}


def _summary(action_id: str, plan: Plan) -> Summary:
    act = get(action_id)
    return Summary(action_id, act.label, plan.outcome, plan.message, rows=plan.rows, issues=plan.issues,
                   details=plan.details)  # fmt: skip


@action(
    "confirm_orders",
    label="确认订单",
    group=GROUP,
    image="ReviewAcceptChange",
    screentip="确认核对无误的订单",
    supertip="先校验；没有错误、状态为空或『待确认』的订单行改为『已确认』并记下录入时间（考核订单处理及时率）。"
    "有错误的行保持不动，列在摘要和『校验结果』里。",
)
def confirm_orders(book: xw.Book, ctx: Context) -> Summary:
    checked = _check(book, ctx)
    marked = mark_issues(
        book, checked.issues, checked.scope, limit=ctx.settings.mark_limit, title="确认订单", when=ctx.now
    )
    plan = plans.plan_confirm(checked.ledger, checked.issues, ctx.now, ctx.settings)
    apply_plan(book, plan, ctx.settings, ctx.store)
    learned = _learn_wordings(book, ctx, checked.ledger, plan)
    _remember(book, ctx, Checked(checked.spec, read_ledger(book, "orders", ctx.settings), checked.issues,
                                 checked.scope, 0, checked.ctx))  # fmt: skip
    summary = Summary.of_issues("confirm_orders", checked.issues, len(checked.ledger), "订单", marked)
    summary.message, summary.outcome = plan.message, "ok"
    summary.details += learned
    return summary


def _learn_wordings(book: xw.Book, ctx: Context, ledger: Ledger, plan: Plan) -> list[str]:
    """Draft lines of 粘贴订单 just confirmed with another product: the customer's wording → 产品别名."""
    status_col = ledger.col("status")
    done = plans.label(plans.S.CONFIRMED, ctx.settings)
    confirmed = [r for (r, c), v in plan.cells.get(ledger.sheet, {}).items() if c == status_col and v == done]
    if not confirmed:
        return []
    products = intake_inputs(None, read_optional(book, "products", ctx.settings), None).products
    learned = plan_learn(ledger, confirmed, read_optional(book, "product_aliases", ctx.settings), products)
    apply_plan(book, learned, ctx.settings)
    return learned.details


@action(
    "dispatch_orders",
    label="下达订单",
    group=GROUP,
    image="FileSendAsAttachment",
    screentip="把已确认的订单下达给生产或采购",
    supertip="『已确认』的订单行按产品目录的供应方式写入『生产任务单』或『采购任务单』（下达日期为今天），"
    "状态改为『已下达』。重复点不会重复下达。",
)
def dispatch_orders(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "orders", ctx.settings)
    products = read_optional(book, "products", ctx.settings)
    tasks = {}
    for mode, name in plans.TASK_LEDGERS.items():
        sheet = ensure_ledger_sheet(book, name, after=ledger.sheet)
        tasks[mode] = read_ledger(book, name, ctx.settings, sheet=sheet.name)
    plan = plans.plan_dispatch(ledger, products, tasks, ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings, ctx.store)
    _remember(book, ctx)
    return _summary("dispatch_orders", plan)


@action(
    "update_progress",
    label="更新进度",
    group=GROUP,
    image="Refresh",
    screentip="从任务单带回生产/采购进度",
    supertip="读取『生产任务单』『采购任务单』里部门填写的进度、预计完成日期和问题：已开工的订单行改为『生产中』/『采购中』，"
    "预计完成日期和问题（延期、缺料……）写到订单行上；预计晚于交货日期的行列在摘要里。",
)
def update_progress(book: xw.Book, ctx: Context) -> Summary:
    plan = plans.plan_progress(read_ledger(book, "orders", ctx.settings), _tasks(book, ctx), ctx.settings)
    apply_plan(book, plan, ctx.settings, ctx.store)
    _remember(book, ctx)
    return _summary("update_progress", plan)


@action(
    "apply_changes",
    label="执行变更",
    group=GROUP,
    image="ReviewTrackChanges",
    screentip="执行已同意的订单变更",
    supertip="『订单变更记录』中审核结果为『同意』且还没执行的变更写进订单台账，并同步到生产/采购任务单，原值留在记录里；"
    "已发货、已完成或已归档的行拒绝变更并写明原因；按变更内容填写应通知的部门，变更后的行重新校验。",
)
def apply_changes(book: xw.Book, ctx: Context) -> Summary:
    changes = read_optional(book, "changes", ctx.settings)
    if changes is None:
        raise NeiQinError("工作簿中没有『订单变更记录』工作表；请先登记变更申请")
    ledger = read_ledger(book, "orders", ctx.settings)
    archive = read_optional(book, "archive", ctx.settings)
    archived = {(str(r["order_id"]), str(r["product_code"])) for r in ctx.store.archived()}
    if archive is not None and archive.has("order_id") and archive.has("product_code"):
        archived |= {(str(o), str(c)) for o, c in zip(archive.frame["order_id"], archive.frame["product_code"],
                                                      strict=True)}  # fmt: skip
    amounts = formula_rows(book.sheets[ledger.sheet], ledger, "amount")
    result = plans.plan_changes(
        changes, ledger, read_optional(book, "products", ctx.settings), _tasks(book, ctx), archived, amounts,
        ctx.now, ctx.settings,
    )  # fmt: skip
    order_cells = {ledger.sheet: result.plan.cells.pop(ledger.sheet, {})}
    apply_plan(book, Plan(cells=order_cells), ctx.settings)  # the order lines first: they are re-checked
    recheck = [i for i in _check(book, ctx).issues if i.row in result.changed_rows and i.sheet == ledger.sheet]
    plans.recheck_results(result, recheck, changes.col("result"), changes.sheet)
    apply_plan(book, result.plan, ctx.settings, ctx.store)
    result.plan.issues = recheck
    result.plan.outcome = "issues" if any(i.severity == "error" for i in recheck) else "ok"
    if recheck:
        result.plan.details.append(f"变更后的行有 {len(recheck)} 条问题，请点『校验订单』查看。")
    return _summary("apply_changes", result.plan)


@action(
    "overdue_alert",
    label="逾期预警",
    group=GROUP,
    image="DeclineInvitation",
    screentip="列出逾期和有逾期风险的订单行",
    supertip="生成『逾期预警』：已过交货日期仍未发货的订单行（逾期天数），以及预计完成晚于交货日期或有缺料、延期问题的行，"
    "附原因、销售员和客户，逾期最久的排在最前。",
)
def overdue_alert(book: xw.Book, ctx: Context) -> Summary:
    plan = plans.plan_overdue(read_ledger(book, "orders", ctx.settings), ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("overdue_alert", plan)


@action(
    "progress_messages",
    label="进度通知",
    group=GROUP,
    image="MailMergeStartLetters",
    screentip="给销售员和客户的订单进度消息",
    supertip="先校验订单，再生成『进度通知』：每位销售员、每家客户一段中文消息，说明未完成订单的状态、预计日期和问题，"
    "可直接复制到邮件或微信。给客户的消息不含成本，也不会出现其他客户；有错误的行不写进消息，列在摘要里。",
)
def progress_messages(book: xw.Book, ctx: Context) -> Summary:
    checked = _check(book, ctx)  # a line with an error is held back: no wrong data in a message
    marked = mark_issues(book, checked.issues, checked.scope, limit=ctx.settings.mark_limit, title="进度通知",
                         when=ctx.now)  # fmt: skip
    plan = plans.plan_messages(checked.ledger, ctx.today, ctx.settings, checked.issues)
    apply_plan(book, plan, ctx.settings)
    summary = _summary("progress_messages", plan)
    checks = Summary.of_issues("progress_messages", checked.issues, len(checked.ledger), "订单", marked)
    summary.details += checks.details
    summary.issues = checked.issues
    return summary


@action(
    "archive_orders",
    label="订单归档",
    group=GROUP,
    image="FileSave",
    screentip="把完成的订单行移到『订单归档』",
    supertip="状态『已完成』且发货超过『设置』中归档天数的订单行，先写入『订单归档』和数据库（每行附校验值），"
    "核对无误后才从订单台账移走；以后改动归档行能被发现。",
)
def archive_orders(book: xw.Book, ctx: Context) -> Summary:
    # Many steps, each a safeguard for the clerk's data: copy, store, read back, only then delete.
    checked = _check(book, ctx)
    ledger = checked.ledger
    chosen, held = plans.archive_candidates(ledger, checked.issues, ctx.today, ctx.settings)
    plan = Plan(rows=len(ledger))
    if held:
        plan.details.append(f"{len(held)} 行有错误，改正前不归档：{plans.lines_text(held)}（见『校验结果』）。")
    if not chosen:
        plan.message = f"没有需要归档的订单行（已完成且发货超过 {ctx.settings.archive_days} 天）。"
        return _summary("archive_orders", plan)
    lines = [line_values(ledger, p) for p in chosen]
    digests = [digest(line) for line in lines]
    sheet = ensure_ledger_sheet(book, "archive", after=ledger.sheet)
    archive = read_ledger(book, "archive", ctx.settings, sheet=sheet.name)
    plans.need(archive, "order_id", "product_code", "digest")  # without 校验值 a copy cannot be checked
    present = set(archive.raw["digest"])  # an earlier, interrupted run copied these already
    new = [{**line, "archived_at": ctx.now, "digest": d} for line, d in zip(lines, digests, strict=True)
           if d not in present]  # fmt: skip
    first, last = append_rows(sheet, archive, new)
    # the clerk's own columns (回款情况, 跟单员 …) leave with the line: the store keeps them too
    extras = [{c.header: ledger.data[p][c.col - ledger.first_col] for c in ledger.extra_columns
               if c.header not in DIGEST_FIELDS} for p in chosen]  # fmt: skip
    kept = [{**line, **extra} for line, extra in zip(lines, extras, strict=True)]
    ctx.store.archive_lines(kept, digests, workbook=book.fullname, user=ctx.user, when=ctx.now)
    # A line leaves 订单台账 only once its archived copy reads back with the same digest.
    reread = read_ledger(book, "archive", ctx.settings, sheet=sheet.name)
    copies = {d for pos, d in enumerate(reread.raw["digest"]) if digest(line_values(reread, pos)) == d}
    bad = [ledger.rows[p] for p, d in zip(chosen, digests, strict=True) if d not in copies]
    if bad:
        raise NeiQinError(
            f"『{ledger.sheet}』{plans.lines_text(bad)}的归档副本在『订单归档』中找不到或核对不一致，订单台账未改动；"
            "请检查『订单归档』（不要改动已归档的行）后再点『订单归档』"
        )
    if len({r["digest"] for r in ctx.store.archived(digests)}) < len(set(digests)):
        raise NeiQinError("数据库中的归档记录不完整，订单台账未改动；请检查数据库后重试")
    rows = [ledger.rows[p] for p in chosen]
    clear_marks(book, [ledger.sheet])  # marks are kept by cell address: take them off before rows move
    delete_rows(book.sheets[ledger.sheet], rows)
    moves, drop = plans.rekey_after_archive(ledger, chosen)
    if moves:
        ctx.store.rekey_statuses(moves, drop=drop)
    # what refers to ledger rows follows the lines that stayed: marks, 校验结果, 逾期预警
    refreshed = _refresh_after_moving_rows(book, ctx)
    held_now = plans.rows_after_deleting(held, rows)
    plan.details = (
        [f"{len(held_now)} 行有错误，改正前不归档：{plans.lines_text(held_now)}（见『校验结果』）。"] if held else []
    )
    plan.details += refreshed
    plan.message = (
        f"归档了 {len(rows)} 行（已完成且发货超过 {ctx.settings.archive_days} 天），"
        f"写入『订单归档』{f'第 {first}–{last} 行' if new else ''}和数据库，"
        f"核对一致后已从订单台账移走；订单台账还有 {len(ledger) - len(rows)} 行。"
    )
    return _summary("archive_orders", plan)


def _refresh_after_moving_rows(book: xw.Book, ctx: Context) -> list[str]:
    """After rows left 订单台账: mark the lines that stayed again, and rewrite 逾期预警 if the workbook has it."""
    checked = _check(book, ctx)
    mark_issues(
        book, checked.issues, checked.scope, limit=ctx.settings.mark_limit, title="订单归档后校验", when=ctx.now
    )
    notes = ["订单台账的行号已变化：标记和『校验结果』已按归档后的行重新生成"]
    if "逾期预警" in [s.name for s in book.sheets]:
        apply_plan(book, plans.plan_overdue(checked.ledger, ctx.today, ctx.settings), ctx.settings)
        notes[0] += "，『逾期预警』已更新"
    return [notes[0] + "。"]


@action(
    "order_dashboard",
    label="订单看板",
    group=GROUP,
    image="PivotTableInsert",
    screentip="订单状态、逾期和按时交付率",
    supertip="生成『订单看板』：各状态的行数、逾期行数，按月份、销售员、区域的按时交付率"
    "（按时发货的行 ÷ 到期的行），与『设置』中的目标比较。",
)
def order_dashboard(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "orders", ctx.settings)
    archive = read_optional(book, "archive", ctx.settings)
    plan = plans.plan_dashboard(ledger, archive, ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("order_dashboard", plan)
