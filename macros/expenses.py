"""Expense reimbursement actions (regulation 二.7 / 三.7 / 四.7).

报销人填单附票 → 部门负责人审批 → 内勤初审（校验报销单、费用初审 / 退回）→ 提交财务（封存副本）
→ 财务终审、付款（财务结果）→ 反馈报销人；报销进度 shows what waits where, overdue first.

A button works on the 费用报销单 the clerk is looking at; when the active sheet is not a
form, on every form of the workbook that is in the right state. 『报销登记』 gets one
row per claim with the date it reached each stage.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlwings as xw

import validators
from neiqin.core import seal
from neiqin.core.issues import Code, Issue, make_issue, sort_issues
from neiqin.core.ledger import Ledger, money, read_ledger
from neiqin.core.marks import mark_issues
from neiqin.core.schema import ledger_model
from neiqin.core.sheetio import append_rows, output_sheet, write_cells
from validators.expenses import (
    CLOSED_STAGES,
    PENDING,
    ExpenseForm,
    check_forms,
    claim_fingerprint,
    form_invoices,
    form_months,
    form_sheet_names,
    normalise_status,
    read_form,
    read_standards,
    transition,
)

from .registry import Context, Summary, action

PASSED, RETURNED, HANDED_OVER = "初审通过", "初审退回", "已交财务"
FIN_OK, FIN_RETURNED, PAID = "财务已审核", "财务退回", "已支付"


# --------------------------------------------------------------------------- helpers


def _day(ctx: Context) -> dt.datetime:
    return dt.datetime.combine(ctx.today, dt.time())


def _target_forms(book: xw.Book, statuses: set[str | None] | None = None) -> tuple[list[ExpenseForm], str]:
    """The active form, or every filled form in one of ``statuses``; and a note when there is none."""
    names = form_sheet_names(book)
    if not names:
        return [], "工作簿中没有名称以『费用报销单』开头的工作表"
    active = book.sheets.active.name
    chosen = [active] if active in names else names
    forms = [f for f in (read_form(book, n) for n in chosen) if not f.blank]
    if not forms:
        return [], "报销单都是空白模板，没有需要处理的报销单"
    if statuses is not None:
        kept = [f for f in forms if normalise_status(f.status) in statuses]
        if not kept:
            shown = "、".join(f"『{f.sheet}』{normalise_status(f.status) or '（空）'}" for f in forms)
            return [], f"没有处于这一环节的报销单（{shown}）"
        forms = kept
    return forms, ""


def _check(
    book: xw.Book, ctx: Context, forms: list[ExpenseForm]
) -> tuple[dict[str, list[Issue]], list[Issue], list[str]]:
    standards, companion_issues, companion_sheets = read_standards(book, ctx.settings)
    by_sheet = check_forms(forms, ctx.settings, ctx.today, standards, ctx.store)
    issues = [i for found in by_sheet.values() for i in found] + companion_issues + ctx.setting_issues
    scope = [f.sheet for f in forms] + companion_sheets + sorted({i.sheet for i in ctx.setting_issues})
    return by_sheet, sort_issues(issues), scope


def _errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def _set(form: ExpenseForm, cells: dict[tuple[int, int], Any], name: str, value: Any) -> None:
    """Write a header field's value cell (when the form has its label)."""
    ff = form.fields.get(name)
    if ff is not None:
        cells[(ff.row, ff.col)] = value


def _claims(book: xw.Book, ctx: Context, create: bool = True) -> tuple[xw.Sheet, Ledger] | None:
    """『报销登记』, created when missing (with ``create``)."""
    ledger = validators.read_optional(book, "claims", ctx.settings)
    if ledger is None:
        if not create:
            return None
        model = ledger_model("claims")
        names = [s.name for s in book.sheets]
        sheet = book.sheets.add(model.ledger.sheet, after=book.sheets[len(names) - 1])
        headers = [spec.header for spec in model.columns()]
        blank = [None] * (len(headers) - 1)
        sheet.range("A1").value = [[model.ledger.title, *blank], [None, *blank], [None, *blank], headers]
        sheet.range("A1").font.bold = True
        sheet.range((4, 1), (4, len(headers))).font.bold = True
        sheet.range((4, 1), (4, len(headers))).color = "#DDEBF7"
        ledger = read_ledger(book, "claims", ctx.settings, sheet=model.ledger.sheet)
    return book.sheets[ledger.sheet], ledger


def _register(book: xw.Book, ctx: Context, entries: dict[str, dict[str, Any]]) -> None:
    """Add or update claims in 『报销登记』 (values by field; only the cells that change)."""
    if not entries:
        return
    found = _claims(book, ctx)
    assert found is not None
    sheet, ledger = found
    rows = {}
    if ledger.has("claim_id"):
        for pos, cid in enumerate(ledger.frame["claim_id"]):
            if cid is not None:
                rows.setdefault(str(cid), pos)
    cells: dict[tuple[int, int], Any] = {}
    new: list[dict[str, Any]] = []
    for claim_id, values in entries.items():
        pos = rows.get(claim_id)
        if pos is None:
            new.append({"claim_id": claim_id, **values})
            continue
        row = ledger.rows[pos]
        for name, value in values.items():
            if ledger.has(name) and ledger.raw[name][pos] != value:
                cells[(row, ledger.col(name))] = value
    write_cells(sheet, cells)
    append_rows(sheet, ledger, new)


def _claim_values(form: ExpenseForm, status: str | None) -> dict[str, Any]:
    total = form.get("total")
    return {
        "claimant": form.get("claimant"),
        "department": form.get("department"),
        "amount": total,
        "status": status,
        "submitted": form.get("claim_date"),
        "approved": form.get("approval_date"),
    }


def _waiting_status(form: ExpenseForm) -> str:
    status = normalise_status(form.status)
    if status in (RETURNED, FIN_RETURNED):
        return status
    return "待初审" if form.get("approval_date") is not None else "待部门审批"


def _reasons(form: ExpenseForm, issues: list[Issue], limit: int = 12) -> str:
    """The issues of a form as numbered lines for the claimant."""
    ordered = _errors(issues) + [i for i in issues if i.severity != "error"]
    lines = []
    for n, issue in enumerate(ordered[:limit], start=1):
        where = f"第 {issue.row} 行「{issue.column}」" if issue.row else f"「{issue.column}」" if issue.column else ""
        lines.append(f"{n}. {where}{'：' if where else ''}{issue.message}")
    if len(ordered) > limit:
        lines.append(f"……另有 {len(ordered) - limit} 条，见『校验结果』")
    return "\n".join(lines)


def _prereview_problem(form: ExpenseForm, record: dict[str, Any] | None) -> str | None:
    """Why the store's record does not show that this form, as it is now, passed 费用初审; None when it does."""
    if record is None:
        return "没有费用初审的登记（状态『初审通过』不是『费用初审』写的）"
    stage = record.get("stage")
    if stage != PASSED:
        return f"登记的环节是『{stage}』，不是『初审通过』"
    if record.get("fingerprint") != claim_fingerprint(form):
        return "初审后被改动过（报销人、合计或发票与初审时不同）"
    return None


def _line_of(form: ExpenseForm, key: str) -> Any:
    """The first line of ``form`` with invoice ``key``."""
    return next((line for line in form.lines if line.invoice_key == key), None)


def _who(form: ExpenseForm) -> str:
    return str(form.get("claimant") or "报销人")


def _amount(value: Any) -> str:
    """¥1,409.50, or 金额未填 for an empty cell (an empty 金额 of 『报销登记』 is read as NaN)."""
    return f"¥{money(value)}" if isinstance(value, (int, float)) and value == value else "金额未填"


# --------------------------------------------------------------------------- 校验 / 初审 / 退回


@action(
    "validate_expenses",
    label="校验报销单",
    group="费用",
    image="DataValidation",
    screentip="校验费用报销单",
    supertip="检查费用报销单（当前报销单，或全部以『费用报销单』开头的工作表）：必填项、部门审批、发票代码与号码、"
    "税率与税额、合计(小写)与(大写)、开票日期、报销标准、附件张数、重复发票（含其他报销单已报销的发票）。"
    "问题标在单元格上并列入『校验结果』，状态不变。",
)
def validate_expenses(book: xw.Book, ctx: Context) -> Summary:
    forms, note = _target_forms(book)
    if not forms:
        return Summary("validate_expenses", "校验报销单", "ok", note + "。")
    _, issues, scope = _check(book, ctx, forms)
    marked = mark_issues(book, issues, scope, limit=ctx.settings.mark_limit, title="校验报销单", when=ctx.now)
    rows = sum(len(f.lines) for f in forms)
    summary = Summary.of_issues("validate_expenses", issues, rows, "费用明细", marked)
    summary.message = f"{len(forms)} 张报销单：" + summary.message
    return summary


@action(
    "prereview_expense",
    label="费用初审",
    group="费用",
    image="ReviewAcceptChange",
    screentip="内勤初审费用报销单",
    supertip="对待初审的报销单做全部检查：没有错误的改为『初审通过』，填写内勤初审和初审日期，登记发票（防止重复报销），"
    "写入『报销登记』；有错误的保持原状态，问题标在单元格上。",
)
def prereview_expense(book: xw.Book, ctx: Context) -> Summary:
    forms, note = _target_forms(book, {None, *PENDING, PASSED})
    records = ctx.store.claims([str(f.claim_id) for f in forms if f.claim_id]) if forms else {}
    # a form 费用初审 passed and nobody changed since needs no second pre-review
    forms = [
        f for f in forms if normalise_status(f.status) != PASSED or _prereview_problem(f, records.get(str(f.claim_id)))
    ]
    if not forms:
        note = note or "报销单都已初审通过且初审后没有改动，不需要再次初审"
        return Summary("prereview_expense", "费用初审", "ok", note + "。")
    by_sheet, issues, scope = _check(book, ctx, forms)
    passed, held = [], []
    entries: dict[str, dict[str, Any]] = {}
    closed_ids = {cid for cid, r in records.items() if r.get("stage") in CLOSED_STAGES}
    for form in forms:
        found = by_sheet[form.sheet]
        cid = form.claim_id
        if _errors(found) or cid is None:
            held.append(form)
            if cid is not None and cid not in entries and cid not in closed_ids:  # never over a closed claim's row
                entries[cid] = _claim_values(form, _waiting_status(form))
            continue
        total = form.get("total")
        closed, taken = ctx.store.prereview_claim(
            cid,
            form_invoices(form),
            claimant=str(form.get("claimant") or ""),
            total=float(total) if isinstance(total, (int, float)) else None,
            fingerprint=claim_fingerprint(form),
            months=form_months(form),
            when=ctx.now,
            user=ctx.user,
            workbook=book.fullname,
        )
        if closed:  # handed over by another clerk since the check
            issues.append(form.at("claim_id", Code.EXP_CLAIM_CLOSED, value=cid, stage=closed, when="刚刚"))
        for key, holder in taken.items():  # reserved by another claim since the check (a second clerk)
            line = _line_of(form, key)
            values = {"key": key, "claim": holder, "when": "刚刚"}
            issues.append(
                form.at_line(line, "number", Code.EXP_INVOICE_CLAIMED, **values)
                if line is not None
                else make_issue(Code.EXP_INVOICE_CLAIMED, form.sheet, 0, "发票号码", **values)
            )
        if closed or taken:
            held.append(form)
            continue
        passed.append(form)
        cells: dict[tuple[int, int], Any] = {}
        _set(form, cells, "status", PASSED)
        _set(form, cells, "prereviewer", ctx.user)
        _set(form, cells, "prereview_date", _day(ctx))
        if form.get("return_reason") is not None:
            _set(form, cells, "return_reason", None)
        write_cells(book.sheets[form.sheet], cells)
        entries[cid] = {
            **_claim_values(form, PASSED),
            "prereviewed": _day(ctx),
            "return_reason": None,
            "feedback": f"{_who(form)}：您的报销单 {cid}（{_amount(form.get('total'))}）已于 {ctx.today:%Y-%m-%d} "
            "通过内勤初审，将提交财务终审。",
        }
    marked = mark_issues(book, issues, scope, limit=ctx.settings.mark_limit, title="费用初审", when=ctx.now)
    _register(book, ctx, entries)
    summary = Summary.of_issues("prereview_expense", issues, sum(len(f.lines) for f in forms), "费用明细", marked)
    parts = []
    if passed:
        parts.append(f"初审通过 {len(passed)} 张（{'、'.join(f.claim_id or f.sheet for f in passed)}），发票已登记")
    if held:
        parts.append(
            f"{len(held)} 张有错误，未通过（{'、'.join(f.claim_id or f.sheet for f in held)}）："
            "请改正，或点『退回』退给报销人"
        )
    summary.message = "；".join(parts) + "。"
    summary.outcome = "issues" if held else "ok"
    return summary


@action(
    "return_expense",
    label="退回",
    group="费用",
    image="DeclineInvitation",
    screentip="把报销单退回报销人",
    supertip="把当前报销单（不在报销单上时：所有有错误的待初审报销单）改为『初审退回』，由问题整理出给报销人的退回说明，"
    "写入报销单的「退回原因」和『报销登记』，并释放已登记的发票。",
)
def return_expense(book: xw.Book, ctx: Context) -> Summary:
    names = form_sheet_names(book)
    explicit = bool(names) and book.sheets.active.name in names
    forms, note = _target_forms(book, {None, *PENDING, PASSED})
    if not forms:
        return Summary("return_expense", "退回", "ok", note + "。")
    by_sheet, issues, scope = _check(book, ctx, forms)
    if not explicit:  # no form chosen: return those with errors only
        forms = [f for f in forms if _errors(by_sheet[f.sheet])]
    marked = mark_issues(book, issues, scope, limit=ctx.settings.mark_limit, title="退回报销单", when=ctx.now)
    entries: dict[str, dict[str, Any]] = {}
    messages = []
    for form in forms:
        cid = form.claim_id or form.sheet
        reasons = _reasons(form, by_sheet[form.sheet])
        text = (
            f"{_who(form)}：您的报销单 {cid}（{_amount(form.get('total'))}）"
            f"内勤初审退回（{ctx.today:%Y-%m-%d}，{ctx.user}）"
        )
        text += "，请按以下意见修改后重新提交：\n" + reasons if reasons else "，请与内勤联系。"
        cells: dict[tuple[int, int], Any] = {}
        _set(form, cells, "status", RETURNED)
        _set(form, cells, "prereviewer", ctx.user)
        _set(form, cells, "prereview_date", _day(ctx))
        _set(form, cells, "return_reason", reasons or "请与内勤联系")
        write_cells(book.sheets[form.sheet], cells)
        if not form.claim_id:  # no 报销单号: nothing to register
            messages.append(text)
            continue
        record = ctx.store.claim(cid)
        if record is not None and record.get("stage") in CLOSED_STAGES:
            # this 单号 is with finance or paid: a form reusing it must not free that claim's invoices
            messages.append(
                text + f"\n（报销单号 {cid} 的报销单已{record.get('stage')}，其发票登记和『报销登记』不变；"
                "请为这张报销单换一个新的报销单号）"
            )
            continue
        released = ctx.store.release_invoices(cid, ctx.now)
        ctx.store.set_claim_stage(cid, RETURNED, ctx.now)
        entries[cid] = {
            **_claim_values(form, RETURNED),
            "prereviewed": _day(ctx),
            "return_reason": reasons or "请与内勤联系",
            "feedback": text,
        }
        messages.append(text + (f"\n（已释放 {released} 张发票的登记）" if released else ""))
    _register(book, ctx, entries)
    summary = Summary.of_issues("return_expense", issues, sum(len(f.lines) for f in forms), "费用明细", marked)
    summary.outcome = "ok"
    summary.message = (
        f"退回了 {len(forms)} 张报销单，退回说明已写入报销单和『报销登记』。"
        if forms
        else "没有需要退回的报销单（都没有错误）。"
    )
    summary.details = messages + summary.details
    return summary


# --------------------------------------------------------------------------- 提交财务


def seal_folder(book: xw.Book, ctx: Context) -> Path | None:
    """『设置』封存文件夹, else the workbook's folder; None for a workbook never saved (no folder)."""
    if ctx.settings.seal_folder:
        return Path(ctx.settings.seal_folder).expanduser()
    full = Path(book.fullname)
    return full.parent if full.is_absolute() else None


@action(
    "submit_to_finance",
    label="提交财务",
    group="费用",
    image="FileSendAsAttachment",
    screentip="把初审通过的报销单交财务（封存副本）",
    supertip="对『初审通过』的报销单再核对一遍，写出封存副本『报销单_<报销单号>.xlsx』"
    "（报销单 + 『校验记录』：规则版本、时间、内勤、剩余警告、SHA-256 摘要，配置了公司密钥时还有签名），"
    "状态改为『已交财务』。财务用 neiqin verify 核对副本未被改动。",
)
def submit_to_finance(book: xw.Book, ctx: Context) -> Summary:
    forms, note = _target_forms(book, {PASSED})
    if not forms:
        return Summary("submit_to_finance", "提交财务", "ok", note + "。")
    key = seal.seal_key()
    by_sheet, issues, scope = _check(book, ctx, forms)
    folder = seal_folder(book, ctx)
    records = ctx.store.claims([str(f.claim_id) for f in forms if f.claim_id])
    sent, held, details = [], [], []
    entries: dict[str, dict[str, Any]] = {}
    for form in forms:
        found = by_sheet[form.sheet]
        cid = form.claim_id
        if _errors(found) or cid is None:  # changed since pre-review
            held.append(form)
            continue
        # only what 费用初审 passed (the store's record, not a typed 状态), unchanged since
        why = _prereview_problem(form, records.get(cid))
        if why:
            issues.append(form.at("status", Code.EXP_NOT_PREREVIEWED, claim=cid, why=why))
            held.append(form)
            continue
        if folder is None:
            issues.append(
                form.at(
                    "status",
                    Code.EXP_SEAL_FAILED,
                    claim=cid,
                    path="（工作簿还没有保存，没有所在文件夹）",
                    why="不知道写到哪里",
                    todo="请先保存工作簿，或在『设置』中填写封存文件夹",
                )
            )
            held.append(form)
            continue
        warnings = [f"{i.cell or i.column}：{i.message}" for i in found if i.severity == "warning"]
        target = seal.free_path(folder, cid)  # never over an earlier sealed copy
        # the sealed copy shows 已交财务; when it cannot be written, the form goes back to what it was
        before: dict[tuple[int, int], Any] = {}
        _set(form, before, "status", form.status)
        cells: dict[tuple[int, int], Any] = {}
        _set(form, cells, "status", HANDED_OVER)
        write_cells(book.sheets[form.sheet], cells)
        try:
            result = seal.seal_form(book, form, target, clerk=ctx.user, when=ctx.now, warnings=warnings, key=key)
        except Exception as exc:  # OSError, or Excel's COM error when SaveAs fails (file open, no access)
            write_cells(book.sheets[form.sheet], before)
            if not isinstance(exc, (OSError, seal.SealError)) and type(exc).__name__ != "com_error":
                raise  # a bug, not the folder: the log gets it
            issues.append(
                form.at(
                    "status",
                    Code.EXP_SEAL_FAILED,
                    claim=cid,
                    path=str(target),
                    why=str(exc).strip() or exc.__class__.__name__,
                    todo="请确认文件夹存在且可以写入、没有人打开同名文件，或在『设置』中填写别的封存文件夹",
                )
            )
            held.append(form)
            continue
        ctx.store.record_seal(cid, result.digest, str(result.path), ctx.now, ctx.user)
        sent.append(form)
        details.append(
            f"已封存：{result.path}（{result.cells} 个单元格，"
            f"{'已签名' if result.signed else '未配置公司密钥，未签名'}）"
        )
        entries[cid] = {
            "status": HANDED_OVER,
            "handed_over": _day(ctx),
            "feedback": f"{_who(form)}：您的报销单 {cid}（{_amount(form.get('total'))}）"
            f"已于 {ctx.today:%Y-%m-%d} 交财务终审。",
        }
    marked = mark_issues(book, issues, scope, limit=ctx.settings.mark_limit, title="提交财务", when=ctx.now)
    _register(book, ctx, entries)
    summary = Summary.of_issues("submit_to_finance", issues, sum(len(f.lines) for f in forms), "费用明细", marked)
    parts = [f"交财务 {len(sent)} 张，封存副本在 {folder}"] if sent else []
    if held:
        parts.append(
            f"{len(held)} 张未交财务（{'、'.join(f.claim_id or f.sheet for f in held)}）："
            "原因标在报销单上并列入『校验结果』"
        )
    summary.message = "；".join(parts) + "。"
    summary.outcome = "issues" if held else "ok"
    summary.details = details + summary.details
    return summary


# --------------------------------------------------------------------------- 财务结果


def finance_feedback(claimant: str, claim_id: str, amount: Any, result: str, when: dt.date, note: str | None) -> str:
    """The message to the claimant for a finance result."""
    head = f"{claimant or '报销人'}：您的报销单 {claim_id}（{_amount(amount)}）"
    if result == FIN_OK:
        return head + f"已于 {when:%Y-%m-%d} 通过财务终审，等待付款。"
    if result == PAID:
        return head + f"已于 {when:%Y-%m-%d} 付款，请查收。"
    return head + f"被财务于 {when:%Y-%m-%d} 退回：{note or '请与财务联系'}。请按意见修改后重新交内勤初审。"


@action(
    "record_finance_result",
    label="财务结果",
    group="费用",
    image="AcceptInvitation",
    screentip="登记财务终审和付款结果",
    supertip="按『报销登记』中内勤填写的「财务结果」（财务已审核 / 财务退回 / 已支付）和「结果日期」"
    "更新状态和各环节日期，写出给报销人的反馈；财务退回的释放发票登记。不允许的状态变化（如未交财务就已支付）标在单元格上。",
)
def record_finance_result(book: xw.Book, ctx: Context) -> Summary:
    found = _claims(book, ctx, create=False)
    if found is None:
        return Summary("record_finance_result", "财务结果", "ok", "工作簿中没有『报销登记』，没有可登记的财务结果。")
    sheet, ledger = found
    if not (ledger.has("finance_result") and ledger.has("status")):
        missing = "、".join(
            f"「{h}」" for n, h in (("finance_result", "财务结果"), ("status", "状态")) if not ledger.has(n)
        )
        message = (
            f"『{ledger.sheet}』第 {ledger.header_row} 行的表头里没有{missing}列；"
            "请按模板加上，填写财务结果后再点『财务结果』。"
        )
        return Summary("record_finance_result", "财务结果", "ok", message)
    f = ledger.frame
    issues: list[Issue] = list(ledger.issues)
    cells: dict[tuple[int, int], Any] = {}
    messages = []
    forms = {}
    for name in form_sheet_names(book):
        form = read_form(book, name)
        if form.claim_id:
            forms.setdefault(form.claim_id, form)
    form_cells: dict[str, dict[tuple[int, int], Any]] = {}

    def put(pos: int, name: str, value: Any) -> None:
        if ledger.has(name):
            cells[(ledger.rows[pos], ledger.col(name))] = value

    unreadable = {i.row for i in ledger.issues if ledger.has("result_date") and i.col == ledger.col("result_date")}
    for pos, row in enumerate(ledger.rows):
        if row in unreadable:
            continue  # a 结果日期 that is not a date: its issue says so, nothing is recorded
        result = normalise_status(f["finance_result"].iloc[pos])
        status = normalise_status(f["status"].iloc[pos])
        cid = f["claim_id"].iloc[pos] if ledger.has("claim_id") else None
        if result is None or result == status or cid is None:
            continue
        if result not in ctx.settings.finance_results:
            continue  # the closed list's check reports it
        why = transition(status, result)
        if why:
            issues.append(
                ledger.issue(
                    Code.EXP_STATUS_TRANSITION,
                    row,
                    "finance_result",
                    claim=cid,
                    old=status or "（空）",
                    new=result,
                    why=why,
                )
            )
            continue
        when_value = f["result_date"].iloc[pos] if ledger.has("result_date") else None
        when = (
            when_value.to_pydatetime()
            if hasattr(when_value, "to_pydatetime") and when_value == when_value
            else _day(ctx)
        )
        note = f["finance_note"].iloc[pos] if ledger.has("finance_note") else None
        put(pos, "status", result)
        if result in (FIN_OK, FIN_RETURNED) or (
            result == PAID and ledger.raw.get("finance_reviewed", [None] * len(ledger))[pos] is None
        ):
            put(pos, "finance_reviewed", when)
        if result == PAID:
            put(pos, "paid", when)
        if result == FIN_RETURNED:
            put(pos, "return_reason", note or "财务退回")
            ctx.store.release_invoices(str(cid), ctx.now)
        ctx.store.set_claim_stage(str(cid), result, ctx.now)
        claimant = f["claimant"].iloc[pos] if ledger.has("claimant") else None
        amount = f["amount"].iloc[pos] if ledger.has("amount") else None
        text = finance_feedback(claimant, str(cid), amount, result, when.date(), note)
        put(pos, "feedback", text)
        messages.append(text)
        form = forms.get(str(cid))
        if form is not None:
            target = form_cells.setdefault(form.sheet, {})
            _set(form, target, "status", result)
            if result in (FIN_OK, FIN_RETURNED) or form.get("finance_date") is None:
                _set(form, target, "finance_date", when)
            if result == FIN_RETURNED:
                _set(form, target, "return_reason", note or "财务退回")
    write_cells(sheet, cells)
    for name, values in form_cells.items():
        write_cells(book.sheets[name], values)
    marked = mark_issues(book, issues, [ledger.sheet], limit=ctx.settings.mark_limit, title="财务结果", when=ctx.now)
    summary = Summary.of_issues("record_finance_result", issues, len(ledger), "报销登记", marked)
    summary.message = f"登记了 {len(messages)} 条财务结果。" + (
        f"{sum(i.code == Code.EXP_STATUS_TRANSITION for i in issues)} 条不能登记，见『校验结果』。"
        if any(i.code == Code.EXP_STATUS_TRANSITION for i in issues)
        else ""
    )
    summary.details = messages + summary.details
    return summary


# --------------------------------------------------------------------------- 报销进度

# status -> (the date field it started from, the setting with its time limit, what it waits for)
STAGES: dict[str | None, tuple[tuple[str, ...], str | None, str]] = {
    None: (("submitted",), "backlog_days_approval", "部门负责人审批"),
    "待部门审批": (("submitted",), "backlog_days_approval", "部门负责人审批"),
    "待初审": (("approved", "submitted"), "backlog_days_prereview", "内勤初审"),
    PASSED: (("prereviewed", "approved", "submitted"), "backlog_days_handover", "交财务"),
    HANDED_OVER: (("handed_over", "prereviewed"), "backlog_days_finance", "财务终审"),
    FIN_OK: (("finance_reviewed", "handed_over"), "backlog_days_payment", "付款"),
    RETURNED: (("prereviewed",), None, "报销人修改后重交"),
    FIN_RETURNED: (("finance_reviewed",), None, "报销人修改后重交"),
}


def backlog_rows(ledger: Ledger, settings: Any, today: dt.date) -> list[list[Any]]:
    """One row per open claim: where it waits, since when, how long, how much over the limit."""
    f = ledger.frame
    out = []
    for pos in range(len(ledger)):
        status = normalise_status(f["status"].iloc[pos]) if ledger.has("status") else None
        if status not in STAGES:
            continue
        fields, limit_name, waiting_for = STAGES[status]
        since = None
        for name in fields:
            if ledger.has(name):
                value = f[name].iloc[pos]
                if value is not None and value == value:  # not NaT
                    since = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
                    break
        days = (today - since.date()).days if since is not None else None
        limit = getattr(settings, limit_name) if limit_name else None
        overdue = days - limit if days is not None and limit is not None and days > limit else None

        def get(name: str, pos: int = pos) -> Any:
            return f[name].iloc[pos] if ledger.has(name) else None

        out.append(
            [
                get("claim_id"),
                get("claimant"),
                get("department"),
                get("amount"),
                status or "（空）",
                waiting_for,
                since,
                days,
                limit,
                overdue,
            ]
        )
    out.sort(key=lambda r: (-(r[9] or 0), -(r[7] or 0), str(r[0])))
    return out


@action(
    "expense_backlog",
    label="报销进度",
    group="费用",
    image="CalendarInsert",
    screentip="各环节的报销单和超期情况",
    supertip="『报销进度』：按『报销登记』列出在办的报销单在哪个环节、等了几天、是否超过『设置』中的时限，超期的排在最前，"
    "便于催办（制度四.7：无拖延、积压）。",
)
def expense_backlog(book: xw.Book, ctx: Context) -> Summary:
    found = _claims(book, ctx, create=False)
    if found is None:
        return Summary("expense_backlog", "报销进度", "ok", "工作簿中没有『报销登记』，没有在办的报销单。")
    _, ledger = found
    rows = backlog_rows(ledger, ctx.settings, ctx.today)
    per_stage: dict[str, list[int]] = {}
    for r in rows:
        counts = per_stage.setdefault(r[5], [0, 0])
        counts[0] += 1
        counts[1] += bool(r[9])
    overdue = sum(1 for r in rows if r[9])
    stages = "；".join(
        f"待{stage} {n} 张" + (f"（超期 {late} 张）" if late else "") for stage, (n, late) in per_stage.items()
    )
    note = f"截至 {ctx.today:%Y-%m-%d}：在办 {len(rows)} 张，超期 {overdue} 张。" + (stages and f" {stages}。")
    output_sheet(
        book,
        "报销进度",
        "报销进度",
        note,
        ["报销单号", "报销人", "部门", "金额", "状态", "等待", "起始日期", "已等待(天)", "时限(天)", "超期(天)"],
        rows,
        widths=[13, 8, 10, 12, 10, 16, 11, 10, 8, 8],
        formats={4: "¥#,##0.00", 7: "yyyy-mm-dd"},
        empty="（没有在办的报销单）",
        after=ledger.sheet,
    )
    message = f"在办报销单 {len(rows)} 张，超期 {overdue} 张；详见『报销进度』。"
    return Summary("expense_backlog", "报销进度", "ok", message, rows=len(ledger), details=[stages] if stages else [])


__all__ = ["backlog_rows", "finance_feedback", "seal_folder"]
