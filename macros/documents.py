"""Document actions (regulation 二.4 / 三.4 / 四.4): read → plan (validators.documents.planners) → write."""

from __future__ import annotations

import xlwings as xw

import validators.documents.planners as plans
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import read_optional
from neiqin.core.marks import mark_issues
from neiqin.core.plan import Plan, apply_plan
from validators.documents import GROUP
from validators.documents.rules import archive_of, file_base, staff_of

from .registry import Context, Summary, action, get


def _summary(action_id: str, plan: Plan) -> Summary:
    act = get(action_id)
    return Summary(action_id, act.label, plan.outcome, plan.message, rows=plan.rows, issues=plan.issues,
                   details=plan.details)  # fmt: skip


def _context(book: xw.Book, ctx: Context, *companions: str) -> CheckContext:
    found = {name: read_optional(book, name, ctx.settings) for name in companions}
    return CheckContext(ctx.settings, ctx.today, found, workbook=book.fullname)


def _absent(action_id: str, title: str) -> Summary:
    """A workbook without the register: nothing to do, and where to get the sheet."""
    return Summary(action_id, get(action_id).label, "ok", f"工作簿中没有『{title}』工作表，没有需要处理的内容；"
                   "需要时从 NeiQin.xlsm 复制这张表（或点对应的『校验』按钮查看要求的列）。")  # fmt: skip


@action(
    "register_incoming",
    label="收文登记",
    group=GROUP,
    image="CalendarInsert",
    screentip="给新收文编号并生成阅办通知",
    supertip="『收文登记』中「收文编号」为空的行：按年份接着编下一个收文编号，办结期限空的按『设置』的阅办天数填写，"
    "并在『阅办单』中给每位分发对象（部门则找其负责人）一条阅办通知。",
)
def register_incoming(book: xw.Book, ctx: Context) -> Summary:
    incoming = read_optional(book, "incoming_docs", ctx.settings)
    if incoming is None:
        return _absent("register_incoming", "收文登记")
    staff = staff_of(_context(book, ctx, "staff"))
    plan = plans.plan_register_incoming(incoming, staff, ctx.now, ctx.settings, ctx.user)
    apply_plan(book, plan, ctx.settings)
    return _summary("register_incoming", plan)


@action(
    "number_outgoing",
    label="发文编号",
    group=GROUP,
    image="ReviewAcceptChange",
    screentip="给已审批的发文编发文字号",
    supertip="『发文登记』中「发文字号」为空、已有审核人和批准人（都不是起草人）的行：按代字和年份接着编号，"
    "如 销字〔2026〕013号；未经审批的不编号，列在摘要里。",
)
def number_outgoing(book: xw.Book, ctx: Context) -> Summary:
    outgoing = read_optional(book, "outgoing_docs", ctx.settings)
    if outgoing is None:
        return _absent("number_outgoing", "发文登记")
    plan = plans.plan_number_outgoing(outgoing, ctx.now, ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("number_outgoing", plan)


@action(
    "documents_overdue",
    label="文件催办",
    group=GROUP,
    image="DeclineInvitation",
    screentip="阅办逾期和借阅逾期的催办消息",
    supertip="生成『文件催办』：过了办结期限仍未办结的收文（每位分发对象一条消息）和过了应还日期仍未归还的借阅，"
    "逾期最久的在前，消息可直接复制到邮件或微信。",
)
def documents_overdue(book: xw.Book, ctx: Context) -> Summary:
    check = _context(book, ctx, "staff", "archive_index")
    incoming = read_optional(book, "incoming_docs", ctx.settings)
    loans = read_optional(book, "loans", ctx.settings)
    plan = plans.plan_overdue(incoming, loans, archive_of(check), staff_of(check), ctx.today, ctx.settings, ctx.user)
    apply_plan(book, plan, ctx.settings)
    return _summary("documents_overdue", plan)


@action(
    "check_archive_files",
    label="电子档案核对",
    group=GROUP,
    image="DataValidation",
    screentip="核对档案目录的电子文件",
    supertip="逐个核对『档案目录』登记的电子文件：找不到的、与登记的 SHA-256 不符（归档后被改动）的列入『电子档案核对』"
    "并标在单元格上；还没有 SHA-256 的文件记下当前值。",
)
def check_archive_files(book: xw.Book, ctx: Context) -> Summary:
    archive = read_optional(book, "archive_index", ctx.settings)
    if archive is None:
        return _absent("check_archive_files", "档案目录")
    check = _context(book, ctx)
    plan = plans.plan_archive_files(archive, check, file_base(check))
    mark_issues(book, plan.issues, [archive.sheet], limit=ctx.settings.mark_limit, title="电子档案核对", when=ctx.now)
    apply_plan(book, plan, ctx.settings)
    return _summary("check_archive_files", plan)


@action(
    "retention_due",
    label="到期清单",
    group=GROUP,
    image="CalendarInsert",
    screentip="列出保管期限已满的档案",
    supertip="按『档案目录』的年度和保管期限找出已到期的档案，列入『销毁清单』（待审批）；"
    "保管期限为永久、有法律冻结或正在借出的不列入，列在摘要里。",
)
def retention_due(book: xw.Book, ctx: Context) -> Summary:
    archive = read_optional(book, "archive_index", ctx.settings)
    if archive is None:
        return _absent("retention_due", "档案目录")
    destruction = read_optional(book, "destruction", ctx.settings)
    loans = read_optional(book, "loans", ctx.settings)
    plan = plans.plan_retention_due(archive, destruction, loans, ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("retention_due", plan)


@action(
    "record_destruction",
    label="销毁登记",
    group=GROUP,
    image="ReviewTrackChanges",
    screentip="登记已销毁的档案",
    supertip="『销毁清单』中填了销毁日期的行：已批准、有销毁人、监销人（不能只是销毁人）和销毁方式的，"
    "把『档案目录』中的行改为『已销毁』（行保留，作为销毁记录）；不全的不登记，标出并列在摘要里。",
)
def record_destruction(book: xw.Book, ctx: Context) -> Summary:
    destruction = read_optional(book, "destruction", ctx.settings)
    archive = read_optional(book, "archive_index", ctx.settings)
    if destruction is None or archive is None:
        return _absent("record_destruction", "销毁清单" if destruction is None else "档案目录")
    plan = plans.plan_record_destruction(destruction, archive, ctx.today, ctx.settings)
    mark_issues(book, plan.issues, [destruction.sheet], limit=ctx.settings.mark_limit, title="销毁登记", when=ctx.now)
    apply_plan(book, plan, ctx.settings)
    return _summary("record_destruction", plan)
