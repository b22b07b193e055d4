"""Pure planners of 考核与激励: the month reviewed, who is reviewed, the KPI sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from neiqin.core.kpi import Kpi, KpiInputs, KpiResult, kpis
from neiqin.core.ledger import Ledger
from neiqin.core.plan import Output, Plan

from .settings import AssessmentSettings
from .sources import Sources

KPI_SHEET = "考核指标"
EVIDENCE_SHEET = "考核指标明细"


def review_month(settings: Any, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month reviewed: 「考核月份」, else the month before ``today``."""
    text = settings.of(AssessmentSettings).review_month
    if text:
        start = dt.date(int(text[:4]), int(text[5:7]), 1)
    else:
        start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def clerks_of(staff: Ledger | None, sources: Sources, settings: Any, start: dt.date, end: dt.date) -> list[str]:
    """Who is reviewed: 『人员』 whose 职务 is one of 「考核职务」; without any, who ran actions in the month."""
    titles = set(settings.of(AssessmentSettings).assessed_titles)
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
    if sources.orders is not None and sources.orders.unattributed:
        lost = sources.orders.unattributed
        plan.details.append(
            f"订单台账有 {len(lost)} 行的录入时间找不到对应的『确认订单』操作记录（如手工填写的录入时间），"
            f"未计入任何人：第 {'、'.join(str(x.row) for x in lost[:10])}{' 等' if len(lost) > 10 else ''} 行。"
        )
    return plan
