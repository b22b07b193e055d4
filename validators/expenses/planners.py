"""The expense claim workflow as pure planners (regulation 三.7).

报销人填单附票 → 部门负责人审批 → 内勤初审（校验报销单、费用初审 / 退回）→ 提交财务（封存副本）
→ 财务终审、付款（财务结果）→ 反馈报销人; 报销进度 shows what waits where, overdue first.
Planners take the forms, the issues the checks found, the store's records (read by the action)
and return what to write: cells on the forms, rows of 报销登记, the messages to the claimant.
The store's own "only once" steps (reserving invoices, sealing) stay with the action, which
feeds their answers back in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from neiqin.core.config import Settings
from neiqin.core.issues import Issue, make_issue
from neiqin.core.ledger import Ledger
from neiqin.core.money import money
from neiqin.core.plan import Output, Plan, StoreOp, Upsert

from .codes import ExpenseCode
from .rules import claim_fingerprint, form_invoices, form_months
from .schema import ExpenseForm, invoice_key
from .states import CLOSED, FINANCE_RESULTS, MACHINE, PENDING, ClaimStage, change_problem, stage

C = ClaimStage


def label(state: ClaimStage, settings: Settings) -> str:
    return MACHINE.label(state, settings)


def day(when: dt.date) -> dt.datetime:
    return dt.datetime.combine(when, dt.time())


def errors(issues: Sequence[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def amount_text(value: Any) -> str:
    """¥1,409.50, or 金额未填 for an empty cell (an empty 金额 of 『报销登记』 is read as NaN)."""
    return f"¥{money(value)}" if isinstance(value, (int, float)) and value == value else "金额未填"


def who(form: ExpenseForm) -> str:
    return str(form.get("claimant") or "报销人")


def put(plan: Plan, form: ExpenseForm, name: str, value: Any) -> None:
    """Write a labelled field's value cell (when the form has its label)."""
    ff = form.fields.get(name)
    if ff is not None:
        plan.write(form.sheet, ff.row, ff.col, value)


def put_in_full(plan: Plan, form: ExpenseForm, name: str, text: str) -> None:
    """Write a text box of the form (退回原因) so that all of it shows, on screen and on the paper
    that goes back to the claimant: its box wraps and grows (more rows when one is not enough)."""
    put(plan, form, name, text)
    ff = form.fields.get(name)
    if ff is not None:
        plan.show_in_full(form.sheet, ff.row, ff.col)


def choose_forms(
    forms: Sequence[ExpenseForm], stages: set[ClaimStage | None] | None, settings: Settings
) -> tuple[list[ExpenseForm], str]:
    """The forms in one of ``stages`` (all when None), and a note when there is none."""
    if not forms:
        return [], "报销单都是空白模板，没有需要处理的报销单"
    if stages is None:
        return list(forms), ""
    kept = [f for f in forms if stage(f.status, settings) in stages]
    if not kept:
        shown = "、".join(f"『{f.sheet}』{f.status or '（空）'}" for f in forms)
        return [], f"没有处于这一环节的报销单（{shown}）"
    return kept, ""


def claim_values(form: ExpenseForm, status: str | None) -> dict[str, Any]:
    """A claim's row of 『报销登记』 from its form."""
    return {
        "claimant": form.get("claimant"),
        "department": form.get("department"),
        "amount": form.get("total"),
        "status": status,
        "submitted": form.get("claim_date"),
        "approved": form.get("approval_date"),
    }


def register(plan: Plan, entries: dict[str, dict[str, Any]], after: str | None = None) -> None:
    """Add or update claims in 『报销登记』 (by 报销单号)."""
    if entries:
        plan.upserts.append(Upsert("claims", "claim_id", entries, after=after))


def waiting(form: ExpenseForm, settings: Settings) -> ClaimStage:
    """Where a form that did not pass waits: returned stays returned, else for approval or pre-review."""
    current = stage(form.status, settings)
    if current in (C.RETURNED, C.FINANCE_RETURNED):
        return current
    return C.AWAITING_PREREVIEW if form.get("approval_date") is not None else C.AWAITING_APPROVAL


def reasons(issues: Sequence[Issue]) -> str:
    """The issues of a form as numbered lines for the claimant: every one of them (the claimant
    gets the paper back, not the workbook's 『校验结果』)."""
    ordered = errors(issues) + [i for i in issues if i.severity != "error"]
    lines = []
    for n, issue in enumerate(ordered, start=1):
        where = f"第 {issue.row} 行「{issue.column}」" if issue.row else f"「{issue.column}」" if issue.column else ""
        lines.append(f"{n}. {where}{'：' if where else ''}{issue.message}")
    return "\n".join(lines)


def prereview_problem(form: ExpenseForm, record: dict[str, Any] | None) -> str | None:
    """Why the store's record does not show that this form, as it is now, passed 费用初审; None when it does."""
    if record is None:
        return "没有费用初审的登记（状态『初审通过』不是『费用初审』写的）"
    recorded = stage(record.get("stage"))
    if recorded != C.PREREVIEWED:
        return f"登记的环节是『{record.get('stage')}』，不是『{C.PREREVIEWED.value}』"
    if record.get("fingerprint") != claim_fingerprint(form):
        return "初审后被改动过（报销人、合计或发票与初审时不同）"
    return None


# --------------------------------------------------------------------------- 费用初审


@dataclass
class Prereview:
    """费用初审 in two steps: what the checks let through (for the store to reserve), then the result."""

    plan: Plan
    requests: list[tuple[ExpenseForm, dict[str, Any]]] = field(default_factory=list)  # Store.prereview_claim kwargs
    passed: list[ExpenseForm] = field(default_factory=list)
    held: list[ExpenseForm] = field(default_factory=list)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)


def prereview_forms(
    forms: Sequence[ExpenseForm], records: dict[str, dict[str, Any]], settings: Settings
) -> list[ExpenseForm]:
    """The forms 费用初审 looks at: pending ones, and 初审通过 ones changed since (or never really pre-reviewed)."""
    return [
        f
        for f in forms
        if stage(f.status, settings) != C.PREREVIEWED or prereview_problem(f, records.get(str(f.claim_id)))
    ]


def plan_prereview(
    forms: Sequence[ExpenseForm],
    by_sheet: dict[str, list[Issue]],
    records: dict[str, dict[str, Any]],
    now: dt.datetime,
    user: str,
    workbook: str,
    settings: Settings,
) -> Prereview:
    """Step one: forms with errors are held (their 报销登记 row says where they wait); the others
    become requests for the store, which reserves their invoices all or none."""
    out = Prereview(Plan(rows=sum(len(f.lines) for f in forms)))
    closed_ids = {cid for cid, r in records.items() if stage(r.get("stage")) in CLOSED}
    for form in forms:
        cid = form.claim_id
        if errors(by_sheet.get(form.sheet, [])) or cid is None:
            out.held.append(form)
            if cid is not None and cid not in out.entries and cid not in closed_ids:  # never over a closed claim
                out.entries[cid] = claim_values(form, label(waiting(form, settings), settings))
            continue
        total = form.get("total")
        out.requests.append(
            (
                form,
                {
                    "claim_id": cid,
                    "invoices": form_invoices(form),
                    "claimant": str(form.get("claimant") or ""),
                    "total": float(total) if isinstance(total, (int, float)) else None,
                    "fingerprint": claim_fingerprint(form),
                    "months": form_months(form),
                    "when": now,
                    "user": user,
                    "workbook": workbook,
                },
            )
        )
    return out


def finish_prereview(
    out: Prereview, answers: dict[str, tuple[str | None, dict[str, str]]], today: dt.date, user: str, settings: Settings
) -> Prereview:
    """Step two, with the store's answer per claim (the closed stage it found, or the invoices others hold)."""
    plan = out.plan
    for form, request in out.requests:
        cid = request["claim_id"]
        closed, taken = answers[cid]
        if closed:  # handed over by another clerk since the check
            plan.issues.append(form.at("claim_id", ExpenseCode.EXP_CLAIM_CLOSED, value=cid, stage=closed, when="刚刚"))
        for key, holder in taken.items():  # reserved by another claim since the check (a second clerk)
            line = next((ln for ln in form.lines if invoice_key(ln) == key), None)
            values = {"key": key, "claim": holder, "when": "刚刚"}
            plan.issues.append(
                form.at_line(line, "number", ExpenseCode.EXP_INVOICE_CLAIMED, **values)
                if line is not None
                else make_issue(ExpenseCode.EXP_INVOICE_CLAIMED, form.sheet, form.first_row, "发票号码", **values)
            )
        if closed or taken:
            out.held.append(form)
            continue
        out.passed.append(form)
        put(plan, form, "status", label(C.PREREVIEWED, settings))
        put(plan, form, "prereviewer", user)
        put(plan, form, "prereview_date", day(today))
        if form.get("return_reason") is not None:
            put(plan, form, "return_reason", None)
        out.entries[cid] = {
            **claim_values(form, label(C.PREREVIEWED, settings)),
            "prereviewed": day(today),
            "return_reason": None,
            "feedback": f"{who(form)}：您的报销单 {cid}（{amount_text(form.get('total'))}）已于 {today:%Y-%m-%d} "
            "通过内勤初审，将提交财务终审。",
        }
    register(plan, out.entries)
    parts = []
    if out.passed:
        parts.append(
            f"初审通过 {len(out.passed)} 张（{'、'.join(f.claim_id or f.sheet for f in out.passed)}），发票已登记"
        )
    if out.held:
        parts.append(
            f"{len(out.held)} 张有错误，未通过（{'、'.join(f.claim_id or f.sheet for f in out.held)}）："
            "请改正，或点『退回』退给报销人"
        )
    plan.message = "；".join(parts) + "。"
    plan.outcome = "issues" if out.held else "ok"
    return out


# --------------------------------------------------------------------------- 退回


def plan_return(
    forms: Sequence[ExpenseForm],
    by_sheet: dict[str, list[Issue]],
    records: dict[str, dict[str, Any]],
    now: dt.datetime,
    user: str,
    settings: Settings,
) -> Plan:
    """初审退回: the reasons from the issues, on the form and in 报销登记; the claim's invoices released
    (not when its 报销单号 is already with finance or paid: that claim keeps them)."""
    plan = Plan(rows=sum(len(f.lines) for f in forms))
    entries: dict[str, dict[str, Any]] = {}
    today = now.date()
    for form in forms:
        cid = form.claim_id or form.sheet
        why = reasons(by_sheet.get(form.sheet, []))
        text = (
            f"{who(form)}：您的报销单 {cid}（{amount_text(form.get('total'))}）内勤初审退回（{today:%Y-%m-%d}，{user}）"
        )
        text += "，请按以下意见修改后重新提交：\n" + why if why else "，请与内勤联系。"
        put(plan, form, "status", label(C.RETURNED, settings))
        put(plan, form, "prereviewer", user)
        put(plan, form, "prereview_date", day(today))
        put_in_full(plan, form, "return_reason", why or "请与内勤联系")
        if not form.claim_id:  # no 报销单号: nothing to register
            plan.details.append(text)
            continue
        record = records.get(cid)
        if record is not None and stage(record.get("stage")) in CLOSED:
            plan.details.append(
                text + f"\n（报销单号 {cid} 的报销单状态为『{label(stage(record.get('stage')), settings)}』，"
                "其发票登记和『报销登记』不变；"
                "请为这张报销单换一个新的报销单号）"
            )
            continue
        plan.details.append(text)
        say = (len(plan.details) - 1, "\n（已释放 {result} 张发票的登记）")
        plan.store.append(StoreOp("release_invoices", {"claim_id": cid, "when": now}, say=say))
        plan.store.append(StoreOp("set_claim_stage", {"claim_id": cid, "stage": C.RETURNED.value, "when": now}))
        entries[cid] = {
            **claim_values(form, label(C.RETURNED, settings)),
            "prereviewed": day(today),
            "return_reason": why or "请与内勤联系",
            "feedback": text,
        }
    register(plan, entries)
    plan.message = (
        f"退回了 {len(forms)} 张报销单，退回说明已写入报销单和『报销登记』。"
        if forms
        else "没有需要退回的报销单（都没有错误）。"
    )
    return plan


# --------------------------------------------------------------------------- 提交财务


def submit_problem(form: ExpenseForm, issues: Sequence[Issue], record: dict[str, Any] | None) -> Issue | None:
    """Why a form cannot be sealed now (an Issue on its 状态), or None."""
    cid = form.claim_id
    if errors(issues) or cid is None:
        return None  # changed since pre-review: its own issues say why
    # only what 费用初审 passed (the store's record, not a typed 状态), unchanged since
    why = prereview_problem(form, record)
    if why:
        return form.at("status", ExpenseCode.EXP_NOT_PREREVIEWED, claim=cid, why=why)
    return None


def handed_over(form: ExpenseForm, today: dt.date, settings: Settings) -> dict[str, Any]:
    """The 报销登记 row of a claim sealed and handed to finance."""
    return {
        "status": label(C.HANDED_OVER, settings),
        "handed_over": day(today),
        "finance_result": None,  # a result of an earlier submission is not this one's
        "result_date": None,
        "feedback": f"{who(form)}：您的报销单 {form.claim_id}（{amount_text(form.get('total'))}）"
        f"已于 {today:%Y-%m-%d} 交财务终审。",
    }


def seal_failed(form: ExpenseForm, path: str, why: str, todo: str) -> Issue:
    return form.at("status", ExpenseCode.EXP_SEAL_FAILED, claim=form.claim_id, path=path, why=why, todo=todo)


# --------------------------------------------------------------------------- 财务结果


def finance_feedback(
    claimant: str, claim_id: str, amount: Any, result: ClaimStage, when: dt.date, note: str | None
) -> str:
    """The message to the claimant for a finance result."""
    head = f"{claimant or '报销人'}：您的报销单 {claim_id}（{amount_text(amount)}）"
    if result == C.FINANCE_APPROVED:
        return head + f"已于 {when:%Y-%m-%d} 通过财务终审，等待付款。"
    if result == C.PAID:
        return head + f"已于 {when:%Y-%m-%d} 付款，请查收。"
    return head + f"被财务于 {when:%Y-%m-%d} 退回：{note or '请与财务联系'}。请按意见修改后重新交内勤初审。"


def plan_finance_results(
    claims: Ledger,
    forms: dict[str, ExpenseForm],
    records: dict[str, dict[str, Any]],
    now: dt.datetime,
    settings: Settings,
) -> Plan:
    """Finance's results typed into 报销登记 (财务结果, 结果日期, 财务意见): the claim's stage and dates,
    the claimant's message, the form's 状态; a result the claim cannot take is an issue at its row.

    A result dated before the claim was (re)submitted to finance belongs to an earlier submission:
    it is ignored and cleared, so a resubmitted claim is never returned again by its old result.
    """
    # Long because each result row walks one fixed sequence (ignore stale, check the stage change,
    # write dates, release invoices, message, form); splitting it would pass a dozen values around.
    f = claims.frame
    plan = Plan(rows=len(claims), issues=list(claims.issues))
    unreadable = {i.row for i in claims.issues if claims.has("result_date") and i.col == claims.col("result_date")}
    recorded = 0

    def cell(pos: int, name: str, value: Any) -> None:
        if claims.has(name):
            plan.write(claims.sheet, claims.rows[pos], claims.col(name), value)

    def value(name: str, pos: int) -> Any:
        return f[name].iloc[pos] if claims.has(name) else None

    for pos, row in enumerate(claims.rows):
        if row in unreadable:
            continue  # a 结果日期 that is not a date: its issue says so, nothing is recorded
        typed_result, typed_status = value("finance_result", pos), value("status", pos)
        result = stage(typed_result, settings)
        status = stage(typed_status, settings)
        cid = value("claim_id", pos)
        if result is None or result == status or cid is None:
            continue
        if result not in FINANCE_RESULTS:
            continue  # the closed list's check reports it
        when_value = value("result_date", pos)
        when = (
            when_value.to_pydatetime()
            if hasattr(when_value, "to_pydatetime") and when_value == when_value
            else day(now.date())
        )
        handed = value("handed_over", pos)
        if hasattr(handed, "to_pydatetime") and handed == handed and when < handed.to_pydatetime():
            # an earlier submission's result: the claim went to finance again since
            cell(pos, "finance_result", None)
            cell(pos, "result_date", None)
            plan.details.append(
                f"报销单 {cid} 的财务结果『{typed_result}』（{when:%Y-%m-%d}）早于本次交财务日期 "
                f"{handed:%Y-%m-%d}，是上一次提交的结果，已忽略并清空；请按财务对本次提交的结果重新填写。"
            )
            continue
        why = change_problem(typed_status, result, settings)
        if why:
            plan.issues.append(
                claims.issue(
                    ExpenseCode.EXP_STATUS_TRANSITION,
                    row,
                    "finance_result",
                    claim=cid,
                    old=typed_status or "（空）",
                    new=typed_result,
                    why=why,
                )
            )
            continue
        note = value("finance_note", pos)
        cell(pos, "status", label(result, settings))
        if result in (C.FINANCE_APPROVED, C.FINANCE_RETURNED) or (
            result == C.PAID and claims.raw.get("finance_reviewed", [None] * len(claims))[pos] is None
        ):
            cell(pos, "finance_reviewed", when)
        if result == C.PAID:
            cell(pos, "paid", when)
        if result == C.FINANCE_RETURNED:
            cell(pos, "return_reason", note or "财务退回")
            plan.store.append(StoreOp("release_invoices", {"claim_id": str(cid), "when": now}))
        plan.store.append(StoreOp("set_claim_stage", {"claim_id": str(cid), "stage": result.value, "when": now}))
        text = finance_feedback(value("claimant", pos), str(cid), value("amount", pos), result, when.date(), note)
        cell(pos, "feedback", text)
        plan.details.append(text)
        recorded += 1
        form = forms.get(str(cid))
        if form is not None:
            put(plan, form, "status", label(result, settings))
            if result in (C.FINANCE_APPROVED, C.FINANCE_RETURNED) or form.get("finance_date") is None:
                put(plan, form, "finance_date", when)
            if result == C.FINANCE_RETURNED:
                put_in_full(plan, form, "return_reason", note or "财务退回")
    refused = sum(i.code == ExpenseCode.EXP_STATUS_TRANSITION for i in plan.issues)
    plan.message = f"登记了 {recorded} 条财务结果。" + (f"{refused} 条不能登记，见『校验结果』。" if refused else "")
    return plan


# --------------------------------------------------------------------------- 报销进度

# stage -> (the date fields it started from, the setting with its time limit, what it waits for)
STAGES: dict[ClaimStage | None, tuple[tuple[str, ...], str | None, str]] = {
    None: (("submitted",), "backlog_days_approval", "部门负责人审批"),
    C.AWAITING_APPROVAL: (("submitted",), "backlog_days_approval", "部门负责人审批"),
    C.AWAITING_PREREVIEW: (("approved", "submitted"), "backlog_days_prereview", "内勤初审"),
    C.PREREVIEWED: (("prereviewed", "approved", "submitted"), "backlog_days_handover", "交财务"),
    C.HANDED_OVER: (("handed_over", "prereviewed"), "backlog_days_finance", "财务终审"),
    C.FINANCE_APPROVED: (("finance_reviewed", "handed_over"), "backlog_days_payment", "付款"),
    C.RETURNED: (("prereviewed",), None, "报销人修改后重交"),
    C.FINANCE_RETURNED: (("finance_reviewed",), None, "报销人修改后重交"),
}


def backlog_rows(ledger: Ledger, settings: Any, today: dt.date) -> list[list[Any]]:
    """One row per open claim: where it waits, since when, how long, how much over the limit."""
    f = ledger.frame
    out = []
    for pos in range(len(ledger)):
        typed = f["status"].iloc[pos] if ledger.has("status") else None
        current = stage(typed, settings)
        if current is None and typed is not None and str(typed).strip():
            continue  # not a stage: the closed-list check reports it
        if current not in STAGES:
            continue
        fields, limit_name, waiting_for = STAGES[current]
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

        shown = label(current, settings) if current is not None else "（空）"
        row = [get("claim_id"), get("claimant"), get("department"), get("amount"), shown, waiting_for, since]
        out.append([*row, days, limit, overdue])
    out.sort(key=lambda r: (-(r[9] or 0), -(r[7] or 0), str(r[0])))
    return out


def plan_backlog(ledger: Ledger, today: dt.date, settings: Settings) -> Plan:
    """『报销进度』: open claims by stage, how long they wait, overdue first (制度四.7：无拖延、积压)."""
    rows = backlog_rows(ledger, settings, today)
    per_stage: dict[str, list[int]] = {}
    for r in rows:
        counts = per_stage.setdefault(r[5], [0, 0])
        counts[0] += 1
        counts[1] += bool(r[9])
    overdue = sum(1 for r in rows if r[9])
    stages = "；".join(
        f"待{name} {n} 张" + (f"（超期 {late} 张）" if late else "") for name, (n, late) in per_stage.items()
    )
    note = f"截至 {today:%Y-%m-%d}：在办 {len(rows)} 张，超期 {overdue} 张。" + (stages and f" {stages}。")
    header = ["报销单号", "报销人", "部门", "金额", "状态", "等待", "起始日期", "已等待(天)", "时限(天)", "超期(天)"]
    plan = Plan(rows=len(ledger), details=[stages] if stages else [])
    plan.outputs.append(
        Output(
            "报销进度",
            "报销进度",
            note,
            header,
            rows,
            widths=[13, 8, 10, 12, 10, 16, 11, 10, 8, 8],
            formats={4: "¥#,##0.00", 7: "yyyy-mm-dd"},
            empty="（没有在办的报销单）",
            after=ledger.sheet,
        )
    )
    plan.message = f"在办报销单 {len(rows)} 张，超期 {overdue} 张；详见『报销进度』。"
    return plan


PENDING_OR_PASSED = {None, *PENDING, C.PREREVIEWED}
