"""报价单 actions (issue 15: quotations): read → draft (validators.quotations.planners) → number → write.

『生成报价单』 works on the quotation the clerk is looking at; when the active sheet is not a
quotation, on every filled quotation that has no 报价单号 yet. The number comes from the store
(unique per year by a constraint, never by looking first); the filled quotation is also written
as a print-ready file of its own next to the workbook. 『校验报价单』 is the ledger's generic
validate action (``validate_quotations``): the same rules, on an edited quotation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlwings as xw

import validators.quotations.planners as plans
from neiqin.base.errors import NeiQinError
from neiqin.core.forms import form_sheet_names, read_forms
from neiqin.core.kit import ledger as spec_of
from neiqin.core.ledger import display, read_optional
from neiqin.core.marks import mark_issues
from neiqin.core.plan import Plan, apply_plan
from validators.quotations import GROUP, QuoteCode, QuoteForm
from validators.quotations import store as tables  # its store domain: registered before any store opens

from .ledgers import active_forms
from .registry import Context, Summary, action, get

ACTION = "make_quotation"


def quote_folder(book: xw.Book, ctx: Context) -> Path | None:
    """『设置』报价单文件夹, else the workbook's folder; None for a workbook never saved (no folder)."""
    if ctx.settings.quote_folder:
        return Path(ctx.settings.quote_folder).expanduser()
    full = Path(book.fullname)
    return full.parent if full.is_absolute() else None


def write_quotation_file(path: Path, form: dict[str, Any], settings: Any) -> None:
    """The quotation alone in a new .xlsx, laid out and set up for printing as the template is."""
    from openpyxl import Workbook

    from validators.quotations.template import write_quotation_form

    wb = Workbook()
    wb.remove(wb.active)
    write_quotation_form(wb, form, settings=settings, instructions=False, blank_lines=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _chosen(book: xw.Book, ctx: Context) -> tuple[list[QuoteForm], list[QuoteForm]]:
    """(the forms to make, every quotation form of the workbook)."""
    spec = spec_of("quotations")
    every: list[QuoteForm] = read_forms(book, spec, skip_blank=False)  # type: ignore[assignment]
    active = active_forms(book, spec)
    if active:
        return [f for f in every if f.sheet in active and not f.blank], every
    return [f for f in every if not f.blank and f.quote_id is None], every


def _number(book: xw.Book, ctx: Context, draft: plans.Draft, every: list[QuoteForm]) -> tuple[str | None, Any]:
    """The quotation's number, kept in the store: a new one, or the one on the form (None: taken)."""
    pattern = ctx.settings.quote_number_pattern
    values = plans.store_values(draft)
    workbook = book.fullname
    quote_id = draft.form.quote_id
    if quote_id is None:
        floor = plans.workbook_floor(every, pattern, draft.year)

        def reserve(conn: Any) -> str:
            return tables.reserve_number(conn, draft.year, pattern, floor, values, ctx.now, ctx.user, workbook)

        return ctx.store.write(reserve, "保存报价单号到"), None
    year, seq = plans.read_number(pattern, quote_id) or (draft.year, None)

    def record(conn: Any) -> Any:
        return tables.record_quotation(conn, quote_id, year, seq, values, ctx.now, ctx.user, workbook)

    other = ctx.store.write(record, "保存报价单到")
    if other is None:
        return quote_id, None
    issue = draft.form.at(
        "quote_id",
        QuoteCode.QUO_NUMBER_TAKEN,
        value=quote_id,
        other=other["customer"],
        when=display(other["created_at"]),
    )
    return None, issue


@action(
    ACTION,
    label="生成报价单",
    group=GROUP,
    image="MailMergeStartLetters",
    screentip="按客户档案和产品目录填写报价单，取报价单号",
    supertip="在『报价单』填好客户（名称或编号）和每行的产品编码、数量后点：按客户档案填写客户编号、联系人、地址（表上加了「联系电话」标签时也填电话），"
    "按产品目录填写产品名称、规格、单位和标准单价（已填的单价保留并核对折扣），算出金额、不含税合计、税额、合计和"
    "大写金额，填写报价日期、有效期至、税率、付款方式、交货期和条款（『设置』的报价单各项），从数据库取一个当年"
    "不重复的报价单号，并在工作簿旁另存『报价单_<单号>.xlsx』（A4 可直接打印）。客户或产品找不到时标出位置，不生成。",
)
def make_quotation(book: xw.Book, ctx: Context) -> Summary:
    label = get(ACTION).label
    spec = spec_of("quotations")
    if not form_sheet_names(book, spec):
        return Summary(
            ACTION, label, "ok", "工作簿中没有名称以『报价单』开头的工作表；请从 NeiQin.xlsm 复制『报价单』后填写。"
        )
    forms, every = _chosen(book, ctx)
    if not forms:
        return Summary(ACTION, label, "ok", "没有需要生成的报价单：请在『报价单』上填写客户和每行的产品编码、数量；"
                       "已有报价单号的报价单，切换到那张工作表再点即重新生成。")  # fmt: skip
    customers = read_optional(book, "customers", ctx.settings)
    products = read_optional(book, "products", ctx.settings)
    missing = [t for t, ledger in (("客户档案", customers), ("产品目录", products)) if ledger is None]
    if missing or customers is None or products is None:
        raise NeiQinError(f"工作簿中没有『{'』『'.join(missing)}』，无法生成报价单；请从 NeiQin.xlsm 复制这张表并填写")
    plans.number_regex(ctx.settings.quote_number_pattern)  # a wrong pattern in 设置: said before anything is kept
    folder = quote_folder(book, ctx)
    plan = Plan()
    made: list[tuple[str, dict[str, Any]]] = []
    held: list[str] = []
    messages: list[str] = []
    for form in forms:
        draft = plans.draft_quotation(form, customers, products, ctx.settings, ctx.today, ctx.user)
        plan.rows += len(form.lines)
        if not draft.ok:
            plan.issues += draft.issues
            held.append(form.sheet)
            continue
        quote_id, taken = _number(book, ctx, draft, every)
        if quote_id is None:
            plan.issues += [*draft.issues, taken]
            held.append(form.sheet)
            continue
        name = plans.file_name(quote_id)
        one = plans.plan_quotation(draft, quote_id, name if folder is not None else "（工作簿未保存，未另存文件）")
        plan.extend(one)
        messages.append(one.message)
        made.append((name, plans.file_form(draft, quote_id)))
    marked = mark_issues(book, plan.issues, [f.sheet for f in forms], limit=ctx.settings.mark_limit,
                         title="生成报价单", when=ctx.now)  # fmt: skip
    apply_plan(book, plan, ctx.settings, ctx.store)
    for name, values in made if folder is not None else []:
        try:
            write_quotation_file(folder / name, values, ctx.settings)
        except OSError as exc:
            plan.details.append(
                f"无法写出 {folder / name}（{exc.strerror or exc}）；请确认文件夹可写、文件未在 Excel 中打开后重试"
            )
    if held:
        errors = sum(i.severity == "error" for i in plan.issues)
        messages.append(
            f"{'、'.join(f'『{s}』' for s in held)}有 {errors} 个错误，未生成、未取号；"
            "请按标出的位置改正后再点（详见『校验结果』）。"
        )
    if marked.cells:
        plan.details.append(f"已在 {marked.marked:,} 个单元格上标色并加批注；全部问题见『校验结果』工作表。")
    outcome = "issues" if held else "ok"
    return Summary(
        ACTION, label, outcome, "\n".join(messages), rows=plan.rows, issues=plan.issues, details=plan.details
    )
