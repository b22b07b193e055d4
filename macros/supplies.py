"""Office-supplies actions (regulation 二.6 / 三.6 / 四.6): read → plan (validators.supplies.planners) → write."""

from __future__ import annotations

import xlwings as xw

import validators.supplies.planners as plans
from neiqin.base.errors import NeiQinError
from neiqin.core.ledger import parse_ledger, read_optional
from neiqin.core.marks import mark_issues
from neiqin.core.plan import Plan, apply_plan
from neiqin.core.sheetio import write_cells
from validators.supplies import GROUP, store
from validators.supplies.schema import StocktakeRow

from .registry import Context, Summary, action, get


def _books(book: xw.Book, ctx: Context, *, quotes: bool = False) -> plans.Books:
    read = {name: read_optional(book, name, ctx.settings) for name in ("supplies", "supply_receipts", "supply_issues")}
    if read["supplies"] is None:
        raise NeiQinError("工作簿中没有『物品目录』工作表；请先登记办公用品目录（物品编码、名称、规格……）")
    return plans.Books(
        read["supplies"],
        read["supply_receipts"],
        read["supply_issues"],
        store.adjustments(ctx.store),
        read_optional(book, "supplier_quotes", ctx.settings) if quotes else None,
    )


def _summary(action_id: str, plan: Plan) -> Summary:
    act = get(action_id)
    return Summary(action_id, act.label, plan.outcome, plan.message, rows=plan.rows, issues=plan.issues,
                   details=plan.details)  # fmt: skip


@action(
    "stock_ledger",
    label="库存台账",
    group=GROUP,
    image="PivotTableInsert",
    screentip="每种物品每月的进出存",
    supertip="生成『库存台账』：每种物品每月的期初、入库（只计合格数量）、领用、盘点调整、期末，"
    "按移动平均单价计算金额，并按近几周的领用量算出现有库存还能用几天。",
)
def stock_ledger(book: xw.Book, ctx: Context) -> Summary:
    plan = plans.plan_stock_ledger(_books(book, ctx), ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("stock_ledger", plan)


@action(
    "stocktake",
    label="盘点",
    group=GROUP,
    image="DataValidation",
    screentip="开始盘点：写出盘点表",
    supertip="生成『盘点表』：每种物品今天的账面数量和空白的「实盘数量」列。清点后填写实盘数量、差异原因和审批人，"
    "再点『盘点结束』。盘点结束前，盘点日及以前的新领用不能登记。",
)
def stocktake(book: xw.Book, ctx: Context) -> Summary:
    found = store.open_stocktake(ctx.store)
    if found is not None:
        raise NeiQinError(store.busy_message(found))
    start = plans.plan_stocktake(_books(book, ctx), ctx.today, ctx.settings)
    apply_plan(book, start.plan, ctx.settings)
    store.start_stocktake(ctx.store, start.number, ctx.today, ctx.now, ctx.user, start.fingerprints)
    return _summary("stocktake", start.plan)


@action(
    "stocktake_close",
    label="盘点结束",
    group=GROUP,
    image="ReviewAcceptChange",
    screentip="计算盘点差异并过账",
    supertip="读取『盘点表』的实盘数量：算出差异和差异金额；差异超过设置金额的须填差异原因，有差异的须填审批人。"
    "全部齐备后差异过账到数据库，此后账面数量与实盘一致；否则不过账，缺的地方标在『盘点表』上。",
)
def stocktake_close(book: xw.Book, ctx: Context) -> Summary:
    found = store.open_stocktake(ctx.store)
    if found is None:
        return _summary("stocktake_close", Plan(message="没有进行中的盘点；要盘点请先点『盘点』。"))
    if plans.STOCKTAKE not in [s.name for s in book.sheets]:
        raise NeiQinError(
            f"盘点 {found.number} 进行中，但工作簿中没有『{plans.STOCKTAKE}』工作表；"
            "请找回该工作表（或在盘点开始的工作簿中操作）后再点『盘点结束』"
        )
    sheet = book.sheets[plans.STOCKTAKE]
    used = sheet.used_range
    values = used.options(ndim=2, err_to_str=True).value or [[]]
    counted = parse_ledger(values, StocktakeRow, sheet.name, first_row=used.row, first_col=used.column, header_row=4)
    result = plans.plan_stocktake_close(counted, found, _books(book, ctx), ctx.settings)
    marked = mark_issues(book, result.plan.issues, [plans.STOCKTAKE], limit=ctx.settings.mark_limit, title="盘点结束",
                         when=ctx.now)  # fmt: skip
    apply_plan(book, result.plan, ctx.settings)
    if result.ready:
        posted = store.close_stocktake(
            ctx.store, found.id, result.lines, result.approver, ctx.now, result.items_counted
        )
        if result.lines and not posted:
            result.plan.message = f"盘点 {found.number} 已由别人结束并过账，这次没有重复过账。"
    summary = _summary("stocktake_close", result.plan)
    if result.plan.issues:
        summary.details += Summary.of_issues(
            "stocktake_close", result.plan.issues, len(counted), "物品", marked
        ).details
    return summary


@action(
    "purchase_plan",
    label="采购计划",
    group=GROUP,
    image="CalendarInsert",
    screentip="按用量和库存算出要采购的物品",
    supertip="生成『采购计划』：按近几周的领用量（去掉最高的一周）、采购周期和安全库存，减去现有和在途数量，"
    "算出每种物品的建议采购量（按采购倍数取整、不超过最高库存），选有效期内、交期够用的最低报价，"
    "列出短缺和积压的物品及原因，每行用文字说明怎么算的。",
)
def purchase_plan(book: xw.Book, ctx: Context) -> Summary:
    plan = plans.plan_purchase(_books(book, ctx, quotes=True), ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("purchase_plan", plan)


@action(
    "supplies_report",
    label="办公用品统计",
    group=GROUP,
    image="ChartTypeColumnInsertGallery",
    screentip="办公用品费用：按部门和月份，比去年、比标准",
    supertip="生成『办公用品统计』：今年每月、每个部门的领用金额（移动平均单价），与去年同期和『领用标准』比较（节约或超支），"
    "领用金额最大的物品，一张本年与去年每月金额的柱形图，和一段给经理看的说明。",
)
def supplies_report(book: xw.Book, ctx: Context) -> Summary:
    from validators.staff import people
    from validators.supplies.stock import lines

    staff = read_optional(book, "staff", ctx.settings)
    report = plans.plan_supplies_report(
        _books(book, ctx),
        read_optional(book, "supply_quotas", ctx.settings),
        people([v for _row, v in lines(staff)]) if staff is not None else {},
        ctx.today,
        ctx.settings,
    )
    apply_plan(book, report.plan, ctx.settings)
    sheet = book.sheets[plans.SUPPLIES_REPORT]
    write_cells(sheet, report.below)
    if report.months:
        chart = sheet.charts.add(
            source=sheet.range((4, 1), (4 + report.months, 3)),
            chart_type="column_clustered",
            anchor=sheet.range((4, 8 + len(report.plan.outputs[0].header) - 6)),
            width=420,
            height=240,
            name="办公用品每月金额",
            style=None,
        )
        chart.title = f"{ctx.today.year} 年与去年每月办公用品金额（元）"
    return _summary("supplies_report", report.plan)
