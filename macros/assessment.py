"""考核与激励 actions (regulation 五): read → plan (validators.assessment.planners) → write.

The KPIs are computed from what NeiQin already has: the order ledger and its change log, the
customer archive's checks, the expense forms and their pre-review in the store, and the
store's action log (who ran what, when).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import xlwings as xw

from neiqin.base.errors import NeiQinError
from neiqin.core import kit
from neiqin.core.forms import form_sheet_names, read_forms
from neiqin.core.kpi import kpis, store_source
from neiqin.core.ledger import read_optional
from neiqin.core.marks import mark_issues
from neiqin.core.plan import apply_plan
from validators.assessment import GROUP, AssessmentCode
from validators.assessment.annual import annual, hours_of, trainings
from validators.assessment.codes import CODES
from validators.assessment.planners import (
    clerks_of,
    compute,
    month_reviews,
    plan_annual,
    plan_kpis,
    plan_review,
    plan_training,
    review_month,
    year_months,
)
from validators.assessment.schema import scores, weights_problem
from validators.assessment.sources import (
    Sources,
    action_runs,
    claims_of,
    customer_records,
    executed_changes,
    order_lines,
)

from .ledgers import check_ledger
from .registry import Context, Summary, action, get

_OWN = {"orders", "changes", "customers", "actions", "claims"}


def read_sources(book: xw.Book, ctx: Context, start: dt.date, end: dt.date) -> tuple[Sources, list[str]]:
    """Everything the KPIs are computed from (what is missing stays None), and notes for the clerk."""
    notes: list[str] = []
    sources = Sources()
    orders = read_optional(book, "orders", ctx.settings)
    earliest = dt.datetime.combine(start, dt.time())
    for ledger in (orders, read_optional(book, "archive", ctx.settings)):
        if ledger is not None and "entered_at" in ledger.frame:
            first = ledger.frame["entered_at"].min()
            if first == first and first is not None:  # not NaT
                earliest = min(earliest, first.to_pydatetime() - dt.timedelta(minutes=1))
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    actions = action_runs(ctx.store.actions_between(earliest, until))
    sources.actions = actions
    if orders is not None:
        checked = check_ledger(book, kit.ledger("orders"), ctx)
        archive = read_optional(book, "archive", ctx.settings)
        sources.orders = order_lines(checked.ledger, checked.issues, actions, ctx.settings, archive)
        changes = checked.companions.get("changes") or read_optional(book, "changes", ctx.settings)
        if changes is not None:
            sources.changes = executed_changes(changes)
    customers = read_optional(book, "customers", ctx.settings)
    if customers is not None:
        checked = check_ledger(book, kit.ledger("customers"), ctx)
        sources.customers = customer_records(checked.ledger, checked.issues)
    expenses = kit.ledger("expenses")
    if form_sheet_names(book, expenses):
        try:
            forms = [f for f in read_forms(book, expenses) if not f.blank]
        except NeiQinError as exc:
            notes.append(f"费用报销单未能读取，报销初审时效无数据：{exc}")
        else:
            ids = [str(f.get("claim_id")) for f in forms if f.get("claim_id")]
            sources.claims = claims_of(forms, ctx.store.claims(ids))
    for name in sorted({n for k in kpis() for n in k.sources} - _OWN):  # KPIs other ledgers contributed
        if name in kit.ledger_names():
            sources.ledgers[name] = read_optional(book, name, ctx.settings)
        elif (read := store_source(name)) is not None:
            sources.ledgers[name] = read(ctx.store, start, end)
    return sources, notes


@action(
    "compute_kpis",
    label="计算考核指标",
    group=GROUP,
    image="ChartTypeBarInsertGallery",
    screentip="按台账和操作日志计算每位内勤的考核指标",
    supertip="按『订单台账』『订单变更记录』『客户档案』、费用报销单和操作日志，计算「考核月份」（默认上个月）每位内勤的"
    "订单处理及时率、按时交付率、漏单错单数、客户信息准确率、销售数据统计准确率、报表及时率、报销初审时效等指标，"
    "写入『考核指标』，每个数字的依据写入『考核指标明细』。没有数据的指标写「无数据」。",
)
def compute_kpis(book: xw.Book, ctx: Context) -> Summary:
    start, end = review_month(ctx.settings, ctx.today)
    sources, notes = read_sources(book, ctx, start, end)
    staff = read_optional(book, "staff", ctx.settings)
    clerks = clerks_of(staff, sources, ctx.settings, start, end)
    table = compute(clerks, sources, start, end, ctx.today, ctx.settings)
    plan = plan_kpis(table, sources)
    plan.details += notes
    apply_plan(book, plan, ctx.settings, ctx.store)
    act = get("compute_kpis")
    return Summary(act.id, act.label, "ok", plan.message, rows=plan.rows, details=plan.details)


@action(
    "monthly_review",
    label="月度考核",
    group=GROUP,
    image="HappyFace",
    screentip="按考核指标和考核表算出每位内勤的综合得分、等级和绩效奖金",
    supertip="先计算「考核月份」的考核指标，按分档换算为指标得分，再与『考核表』中的自评、上级评价、同事评价（几位同事取平均）"
    "按权重算出综合得分 → 等级 → 绩效系数 → 绩效奖金，写入『月度考核』，每人一张『考核说明 姓名』逐项说明得分来源。"
    "缺少评分、分数超出 0–100、同事评自己、权重之和不是 100% 都会指出。",
)
def monthly_review(book: xw.Book, ctx: Context) -> Summary:
    act = get("monthly_review")
    problem = weights_problem(ctx.settings)
    if problem is not None:
        raise NeiQinError(CODES[AssessmentCode.ASM_WEIGHTS].template.format(**problem))
    if read_optional(book, "assessment", ctx.settings) is None:
        raise NeiQinError("工作簿中没有『考核表』工作表；请先按模板建立考核表，填写自评、上级评价和同事评价")
    checked = check_ledger(book, kit.ledger("assessment"), ctx)
    start, end = review_month(ctx.settings, ctx.today)
    sources, notes = read_sources(book, ctx, start, end)
    clerks = clerks_of(read_optional(book, "staff", ctx.settings), sources, ctx.settings, start, end)
    table = compute(clerks, sources, start, end, ctx.today, ctx.settings)
    plan = plan_kpis(table, sources)
    step, _reviews = plan_review(table, scores(checked.ledger, ctx.settings), ctx.settings, checked.ledger)
    plan.extend(step)
    plan.details = step.details + notes
    issues = checked.issues + plan.issues
    marked = mark_issues(book, issues, checked.scope, limit=ctx.settings.mark_limit, title="月度考核", when=ctx.now)
    plan.issues = []  # marked above, with the check's own
    apply_plan(book, plan, ctx.settings, ctx.store)
    errors = sum(i.severity == "error" for i in issues)
    details = list(plan.details)
    if issues:
        details.append(f"『考核表』有 {len(issues)} 处问题（错误 {errors} 处），已标在单元格上并列入『校验结果』。")
    if marked.truncated:
        details.append("（超过『标记上限』的问题未标色，全部见『校验结果』）")
    return Summary(act.id, act.label, "issues" if errors else "ok", step.message, rows=len(checked.ledger),
                   issues=issues, details=details)  # fmt: skip


def _reviews_ledger(book: xw.Book, ctx: Context) -> list[Any]:
    reviews = read_optional(book, "assessment", ctx.settings)
    return scores(reviews, ctx.settings) if reviews is not None else []


@action(
    "annual_review",
    label="年度考核",
    group=GROUP,
    image="ChartTrendline",
    screentip="十二个月的综合得分、排名、晋升候选和年度优秀员工",
    supertip="按『月度考核』的方法逐月重算「考核月份」所在年份 1 月到考核月份的综合得分"
    "（考核指标取自订单台账、订单归档、订单变更记录、客户档案、费用报销单和操作日志，评分取自『考核表』），"
    "写入『年度考核』：各月得分、平均综合得分、年度等级、排名、绩效奖金合计、培训学时、"
    "晋升候选（按设置的晋升条件）和年度优秀员工。",
)
def annual_review(book: xw.Book, ctx: Context) -> Summary:
    act = get("annual_review")
    problem = weights_problem(ctx.settings)
    if problem is not None:
        raise NeiQinError(CODES[AssessmentCode.ASM_WEIGHTS].template.format(**problem))
    year, months = year_months(ctx.settings, ctx.today)
    sources, notes = read_sources(book, ctx, months[0][0], months[-1][1])
    clerks = clerks_of(read_optional(book, "staff", ctx.settings), sources, ctx.settings, months[0][0], months[-1][1])
    found = _reviews_ledger(book, ctx)
    by_month = {
        start.month: month_reviews(compute(clerks, sources, start, end, ctx.today, ctx.settings), found, ctx.settings)
        for start, end in months
    }
    hours = hours_of(trainings(read_optional(book, "training", ctx.settings)), year)
    own = ctx.settings
    rows = annual(year, by_month, hours, own, ctx.settings.yearly_hours)
    plan = plan_annual(year, [start.month for start, _ in months], rows, own)
    apply_plan(book, plan, ctx.settings, ctx.store)
    return Summary(act.id, act.label, "ok", plan.message, rows=len(found), details=notes)


@action(
    "training_summary",
    label="培训统计",
    group=GROUP,
    image="PivotTableInsert",
    screentip="每人的培训次数、学时和建议的培训",
    supertip="按『培训记录』统计「考核月份」所在年份每人的培训次数、学时（按类型、方式）、考核通过次数和证书，对照年度学时要求；"
    "并按考核月份偏低的考核指标建议培训内容（如客户信息准确率低 → 客户信息管理），写入『培训统计』。",
)
def training_summary(book: xw.Book, ctx: Context) -> Summary:
    act = get("training_summary")
    start, end = review_month(ctx.settings, ctx.today)
    sources, notes = read_sources(book, ctx, start, end)
    clerks = clerks_of(read_optional(book, "staff", ctx.settings), sources, ctx.settings, start, end)
    reviews = month_reviews(compute(clerks, sources, start, end, ctx.today, ctx.settings), [], ctx.settings)
    found = trainings(read_optional(book, "training", ctx.settings))
    plan = plan_training(start.year, found, reviews, clerks, ctx.settings)
    apply_plan(book, plan, ctx.settings, ctx.store)
    return Summary(act.id, act.label, "ok", plan.message, rows=len(found), details=notes)
