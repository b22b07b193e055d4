"""客户档案 actions (regulation 二.2 / 四.2): read → plan (validators.customers.planners) → write."""

from __future__ import annotations

from typing import Any

import xlwings as xw

import validators.customers.planners as plans
from neiqin.base.errors import NeiQinError
from neiqin.core.ledger import read_ledger
from neiqin.core.plan import Plan, apply_plan
from validators.customers import GROUP
from validators.customers import store as _tables  # noqa: F401  (its store domain: registered before any store opens)

from .registry import Context, Summary, action, get


def _summary(action_id: str, plan: Plan) -> Summary:
    act = get(action_id)
    return Summary(action_id, act.label, plan.outcome, plan.message, rows=plan.rows, issues=plan.issues,
                   details=plan.details)  # fmt: skip


def read_dupe_sheet(book: xw.Book) -> list[dict[str, Any]]:
    """The rows of 『重复客户』 as the clerk left them, by header (empty when the sheet is not there)."""
    if plans.DUPES_SHEET not in [s.name for s in book.sheets]:
        return []
    values = book.sheets[plans.DUPES_SHEET].used_range.options(ndim=2).value or []
    header_at = next((i for i, r in enumerate(values[:10]) if "客户编号" in r and "保留" in r), None)
    if header_at is None:
        raise NeiQinError(
            f"『{plans.DUPES_SHEET}』没有「客户编号」「保留」两列，不是『查找重复客户』生成的工作表；"
            "请改名或删除后重新查找"
        )
    header = [str(h) if h is not None else "" for h in values[header_at]]
    return [
        {**dict(zip(header, r, strict=False)), "_row": header_at + 1 + n}
        for n, r in enumerate(values[header_at + 1 :], start=1)
    ]


@action(
    "find_duplicate_customers",
    label="查找重复客户",
    group=GROUP,
    image="DataValidation",
    screentip="找出可能是同一家的客户",
    supertip="按统一社会信用代码、手机、邮箱、规范化后的名称（有限公司/有限责任公司、括号、全半角）和相近名称，"
    "找出『客户档案』中可能重复的客户，连同依据和得分列在『重复客户』；在「保留」列标出每组要保留的客户。",
)
def find_duplicate_customers(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "customers", ctx.settings)
    marks = {
        str(r["客户编号"]): str(r["保留"]).strip()
        for r in read_dupe_sheet(book)
        if r.get("客户编号") is not None and r.get("保留") not in (None, "")
    }
    plan = plans.plan_duplicates(ledger, ctx.settings, ctx.today, marks)
    apply_plan(book, plan, ctx.settings, ctx.store)
    return _summary("find_duplicate_customers", plan)


def _store_write(ctx: Context, work: Any, what: str) -> Any:
    return ctx.store.write(work, what)


@action(
    "merge_customers",
    label="合并客户",
    group=GROUP,
    image="ReviewAcceptChange",
    screentip="把确认的重复客户并入保留的一家",
    supertip="『重复客户』中每组「保留」填「是」的客户留下，同组其余客户并入它：保留最近更新的非空资料，"
    "『订单台账』『订单归档』中的客户名称改为保留的客户（归档行更新校验值），被合并的档案移出并存入数据库，"
    "可用『撤销合并』恢复。",
)
def merge_customers(book: xw.Book, ctx: Context) -> Summary:
    from neiqin.core.ledger import read_optional
    from neiqin.engine import delete_rows
    from validators.customers import store as tables
    from validators.customers.merging import plan_merge

    marks = read_dupe_sheet(book)
    if not marks:
        raise NeiQinError(
            f"没有『{plans.DUPES_SHEET}』工作表；请先点『查找重复客户』，在「保留」列标出每组要保留的客户"
        )
    customers = read_ledger(book, "customers", ctx.settings)
    orders = read_optional(book, "orders", ctx.settings)
    archive = read_optional(book, "archive", ctx.settings)
    result = plan_merge(customers, marks, orders, archive, ctx.now)
    workbook = book.fullname
    if result.merges:  # first the store: what the workbook loses is safe before the workbook changes

        def keep(conn: Any) -> None:
            for m in result.merges:
                tables.keep_merge(conn, m.merge_id, m.survivor, m.merged_ids, m.data, ctx.now, ctx.user, workbook)

        _store_write(ctx, keep, "保存合并记录到")
        if result.archived_lines:
            ctx.store.archive_lines(result.archived_lines, result.archived_digests, workbook, ctx.user, ctx.now)
    apply_plan(book, result.plan, ctx.settings, ctx.store)
    if result.delete_rows:
        delete_rows(book.sheets[customers.sheet], result.delete_rows)
    return _summary("merge_customers", result.plan)


@action(
    "unmerge_customers",
    label="撤销合并",
    group=GROUP,
    image="DeclineInvitation",
    screentip="撤销最近一次客户合并",
    supertip="从数据库取回最近一次『合并客户』保存的记录：被合并的客户加回『客户档案』，保留客户的资料和"
    "订单行的客户名称（及归档行的校验值）改回合并前。再点一次撤销更早的一次。",
)
def unmerge_customers(book: xw.Book, ctx: Context) -> Summary:
    from neiqin.core.ledger import read_optional
    from validators.customers import store as tables
    from validators.customers.merging import plan_unmerge

    merges = ctx.store.read(tables.open_merges)
    if not merges:
        return Summary("unmerge_customers", get("unmerge_customers").label, "ok", "没有可以撤销的客户合并。")
    merge = merges[0]
    customers = read_ledger(book, "customers", ctx.settings)
    orders = read_optional(book, "orders", ctx.settings)
    archive = read_optional(book, "archive", ctx.settings)
    plan = plan_unmerge(customers, merge, orders, archive)
    apply_plan(book, plan, ctx.settings, ctx.store)
    _store_write(ctx, lambda conn: tables.mark_undone(conn, merge["merge_id"], ctx.now), "记录撤销合并到")
    return _summary("unmerge_customers", plan)


def order_history(book: xw.Book, ctx: Context) -> Any:
    """The counted lines of 订单台账 + 订单归档 as the sales reports count them (None: no order ledger)."""
    from neiqin.core.ledger import read_optional
    from validators.sales.sources import sales_from_ledgers  # a missing column: its Chinese message (NeiQinError)

    orders = read_optional(book, "orders", ctx.settings)
    if orders is None:
        return None
    return sales_from_ledgers(orders, read_optional(book, "archive", ctx.settings)).lines


@action(
    "classify_customers",
    label="客户分级",
    group=GROUP,
    image="PivotTableInsert",
    screentip="按订单给客户分 ABC 等级、状态和 RFM 分群",
    supertip="按『订单台账』『订单归档』的订单：近 12 个月销售额占比分 A/B/C 等级，按首次和最近下单分 新/活跃/休眠/流失"
    "（没有订单的为 潜在），按最近下单、订单数、销售额分 RFM 客户群；写入客户等级、状态、客户分群和分级依据。"
    "「锁定」填「是」的客户不改。统计月数和天数在『设置』中。",
)
def classify_customers(book: xw.Book, ctx: Context) -> Summary:
    from validators.customers.classes import plan_classify

    customers = read_ledger(book, "customers", ctx.settings)
    plan = plan_classify(customers, order_history(book, ctx), ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings, ctx.store)
    return _summary("classify_customers", plan)


def _write_copy(path: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    """The masked copy as a new .xlsx: text stays text (never a formula), dates as dates."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "客户档案"
    ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows(min_row=3):
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text from the archive, never a formula
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    wb.save(path)


@action(
    "export_customers",
    label="脱敏导出",
    group=GROUP,
    image="FileSendAsAttachment",
    screentip="导出一份可以外发的客户档案",
    supertip="在工作簿旁写出『客户档案_脱敏_日期.xlsx』：手机 138****5678、座机、邮箱、信用代码部分隐藏，"
    "地址只到区县；每次导出（谁、何时、哪些列、多少行）记入数据库。",
)
def export_customers(book: xw.Book, ctx: Context) -> Summary:
    from pathlib import Path

    from validators.customers import store as tables
    from validators.customers.export import masked_copy

    ledger = read_ledger(book, "customers", ctx.settings)
    headers, rows, masked = masked_copy(ledger)
    folder = Path(book.fullname).resolve().parent
    target = folder / f"客户档案_脱敏_{ctx.now:%Y%m%d_%H%M%S}.xlsx"
    title = f"客户档案（脱敏副本，{ctx.now:%Y-%m-%d %H:%M} 由 {ctx.user} 导出，手机、邮箱、信用代码、地址已部分隐藏）"
    try:
        _write_copy(target, title, headers, rows)
    except OSError as exc:
        raise NeiQinError(f"无法写出脱敏副本 {target.name}（{exc.strerror or exc}）；请确认文件夹可写后重试") from None
    _store_write(
        ctx,
        lambda conn: tables.log_export(conn, ctx.now, ctx.user, book.fullname, str(target), headers, masked, len(rows)),
        "记录导出到",
    )
    hidden = f"（{'、'.join(masked)}已脱敏）" if masked else ""
    message = f"已导出 {len(rows):,} 家客户到 {target.name}{hidden}；导出已记入数据库。"
    return Summary("export_customers", get("export_customers").label, "ok", message, rows=len(rows))
