"""客户分级 as a pure planner: the archive and the order history in, a Plan out.

Definitions (settings in the section 客户档案; the figures a manager would check by hand):

- Order history: the counted lines of 订单台账 + 订单归档 as the sales reports count them
  (:func:`validators.sales.sources.sales_from_ledgers`: 金额 else 数量 × 单价; 已取消 lines, lines
  without a date or an amount left out), up to and including the day of the run.
- A line belongs to a customer when its 客户名称 is the customer's 客户编号 (a store master's
  export names stores by number), else when both names have the same name key
  (:func:`neiqin.core.china.names.company_key`: 有限公司 = 有限责任公司, brackets, full-width …).
- Window: the last 「客户分级统计月数」 months, ``(today − N months, today]``.
- **ABC**: customers with a positive revenue in the window, highest first (ties by 客户编号); a
  customer is **A** when the share of the customers before it is below 「A类客户销售额占比」 (so the
  customer that crosses 70 % is still A), **B** when below 「B类…」, else **C**; a customer with no
  revenue in the window is C.
- **Status**: no order ever → 潜在; first order within 「新客户天数」 → 新; last order within
  「活跃客户天数」 → 活跃; within 「流失客户天数」 → 休眠; older → 流失.
- **RFM** (configured thresholds, not quintiles — a rep can tell a customer why it is where it is):
  R high when the last order is within 「RFM近期天数」, F high when the window has at least
  「RFM高频订单数」 orders (distinct 订单编号), M high when the window's revenue reaches
  「RFM高额销售额」 (0 = the average of the customers with revenue in the window). The eight
  segments of the classic model: 重要价值 (高高高), 重要发展 (高低高), 重要保持 (低高高), 重要挽留
  (低低高), 一般价值 (高高低), 一般发展 (高低低), 一般保持 (低高低), 一般挽留 (低低低) 客户.

Written to 客户等级, 状态, 客户分群 and 分级依据 — never on a row whose 锁定 says 是: the clerk fixed it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from neiqin.base.errors import NeiQinError
from neiqin.base.text import code_key, fold
from neiqin.core.config import Settings
from neiqin.core.ledger import Ledger
from neiqin.core.plan import Plan

from .planners import column_values, need

LOCK_WORDS = frozenset({"是", "y", "yes", "锁定", "已锁定", "√", "✓", "✔", "1", "true", "固定"})
NO_ORDERS = "潜在"
SEGMENTS = {
    (True, True, True): "重要价值客户",
    (True, False, True): "重要发展客户",
    (False, True, True): "重要保持客户",
    (False, False, True): "重要挽留客户",
    (True, True, False): "一般价值客户",
    (True, False, False): "一般发展客户",
    (False, True, False): "一般保持客户",
    (False, False, False): "一般挽留客户",
}


def is_locked(value: Any) -> bool:
    """A 锁定 cell that fixes the row (是, Y, √, 1 …); 否 or empty does not."""
    return value is not None and fold(value) in LOCK_WORDS


@dataclass
class History:
    """One customer's orders as classification reads them."""

    first: dt.date | None = None
    last: dt.date | None = None
    orders: int = 0  # distinct orders in the window
    revenue: float = 0.0  # in the window
    all_orders: int = 0
    order_dates: list[dt.date] = field(default_factory=list)  # one per distinct order (its first line's date)


@dataclass
class Matched:
    """Order lines per customer position, and what could not be matched."""

    lines: dict[int, pd.DataFrame]
    unmatched: dict[str, int]  # customer name on the order -> lines
    ambiguous: list[str]  # names or numbers that two archive records share


def customer_index(customers: Ledger) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """(客户编号 key -> position, name key -> position, keys held by more than one record)."""
    from neiqin.core.china.names import company_key

    by_id: dict[str, int] = {}
    by_name: dict[str, int] = {}
    shared: list[str] = []
    for pos, (cid, name) in enumerate(
        zip(column_values(customers, "customer_id"), column_values(customers, "name"), strict=True)
    ):
        for table, key, shown in ((by_id, code_key(cid) if cid else "", cid), (by_name, company_key(name), name)):
            if not key:
                continue
            if key in table and table[key] != pos:
                shared.append(str(shown))
                continue
            table[key] = pos
    return by_id, by_name, shared


def match_lines(customers: Ledger, lines: pd.DataFrame) -> Matched:
    """Each counted order line to its customer: by 客户编号, else by name key (one lookup per distinct name)."""
    from neiqin.core.china.names import company_key

    by_id, by_name, shared = customer_index(customers)
    where: dict[str, int | None] = {}
    for text in lines["customer"].dropna().unique():
        key = code_key(text)
        where[text] = by_id[key] if key in by_id else by_name.get(company_key(text))
    positions = lines["customer"].map(where)
    unmatched = lines[positions.isna()]
    counts = unmatched["customer"].fillna("（未填）").value_counts()
    return Matched(
        {int(pos): group for pos, group in lines.groupby(positions.dropna().astype(int))},
        {str(k): int(v) for k, v in counts.items()},
        shared,
    )


def window_start(today: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(today) - pd.DateOffset(months=months)).date()


def histories(matched: Matched, today: dt.date, months: int) -> dict[int, History]:
    start = window_start(today, months)
    found: dict[int, History] = {}
    for pos, lines in matched.lines.items():
        dates = lines["date"].dt.date
        upto = lines[dates <= today]
        if not len(upto):
            continue
        day = upto["date"].dt.date
        in_window = upto[day > start]
        orders = upto.groupby("_order", dropna=True)["date"].min().dt.date
        found[pos] = History(
            first=min(day),
            last=max(day),
            orders=int(in_window["_order"].nunique()),
            revenue=float(in_window["revenue"].sum()),
            all_orders=int(upto["_order"].nunique()),
            order_dates=sorted(orders.tolist()),
        )
    return found


def abc_grades(
    revenue: dict[int, float], ids: list[Any], a_pct: float, b_pct: float
) -> dict[int, tuple[str, float, float]]:
    """position -> (grade, share, cumulative share before it) for customers with positive revenue."""
    ranked = sorted((p for p, r in revenue.items() if r > 0), key=lambda p: (-revenue[p], str(ids[p] or "")))
    total = sum(revenue[p] for p in ranked)
    grades: dict[int, tuple[str, float, float]] = {}
    before = 0.0
    for p in ranked:
        share = revenue[p] / total
        grade = "A" if before * 100 < a_pct - 1e-9 else "B" if before * 100 < b_pct - 1e-9 else "C"
        grades[p] = (grade, share, before)
        before += share
    return grades


def status_of(history: History | None, today: dt.date, settings: Settings) -> str:
    if history is None or history.last is None or history.first is None:
        return NO_ORDERS
    if settings.new_days and (today - history.first).days <= settings.new_days:
        return "新"
    since = (today - history.last).days
    if since <= settings.active_days:
        return "活跃"
    return "休眠" if since <= settings.lost_days else "流失"


def _check_settings(settings: Settings) -> None:
    if settings.class_b_pct <= settings.class_a_pct:
        raise NeiQinError(
            f"『设置』中「B类客户销售额占比（%）」（{settings.class_b_pct:g}）应大于「A类客户销售额占比（%）」"
            f"（{settings.class_a_pct:g}）；请改正后再点『客户分级』"
        )
    if settings.lost_days <= settings.active_days:
        raise NeiQinError(
            f"『设置』中「流失客户天数」（{settings.lost_days}）应大于「活跃客户天数」（{settings.active_days}）；"
            "请改正后再点『客户分级』"
        )


@dataclass
class Verdict:
    """One customer's classes and why."""

    grade: str
    status: str
    segment: str | None
    reason: str


def classify(
    customers: Ledger, lines: pd.DataFrame | None, today: dt.date, settings: Settings
) -> tuple[dict[int, Verdict], Matched, float]:
    """position -> Verdict for every customer; the matching; the M threshold used."""
    from validators.sales.reports import pct, yuan

    _check_settings(settings)
    empty = pd.DataFrame({"customer": pd.Series([], dtype=object), "date": pd.Series([], dtype="datetime64[us]")})
    matched = match_lines(customers, lines if lines is not None else empty)
    months = settings.class_months
    found = histories(matched, today, months)
    ids = column_values(customers, "customer_id")
    grades = abc_grades({p: h.revenue for p, h in found.items()}, ids, settings.class_a_pct, settings.class_b_pct)
    paying = [h.revenue for h in found.values() if h.revenue > 0]
    m_line = settings.rfm_amount or (sum(paying) / len(paying) if paying else 0.0)
    m_said = yuan(m_line) if settings.rfm_amount else f"有销售额客户的平均 {yuan(m_line)}"
    verdicts: dict[int, Verdict] = {}
    for pos in range(len(customers)):
        h = found.get(pos)
        status = status_of(h, today, settings)
        if h is None:
            verdicts[pos] = Verdict("C", status, None, f"订单台账和订单归档中没有这家客户的订单 → {NO_ORDERS}、C 类")
            continue
        assert h.last is not None and h.first is not None
        since = (today - h.last).days
        if pos in grades:
            grade, share, before = grades[pos]
            abc = (
                f"近 {months} 个月销售额 {yuan(h.revenue)}，占 {pct(share)}"
                f"（排在前面的客户累计 {pct(before)}）→ {grade} 类"
            )
        else:
            grade = "C"
            abc = f"近 {months} 个月没有销售额 → C 类"
        r_high, f_high = since <= settings.rfm_recent_days, h.orders >= settings.rfm_orders
        m_high = h.revenue > 0 and h.revenue >= m_line - 0.005
        segment = SEGMENTS[(r_high, f_high, m_high)]
        word = {True: "高", False: "低"}
        reason = (
            f"{abc}；首次下单 {h.first:%Y-%m-%d}，最近下单 {h.last:%Y-%m-%d}（{since} 天前）→ {status}；"
            f"RFM：R{word[r_high]}（{since} 天，≤{settings.rfm_recent_days} 天为高）"
            f" F{word[f_high]}（{h.orders} 张订单，≥{settings.rfm_orders} 为高）"
            f" M{word[m_high]}（{yuan(h.revenue)}，≥{m_said} 为高）→ {segment}"
        )
        verdicts[pos] = Verdict(grade, status, segment, reason)
    return verdicts, matched, m_line


def plan_classify(customers: Ledger, lines: pd.DataFrame | None, today: dt.date, settings: Settings) -> Plan:
    """客户等级 / 状态 / 客户分群 / 分级依据 of every row not locked (see the module docstring)."""
    need(customers, "customer_id", "name", "grade", "status", "class_reason")
    verdicts, matched, _ = classify(customers, lines, today, settings)
    locks = column_values(customers, "locked")
    plan = Plan(rows=len(customers))
    counts: dict[str, int] = defaultdict(int)
    locked = 0
    stamp = f"（{today:%Y-%m-%d} 客户分级）"
    for pos, v in verdicts.items():
        if is_locked(locks[pos]):
            locked += 1
            continue
        row = customers.rows[pos]
        for name, value in (("grade", v.grade), ("status", v.status), ("segment", v.segment),
                            ("class_reason", v.reason + stamp)):  # fmt: skip
            if customers.has(name) and customers.raw[name][pos] != value:
                plan.write(customers.sheet, row, customers.col(name), value)
        counts[v.grade] += 1
        counts[v.status] += 1
    done = len(verdicts) - locked
    grades = "、".join(f"{g} 类 {counts[g]} 家" for g in "ABC" if counts[g])
    statuses = "、".join(f"{s} {counts[s]} 家" for s in ("新", "活跃", "休眠", "流失", NO_ORDERS) if counts[s])
    plan.message = f"已给 {done} 家客户分级：{grades or '无'}；{statuses or '无'}。"
    if locked:
        plan.message += f"「锁定」为是的 {locked} 家未改。"
    plan.message += "依据写在「分级依据」列。"
    if matched.unmatched:
        lines_count = sum(matched.unmatched.values())
        names = "、".join(list(matched.unmatched)[:8]) + ("等" if len(matched.unmatched) > 8 else "")
        plan.details.append(
            f"订单中 {len(matched.unmatched)} 个客户（{lines_count} 行）在客户档案中找不到，未计入分级：{names}；"
            "请在客户档案中建档，或把订单的客户名称改成档案中的全称"
        )
    if matched.ambiguous:
        plan.details.append(
            f"客户档案中「{'」「'.join(dict.fromkeys(matched.ambiguous))}」与另一家客户的编号或名称相同，"
            "订单算在排在前面的那家；请先『查找重复客户』并合并"
        )
    return plan
