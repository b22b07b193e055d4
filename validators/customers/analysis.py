"""客户分析 as a pure function: the archive and the order history in, the figures of the sheet out.

Definitions (the order history and the matching are those of :mod:`.classes`):

- Months: the 12 calendar months ending with the month of the day of the run; 近 12 个月销售额 is their sum.
- 今年累计 / 去年同期: 1 January to the day of the run, and the same days a year earlier; 同比 the relative
  change (none when last year had nothing).
- 平均下单间隔: the mean number of days between a customer's successive orders (an order's day is its
  first line's 接单日期), over its whole history; needs two orders. 预计下次下单 = 最近下单 + that
  interval (rounded to whole days).
- 流失风险: days since the last order ÷ the interval — up to 1 低, up to 2 中, above 2 高; "—" with fewer
  than two orders.
- 主要产品: the three products with the highest revenue in the 12 months (名称, else 编码).
- By 大区 and 行业 (from 客户档案): revenue per month, its total and share of all revenue; lines whose
  customer is not in the archive form a row of their own, so the totals are the reports' totals.
- Whom to call this week, per 负责销售, in this order, at most five: 流失风险 高 or 中; new customers (their
  second order); customers expected to order in the next seven days; customers with one old order that
  are 休眠 or 流失; customers without any order (潜在). Within a kind, the larger 12-month revenue first.

No mobile, e-mail or credit code appears anywhere in the result (制度四.2).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from neiqin.core.config import Settings
from neiqin.core.ledger import Ledger

from .classes import History, classify, histories, is_locked
from .planners import column_values

UNKNOWN = "（未填）"
NOT_IN_ARCHIVE = "档案外客户"  # lines whose customer is not in 客户档案
CALL_LIMIT = 5
SOON_DAYS = 7


@dataclass
class CustomerFigures:
    customer_id: Any
    name: Any
    rep: str
    region: str
    industry: str
    grade: str
    status: str
    months: list[float]  # the 12 months, oldest first
    total: float
    ytd: float
    last_ytd: float
    change: float | None  # 同比, None when last year had nothing
    interval: float | None
    last: dt.date | None
    first: dt.date | None
    expected: dt.date | None
    since: int | None
    risk: str  # 低 / 中 / 高 / —
    products: list[tuple[str, float]]


@dataclass
class GroupFigures:
    name: str
    months: list[float]
    total: float
    share: float | None
    ytd: float
    last_ytd: float
    change: float | None


@dataclass
class Call:
    customer: CustomerFigures
    kind: int  # priority (0 first)
    why: str


@dataclass
class Analysis:
    today: dt.date
    months: list[str]  # "2026-11", oldest first
    customers: list[CustomerFigures]
    regions: list[GroupFigures]
    industries: list[GroupFigures]
    calls: dict[str, list[Call]] = field(default_factory=dict)  # rep -> customers to call, in order
    total: float = 0.0
    unmatched: dict[str, int] = field(default_factory=dict)


def _text(value: Any, empty: str = UNKNOWN) -> str:
    return empty if value is None or str(value).strip() == "" else str(value).strip()


def _change(now: float, before: float) -> float | None:
    return (now - before) / before if before > 0 else None


def _interval(h: History | None) -> float | None:
    if h is None or len(h.order_dates) < 2:
        return None
    days = [(b - a).days for a, b in zip(h.order_dates, h.order_dates[1:], strict=False)]
    return sum(days) / len(days)


def risk_of(since: int | None, interval: float | None) -> str:
    """流失风险: days since the last order against the customer's own interval."""
    if since is None or not interval:
        return "—"
    ratio = since / interval
    return "低" if ratio <= 1 else "中" if ratio <= 2 else "高"


def month_labels(today: dt.date) -> list[str]:
    end = pd.Period(today, freq="M")
    return [str(end - k) for k in range(11, -1, -1)]


def analyse(customers: Ledger, lines: pd.DataFrame | None, today: dt.date, settings: Settings) -> Analysis:
    """Every figure of 客户分析 (see the module docstring)."""
    # Long because it is one pass per customer and group over the matched lines, in the order the sheet shows.
    verdicts, matched, _ = classify(customers, lines, today, settings)
    found = histories(matched, today, settings.class_months)
    labels = month_labels(today)
    year_start = dt.date(today.year, 1, 1)
    last_year_start, last_year_day = dt.date(today.year - 1, 1, 1), _year_before(today)
    cols = {n: column_values(customers, n) for n in ("customer_id", "name", "sales_rep", "region", "industry",
                                                    "grade", "status", "locked")}  # fmt: skip

    def sums(part: pd.DataFrame) -> tuple[list[float], float, float]:
        if part is None or not len(part):
            return [0.0] * 12, 0.0, 0.0
        day = part["date"].dt.date
        month = part["date"].dt.to_period("M").astype(str)
        by_month = part.groupby(month)["revenue"].sum()
        months = [float(by_month.get(m, 0.0)) for m in labels]
        ytd = float(part.loc[(day >= year_start) & (day <= today), "revenue"].sum())
        last = float(part.loc[(day >= last_year_start) & (day <= last_year_day), "revenue"].sum())
        return months, ytd, last

    people: list[CustomerFigures] = []
    for pos in range(len(customers)):
        part = matched.lines.get(pos)
        if part is not None:
            part = part[part["date"].dt.date <= today]
        months, ytd, last_ytd = sums(part)
        h = found.get(pos)
        interval = _interval(h)
        since = (today - h.last).days if h is not None and h.last is not None else None
        expected = (
            h.last + dt.timedelta(days=math.floor(interval + 0.5)) if h is not None and h.last and interval else None
        )
        v = verdicts[pos]
        locked = is_locked(cols["locked"][pos])
        people.append(
            CustomerFigures(
                customer_id=cols["customer_id"][pos],
                name=cols["name"][pos],
                rep=_text(cols["sales_rep"][pos]),
                region=_text(cols["region"][pos]),
                industry=_text(cols["industry"][pos]),
                grade=_text(cols["grade"][pos], "") if locked else v.grade,
                status=_text(cols["status"][pos], "") if locked else v.status,
                months=months,
                total=sum(months),
                ytd=ytd,
                last_ytd=last_ytd,
                change=_change(ytd, last_ytd),
                interval=interval,
                last=h.last if h else None,
                first=h.first if h else None,
                expected=expected,
                since=since,
                risk=risk_of(since, interval),
                products=_top_products(part, labels),
            )
        )
    all_lines = pd.concat([p for p in matched.lines.values()] + [_unmatched(lines, matched)], ignore_index=True)
    analysis = Analysis(today, labels, sorted(people, key=lambda c: (c.rep, -c.total, str(c.customer_id))), [], [])
    analysis.total = sum(sums(all_lines[all_lines["date"].dt.date <= today])[0]) if len(all_lines) else 0.0
    analysis.unmatched = matched.unmatched
    for attr, target in (("region", analysis.regions), ("industry", analysis.industries)):
        target.extend(_groups(people, attr, analysis.total))
        rest = _unmatched(lines, matched)
        if len(rest):
            months, ytd, last = sums(rest[rest["date"].dt.date <= today])
            share = sum(months) / analysis.total if analysis.total else None
            target.append(GroupFigures(NOT_IN_ARCHIVE, months, sum(months), share, ytd, last, _change(ytd, last)))
    analysis.calls = calls(people, today)
    return analysis


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _unmatched(lines: pd.DataFrame | None, matched: Any) -> pd.DataFrame:
    if lines is None or not len(lines):
        return pd.DataFrame({"date": pd.Series([], dtype="datetime64[us]"), "revenue": pd.Series([], dtype=float)})
    taken = {i for part in matched.lines.values() for i in part.index}
    return lines[~lines.index.isin(taken)]


def _top_products(part: pd.DataFrame | None, labels: list[str]) -> list[tuple[str, float]]:
    if part is None or not len(part):
        return []
    recent = part[part["date"].dt.to_period("M").astype(str).isin(labels)]
    if not len(recent):
        return []
    names = recent["product_name"].where(recent["product_name"].notna(), recent["product"])
    top = recent.groupby(names)["revenue"].sum().sort_values(ascending=False, kind="stable")
    return [(str(k), float(v)) for k, v in top.head(3).items() if v > 0]


def _groups(people: list[CustomerFigures], attr: str, total: float) -> list[GroupFigures]:
    out: dict[str, GroupFigures] = {}
    for c in people:
        name = getattr(c, attr)
        g = out.setdefault(name, GroupFigures(name, [0.0] * 12, 0.0, None, 0.0, 0.0, None))
        g.months = [a + b for a, b in zip(g.months, c.months, strict=True)]
        g.total += c.total
        g.ytd += c.ytd
        g.last_ytd += c.last_ytd
    for g in out.values():
        g.share = g.total / total if total else None
        g.change = _change(g.ytd, g.last_ytd)
    return sorted(out.values(), key=lambda g: (-g.total, g.name))


def calls(people: list[CustomerFigures], today: dt.date) -> dict[str, list[Call]]:
    """Per 负责销售: the customers to call this week and why (see the module docstring)."""
    found: dict[str, list[Call]] = {}
    for c in people:
        call: Call | None = None
        if c.risk in ("高", "中") and c.interval and c.since is not None and c.expected:
            late = (today - c.expected).days
            call = Call(c, 0, f"平均 {c.interval:.0f} 天下一次单，已 {c.since} 天没有下单（比预计的 "
                              f"{c.expected:%m-%d} 晚 {late} 天），流失风险{c.risk}，请回访了解原因")  # fmt: skip
        elif c.status == "新" and c.first is not None:
            call = Call(c, 1, f"新客户，{c.first:%m-%d} 首次下单，请跟进使用情况，争取第二单")
        elif c.expected is not None and 0 <= (c.expected - today).days <= SOON_DAYS:
            call = Call(
                c, 2, f"按平均 {c.interval:.0f} 天的下单间隔，预计 {c.expected:%m-%d} 前后下单，请提前确认需求和交期"
            )
        elif c.status in ("休眠", "流失") and c.since is not None:
            call = Call(c, 3, f"只下过一单，已 {c.since} 天没有下单（{c.status}），请问问还有没有需要")
        elif c.last is None:
            call = Call(c, 4, "还没有下过单（潜在客户），可以约一次拜访")
        if call is not None:
            found.setdefault(c.rep, []).append(call)
    for rep, listed in found.items():
        listed.sort(key=lambda x: (x.kind, -x.customer.total, str(x.customer.customer_id)))
        found[rep] = listed[:CALL_LIMIT]
    return found


def paragraph(rep: str, listed: list[Call], analysis: Analysis) -> str:
    """One paragraph for a 负责销售: whom to call this week and why."""
    from validators.sales.reports import yuan

    if not listed:
        return f"{rep}：本周没有需要特别联系的客户。"
    parts = []
    for n, call in enumerate(listed, start=1):
        c = call.customer
        money = f"近 12 个月 {yuan(c.total)}" if c.total else "近 12 个月没有销售额"
        grade = f"{c.grade} 类，" if c.grade else ""
        parts.append(f"{n}. {c.name}（{grade}{money}）：{call.why}")
    return f"{rep}：本周请联系 {len(listed)} 家客户。" + "；".join(parts) + "。"
