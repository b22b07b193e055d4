"""Expense reimbursement actions (regulation 二.7 / 三.7 / 四.7): read → plan (validators.expenses.planners) → write.

A button works on the 费用报销单 the clerk is looking at; when the active sheet is not a
form, on every form of the workbook that is in the right stage. 『报销登记』 gets one row per
claim with the date it reached each stage.
"""

from __future__ import annotations

from pathlib import Path

import xlwings as xw

import validators.expenses.planners as plans
from neiqin.core import seal
from neiqin.core.forms import read_forms
from neiqin.core.kit import ledger as spec
from neiqin.core.ledger import read_optional
from neiqin.core.marks import mark_issues
from neiqin.core.plan import Plan, apply_plan
from neiqin.core.sheetio import write_cells
from validators.expenses import GROUP, RULES_VERSION, ExpenseForm, stage
from validators.expenses.states import PENDING, ClaimStage

from .ledgers import Checked, active_forms, check_ledger
from .registry import Context, Summary, action, get


def _forms(book: xw.Book, stages: set[ClaimStage | None] | None, ctx: Context) -> tuple[list[ExpenseForm], str]:
    """The active form, or every filled form of the workbook; those in one of ``stages``."""
    expenses = spec("expenses")
    from neiqin.core.forms import form_sheet_names

    if not form_sheet_names(book, expenses):
        return [], "工作簿中没有名称以『费用报销单』开头的工作表"
    return plans.choose_forms(read_forms(book, expenses, active_forms(book, expenses)), stages, ctx.settings)


def _check(book: xw.Book, ctx: Context, forms: list[ExpenseForm]) -> Checked:
    checked = check_ledger(book, spec("expenses"), ctx, forms=forms)
    checked.issues += ctx.setting_issues
    checked.scope += sorted({i.sheet for i in ctx.setting_issues})
    return checked


def _done(action_id: str, plan: Plan, checked: Checked, title: str, ctx: Context, book: xw.Book) -> Summary:
    """Mark what the check (and the plan) found, write the plan, and sum it up for the clerk."""
    issues = checked.issues + plan.issues
    marked = mark_issues(book, issues, checked.scope, limit=ctx.settings.mark_limit, title=title, when=ctx.now)
    apply_plan(book, plan, ctx.settings, ctx.store)
    summary = Summary.of_issues(action_id, issues, plan.rows, "费用明细", marked)
    summary.message, summary.outcome = plan.message, plan.outcome
    summary.details = plan.details + summary.details
    return summary


def _nothing(action_id: str, note: str) -> Summary:
    return Summary(action_id, get(action_id).label, "ok", note + "。")


@action(
    "prereview_expense",
    label="费用初审",
    group=GROUP,
    image="ReviewAcceptChange",
    screentip="内勤初审费用报销单",
    supertip="对待初审的报销单做全部检查：没有错误的改为『初审通过』，填写内勤初审和初审日期，登记发票（防止重复报销），"
    "写入『报销登记』；有错误的保持原状态，问题标在单元格上。",
)
def prereview_expense(book: xw.Book, ctx: Context) -> Summary:
    forms, note = _forms(book, plans.PENDING_OR_PASSED, ctx)
    records = ctx.store.claims([str(f.claim_id) for f in forms if f.claim_id]) if forms else {}
    forms = plans.prereview_forms(forms, records, ctx.settings)  # passed and unchanged: nothing to do
    if not forms:
        return _nothing("prereview_expense", note or "报销单都已初审通过且初审后没有改动，不需要再次初审")
    checked = _check(book, ctx, forms)
    step = plans.plan_prereview(forms, checked.by_sheet(), records, ctx.now, ctx.user, book.fullname, ctx.settings)
    # the store reserves each claim's invoices all or none (a unique constraint: never twice)
    answers = {request["claim_id"]: ctx.store.prereview_claim(**request) for _form, request in step.requests}
    step = plans.finish_prereview(step, answers, ctx.today, ctx.user, ctx.settings)
    return _done("prereview_expense", step.plan, checked, "费用初审", ctx, book)


@action(
    "return_expense",
    label="退回",
    group=GROUP,
    image="DeclineInvitation",
    screentip="把报销单退回报销人",
    supertip="把当前报销单（不在报销单上时：所有有错误的待初审报销单）改为『初审退回』，由问题整理出给报销人的退回说明，"
    "写入报销单的「退回原因」和『报销登记』，并释放已登记的发票。",
)
def return_expense(book: xw.Book, ctx: Context) -> Summary:
    explicit = active_forms(book, spec("expenses")) is not None
    forms, note = _forms(book, plans.PENDING_OR_PASSED, ctx)
    if not forms:
        return _nothing("return_expense", note)
    checked = _check(book, ctx, forms)
    by_sheet = checked.by_sheet()
    if not explicit:  # no form chosen: return those with errors only
        forms = [f for f in forms if plans.errors(by_sheet.get(f.sheet, []))]
    records = ctx.store.claims([str(f.claim_id) for f in forms if f.claim_id])
    plan = plans.plan_return(forms, by_sheet, records, ctx.now, ctx.user, ctx.settings)
    summary = _done("return_expense", plan, checked, "退回报销单", ctx, book)
    summary.outcome = "ok"
    return summary


def seal_folder(book: xw.Book, ctx: Context) -> Path | None:
    """『设置』封存文件夹, else the workbook's folder; None for a workbook never saved (no folder)."""
    if ctx.settings.seal_folder:
        return Path(ctx.settings.seal_folder).expanduser()
    full = Path(book.fullname)
    return full.parent if full.is_absolute() else None


@action(
    "submit_to_finance",
    label="提交财务",
    group=GROUP,
    image="FileSendAsAttachment",
    screentip="把初审通过的报销单交财务（封存副本）",
    supertip="对『初审通过』的报销单再核对一遍，写出封存副本『报销单_<报销单号>.xlsx』"
    "（报销单 + 『校验记录』：规则版本、时间、内勤、剩余警告、SHA-256 摘要，配置了公司密钥时还有签名），"
    "状态改为『已交财务』。财务用 neiqin verify 核对副本未被改动。",
)
def submit_to_finance(book: xw.Book, ctx: Context) -> Summary:
    # Sealing writes a file per claim and must restore the form when a file cannot be written:
    # the steps stay here, the decisions are the planner's (plans.submit_problem, plans.handed_over).
    forms, note = _forms(book, {ClaimStage.PREREVIEWED}, ctx)
    if not forms:
        return _nothing("submit_to_finance", note)
    key = seal.seal_key()
    checked = _check(book, ctx, forms)
    by_sheet = checked.by_sheet()
    folder = seal_folder(book, ctx)
    records = ctx.store.claims([str(f.claim_id) for f in forms if f.claim_id])
    plan = Plan(rows=sum(len(f.lines) for f in forms))
    sent, held, entries = [], [], {}
    for form in forms:
        found = by_sheet.get(form.sheet, [])
        problem = plans.submit_problem(form, found, records.get(str(form.claim_id)))
        ready = not plans.errors(found) and form.claim_id is not None
        if ready and problem is None and folder is None:
            problem = plans.seal_failed(form, "（工作簿还没有保存，没有所在文件夹）", "不知道写到哪里",
                                        "请先保存工作簿，或在『设置』中填写封存文件夹")  # fmt: skip
        if not ready or problem is not None:
            plan.issues += [problem] if problem is not None else []
            held.append(form)
            continue
        assert folder is not None
        result = _seal(book, ctx, form, found, folder, key, plan)
        if result is None:
            held.append(form)
            continue
        ctx.store.record_seal(form.claim_id, result.digest, str(result.path), ctx.now, ctx.user)
        sent.append(form)
        signed = "已签名" if result.signed else "未配置公司密钥，未签名"
        plan.details.append(f"已封存：{result.path}（{result.cells} 个单元格，{signed}）")
        entries[form.claim_id] = plans.handed_over(form, ctx.today, ctx.settings)
    plans.register(plan, entries)
    parts = [f"交财务 {len(sent)} 张，封存副本在 {folder}"] if sent else []
    if held:
        shown = "、".join(f.claim_id or f.sheet for f in held)
        parts.append(f"{len(held)} 张未交财务（{shown}）：原因标在报销单上并列入『校验结果』")
    plan.message, plan.outcome = "；".join(parts) + "。", "issues" if held else "ok"
    return _done("submit_to_finance", plan, checked, "提交财务", ctx, book)


def _seal(
    book: xw.Book, ctx: Context, form: ExpenseForm, found: list, folder: Path, key: bytes | None, plan: Plan
) -> seal.SealResult | None:
    """Write the sealed copy (the form shows 已交财务 in it); on failure the form keeps its 状态."""
    warnings = [f"{i.cell or i.column}：{i.message}" for i in found if i.severity == "warning"]
    target = seal.free_path(folder, str(form.claim_id))  # never over an earlier sealed copy
    sheet = book.sheets[form.sheet]
    status = form.fields.get("status")
    if status is not None:
        write_cells(sheet, {(status.row, status.col): plans.label(ClaimStage.HANDED_OVER, ctx.settings)})
    try:
        return seal.seal_form(
            book, form, target, clerk=ctx.user, when=ctx.now, warnings=warnings, key=key, rules_version=RULES_VERSION
        )
    except Exception as exc:  # OSError, or Excel's COM error when SaveAs fails (file open, no access)
        if status is not None:
            write_cells(sheet, {(status.row, status.col): form.status})
        if not isinstance(exc, (OSError, seal.SealError)) and type(exc).__name__ != "com_error":
            raise  # a bug, not the folder: the log gets it
        todo = "请确认文件夹存在且可以写入、没有人打开同名文件，或在『设置』中填写别的封存文件夹"
        plan.issues.append(plans.seal_failed(form, str(target), str(exc).strip() or exc.__class__.__name__, todo))
        return None


@action(
    "record_finance_result",
    label="财务结果",
    group=GROUP,
    image="AcceptInvitation",
    screentip="登记财务终审和付款结果",
    supertip="按『报销登记』中内勤填写的「财务结果」（财务已审核 / 财务退回 / 已支付）和「结果日期」"
    "更新状态和各环节日期，写出给报销人的反馈；财务退回的释放发票登记。不允许的状态变化（如未交财务就已支付）标在单元格上。",
)
def record_finance_result(book: xw.Book, ctx: Context) -> Summary:
    claims = read_optional(book, "claims", ctx.settings)
    if claims is None:
        return _nothing("record_finance_result", "工作簿中没有『报销登记』，没有可登记的财务结果")
    missing = [h for n, h in (("finance_result", "财务结果"), ("status", "状态")) if not claims.has(n)]
    if missing:
        columns = "、".join(f"「{h}」" for h in missing)
        return _nothing(
            "record_finance_result",
            f"『{claims.sheet}』第 {claims.header_row} 行的表头里没有{columns}列；"
            "请按模板加上，填写财务结果后再点『财务结果』",
        )
    expenses = spec("expenses")
    from neiqin.core.forms import form_sheet_names

    forms: dict[str, ExpenseForm] = {}
    for form in read_forms(book, expenses, skip_blank=False) if form_sheet_names(book, expenses) else []:
        if form.claim_id:
            forms.setdefault(form.claim_id, form)
    plan = plans.plan_finance_results(claims, forms, {}, ctx.now, ctx.settings)
    marked = mark_issues(
        book, plan.issues, [claims.sheet], limit=ctx.settings.mark_limit, title="财务结果", when=ctx.now
    )
    apply_plan(book, plan, ctx.settings, ctx.store)
    summary = Summary.of_issues("record_finance_result", plan.issues, len(claims), "报销登记", marked)
    summary.message, summary.details = plan.message, plan.details + summary.details
    return summary


@action(
    "expense_backlog",
    label="报销进度",
    group=GROUP,
    image="CalendarInsert",
    screentip="各环节的报销单和超期情况",
    supertip="『报销进度』：按『报销登记』列出在办的报销单在哪个环节、等了几天、是否超过『设置』中的时限，超期的排在最前，"
    "便于催办（制度四.7：无拖延、积压）。",
)
def expense_backlog(book: xw.Book, ctx: Context) -> Summary:
    claims = read_optional(book, "claims", ctx.settings)
    if claims is None:
        return _nothing("expense_backlog", "工作簿中没有『报销登记』，没有在办的报销单")
    plan = plans.plan_backlog(claims, ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return Summary("expense_backlog", "报销进度", "ok", plan.message, rows=plan.rows, details=plan.details)


__all__ = ["PENDING", "seal_folder", "stage"]
