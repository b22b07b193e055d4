"""客户档案 actions (regulation 二.2 / 四.2): read → plan (validators.customers.planners) → write."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import xlwings as xw

import validators.customers.planners as plans
from neiqin.base.errors import NeiQinError
from neiqin.core.guard import protected_sheets, refusal, writable
from neiqin.core.ledger import read_ledger
from neiqin.core.plan import Plan, apply_plan
from validators.customers import GROUP
from validators.customers import store as _tables  # noqa: F401  (its store domain: registered before any store opens)

from .registry import Context, Summary, action, get, wrap

HISTORY_SHEET = "客户变更记录"
MANUAL = "手工"
_HISTORY_HEADER = ["时间", "人", "来源", "客户编号", "客户名称", "字段", "原值", "新值"]
Func = Callable[[xw.Book, Context], Summary]


def _archive(book: xw.Book, ctx: Context) -> Any:
    """The archive as read, or None (no archive, or one the action itself will refuse with its message)."""
    from neiqin.core.ledger import read_optional

    try:
        return read_optional(book, "customers", ctx.settings)
    except NeiQinError:
        return None


def _labelled(change: Any) -> Any:
    from dataclasses import replace

    from validators.customers.history import ADDED, REMOVED
    from validators.customers.rules import CustomerRow

    if change.field in (ADDED, REMOVED):
        return change
    return replace(change, field=CustomerRow.column(change.field).header)


def write_history(book: xw.Book, rows: list[dict[str, Any]], after: str) -> None:
    """『客户变更记录』: every change recorded for this workbook, newest last (confidential values masked)."""
    from neiqin.core.sheetio import output_sheet

    body = [
        [r["changed_at"], r["user"], r["source"], "" if r["customer"].startswith("名称:") else r["customer"],
         r["name"], r["field"], r["old"], r["new"]]
        for r in rows
    ]  # fmt: skip
    output_sheet(
        book,
        HISTORY_SHEET,
        "客户变更记录",
        "客户档案的每一处改动：NeiQin 按钮所改（来源为按钮名）和两次按钮之间手工所改（来源为「手工」，人是发现改动时"
        "点按钮的人）；手机、座机、邮箱、信用代码只记脱敏后的值。本表由 NeiQin 生成，记录保存在数据库中。",
        _HISTORY_HEADER,
        body,
        widths=[17, 10, 10, 12, 28, 14, 30, 30],
        formats={1: "yyyy-mm-dd hh:mm"},
        wrap=(7, 8),
        after=after,
    )


def recorded(action_id: str, *, writes: bool = True) -> Callable[[Func], Func]:
    """客户变更记录 around an action that may change 客户档案: before it, the clerk's changes since the last
    snapshot (来源 手工, by whoever runs the action); after it, the action's own (来源 = its label); then the
    new snapshot — all in one store transaction. The first run only takes the snapshot. ``writes=False``: the
    action changes no value of the archive (校验 only marks), so it is not read again afterwards."""

    def decorate(func: Func) -> Func:
        @functools.wraps(func)
        def run(book: xw.Book, ctx: Context) -> Summary:
            from neiqin.core.sheetio import check_generated
            from validators.customers import store as tables
            from validators.customers.history import diff, snapshot

            ledger = _archive(book, ctx)
            if ledger is None:
                return func(book, ctx)
            if HISTORY_SHEET in [s.name for s in book.sheets]:  # a clerk's sheet of that name: refused before anything
                check_generated(book.sheets[HISTORY_SHEET], _HISTORY_HEADER)
            before = snapshot(ledger)
            summary = func(book, ctx)
            if writes:
                ledger = _archive(book, ctx)
                if ledger is None:
                    return summary
            after = snapshot(ledger) if writes else before
            workbook = book.fullname
            label = get(action_id).label

            def save(conn: Any) -> tuple[int, int, list[dict[str, Any]]]:
                old = tables.load_snapshot(conn, workbook)
                manual = [] if old is None else [(MANUAL, _labelled(c)) for c in diff(old, before)]
                own = [(label, _labelled(c)) for c in diff(before, after)]
                tables.save_history(conn, workbook, manual + own, old, after, ctx.now, ctx.user)
                return len(manual), len(own), tables.changes(conn, workbook) if manual or own else []

            manual, own, rows = ctx.store.write(save, "记录客户变更到")
            if manual or own:
                write_history(book, rows, ledger.sheet)
                summary.details.append(
                    f"客户变更记录：手工改动 {manual:,} 处、本次『{label}』改动 {own:,} 处，见『{HISTORY_SHEET}』。"
                )
            return summary

        return run

    return decorate


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
@recorded("merge_customers")
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
    touched = [customers.sheet, *(x.sheet for x in (orders, archive) if x is not None)]
    protected_sheets(book, touched, ctx.settings)  # a wrong password: refused before the store keeps anything
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
        with writable(book, [customers.sheet], ctx.settings):
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
@recorded("unmerge_customers")
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
@recorded("classify_customers")
def classify_customers(book: xw.Book, ctx: Context) -> Summary:
    from validators.customers.classes import plan_classify

    customers = read_ledger(book, "customers", ctx.settings)
    plan = plan_classify(customers, order_history(book, ctx), ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings, ctx.store)
    return _summary("classify_customers", plan)


ANALYSIS_SHEET = "客户分析"
_CUSTOMER_HEADER = ["客户编号", "客户名称", "负责销售", "大区", "行业", "等级", "状态", "近12个月销售额",
                    "今年累计", "去年同期", "同比", "平均下单间隔（天）", "最近下单", "预计下次下单", "流失风险",
                    "主要产品"]  # fmt: skip
_WIDTHS = [12, 28, 12, 12, 12, 12, 12, 13, 13, 13, 12, 12, 12, 12, 12, 34]  # the group tables' amounts fit
_MONEY, _PCT, _DATE = '#,##0.00;-#,##0.00;"-"', "0.0%", "yyyy-mm-dd"  # a month without sales shows -


def analysis_rows(analysis: Any) -> tuple[list[list[Any]], dict[str, Any]]:
    """The sheet as one block of values (width: the customer table's), and where each part is."""
    from validators.customers.analysis import paragraph
    from validators.sales.reports import yuan

    width = len(_CUSTOMER_HEADER)
    rows: list[list[Any]] = []
    at: dict[str, Any] = {}

    def add(*values: Any) -> int:
        rows.append(list(values) + [None] * (width - len(values)))
        return len(rows)

    a = analysis
    add(f"客户分析（截至 {a.today:%Y-%m-%d}）")
    at["note"] = add(
        f"近 12 个月 = {a.months[0]} 至 {a.months[-1]}，全部客户销售额 {yuan(a.total)}"
        "（订单台账 + 订单归档，口径同销售报表）。平均下单间隔 = 相邻两次下单相隔天数的平均；"
        "预计下次下单 = 最近下单 + 平均间隔；流失风险 = 距最近下单天数 ÷ 平均间隔："
        "不超过 1 倍为低，不超过 2 倍为中，超过为高，不到两次订单为 —。同比 = 今年累计 ÷ 去年同期 − 1。"
        "等级、状态见『客户分级』（锁定的按客户档案）。本表不含客户的手机、邮箱和信用代码。"
    )
    add()
    at["calls_title"] = add("一、本周要联系的客户（按负责销售）")
    at["calls"] = []
    for rep in sorted({c.rep for c in a.customers}):
        at["calls"].append(add(rep, paragraph(rep, a.calls.get(rep, []), a)))
    for key, title, groups in (("regions", "二、按大区", a.regions), ("industries", "三、按行业", a.industries)):
        add()
        at[f"{key}_title"] = add(f"{title}：每月销售额、近 12 个月合计和占比、今年累计与去年同期")
        names = [g.name for g in groups]
        head = add("月份", *names)
        for i, month in enumerate(a.months):
            add(month, *[g.months[i] for g in groups])
        add("近12个月合计", *[g.total for g in groups])
        share = add("占比", *[g.share for g in groups])
        add("今年累计", *[g.ytd for g in groups])
        add("去年同期", *[g.last_ytd for g in groups])
        change = add("同比", *[g.change if g.change is not None else "—" for g in groups])
        at[key] = (head, len(names), share, change)
    add()
    at["customers_title"] = add("四、按客户（按负责销售，近 12 个月销售额从高到低）")
    head = add(*_CUSTOMER_HEADER)
    for c in a.customers:
        products = "、".join(f"{n} {yuan(v)}" for n, v in c.products) or None
        add(c.customer_id, c.name, c.rep, c.region, c.industry, c.grade or None, c.status or None, c.total, c.ytd,
            c.last_ytd, c.change if c.change is not None else "—",
            round(c.interval) if c.interval is not None else "—", c.last, c.expected, c.risk, products)  # fmt: skip
    at["customers"] = (head, len(a.customers))
    add()
    at["trend_title"] = add("五、每家客户近 12 个月每月销售额")
    head = add("客户编号", "客户名称", *a.months)
    for c in a.customers:
        add(c.customer_id, c.name, *c.months)
    at["trend"] = (head, len(a.customers))
    return rows, at


def write_analysis(book: xw.Book, analysis: Any, after: str) -> xw.Sheet:
    """『客户分析』: rewritten as a whole (its charts too); a clerk's sheet of that name is never overwritten."""
    from neiqin.core.sheetio import HEADER_COLOR, as_text_rows, lines_needed, print_setup

    names = [s.name for s in book.sheets]
    if ANALYSIS_SHEET in names:
        old = book.sheets[ANALYSIS_SHEET]
        if not str(old.range("A1").value or "").startswith("客户分析"):
            raise NeiQinError(
                f"工作簿中已有名为『{ANALYSIS_SHEET}』的工作表，但不是 NeiQin 生成的；请改名后再点『客户分析』"
            )
        old.delete()
        names.remove(ANALYSIS_SHEET)
    sheet = book.sheets.add(ANALYSIS_SHEET, after=book.sheets[after] if after in names else book.sheets[-1])
    rows, at = analysis_rows(analysis)
    width = len(rows[0])
    sheet.range("A1").value = as_text_rows(rows)
    sheet.range("A1").font.size = 14
    titles = ("calls_title", "regions_title", "industries_title", "customers_title", "trend_title")
    for row in (1, *(at[t] for t in titles)):
        sheet.range((row, 1)).font.bold = True
    for col, w in enumerate(_WIDTHS, start=1):
        sheet.range((1, col)).column_width = w
    span = sum(_WIDTHS[1:])
    for row in [at["note"], *at["calls"]]:
        first = 1 if row == at["note"] else 2
        box = sheet.range((row, first), (row, len(_WIDTHS)))
        box.merge()
        box.wrap_text = True
        box.vertical_alignment = "top"
        sheet.range((row, 1)).vertical_alignment = "top"  # the rep's name beside the first line of its paragraph
        text = rows[row - 1][first - 1]
        sheet.range((row, 1)).row_height = min(409.5, 15 * lines_needed(text, span + (_WIDTHS[0] if first == 1 else 0)))
    for key, chart_name in (("regions", "大区销售额趋势"), ("industries", "行业销售额趋势")):
        head, n, share, change = at[key]
        if not n:
            continue
        sheet.range((head, 1), (head, n + 1)).font.bold = True
        sheet.range((head, 1), (head, n + 1)).color = HEADER_COLOR
        sheet.range((head, 2), (head, n + 1)).horizontal_alignment = "right"
        sheet.range((head + 1, 2), (share - 1, n + 1)).number_format = _MONEY
        sheet.range((share, 2), (share, n + 1)).number_format = _PCT
        sheet.range((share + 1, 2), (change - 1, n + 1)).number_format = _MONEY
        sheet.range((change, 2), (change, n + 1)).number_format = _PCT
        chart = sheet.charts.add(
            source=sheet.range((head, 1), (head + 12, n + 1)),
            chart_type="line_markers",
            anchor=sheet.range((head, n + 3)),
            width=480,
            height=260,
            name=chart_name,
            style=None,
        )
        chart.title = f"近 12 个月销售额（按{'大区' if key == 'regions' else '行业'}，元）"
    head, n = at["customers"]
    sheet.range((head, 1), (head, width)).font.bold = True
    sheet.range((head, 1), (head, width)).color = HEADER_COLOR
    sheet.range((head, 1), (head, width)).wrap_text = True
    sheet.range((head, 8), (head, 12)).horizontal_alignment = "right"
    sheet.range((head, 1)).row_height = 30  # 平均下单间隔（天） on two lines
    if n:
        last = head + n
        sheet.range((head + 1, 8), (last, 10)).number_format = _MONEY
        sheet.range((head + 1, 11), (last, 11)).number_format = _PCT
        sheet.range((head + 1, 13), (last, 14)).number_format = _DATE
        sheet.range((head + 1, 16), (last, 16)).wrap_text = True
        sheet.range((head + 1, 1), (last, width)).vertical_alignment = "top"
    head, n = at["trend"]
    sheet.range((head, 1), (head, 14)).font.bold = True
    sheet.range((head, 1), (head, 14)).color = HEADER_COLOR
    sheet.range((head, 3), (head, 14)).horizontal_alignment = "right"
    if n:
        sheet.range((head + 1, 3), (head + n, 14)).number_format = _MONEY
    print_setup(sheet, landscape=True)
    return sheet


@action(
    "customer_analysis",
    label="客户分析",
    group=GROUP,
    image="ChartTypeColumnInsertGallery",
    screentip="给销售员看的客户分析：趋势、下单间隔、流失风险、本周要联系谁",
    supertip="『客户分析』：每家客户近 12 个月每月销售额、今年累计与去年同期、平均下单间隔、预计下次下单、流失风险、"
    "主要产品；按大区和行业的趋势与占比（附折线图）；给每位负责销售一段话：本周该联系哪些客户、为什么。"
    "不含客户的手机、邮箱和信用代码。",
)
def customer_analysis(book: xw.Book, ctx: Context) -> Summary:
    from validators.customers.analysis import analyse
    from validators.sales.reports import yuan

    customers = read_ledger(book, "customers", ctx.settings)
    plans.need(customers, "customer_id", "name")
    analysis = analyse(customers, order_history(book, ctx), ctx.today, ctx.settings)
    write_analysis(book, analysis, customers.sheet)
    to_call = sum(len(v) for v in analysis.calls.values())
    risky = sum(1 for c in analysis.customers if c.risk in ("高", "中"))
    message = (
        f"已生成『{ANALYSIS_SHEET}』：{len(analysis.customers)} 家客户，近 12 个月销售额 {yuan(analysis.total)}；"
        f"流失风险中、高的 {risky} 家；本周建议联系 {to_call} 家（按负责销售各写了一段）。"
    )
    details = []
    if analysis.unmatched:
        details.append(
            f"订单中 {len(analysis.unmatched)} 个客户在客户档案中找不到，在大区和行业表中单列为「档案外客户」"
        )
    return Summary("customer_analysis", get("customer_analysis").label, "ok", message, rows=len(customers),
                   details=details)  # fmt: skip


def _archive_sheet(book: xw.Book) -> xw.Sheet:
    from neiqin.core.kit import ledger
    from neiqin.core.ledger import sheet_of

    name = sheet_of(book, ledger("customers"))
    if name is None:
        raise NeiQinError("工作簿中没有『客户档案』工作表；请先建立客户档案")
    return book.sheets[name]


@action(
    "protect_customers",
    label="保护客户档案",
    group=GROUP,
    image="FileSave",
    screentip="用设置的密码保护『客户档案』，防止误改",
    supertip="用『设置』「客户档案保护密码」保护『客户档案』工作表（Excel 的工作表保护）。之后 NeiQin 的按钮"
    "（合并、撤销合并、客户分级、校验标记）改客户档案前自动撤消保护、改完重新保护；密码不对时不改任何内容。",
)
def protect_customers(book: xw.Book, ctx: Context) -> Summary:
    from neiqin.engine.protection import is_protected, protect

    sheet = _archive_sheet(book)
    password = ctx.settings.protect_password
    act = get("protect_customers")
    if is_protected(sheet):
        protected_sheets(book, [sheet.name], ctx.settings)  # the configured password must open it
        return Summary(act.id, act.label, "ok", f"『{sheet.name}』已经受保护（设置的密码能打开它），未作改动。")
    protect(sheet, password)
    message = (
        f"已保护『{sheet.name}』：在 Excel 中要改，先点「审阅 → 撤消工作表保护」并输入密码；NeiQin 的按钮会自动处理。"
    )
    if password:
        return Summary(act.id, act.label, "ok", message)
    warning = "『设置』中没有填写「客户档案保护密码」：这次保护没有密码，任何人都能撤消；建议填写密码后重新保护"
    return Summary(act.id, act.label, "issues", message, details=[warning])


@action(
    "unprotect_customers",
    label="撤消保护",
    group=GROUP,
    image="DeclineInvitation",
    screentip="用设置的密码撤消『客户档案』的保护",
    supertip="用『设置』「客户档案保护密码」撤消『客户档案』的工作表保护，以便手工整理；整理完请再点『保护客户档案』。",
)
def unprotect_customers(book: xw.Book, ctx: Context) -> Summary:
    from neiqin.engine.protection import is_protected, unprotect

    sheet = _archive_sheet(book)
    act = get("unprotect_customers")
    if not is_protected(sheet):
        return Summary(act.id, act.label, "ok", f"『{sheet.name}』没有受保护。")
    protected_sheets(book, [sheet.name], ctx.settings)
    if not unprotect(sheet, ctx.settings.protect_password):
        raise refusal(sheet.name, "客户档案保护密码")
    return Summary(act.id, act.label, "ok", f"已撤消『{sheet.name}』的保护；整理完请再点『保护客户档案』。")


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


wrap("validate_customers", recorded("validate_customers", writes=False))  # clerks' edits recorded whenever they check
