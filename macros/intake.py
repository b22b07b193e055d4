"""粘贴订单 (制度 三.1 / 四.1): messages pasted on 订单录入 → draft lines of 订单台账, read → plan → write.

The reader is ``neiqin.core.intake``; the planner ``validators.order_intake.planners``. ``enter_messages``
is shared with ``neiqin intake FILE --into WORKBOOK``, so the ribbon and the command write the same lines.
"""

from __future__ import annotations

from collections.abc import Sequence

import xlwings as xw

from neiqin.core.kit import ledger as spec
from neiqin.core.ledger import read_ledger, read_optional, sheet_of
from neiqin.core.marks import mark_issues
from neiqin.core.plan import apply_plan
from neiqin.core.sheetio import ensure_ledger_sheet
from validators.order_intake.planners import Message, draft_issues, intake_inputs, plan_intake, read_messages
from validators.orders import GROUP

from .ledgers import check_ledger
from .registry import Context, Summary, action, get


@action(
    "order_intake",
    label="粘贴订单",
    group=GROUP,
    image="Paste",
    screentip="把客户的邮件、微信、传真文字读成草稿订单",
    supertip="读取『订单录入』中新粘贴的消息（原文 + 收到时间），按『客户档案』『产品目录』『产品别名』识别客户、产品、"
    "数量、单价和交货日期，写入『订单台账』（状态『待确认』，备注留下原文和置信度）。拿不准的项留空并标出要向客户"
    "确认的问题，不会猜。同一条消息不会录入两次；核对、补全后点『确认订单』。",
)
def order_intake(book: xw.Book, ctx: Context) -> Summary:
    orders = sheet_of(book, spec("orders"))
    sheet = ensure_ledger_sheet(book, "order_intake", after=orders)
    pasted = read_ledger(book, "order_intake", ctx.settings, sheet=sheet.name)
    return enter_messages(book, ctx, read_messages(pasted), "order_intake")


def enter_messages(book: xw.Book, ctx: Context, messages: Sequence[Message], action_id: str) -> Summary:
    """Read ``messages`` into draft lines of ``book`` and mark their questions (ribbon and CLI alike)."""
    orders = read_ledger(book, "orders", ctx.settings)
    inputs = intake_inputs(
        read_optional(book, "customers", ctx.settings),
        read_optional(book, "products", ctx.settings),
        read_optional(book, "product_aliases", ctx.settings),
    )
    pasted = read_optional(book, "order_intake", ctx.settings)
    taken = [str(v) for other in (pasted, read_optional(book, "archive", ctx.settings))
             if other is not None and other.has("order_id") for v in other.frame["order_id"] if v]  # fmt: skip
    result = plan_intake(messages, orders, inputs, pasted, ctx.settings, ctx.now, taken)
    plan = result.plan
    apply_plan(book, plan, ctx.settings, ctx.store)
    checked = [check_ledger(book, spec("orders"), ctx)] if result.pending else []
    if pasted is not None or plan.appends:  # 订单录入: a row without 原文, text that looks like a formula …
        checked.append(check_ledger(book, spec("order_intake"), ctx))
    questions = plan.issues
    if result.pending:
        questions = draft_issues(checked[0].ledger, result.pending) + questions
    summary = Summary(action_id, get(action_id).label, "ok", plan.message, rows=plan.rows, details=plan.details)
    asked = {(i.sheet, i.row, i.col) for i in questions}
    # an empty cell asked about is not also "required": one mark says what to do
    found = [i for c in checked for i in c.issues if (i.sheet, i.row, i.col) not in asked]
    if found or questions:
        scope = sorted({*(s for c in checked for s in c.scope), *(i.sheet for i in questions)})
        marked = mark_issues(book, found + questions, scope, limit=ctx.settings.mark_limit, title="粘贴订单",
                             when=ctx.now)  # fmt: skip
        pasted_sheet = checked[-1].ledger.sheet if pasted is not None or plan.appends else None
        summary.issues = questions + [i for i in found if i.sheet == pasted_sheet]
        summary.outcome = "issues" if any(i.severity == "error" for i in summary.issues) else "ok"
        asks = f"（其中要向客户确认的 {len(questions)} 处）" if questions else ""
        summary.details.append(f"已在 {marked.marked} 个单元格上标出问题{asks}；全部问题见『校验结果』。")
    return summary
