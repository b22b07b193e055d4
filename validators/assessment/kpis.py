"""The KPIs of regulation 五.1 that NeiQin's own records give, one pure function each.

Each is registered with :mod:`neiqin.core.kpi`; the definition text is what ``docs/kpis.md``
and the personal sheet say. The KPIs of other duties are declared by their ledgers:
会议通知知晓率 in :mod:`validators.meetings.kpis`, 文件登记及时率 in :mod:`validators.documents.kpis`,
库存账实相符率 in :mod:`validators.supplies.kpis`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from neiqin.base.text import fold
from neiqin.core.kpi import Evidence, Kpi, KpiInputs, KpiResult, no_data, register_kpi, share
from validators.orders.metrics import on_time_lines

from .settings import AssessmentSettings
from .sources import (
    REPORT_NAMES,
    ActionRun,
    ActionsSource,
    Change,
    Claim,
    CustomersSource,
    OrderLine,
    OrdersSource,
)


def _settings(inputs: KpiInputs) -> AssessmentSettings:
    return inputs.settings


def _when(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def order_timeliness(inputs: KpiInputs) -> KpiResult:
    """订单处理及时率."""
    orders: OrdersSource = inputs.source("orders")
    hours = _settings(inputs).order_hours
    evidence: list[Evidence] = []
    kept = counted = 0
    for line in orders.entered(inputs.clerk, inputs.start, inputs.end):
        if line.entered_at is None or line.order_date is None:
            continue
        taken = (line.entered_at - dt.datetime.combine(line.order_date, dt.time())).total_seconds() / 3600
        ok = taken <= hours
        counted += 1
        kept += ok
        evidence.append(
            Evidence(
                f"{line.name}：接单 {line.order_date:%Y-%m-%d}，录入 {_when(line.entered_at)}，"
                f"用时 {taken:.1f} 小时{'，未超过' if ok else '，超过'} {hours:g} 小时",
                ok,
            )
        )
    return share(kept, counted, evidence, "无数据：本月没有该内勤确认的订单行")


def delivery_on_time(inputs: KpiInputs) -> KpiResult:
    """按时交付率 (validators.orders.metrics.on_time, on the clerk's lines due in the month)."""
    orders: OrdersSource = inputs.source("orders")
    lines = orders.of(inputs.clerk)
    if not lines:
        return no_data("无数据：没有该内勤确认的订单行")
    # only lines promised within the month can be due in it (on_time_lines applies the same bounds)
    lines = [x for x in lines if x.delivery_date is not None and inputs.start <= x.delivery_date <= inputs.end]
    due, kept = on_time_lines(
        pd.Series(pd.to_datetime([x.delivery_date for x in lines]), dtype="datetime64[ns]"),
        pd.Series(pd.to_datetime([x.ship_date for x in lines]), dtype="datetime64[ns]"),
        pd.Series([x.cancelled for x in lines], dtype=bool),
        inputs.as_of,
        inputs.start,
        inputs.end,
    )
    evidence = []
    for line, is_due, ok in zip(lines, due, kept, strict=True):
        if is_due:
            shipped = f"发货 {line.ship_date:%Y-%m-%d}" if line.ship_date else "未发货"
            evidence.append(Evidence(f"{line.name}：交货日期 {line.delivery_date:%Y-%m-%d}，{shipped}", bool(ok)))
    return share(int(kept.sum()), int(due.sum()), evidence, "无数据：该内勤的订单行本月没有到期交货的")


def _changed(line_order: str, line_product: str, change: Change) -> bool:
    return change.order_id == line_order and (not change.product_code or change.product_code == line_product)


def wrong_orders(inputs: KpiInputs) -> KpiResult:
    """漏单错单数."""
    orders: OrdersSource = inputs.source("orders")
    changes: tuple[Change, ...] = inputs.sources.get("changes") or ()
    customer_side = {fold(x) for x in _settings(inputs).customer_requesters}
    mine = orders.of(inputs.clerk)
    entered = orders.entered(inputs.clerk, inputs.start, inputs.end)
    corrections = [
        c for c in changes if inputs.in_month(c.executed_at) and fold(c.requested_by or "") not in customer_side
    ]
    by_order: dict[str, list[Change]] = {}
    for change in corrections:
        by_order.setdefault(change.order_id, []).append(change)
    wrong: dict[tuple[str, int], list[str]] = {}  # (archive sheet or '', row): a line of the ledger or the archive
    lines: dict[tuple[str, int], OrderLine] = {}
    for line in mine:
        for change in by_order.get(line.order_id, ()):
            if _changed(line.order_id, line.product_code, change):
                who = change.requested_by or "未填提出方"
                wrong.setdefault((line.archived_in, line.row), []).append(
                    f"确认后由变更单 {change.change_id} 更正「{change.field_name}」（提出方：{who}）"
                )
                lines[(line.archived_in, line.row)] = line
    for line in entered:
        for error in line.errors:
            wrong.setdefault((line.archived_in, line.row), []).append(f"已确认的行现有错误：{error}")
            lines[(line.archived_in, line.row)] = line
    if not entered and not wrong:
        return no_data("无数据：本月没有该内勤确认的订单行")
    evidence = [Evidence(f"{lines[key].name}：" + "；".join(why), False) for key, why in sorted(wrong.items())]
    return KpiResult(float(len(wrong)), len(wrong), len(entered), tuple(evidence))


def customer_accuracy(inputs: KpiInputs) -> KpiResult:
    """客户信息准确率."""
    orders: OrdersSource = inputs.source("orders")
    customers: CustomersSource = inputs.source("customers")
    names: dict[str, str] = {}
    for line in orders.entered(inputs.clerk, inputs.start, inputs.end):
        if line.customer:
            names.setdefault(fold(line.customer), line.customer)
    evidence = []
    kept = 0
    for name in sorted(names.values()):
        record = customers.find(name)
        if record is None:
            evidence.append(Evidence(f"{name}：『{customers.sheet}』中没有这个客户", False))
        elif record.errors:
            evidence.append(Evidence(f"{name}（『{customers.sheet}』第 {record.row} 行）：{record.errors[0]}", False))
        else:
            kept += 1
            evidence.append(Evidence(f"{name}（『{customers.sheet}』第 {record.row} 行）：无错误", True))
    return share(kept, len(names), evidence, "无数据：本月没有该内勤确认的订单行，无从核对客户")


def _reports_in_month(inputs: KpiInputs) -> list[ActionRun]:
    actions: ActionsSource = inputs.source("actions")
    return [r for r in actions.reports_of(inputs.clerk) if inputs.in_month(r.time)]


def _report_name(run: ActionRun) -> str:
    return f"{REPORT_NAMES[run.report]}（{_when(run.time)} 生成）"


def sales_data_accuracy(inputs: KpiInputs) -> KpiResult:
    """销售数据统计准确率."""
    runs = _reports_in_month(inputs)
    evidence = [
        Evidence(_report_name(r) + ("：数据核对通过" if r.outcome == "ok" else "：数据核对未通过"), r.outcome == "ok")
        for r in runs
    ]
    return share(sum(r.outcome == "ok" for r in runs), len(runs), evidence, "无数据：本月该内勤没有生成报表")


def _period_end(start: dt.date, period: str) -> dt.date:
    if period == "day":
        return start
    if period == "week":
        return start + dt.timedelta(days=6)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def report_timeliness(inputs: KpiInputs) -> KpiResult:
    """报表及时率: each report (a period's 日报/周报/月报, its first run by the clerk) on time or late."""
    own = _settings(inputs)
    limits = {"day": own.day_report_days, "week": own.week_report_days, "month": own.month_report_days}
    first: dict[tuple[str, dt.date], object] = {}
    for run in _reports_in_month(inputs):
        first.setdefault((run.report, run.report_start()), run)
    evidence = []
    kept = 0
    for (period, start), run in sorted(first.items(), key=lambda item: item[1].time):
        deadline = _period_end(start, period) + dt.timedelta(days=limits[period])
        ok = run.time.date() <= deadline
        kept += ok
        evidence.append(
            Evidence(
                f"{REPORT_NAMES[period]} {start:%Y-%m-%d} 起：{_when(run.time)} 生成，"
                f"时限 {deadline:%Y-%m-%d}{'' if ok else '，已超时'}",
                ok,
            )
        )
    return share(kept, len(first), evidence, "无数据：本月该内勤没有生成报表")


def prereview_days(inputs: KpiInputs) -> KpiResult:
    """报销初审时效 (average days from department approval to pre-review)."""
    claims: tuple[Claim, ...] = inputs.source("claims")
    limit = _settings(inputs).prereview_days
    evidence = []
    days = []
    for claim in sorted(claims, key=lambda c: c.claim_id):
        if claim.prereviewer != inputs.clerk or not inputs.in_month(claim.prereviewed_at):
            continue
        assert claim.prereviewed_at is not None
        if claim.approval_date is None:
            evidence.append(Evidence(f"报销单 {claim.claim_id}（『{claim.sheet}』）：未填部门审批日期，未计入"))
            continue
        took = (claim.prereviewed_at.date() - claim.approval_date).days
        days.append(took)
        evidence.append(
            Evidence(
                f"报销单 {claim.claim_id}：部门审批 {claim.approval_date:%Y-%m-%d}，"
                f"初审 {_when(claim.prereviewed_at)}，{took} 天",
                took <= limit,
            )
        )
    if not days:
        return no_data("无数据：本月没有该内勤初审且填有部门审批日期的报销单", tuple(evidence))
    return KpiResult(sum(days) / len(days), sum(days), len(days), tuple(evidence))


KPIS = (
    Kpi(
        "order_timeliness",
        "订单处理及时率",
        "该内勤本月『确认订单』的订单行中，录入时间 − 接单日期 不超过「订单处理时限(小时)」的行数 ÷ 行数。"
        "订单行属于在其录入时间运行『确认订单』的内勤（操作日志）。",
        "%",
        True,
        ("orders",),
        "『订单台账』",
        order_timeliness,
        training="销售业务流程",
    ),
    Kpi(
        "delivery_on_time",
        "按时交付率",
        "该内勤确认的订单行中，交货日期在本月且已到期（未取消）的行里，发货日期不晚于交货日期的行数 ÷ 到期行数"
        "（与订单看板、NQ_ONTIME 同一定义）。",
        "%",
        True,
        ("orders",),
        "『订单台账』",
        delivery_on_time,
        training="销售业务流程",
    ),
    Kpi(
        "wrong_orders",
        "漏单错单数",
        "该内勤确认的订单行中，确认后被更正的行数：本月执行的『订单变更记录』中提出方不是客户（见「客户方提出方」）的变更所涉及的行，"
        "加上本月确认、现在仍有错误（校验标记）的行；同一行只算一次。越少越好。",
        "单",
        False,
        ("orders",),
        "『订单台账』",
        wrong_orders,
        category="工作质量",
        training="产品知识",
    ),
    Kpi(
        "customer_accuracy",
        "客户信息准确率",
        "该内勤本月确认的订单行涉及的客户中，在『客户档案』里有记录且记录没有错误的客户数 ÷ 客户数。",
        "%",
        True,
        ("orders", "customers"),
        "『订单台账』或『客户档案』",
        customer_accuracy,
        training="客户信息管理",
    ),
    Kpi(
        "sales_data_accuracy",
        "销售数据统计准确率",
        "该内勤本月生成的日报、周报、月报中，数据核对通过的份数 ÷ 份数（操作日志中的报表操作）。",
        "%",
        True,
        ("actions",),
        "操作日志",
        sales_data_accuracy,
        training="数据分析技能",
    ),
    Kpi(
        "report_timeliness",
        "报表及时率",
        "该内勤本月生成的报表（每个日报、周报、月报期间按第一次生成算）中，"
        "在所报期间结束后「日报/周报/月报时限(天)」内生成的份数 ÷ 份数。",
        "%",
        True,
        ("actions",),
        "操作日志",
        report_timeliness,
        category="工作效率",
        training="办公软件操作技能",
    ),
    Kpi(
        "prereview_days",
        "报销初审时效",
        "该内勤本月初审的报销单，从部门审批日期到初审日期的平均天数（部门审批日期取自报销单，初审时间和初审人取自历史数据库）。"
        "越少越好。",
        "天",
        False,
        ("claims",),
        "费用报销单的初审记录",
        prereview_days,
        category="工作效率",
        training="公司规章制度（费用报销）",
    ),
)

for _kpi in KPIS:
    register_kpi(_kpi)
