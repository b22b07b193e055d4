"""Pure planners of 考核与激励: the month reviewed, who is reviewed, the KPI sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from neiqin.core.kpi import Kpi, KpiInputs, KpiResult, kpis
from neiqin.core.ledger import Ledger
from neiqin.core.money import fen
from neiqin.core.plan import Output, Plan

from .annual import AnnualRow, Training, training_needs
from .codes import AssessmentCode
from .schema import Score
from .scoring import ClerkReview, KpiScore, one_decimal, review
from .settings import AssessmentSettings, weights
from .sources import Sources

KPI_SHEET = "考核指标"
EVIDENCE_SHEET = "考核指标明细"


def review_month(settings: Any, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month reviewed: 「考核月份」, else the month before ``today``."""
    text = settings.review_month
    if text:
        start = dt.date(int(text[:4]), int(text[5:7]), 1)
    else:
        start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def clerks_of(staff: Ledger | None, sources: Sources, settings: Any, start: dt.date, end: dt.date) -> list[str]:
    """Who is reviewed: 『人员』 whose 职务 is one of 「考核职务」; without any, who ran actions in the month."""
    titles = set(settings.assessed_titles)
    if staff is not None and staff.has("name"):
        frame = staff.frame
        found = []
        for pos in range(len(frame)):
            name = frame["name"].iloc[pos]
            title = frame["title"].iloc[pos] if "title" in frame else None
            if isinstance(name, str) and name.strip() and title in titles and name.strip() not in found:
                found.append(name.strip())
        if found:
            return found
    runs = sources.actions.runs if sources.actions is not None else ()
    return sorted({r.user for r in runs if r.user and start <= r.time.date() <= end})


@dataclass(frozen=True)
class KpiTable:
    """Every KPI of every clerk for one month."""

    start: dt.date
    end: dt.date
    clerks: tuple[str, ...]
    kpis: tuple[Kpi, ...]
    results: dict[tuple[str, str], KpiResult]  # (clerk, kpi code) -> result

    def result(self, clerk: str, code: str) -> KpiResult:
        return self.results[(clerk, code)]


def compute(
    clerks: Sequence[str], sources: Sources, start: dt.date, end: dt.date, as_of: dt.date, settings: Any
) -> KpiTable:
    """Every registered KPI for each clerk in [start, end]."""
    found = sources.as_dict()
    table = tuple(kpis())
    results = {}
    for clerk in clerks:
        inputs = KpiInputs(clerk, start, end, as_of, settings, found)
        for kpi in table:
            results[(clerk, kpi.code)] = kpi.evaluate(inputs)
    return KpiTable(start, end, tuple(clerks), table, results)


def _count(value: float | None) -> Any:
    return None if value is None else (int(value) if float(value).is_integer() else round(value, 2))


def plan_kpis(table: KpiTable, sources: Sources) -> Plan:
    """考核指标 (one row per clerk and KPI) and 考核指标明细 (the lines behind each figure)."""
    month = f"{table.start:%Y-%m}"
    rows: list[list[Any]] = []
    evidence: list[list[Any]] = []
    for clerk in table.clerks:
        for kpi in table.kpis:
            r = table.result(clerk, kpi.code)
            note = r.reason or kpi.definition
            rows.append([clerk, kpi.name, kpi.category, kpi.show(r), _count(r.numerator), _count(r.denominator), note])
            for item in r.evidence:
                verdict = "—" if item.ok is None else ("达标" if item.ok else "未达标")
                evidence.append([clerk, kpi.name, verdict, item.text])
    header = ["内勤", "指标", "类别", "结果", "分子", "分母", "说明"]
    plan = Plan(rows=len(rows))
    plan.outputs.append(
        Output(
            KPI_SHEET,
            f"考核指标 {month}",
            "由 NeiQin 按订单台账、订单变更记录、客户档案、费用报销单和操作日志计算"
            f"（{table.start:%Y-%m-%d} 至 {table.end:%Y-%m-%d}）；"
            "「无数据」表示没有可计算的数据，不是 0 分。依据见『考核指标明细』。",
            header,
            rows,
            widths=[10, 16, 16, 10, 8, 8, 80],
            wrap=(6,),
            empty="（没有参加考核的内勤：请在『人员』中填写职务，或检查「考核职务」设置）",
        )
    )
    plan.outputs.append(
        Output(
            EVIDENCE_SHEET,
            f"考核指标明细 {month}",
            "每个指标计入的订单行、客户、报表和报销单；「未达标」的行是扣分的原因。",
            ["内勤", "指标", "是否达标", "依据"],
            evidence,
            widths=[10, 16, 10, 90],
            wrap=(3,),
        )
    )
    valued = sum(r.has_data for r in table.results.values())
    plan.message = (
        f"已计算 {month} {len(table.clerks)} 位内勤的 {len(table.kpis)} 项考核指标："
        f"{valued} 项有数据，{len(table.results) - valued} 项无数据。"
    )
    lost = (
        [x for x in sources.orders.unattributed if table.start <= x.entered_at.date() <= table.end]
        if sources.orders
        else []
    )
    if lost:
        rows_text = "、".join(str(x.row) for x in lost[:10]) + (" 等" if len(lost) > 10 else "")
        plan.details.append(
            f"订单台账有 {len(lost)} 行本月的录入时间找不到对应的『确认订单』操作记录（如手工填写的录入时间），"
            f"未计入任何人：第 {rows_text} 行。"
        )
    return plan


REVIEW_SHEET = "月度考核"
PERSONAL_PREFIX = "考核说明"


def _score(value: float | None) -> Any:
    return "无数据" if value is None else one_decimal(value)


def _kpi_words(item: KpiScore) -> str:
    r, kpi = item.result, item.kpi
    if r.value is None:
        return f"{r.reason}；不计入指标得分"
    if kpi.unit == "%":
        counted = f"{_count(r.denominator)} 项中 {_count(r.numerator)} 项达标"
    elif kpi.unit == "单":
        counted = f"本月确认 {_count(r.denominator)} 行，其中 {_count(r.numerator)} 行被更正或有错误"
    else:
        counted = f"{_count(r.denominator)} 张报销单平均"
    return f"{counted}，为 {kpi.show(r)}；按分档得 {item.score:g} 分"


def personal_rows(rv: ClerkReview, own: AssessmentSettings) -> list[list[Any]]:
    """The personal sheet of one clerk: every score and what it comes from, in words."""
    rows: list[list[Any]] = []
    for item in rv.kpis:
        rows.append([item.kpi.name, _score(item.score), _kpi_words(item)])
    scored = [k for k in rv.kpis if k.score is not None]
    rows.append(["指标得分", _score(rv.kpi_score),
                 f"有数据的 {len(scored)} 项指标得分的平均" if scored else "所有指标都无数据"])  # fmt: skip
    rows.append(
        ["自评", _score(rv.self_score), "本人在『考核表』中的自评" if rv.self_score is not None else "未填自评"]
    )
    boss = "、".join(s.rater for s in rv.supervisor)
    rows.append(["上级评价", _score(rv.supervisor_score), f"{boss} 的评价" if boss else "未填上级评价"])
    rows.append(["同事评价", _score(rv.peer_score),
                 f"{len(rv.peers)} 位同事评分的平均（本人不评自己）" if rv.peers else "没有同事评价"])  # fmt: skip
    w = weights(own)
    if rv.total is None:
        rows.append(["综合得分", "无", "缺少：" + "、".join(rv.missing) + "；补齐后再点『月度考核』"])
        return rows
    parts = {
        "指标得分": rv.kpi_score,
        "自评": rv.self_score,
        "上级评价": rv.supervisor_score,
        "同事评价": rv.peer_score,
    }
    formula = " ＋ ".join(f"{name} {one_decimal(parts[name] or 0):g} × {w[name]:g}%" for name in w)
    rows.append(["综合得分", rv.total, f"{formula} = {rv.total:g}"])
    rows.append(["等级", rv.grade, f"按「等级分档」（{'、'.join(own.grade_bands)}）"])
    coefficient = "未设置" if rv.coefficient is None else f"{rv.coefficient:g}"
    rows.append(
        [
            "绩效系数",
            rv.coefficient if rv.coefficient is not None else "未设置",
            f"「绩效系数」中{rv.grade}为 {coefficient}",
        ]
    )
    bonus = (
        "无法计算（请在「绩效系数」中为该等级填写系数）"
        if rv.bonus is None
        else (f"绩效奖金基数 {own.bonus_base:,.2f} 元 × {coefficient} = {rv.bonus:,.2f} 元")
    )
    rows.append(["绩效奖金", rv.bonus if rv.bonus is not None else "无", bonus])
    return rows


def month_reviews(table: KpiTable, found: Sequence[Score], settings: Any) -> list[ClerkReview]:
    """Each clerk's month (:func:`validators.assessment.scoring.review`) for the KPIs of ``table``."""
    own = settings
    return [
        review(clerk, table.start, [(k, table.result(clerk, k.code)) for k in table.kpis], found, own)
        for clerk in table.clerks
    ]


def year_months(settings: Any, today: dt.date) -> tuple[int, list[tuple[dt.date, dt.date]]]:
    """The year reviewed (the year of the month reviewed) and its months up to the month reviewed."""
    start, _ = review_month(settings, today)
    months = []
    for number in range(1, start.month + 1):
        first = dt.date(start.year, number, 1)
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        months.append((first, following - dt.timedelta(days=1)))
    return start.year, months


def plan_review(
    table: KpiTable, found: Sequence[Score], settings: Any, reviews_ledger: Ledger
) -> tuple[Plan, list[ClerkReview]]:
    """月度考核 (one row per clerk) and a personal sheet per clerk; ASM-004 for what is missing."""
    own = settings
    month = table.start
    reviews = month_reviews(table, found, settings)
    rows = []
    for rv in reviews:
        peers = f"{one_decimal(rv.peer_score):g}（{len(rv.peers)} 人）" if rv.peer_score is not None else "无"
        note = "缺少：" + "、".join(rv.missing) if rv.missing else ""
        total = rv.total if rv.total is not None else "无"
        rows.append([rv.clerk, _score(rv.kpi_score), _score(rv.self_score), _score(rv.supervisor_score), peers,
                     total, rv.grade or "", rv.coefficient, rv.bonus, note])  # fmt: skip
    plan = Plan(rows=len(found))
    plan.outputs.append(
        Output(
            REVIEW_SHEET,
            f"月度考核 {month:%Y-%m}",
            "指标得分由『计算考核指标』的各项指标按分档换算后平均；综合得分 = 各项 × 权重（见『设置』「考核与激励」）；"
            "每人的计算过程见『考核说明 姓名』。",
            [
                "内勤",
                "指标得分",
                "自评",
                "上级评价",
                "同事评价",
                "综合得分",
                "等级",
                "绩效系数",
                "绩效奖金（元）",
                "说明",
            ],
            rows,
            widths=[10, 10, 8, 10, 12, 10, 8, 10, 14, 40],
            formats={8: "#,##0.00"},
            wrap=(9,),
            empty="（没有参加考核的内勤：请在『人员』中填写职务，或检查「考核职务」设置）",
        )
    )
    for rv in reviews:
        plan.outputs.append(
            Output(
                f"{PERSONAL_PREFIX} {rv.clerk}"[:31],
                f"{rv.clerk} {month:%Y-%m} 考核说明",
                "每一项得分从哪里来；指标的依据逐行列在『考核指标明细』。",
                ["项目", "得分", "说明"],
                personal_rows(rv, own),
                widths=[16, 10, 90],
                wrap=(2,),
            )
        )
    done = [rv for rv in reviews if rv.total is not None]
    plan.message = f"{month:%Y-%m} 月度考核：{len(reviews)} 位内勤，{len(done)} 位已算出综合得分。"
    for rv in reviews:
        if rv.missing:
            plan.details.append(f"{rv.clerk} 缺少：{'、'.join(rv.missing)}，未计算综合得分。")
            plan.issues.append(
                reviews_ledger.issue(AssessmentCode.ASM_MISSING, reviews_ledger.header_row, "person",
                                     person=rv.clerk, month=f"{month:%Y-%m}", missing="、".join(rv.missing))
            )  # fmt: skip
        elif rv.coefficient is None:
            plan.details.append(f"{rv.clerk} 的等级「{rv.grade}」在「绩效系数」设置中没有系数，未计算绩效奖金。")
    return plan, reviews


ANNUAL_SHEET = "年度考核"
TRAINING_SHEET = "培训统计"


def plan_annual(year: int, months: Sequence[int], rows: Sequence[AnnualRow], own: AssessmentSettings) -> Plan:
    """年度考核: one row per clerk, the months' composite scores, ranking, promotion candidates, honours."""
    out = []
    for r in rows:
        missing = [m for m in months if r.totals.get(m) is None]
        notes = []
        if missing:
            notes.append(f"{'、'.join(f'{m}月' for m in missing)}没有综合得分（缺评分或无数据），不计入平均")
        if not r.candidate and r.why:
            notes.append("未列为晋升候选：" + "；".join(r.why))
        out.append(
            [
                r.rank,
                r.clerk,
                *[r.totals.get(m) for m in months],
                r.average if r.average is not None else "无",
                r.grade or "",
                fen(r.bonus),
                r.hours,
                "是" if r.candidate else "",
                "年度优秀员工" if r.honour else "",
                "；".join(notes),
            ]
        )
    header = ["排名", "内勤", *[f"{m}月" for m in months], "平均综合得分", "年度等级", "绩效奖金合计（元）",
              "培训学时", "晋升候选", "荣誉", "说明"]  # fmt: skip
    plan = Plan(rows=len(rows))
    plan.outputs.append(
        Output(
            ANNUAL_SHEET,
            f"{year} 年度考核",
            f"各月综合得分由『月度考核』的方法逐月重算（{months[0]}–{months[-1]} 月）；"
            "平均综合得分按「等级分档」定年度等级；"
            f"晋升候选：年度等级为{own.promotion_grade}、至少 {own.promotion_months} 个月为{own.promotion_grade}、"
            "没有一个月是最低等级、培训学时达到年度要求；年度优秀员工为排名前「年度评优名额」且年度等级为"
            f"{own.promotion_grade}的人。",
            header,
            out,
            formats={len(header) - 6: "#,##0.00"},
            wrap=(len(header) - 1,),
            widths=[6, 10, *[7] * len(months), 12, 10, 14, 10, 10, 14, 50],
            empty="（没有参加考核的内勤：请在『人员』中填写职务，或检查「考核职务」设置）",
        )
    )
    candidates = [r.clerk for r in rows if r.candidate]
    honours = [r.clerk for r in rows if r.honour]
    plan.message = (
        f"{year} 年度考核（{months[0]}–{months[-1]} 月）：{len(rows)} 位内勤；"
        f"晋升候选 {'、'.join(candidates) or '无'}；年度优秀员工 {'、'.join(honours) or '无'}。"
    )
    return plan


def plan_training(
    year: int, found: Sequence[Training], reviews: Sequence[ClerkReview], clerks: Sequence[str], settings: Any
) -> Plan:
    """培训统计: per person, the year's trainings by type and mode, hours against the requirement, and the
    training their weak KPIs of the review month call for."""

    own = settings
    this_year = [t for t in found if t.date.year == year]
    people = list(dict.fromkeys([*clerks, *sorted({t.person for t in this_year})]))
    by_review = {rv.clerk: rv for rv in reviews}
    rows = []
    for person in people:
        mine = [t for t in this_year if t.person == person]
        hours = sum(t.hours for t in mine)
        by_kind = [sum(t.hours for t in mine if t.kind == k) for k in own.training_kinds]
        by_mode = [sum(t.hours for t in mine if t.mode == m) for m in own.training_modes]
        passed = sum(1 for t in mine if t.result and "不" not in t.result)
        certificates = "、".join(t.certificate for t in mine if t.certificate)
        rv = by_review.get(person)
        needs = training_needs(rv, own.training_score, found, year) if rv else []
        rows.append([person, len(mine), hours, *by_kind, *by_mode, passed, certificates,
                     "达到" if hours >= own.yearly_hours else f"差 {own.yearly_hours - hours:g} 学时",
                     "\n".join(needs) or ("（无偏低的指标）" if rv else "")])  # fmt: skip
    header = ["人员", "培训次数", "学时合计", *[f"{k}学时" for k in own.training_kinds],
              *[f"{m}学时" for m in own.training_modes], "考核通过次数", "证书",
              f"年度要求 {own.yearly_hours:g} 学时", "建议培训（据考核指标）"]  # fmt: skip
    plan = Plan(rows=len(found))
    plan.outputs.append(
        Output(
            TRAINING_SHEET,
            f"{year} 年培训统计",
            "学时按『培训记录』统计；建议培训来自考核月份按分档得分低于「培训建议分数线」的考核指标"
            "（如客户信息准确率低 → 客户信息管理）。",
            header,
            rows,
            widths=[10, 8, 8, *[8] * (len(own.training_kinds) + len(own.training_modes)), 10, 20, 14, 50],
            wrap=(len(header) - 1,),
        )
    )
    suggested = sum(1 for r in rows if r[-1] and not str(r[-1]).startswith("（"))
    total = sum(t.hours for t in this_year)
    plan.message = (
        f"{year} 年培训统计：{len(people)} 人，{len(this_year)} 次培训，共 {total:g} 学时；{suggested} 人有建议的培训。"
    )
    return plan
