"""『导入发票』 as a pure planner: invoice files read (``neiqin.core.einvoice``) → lines of a 费用报销单.

Each invoice becomes one line per tax rate (日期, 发票类型, 发票代码 — empty for 数电 —, 发票号码,
不含税金额, 税率, 税额, 价税合计, 说明 = seller + first item), appended under the last line the
clerk filled, never over one; when the table has too few empty rows nothing is written. The
action (``macros/invoices.py``) reads the form and the files, asks the store who already holds
each invoice and file, and writes what this planner decides. Issues stand at the line written
(sheet, row, 发票号码) or, for what was not written, at the table's header row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from neiqin.core import einvoice
from neiqin.core.config import Settings
from neiqin.core.einvoice import values
from neiqin.core.issues import Issue, make_issue
from neiqin.core.plan import Plan

from .codes import ExpenseCode
from .schema import ExpenseForm, invoice_key

# the line columns an import fills (the form's own headers say where they are)
FILLED = ("date", "kind", "code", "number", "net", "rate", "tax", "gross", "note")
BUYER_CODES = frozenset({"buyer_name", "buyer_tax_id"})
NOTE_WIDTH = 60


@dataclass
class ImportPlan:
    """What 『导入发票』 writes: the plan, the invoices to record in the store, the files to keep."""

    plan: Plan
    written: list[einvoice.Invoice] = field(default_factory=list)  # in the order of their lines
    rows: dict[str, int] = field(default_factory=dict)  # invoice key (or first file) -> its first line's row
    refused: bool = False


def file_name(path: str) -> str:
    return PurePath(path).name or path


def files_of(inv: einvoice.Invoice) -> str:
    return "、".join(file_name(p) for p in inv.paths)


def ident(inv: einvoice.Invoice) -> str:
    """The invoice as the store and this plan know it: its key, or its first file's hash."""
    return inv.key or inv.sources[0].sha256


def store_entries(invoices: Sequence[einvoice.Invoice], kept: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """``invoices`` as ``filestore.claim_files`` takes them (``kept``: sha256 -> where the file is kept)."""
    kept = kept or {}
    return [
        {
            "key": inv.key,
            "files": [{"sha256": r.sha256, "file": kept.get(r.sha256, r.path), "size": r.size} for r in inv.sources],
        }
        for inv in invoices
    ]


def note_text(inv: einvoice.InvoiceData) -> str:
    """说明: the seller and the first item (without the tax classification's *…* prefix)."""
    item = inv.items[0].name if inv.items else ""
    if item.startswith("*") and item.count("*") >= 2:
        item = item.split("*", 2)[2] or item
    text = " ".join(p for p in (inv.seller_name, item) if p)
    return text[:NOTE_WIDTH]


def _number(value: Any) -> float | None:
    return None if value is None else float(values.fen(value))


def line_values(inv: einvoice.Invoice) -> list[dict[str, Any]]:
    """The form lines of one invoice (one per tax rate), by field: text as text, numbers as numbers."""
    when = dt.datetime.combine(inv.date, dt.time()) if inv.date is not None else None
    out = []
    for part in inv.rate_lines():
        out.append(
            {
                "date": when,
                "kind": inv.kind_label,
                "code": None if inv.digital or not inv.code else inv.code,
                "number": inv.number or None,
                "net": _number(part.net),
                "rate": None if part.rate is None else float(part.rate),
                "tax": _number(part.tax),
                "gross": _number(part.gross),
                "note": note_text(inv),
            }
        )
    return out


def free_rows(form: ExpenseForm) -> tuple[list[int], str | None]:
    """The empty rows under the last filled line, down to the row of 合计 (or why there are none to use)."""
    if not form.header_row:
        return [], "找不到费用明细的表头"
    ends = [
        ff.row for name in form.schema.ends if (ff := form.fields.get(name)) is not None and ff.row > form.header_row
    ]
    if not ends:
        return [], "费用明细下方找不到「合计(小写)」，不知道明细表在哪一行结束"
    last = max([form.header_row, *(line.row for line in form.lines)])
    return list(range(last + 1, min(ends))), None


def plan_import(
    form: ExpenseForm,
    reading: einvoice.Reading,
    settings: Settings,
    *,
    held: Mapping[str, Mapping[str, Any]] | None = None,
    registry: Mapping[str, Mapping[str, Any]] | None = None,
    folder: str = "",
) -> ImportPlan:
    """The lines, cells and issues of importing ``reading`` into ``form``.

    ``held``: the store's ``imported_invoices`` / ``invoice_files`` rows by invoice key or file hash
    (another claim's → not written, EXP-038); ``registry``: invoices reserved by pre-reviewed claims
    (``Store.claimed_invoices``). ``folder`` names where the files came from in the message."""
    held = held or {}
    registry = registry or {}
    claim = str(form.claim_id or "")
    plan = Plan(rows=len(reading.records))
    result = ImportPlan(plan)
    table = form.header_row or form.first_row
    at_table = lambda code, **v: make_issue(code, form.sheet, table, form.schema.lines_title, **v)  # noqa: E731
    on_form: dict[str, int] = {}
    for line in form.lines:
        key = invoice_key(line)
        if key:
            on_form.setdefault(key, line.row)
    for r in reading.unreadable:
        problem, todo = split_message(r.error or "", "换一份完整的发票文件（向开票方重新索取）后再导入")
        plan.issues.append(
            at_table(ExpenseCode.EXP_INVOICE_UNREADABLE, file=file_name(r.path), problem=problem, todo=todo)
        )
    to_write: list[einvoice.Invoice] = []
    already: list[str] = []
    for inv in reading.invoices:
        other = _elsewhere(inv, claim, held, registry)
        if other is not None:
            plan.issues.append(
                at_table(ExpenseCode.EXP_INVOICE_IMPORTED, invoice=inv.title, file=files_of(inv), where=other)
            )
        elif inv.key and inv.key in on_form:
            already.append(f"{inv.title}（{files_of(inv)}）已在第 {on_form[inv.key]} 行，未重复写入")
        elif not inv.key and all(held.get(r.sha256, {}).get("claim_id") == claim for r in inv.sources):
            already.append(f"文件 {files_of(inv)} 已导入过本报销单，未重复写入")
        else:
            to_write.append(inv)
    rows, why = free_rows(form)
    needed = sum(len(inv.rate_lines()) for inv in to_write)
    if to_write and (why is not None or needed > len(rows)):
        if why is None:
            why = f"费用明细只剩 {len(rows)} 个空行，这次要写 {needed} 行（{len(to_write)} 张发票）"
            todo = f"在「合计(小写)」上方插入至少 {needed - len(rows)} 行（合计公式随之扩展）后再点『导入发票』"
        else:
            todo = "按模板恢复费用明细和合计行后再点『导入发票』"
        plan.issues.append(at_table(ExpenseCode.EXP_LINES_FULL, why=why, todo=todo))
        result.refused = True
        plan.outcome = "issues"
        plan.message = f"没有写入：{why}。"
        return result
    company = _company_issue(form, settings, table)
    if company is not None and to_write:
        plan.issues.append(company)
    verification = _write_lines(result, form, to_write, rows, settings)
    plan.outcome = "issues" if any(i.severity == "error" for i in plan.issues) else "ok"
    _summarise(plan, reading, to_write, folder)
    plan.details += already
    if verification:
        plan.details.append("查验（国家税务总局全国增值税发票查验平台，需输入验证码）：")
        plan.details += verification
    return result


def _write_lines(
    result: ImportPlan, form: ExpenseForm, invoices: list[einvoice.Invoice], rows: list[int], settings: Settings
) -> list[str]:
    """Each invoice's lines into the free ``rows``, its issues at its first line; the 查验 fields per invoice."""
    plan = result.plan
    columns = {name: col for name, (_header, col) in form.columns.items()}
    seq_col = columns.get("seq", 0)
    free = iter(rows)
    verification: list[str] = []
    for inv in invoices:
        first_row = 0
        for line in line_values(inv):
            row = next(free)
            first_row = first_row or row
            for name in FILLED:
                if line[name] is not None:
                    plan.write(form.sheet, row, columns.get(name, 0), line[name])
            if seq_col and form.cell(row, seq_col) is None:
                plan.write(form.sheet, row, seq_col, row - form.header_row)
        result.written.append(inv)
        result.rows[ident(inv)] = first_row
        plan.issues += invoice_issues(form, inv, first_row, settings)
        verification.append(f"第 {first_row} 行 " + "，".join(einvoice.verification(inv).lines()))
    return verification


def _summarise(plan: Plan, reading: einvoice.Reading, written: list[einvoice.Invoice], folder: str) -> None:
    needed = sum(len(inv.rate_lines()) for inv in written)
    parts = [f"从 {folder or '发票文件夹'} 读取 {len(reading.records)} 个文件"]
    parts.append(f"写入 {len(written)} 张发票（{needed} 行）" if written else "没有新的发票要写入")
    if reading.unreadable:
        parts.append(f"{len(reading.unreadable)} 个文件无法读取")
    refused = sum(i.code == ExpenseCode.EXP_INVOICE_IMPORTED for i in plan.issues)
    if refused:
        parts.append(f"{refused} 张发票已在其他报销单中，未写入")
    todo = "请为新写入的行选择「费用类别」，并核对「附件张数」。" if written else ""
    plan.message = "，".join(parts) + "。" + todo
    if reading.skipped:
        plan.details.append(f"跳过隐藏文件 {len(reading.skipped)} 个（{'、'.join(map(file_name, reading.skipped))}）")


def split_message(message: str, todo: str) -> tuple[str, str]:
    """A reader's message as (what is wrong, what to do): its last "；请…" is the advice, else ``todo``."""
    head, sep, tail = message.rpartition("；请")
    return (head, tail) if sep else (message.rstrip("；。"), todo)


def _elsewhere(
    inv: einvoice.Invoice,
    claim: str,
    held: Mapping[str, Mapping[str, Any]],
    registry: Mapping[str, Mapping[str, Any]],
) -> str | None:
    """Where another claim holds this invoice or one of its files (text for the message), else None."""
    rows = [held.get(inv.key)] if inv.key else []
    rows += [held.get(r.sha256) for r in inv.sources]
    for row in rows:
        if row is not None and str(row.get("claim_id")) != claim:
            when = row.get("imported_at")
            said = [f"{when:%Y-%m-%d %H:%M} 导入"] if isinstance(when, dt.datetime) else []
            said += [f"报销人 {row['claimant']}"] if row.get("claimant") else []
            return f"导入报销单 {row['claim_id']}" + (f"（{'，'.join(said)}）" if said else "")
    reserved = registry.get(inv.key) if inv.key else None
    if reserved is not None and str(reserved.get("claim_id")) != claim:
        when = reserved.get("reserved_at")
        since = f"（{when:%Y-%m-%d} 初审通过）" if isinstance(when, dt.datetime) else ""
        return f"在报销单 {reserved['claim_id']} 中报销{since}"
    return None


def _company_issue(form: ExpenseForm, settings: Settings, row: int) -> Issue | None:
    missing = [
        label
        for name, label in (("company_name", "「公司名称」"), ("company_tax_id", "「公司纳税人识别号」"))
        if not getattr(settings, name, None)
    ]
    if not missing:
        return None
    return make_issue(ExpenseCode.EXP_NO_COMPANY, form.sheet, row, form.schema.lines_title, missing="和".join(missing))


def invoice_issues(form: ExpenseForm, inv: einvoice.Invoice, row: int, settings: Settings) -> list[Issue]:
    """What the files say is wrong with one invoice, and whether its buyer is the company: at its line."""
    header, col = form.columns.get("number", ("发票号码", 0))
    found = list(inv.problems) + einvoice.check_buyer(
        inv, getattr(settings, "company_name", None), getattr(settings, "company_tax_id", None)
    )
    issues = []
    for p in dict.fromkeys(found):
        if p.code in BUYER_CODES:
            code = ExpenseCode.EXP_INVOICE_BUYER
        elif p.severity == "error":
            code = ExpenseCode.EXP_INVOICE_FILE
        else:
            code = ExpenseCode.EXP_INVOICE_FILE_NOTE
        problem, todo = split_message(p.message, "对照发票原件核对这一行")
        issues.append(
            make_issue(
                code,
                form.sheet,
                row,
                header,
                col=col,
                invoice=inv.title,
                files=files_of(inv),
                problem=problem,
                todo=todo,
            )
        )
    return issues
