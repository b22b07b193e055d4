"""『导入发票』: the invoice files of a claim into its 费用报销单 (read → plan → store → write → check).

The files are taken from ``发票/<报销单号>/`` next to the workbook, or from ``<『设置』发票文件夹>/<报销单号>/``;
in the second case each file written to the form is copied to ``发票/<报销单号>/`` next to the
workbook, so the files stay with the claim. The store records every invoice and file (SHA-256) with
its claim (``validators.expenses.filestore``): the same invoice or file imported into another claim
is refused there, by its unique keys.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import xlwings as xw

from neiqin.core import einvoice
from neiqin.core.forms import form_sheet_names, read_form, read_forms
from neiqin.core.kit import ledger as spec
from neiqin.core.marks import mark_issues
from neiqin.core.plan import apply_plan
from validators.expenses import (
    GROUP,
    ExpenseForm,
    filestore,  # registers its store domain (SQLAlchemy: not at ledger discovery)
)
from validators.expenses import imports as plans

from .expenses import _check
from .ledgers import active_forms
from .registry import Context, Summary, action, get

SUBFOLDER = "发票"


def _refuse(note: str) -> Summary:
    # nothing to do (as the other buttons say it): the note says why and what to do
    return Summary("import_invoices", get("import_invoices").label, "ok", note)


def _form(book: xw.Book) -> tuple[ExpenseForm | None, str]:
    """The form the clerk is on, or the workbook's only form; else why none."""
    expenses = spec("expenses")
    names = form_sheet_names(book, expenses)
    if not names:
        return None, "工作簿中没有名称以『费用报销单』开头的工作表；请在报销单上点『导入发票』"
    chosen = active_forms(book, expenses)
    if chosen is None and len(names) > 1:
        return None, "请先切换到要导入发票的报销单（名称以『费用报销单』开头的工作表），再点『导入发票』"
    forms = read_forms(book, expenses, chosen or names, skip_blank=False)
    return (forms[0], "") if forms else (None, "这张工作表不是按模板填写的费用报销单")


def folders(book: xw.Book, ctx: Context, claim: str) -> tuple[Path | None, Path | None]:
    """(where the files are read from, where they are kept beside the claim); None without a saved workbook."""
    full = Path(book.fullname)
    kept = full.parent / SUBFOLDER / claim if full.is_absolute() else None
    if ctx.settings.invoice_folder:
        return Path(ctx.settings.invoice_folder).expanduser() / claim, kept
    return kept, kept


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def keep_paths(invoices: list[einvoice.Invoice], source: Path, kept: Path | None) -> dict[str, Path]:
    """sha256 -> where each file of ``invoices`` is kept (its own path when it is already beside the claim).

    A file of the same name but other content already there gets a new name (发票_2.pdf): nothing is overwritten."""
    out: dict[str, Path] = {}
    if kept is None or source.resolve() == kept.resolve():
        return {r.sha256: Path(r.path) for inv in invoices for r in inv.sources}
    taken: set[Path] = set()
    for inv in invoices:
        for r in inv.sources:
            name = Path(r.path).name
            target, n = kept / name, 1
            while target in taken or (target.exists() and _sha256(target) != r.sha256):
                n += 1
                target = kept / f"{Path(name).stem}_{n}{Path(name).suffix}"
            taken.add(target)
            out[r.sha256] = target
    return out


@action(
    "import_invoices",
    label="导入发票",
    group=GROUP,
    image="FileOpen",
    screentip="把报销单的发票文件写入费用明细",
    supertip="读取工作簿旁『发票/<报销单号>/』（或『设置』发票文件夹）中的数电发票 XML、OFD、PDF 和发票二维码照片，"
    "每张发票写一行明细（日期、发票类型、代码、号码、金额、税率、税额、价税合计、说明），写在已填的明细之后，不覆盖任何一行；"
    "核对同一发票的几个文件是否一致、金额是否相加相符、购买方是否为本公司，已导入其他报销单的发票不写入。"
    "结果里列出每张发票查验要填的项目。",
)
def import_invoices(book: xw.Book, ctx: Context) -> Summary:
    form, why = _form(book)
    if form is None:
        return _refuse(why + "。")
    claim = str(form.claim_id or "").strip()
    if not claim:
        return _refuse(
            f"『{form.sheet}』的「报销单号」为空；请先填写报销单号，发票文件放在『{SUBFOLDER}/报销单号/』中。"
        )
    source, kept = folders(book, ctx, claim)
    if source is None:
        return _refuse(f"工作簿还没有保存，不知道『{SUBFOLDER}/{claim}/』在哪里；请先保存工作簿。")
    if not source.is_dir():
        return _refuse(
            f"找不到发票文件夹 {source}；请把报销单 {claim} 的发票文件（XML、OFD、PDF、二维码照片）放进这个文件夹"
            "（文件夹名就是报销单号），再点『导入发票』。"
        )
    reading = einvoice.read_paths([source])
    keys = [inv.key for inv in reading.invoices if inv.key]
    hashes = [r.sha256 for inv in reading.invoices for r in inv.sources]
    held = ctx.store.read(lambda conn: filestore.holders(conn, keys, hashes))
    registry = ctx.store.claimed_invoices(keys) if keys else {}
    shown = str(source)
    step = plans.plan_import(form, reading, ctx.settings, held=held, registry=registry, folder=shown)
    if step.written and not step.refused:
        kept_at = keep_paths(step.written, source, kept)
        entries = plans.store_entries(step.written, {h: str(p) for h, p in kept_at.items()})
        claimant = str(form.get("claimant") or "")
        held = held | ctx.store.write(
            lambda conn: filestore.claim_files(conn, claim, claimant, entries, ctx.now, ctx.user, book.fullname),
            what="登记导入的发票",
        )
        # another clerk may have imported one of them a moment ago: plan again with the store's answer
        step = plans.plan_import(form, reading, ctx.settings, held=held, registry=registry, folder=shown)
        for inv in step.written:  # a subset of those planned first (the store can only take some away)
            for r in inv.sources:
                target = kept_at[r.sha256]
                if target != Path(r.path) and not target.exists():
                    try:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(r.path, target)
                    except OSError as exc:
                        step.plan.details.append(
                            f"文件 {Path(r.path).name} 未能复制到 {target}（{exc.strerror or exc}）"
                        )
        if kept is not None and kept != source:
            step.plan.details.append(f"发票文件已复制到 {kept}")
    apply_plan(book, step.plan, ctx.settings, ctx.store)
    issues = list(step.plan.issues)
    scope = [form.sheet]
    if not step.refused:
        checked = _check(book, ctx, [read_form(book, spec("expenses"), form.sheet)])
        # the form's own checks on what was written (税率, 开票日期, 费用类别 …) and on the rest of the form
        issues += checked.issues
        scope = sorted(set(scope) | set(checked.scope))
    marked = mark_issues(book, issues, scope, limit=ctx.settings.mark_limit, title="导入发票", when=ctx.now)
    summary = Summary.of_issues("import_invoices", issues, step.plan.rows, "发票文件", marked)
    summary.message = step.plan.message + (f"报销单上共有 {len(issues)} 条问题，见『校验结果』。" if issues else "")
    summary.details = step.plan.details + summary.details
    summary.outcome = "issues" if summary.errors else "ok"
    return summary
