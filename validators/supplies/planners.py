"""Office-supplies workflows, pure: stock ledger, stocktake and its close, purchase plan.

Each planner takes ledgers already read (and what the action read from the store) and returns a
:class:`neiqin.core.plan.Plan`; ``macros/supplies.py`` reads, plans and writes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from neiqin.base.text import code_key
from neiqin.core import fields as f
from neiqin.core.config import Settings
from neiqin.core.ledger import Ledger
from neiqin.core.plan import Output, Plan

from .codes import SupplyCode
from .rules import late_rows
from .stock import (
    Adjustment,
    Item,
    Move,
    catalogue,
    lines,
    moves,
    on_order,
    qty,
    replay,
    text,
    usage_rate,
    weekly_usage,
)
from .store import OpenStocktake, issue_fingerprint

STOCK_LEDGER = "库存台账"
STOCKTAKE = "盘点表"
PURCHASE_PLAN = "采购计划"
STOCKTAKE_HEADER = (
    "物品编码 名称 规格 单位 账面数量 实盘数量 差异 账面单价 差异金额 差异原因 审批人".split()  # noqa: SIM905
)


@dataclass
class Books:
    """The supplies ledgers an action read (any may be missing), and the adjustments of the store."""

    supplies: Ledger | None
    receipts: Ledger | None
    issues: Ledger | None
    adjustments: list[Adjustment] = field(default_factory=list)
    quotes: Ledger | None = None
    held: frozenset[int] = frozenset()  # rows of 领用登记 left out (blocked by an open stocktake)

    def items(self) -> dict[str, Item]:
        return catalogue(self.supplies)

    def moves(self, settings: Settings) -> list[Move]:
        values = settings.inspection_values
        found = moves(self.receipts, self.issues, self.adjustments, values)
        return [m for m in found if not (m.kind == "out" and m.row in self.held)]


def _rate(all_moves: Sequence[Move], item: str, today: dt.date, weeks: int) -> float:
    """Usage per day at the current rate (see :func:`validators.supplies.stock.usage_rate`)."""
    return usage_rate(weekly_usage(all_moves, item, today, weeks)) / 7


def plan_stock_ledger(books: Books, today: dt.date, settings: Settings) -> Plan:
    """库存台账: per item per month — opening, in, out, adjustment, closing, moving-average value, days of cover."""
    items = books.items()
    all_moves = [m for m in books.moves(settings) if m.date <= today]
    steps = replay(all_moves, items).steps
    weeks = settings.usage_weeks
    # (item, month) -> opening, in, out, adjust, closing, average
    months: dict[tuple[str, str], list[float]] = {}
    last_month: dict[str, str] = {}
    for step in steps:
        if step.refused:
            continue
        m = step.move
        key = (m.item, f"{m.date:%Y-%m}")
        row = months.setdefault(key, [step.before, 0.0, 0.0, 0.0, step.before, step.average])
        row[{"in": 1, "out": 2, "adjust": 3}[m.kind]] += abs(m.quantity) if m.kind != "adjust" else m.quantity
        row[4], row[5] = step.after, step.average
        last_month[m.item] = key[1]
    out_rows: list[list[Any]] = []
    for (item, month), (opening, came, went, adjusted, closing, average) in sorted(months.items()):
        info = items.get(item)
        cover: Any = None
        if last_month[item] == month:
            rate = _rate(all_moves, item, today, weeks)
            cover = round(closing / rate) if rate > 0 else None
        out_rows.append(
            [
                month,
                info.code if info else item,
                info.name if info else "",
                info.unit if info else "",
                opening,
                came,
                went,
                adjusted or None,
                closing,
                round(average, 4),
                round(closing * average, 2),
                cover,
            ]
        )
    plan = Plan(rows=len(all_moves))
    plan.outputs.append(
        Output(
            STOCK_LEDGER,
            f"库存台账（截至 {today:%Y-%m-%d}）",
            "每种物品每月一行：期初 + 入库（只计合格数量）− 领用 ± 盘点调整 = 期末；金额按移动平均单价；"
            f"可用天数 = 期末数量 ÷ 近 {weeks} 周（去掉最高的一周）平均每天领用量，只在每种物品最近一个月的行上。"
            "库存不足而未计入的领用行见『校验领用』。",
            [
                "月份",
                "物品编码",
                "名称",
                "单位",
                "期初数量",
                "入库",
                "领用",
                "盘点调整",
                "期末数量",
                "移动平均单价",
                "期末金额",
                "可用天数",
            ],
            out_rows,
            widths=[9, 10, 16, 6, 9, 8, 8, 9, 9, 11, 12, 9],
            formats={9: f.MONEY, 10: f.MONEY},
        )
    )
    refused = sum(1 for s in steps if s.refused)
    plan.message = f"写出『{STOCK_LEDGER}』：{len({i for i, _ in months})} 种物品，{len(out_rows)} 行（物品×月份）。"
    if refused:
        plan.details.append(f"{refused} 行领用因库存不足未计入，请点『校验领用』查看。")
    return plan


def book_at(books: Books, count_date: dt.date, settings: Settings) -> tuple[dict[str, float], dict[str, float]]:
    """Book quantity and moving-average price of every item at the end of ``count_date``."""
    result = replay(books.moves(settings), books.items(), until=count_date)
    return dict(result.stock), dict(result.average)


def stocktake_number(today: dt.date) -> str:
    return f"PD{today:%Y%m%d}"


@dataclass
class StocktakeStart:
    plan: Plan
    number: str
    fingerprints: list[str]


def plan_stocktake(books: Books, today: dt.date, settings: Settings) -> StocktakeStart:
    """盘点: 盘点表 with each item's book quantity today and an empty 实盘数量; the 领用登记 lines counted in."""
    items = books.items()
    stock, average = book_at(books, today, settings)
    number = stocktake_number(today)
    rows = [
        [
            i.code,
            i.name,
            i.spec,
            i.unit,
            stock.get(key, 0.0),
            None,
            None,
            round(average.get(key, i.ref_price), 4),
            None,
            None,
            None,
        ]
        for key, i in sorted(items.items(), key=lambda kv: kv[1].code)
    ]
    plan = Plan(rows=len(rows))
    plan.outputs.append(
        Output(
            STOCKTAKE,
            f"盘点表 {number}（盘点日 {today:%Y-%m-%d}）",
            "请清点每种物品，在「实盘数量」填写实际数量（没有的填 0）；差异金额超过『设置』中盘点差异说明金额的"
            "写明差异原因；有差异的物品请审批人签名（填「审批人」）。填完后点『盘点结束』：差异过账后账面与实盘一致。"
            f"盘点结束前，{today:%Y-%m-%d} 及以前的新领用不能登记。",
            STOCKTAKE_HEADER,
            rows,
            widths=[10, 16, 14, 6, 9, 9, 8, 10, 10, 20, 8],
            formats={7: f.MONEY, 8: f.MONEY},
        )
    )
    fingerprints = [
        issue_fingerprint(v) for _row, v in lines(books.issues) if v.get("date") is not None and v["date"] <= today
    ]
    plan.message = (
        f"开始盘点 {number}：『{STOCKTAKE}』列出 {len(rows)} 种物品的账面数量（截至 {today:%Y-%m-%d}）；"
        "清点后填写实盘数量，再点『盘点结束』。"
    )
    return StocktakeStart(plan, number, fingerprints)


@dataclass
class StocktakeClose:
    plan: Plan
    lines: list[dict[str, Any]]  # the adjustments to post (empty with issues: nothing is posted)
    approver: str = ""
    ready: bool = False
    items_counted: int = 0  # items with a 实盘数量 (for 库存账实相符率)


def plan_stocktake_close(sheet: Ledger, open_one: OpenStocktake, books: Books, settings: Settings) -> StocktakeClose:
    """盘点结束: variances against the book at the count day; posted only when every line is counted,
    every variance above the threshold has a reason and every variance an approver."""
    limit = settings.stocktake_reason_value
    books = replace(books, held=frozenset(late_rows(books.issues, open_one)))  # as the count saw it
    items = books.items()
    stock, average = book_at(books, open_one.count_date, settings)
    plan = Plan(rows=len(sheet))
    if not any(v.get("counted") is not None for _row, v in lines(sheet)):
        plan.message = (
            f"盘点 {open_one.number} 进行中：『{STOCKTAKE}』还没有填写任何实盘数量；清点后填写，再点『盘点结束』。"
        )
        return StocktakeClose(plan, [])
    posting: list[dict[str, Any]] = []
    approvers: list[str] = []
    for row, v in lines(sheet):
        code = text(v.get("item_code"))
        if not code:
            continue
        key = code_key(code)
        item = items.get(key)
        label = item.label if item else code
        book = stock.get(key, 0.0)
        price = average.get(key, item.ref_price if item else 0.0)
        plan.write(sheet.sheet, row, sheet.col("book_qty"), book)
        counted = v.get("counted")
        if counted is None:
            plan.issues.append(sheet.issue(SupplyCode.SUP_COUNT_MISSING, row, "counted", item=label))
            continue
        diff = float(counted) - book
        value = abs(diff) * price
        plan.write(sheet.sheet, row, STOCKTAKE_HEADER.index("差异") + sheet.first_col, diff)
        plan.write(sheet.sheet, row, STOCKTAKE_HEADER.index("差异金额") + sheet.first_col, round(diff * price, 2))
        if abs(diff) < 1e-9:
            continue
        unit = item.unit if item else ""
        shown = {"item": label, "book": f"{qty(book)}{unit}", "counted": f"{qty(float(counted))}{unit}"}
        if value > limit and not text(v.get("reason")):
            plan.issues.append(
                sheet.issue(
                    SupplyCode.SUP_REASON_NEEDED, row, "reason", value=f"{value:,.2f}", limit=f"{limit:,.2f}", **shown
                )
            )
        approver = text(v.get("approver"))
        if not approver:
            plan.issues.append(sheet.issue(SupplyCode.SUP_APPROVER_NEEDED, row, "approver", **shown))
            continue
        approvers.append(approver)
        posting.append(
            {
                "item_code": item.code if item else code,
                "count_date": open_one.count_date,
                "book_qty": book,
                "counted": float(counted),
                "quantity": diff,
                "reason": text(v.get("reason")),
                "approver": approver,
            }
        )
    if plan.issues:
        plan.outcome = "issues"
        plan.message = (
            f"盘点 {open_one.number} 未过账：{len(plan.issues)} 处要先补齐（见『校验结果』和『{STOCKTAKE}』上的标记）；"
            "补齐后再点『盘点结束』。"
        )
        return StocktakeClose(plan, [])
    value = sum(abs(p["quantity"]) * average.get(code_key(p["item_code"]), 0.0) for p in posting)
    plan.message = (
        f"盘点 {open_one.number} 已结束：{len(posting)} 种物品有差异，差异金额合计约 {value:,.2f} 元，已过账；"
        f"账面数量已与实盘一致（盘点日 {open_one.count_date:%Y-%m-%d}）。"
        if posting
        else f"盘点 {open_one.number} 已结束：账实相符，没有差异。"
    )
    counted_items = sum(1 for _row, v in lines(sheet) if text(v.get("item_code")) and v.get("counted") is not None)
    return StocktakeClose(plan, posting, "、".join(dict.fromkeys(approvers)), ready=True, items_counted=counted_items)


@dataclass(frozen=True)
class Quote:
    supplier: str
    price: float
    lead_days: float | None
    valid_until: dt.date | None


def valid_quotes(quotes: Ledger | None, today: dt.date) -> dict[str, list[Quote]]:
    """供应商报价 by item key: quoted on or before today and not expired."""
    found: dict[str, list[Quote]] = defaultdict(list)
    for _row, v in lines(quotes):
        if not text(v.get("item_code")) or not text(v.get("supplier")) or not v.get("price"):
            continue
        quoted, until = v.get("quoted_on"), v.get("valid_until")
        if (quoted is not None and quoted > today) or (until is not None and until < today):
            continue
        found[code_key(v["item_code"])].append(Quote(text(v["supplier"]), float(v["price"]), v.get("lead_days"), until))
    return dict(found)


def cheapest(candidates: Sequence[Quote], lead_days: float) -> Quote | None:
    """The lowest price among quotes delivering within the item's 采购周期 (a quote without 交期 counts as within)."""
    fit = [q for q in candidates if q.lead_days is None or lead_days <= 0 or q.lead_days <= lead_days]
    return min(fit, key=lambda q: (q.price, q.lead_days or 0, q.supplier)) if fit else None


@dataclass(frozen=True)
class Suggestion:
    """One item's purchase arithmetic (every quantity in the item's unit)."""

    need: float  # usage over the lead time + safety stock − (stock + on order)
    quantity: float  # rounded up to whole packs, capped by 最高库存
    capped: bool


def suggest(
    per_day: float, lead_days: float, safety: float, stock: float, ordered: float, pack: float, max_stock: float | None
) -> Suggestion:
    """usage × lead time + safety stock − (stock + on order), in whole packs, capped by 最高库存."""
    need = per_day * lead_days + safety - (stock + ordered)
    if need <= 1e-9:
        return Suggestion(need, 0.0, False)
    pack = pack if pack > 0 else 1.0
    quantity = math.ceil(need / pack - 1e-9) * pack
    if max_stock is not None and stock + ordered + quantity > max_stock:
        room = math.floor(max(max_stock - stock - ordered, 0.0) / pack + 1e-9) * pack
        return Suggestion(need, room, True)
    return Suggestion(need, quantity, False)


def plan_purchase(books: Books, today: dt.date, settings: Settings) -> Plan:
    """采购计划: per item a suggested quantity with the cheapest valid quote, shortage and overstock, in words."""
    # Long because every line is explained in words, and the words follow the arithmetic step by step.
    options = settings  # by field name: robust to a re-imported package
    items = books.items()
    all_moves = [m for m in books.moves(settings) if m.date <= today]
    result = replay(all_moves, items)
    ordered_of = on_order(books.receipts)
    quotes = valid_quotes(books.quotes, today)
    weeks = options.usage_weeks
    found: list[tuple[int, list[Any]]] = []
    total = 0.0
    for key, item in sorted(items.items(), key=lambda kv: kv[1].code):
        u = item.unit
        weekly = weekly_usage(all_moves, key, today, weeks)
        per_week = usage_rate(weekly)
        per_day = per_week / 7
        stock, ordered = result.stock.get(key, 0.0), ordered_of.get(key, 0.0)
        safety = max(item.min_stock, per_day * options.safety_days)
        s = suggest(per_day, item.lead_days, safety, stock, ordered, item.pack, item.max_stock)
        words = [
            f"近 {weeks} 周（去掉最高的一周）平均每周领用 {qty(per_week)}{u}"
            + (
                f"（最高一周 {qty(max(weekly))}{u}，按一次性用量不计）" if weekly and max(weekly) > 2 * per_week else ""
            ),
            f"采购周期 {qty(item.lead_days)} 天内约用 {qty(round(per_day * item.lead_days, 1))}{u}",
            f"安全库存 {qty(round(safety, 1))}{u}",
            f"现有 {qty(stock)}{u}、在途 {qty(ordered)}{u}",
        ]
        status, reason = "", ""
        cover = (stock + ordered) / per_day if per_day > 0 else None
        if stock + ordered < item.min_stock:
            status, reason = "短缺", f"现有加在途 {qty(stock + ordered)}{u} 低于最低库存 {qty(item.min_stock)}{u}"
        elif item.max_stock is not None and stock > item.max_stock:
            status, reason = "积压", f"现有 {qty(stock)}{u} 超过最高库存 {qty(item.max_stock)}{u}"
        elif cover is not None and cover > 180:
            status, reason = "积压", f"按现在的用量够用约 {round(cover)} 天，超过半年"
        elif per_day == 0 and stock > 0:
            status, reason = "积压", f"近 {weeks} 周没有领用，现有 {qty(stock)}{u}"
        if s.quantity <= 0:
            words.append("不需采购" if s.need <= 0 else f"需 {qty(round(s.need, 1))}{u}，但已到最高库存，不采购")
        else:
            words.append(
                f"需 {qty(round(s.need, 1))}{u}，按每次 {qty(item.pack)}{u} 的倍数"
                + (f"并以最高库存 {qty(item.max_stock or 0)}{u} 为限，" if s.capped else "取整为 ")
                + f"{qty(s.quantity)}{u}"
            )
        quote = cheapest(quotes.get(key, []), item.lead_days) if s.quantity > 0 else None
        supplier, price, source = "", None, ""
        if quote is not None:
            supplier, price = quote.supplier, quote.price
            until = f"，有效期至 {quote.valid_until:%Y-%m-%d}" if quote.valid_until else ""
            lead = f"交期 {qty(quote.lead_days)} 天" if quote.lead_days is not None else "交期未注明"
            source = f"选 {supplier} 报价 ¥{price:,.2f}（{lead}{until}），为有效报价中交期不超过采购周期的最低价"
        elif s.quantity > 0:
            supplier, price = item.supplier, item.ref_price or None
            source = f"没有有效期内、交期不超过采购周期的报价，暂按常用供应商 {supplier or '（未填）'} 和参考单价询价"
        if source:
            words.append(source)
        amount = round(s.quantity * price, 2) if s.quantity > 0 and price else None
        total += amount or 0.0
        if s.quantity <= 0 and not status:
            continue
        rank = 0 if status == "短缺" else 1 if s.quantity > 0 else 2
        found.append(
            (
                rank,
                [
                    item.code,
                    item.name,
                    item.spec,
                    u,
                    stock,
                    ordered,
                    round(per_week, 2),
                    s.quantity or None,
                    supplier or None,
                    price,
                    amount,
                    status or None,
                    reason or None,
                    "；".join(words) + "。",
                ],
            )
        )
    rows = [r for _rank, r in sorted(found, key=lambda x: x[0])]
    plan = Plan(rows=len(items))
    plan.outputs.append(
        Output(
            PURCHASE_PLAN,
            f"采购计划（{today:%Y-%m-%d}）",
            f"建议采购量 = 近 {weeks} 周平均每周用量（去掉最高的一周，防止一次性大量领用抬高用量）"
            "÷ 7 × 采购周期 + 安全库存 − （现有 + 在途），按采购倍数取整，不超过最高库存；"
            f"安全库存取最低库存与 {options.safety_days} 天用量中较大者。"
            "在途 = 入库登记中已填应收数量、尚未填实收数量和验收结果的行。先列短缺，再列要采购的，最后列积压。",
            [
                "物品编码",
                "名称",
                "规格",
                "单位",
                "现有",
                "在途",
                "每周用量",
                "建议采购",
                "供应商",
                "单价",
                "金额",
                "库存状态",
                "原因",
                "说明",
            ],
            rows,
            widths=[10, 14, 14, 6, 8, 8, 9, 9, 12, 9, 11, 9, 28, 60],
            formats={9: f.MONEY, 10: f.MONEY},
            wrap=(13,),
            empty="（所有物品库存正常，暂不需要采购）",
        )
    )
    buying = sum(1 for r in rows if r[7])
    short = sum(1 for r in rows if r[11] == "短缺")
    over = sum(1 for r in rows if r[11] == "积压")
    plan.message = (
        f"写出『{PURCHASE_PLAN}』：建议采购 {buying} 种物品，约 {total:,.2f} 元；短缺 {short} 种，积压 {over} 种。"
    )
    return plan


SUPPLIES_REPORT = "办公用品统计"


@dataclass
class SuppliesReport:
    """办公用品统计: the monthly table (an Output), the sections written under it, the chart's source rows."""

    plan: Plan
    below: dict[tuple[int, int], Any] = field(default_factory=dict)  # (row, col) -> value, under the table
    months: int = 0  # rows of the monthly table (the chart's source: header row 4, columns 月份/本年/去年)


def _standard(
    quotas: Ledger | None, staff: Mapping[str, Any], items: Mapping[str, Item]
) -> dict[str, dict[str, float]]:
    """Monthly quota by department and item key (a post's: times its people; a person's: in their department)."""
    found: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    departments = {text(p.department) for p in staff.values() if p.department}
    for _row, v in lines(quotas):
        scope, key, limit = text(v.get("scope")), code_key(v.get("item_code") or ""), v.get("monthly_limit")
        if not scope or key not in items or limit is None:
            continue
        holders = [p for p in staff.values() if text(p.title) == scope]
        if scope in staff:
            found[text(staff[scope].department)][key] += float(limit)
        elif holders and scope not in departments:
            for p in holders:
                found[text(p.department)][key] += float(limit)
        else:
            found[scope][key] += float(limit)
    return found


def plan_supplies_report(
    books: Books, quotas: Ledger | None, staff: Mapping[str, Any], today: dt.date, settings: Settings
) -> SuppliesReport:
    """办公用品统计: issue cost (moving average) by month and department, this year to date against last year's
    same months and against 领用标准 (节约 = standard − actual for the items with a standard), top items."""
    # Long because it is one report: three tables and the paragraph that reads them for a manager.
    items = books.items()
    steps = replay([m for m in books.moves(settings) if m.date <= today], items).steps
    year, last = today.year, today.year - 1
    cost: dict[tuple[int, int, str], float] = defaultdict(float)  # (year, month, department) -> 元
    covered: dict[tuple[int, int, str], float] = defaultdict(float)  # the same, items with a standard only
    by_item: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # this year: quantity, 元
    standard = _standard(quotas, staff, items)
    for step in steps:
        m = step.move
        if step.refused or m.kind != "out" or m.date.year not in (year, last) or m.date.month > today.month:
            continue
        amount = -m.quantity * step.average
        cost[(m.date.year, m.date.month, m.department)] += amount
        if m.item in standard.get(m.department, {}):
            covered[(m.date.year, m.date.month, m.department)] += amount
        if m.date.year == year:
            by_item[m.item][0] += -m.quantity
            by_item[m.item][1] += amount
    departments = sorted({d for (_y, _m, d) in cost} | set(standard))
    std_month = {d: sum(q * items[k].ref_price for k, q in standard.get(d, {}).items()) for d in departments}
    rows: list[list[Any]] = []
    for month in range(1, today.month + 1):
        now = sum(cost[(year, month, d)] for d in departments)
        before = sum(cost[(last, month, d)] for d in departments)
        std = sum(std_month.values())
        actual_std = sum(covered[(year, month, d)] for d in departments)
        rows.append(
            [
                f"{year}-{month:02d}",
                round(now, 2),
                round(before, 2),
                _change(now, before),
                round(std, 2) if std else None,
                round(std - actual_std, 2) if std else None,
                *(round(cost[(year, month, d)], 2) for d in departments),
            ]
        )
    header = ["月份", "本年金额", "去年同月", "比去年", "标准金额", "节约", *(f"{d}" for d in departments)]
    total_now = sum(r[1] for r in rows)
    total_before = sum(r[2] for r in rows)
    # under the table: by department, then the top items
    below: dict[tuple[int, int], Any] = {}
    top = 5 + max(len(rows), 1) + 2
    below[(top, 1)] = f"按部门（{year} 年 1–{today.month} 月，与去年同期和领用标准比较）"
    for c, name in enumerate(["部门", "本年至今", "去年同期", "比去年", "标准金额", "标准物品实际", "节约"], 1):
        below[(top + 1, c)] = name
    dept_lines = []
    for i, d in enumerate(departments):
        now = sum(cost[(year, m, d)] for m in range(1, today.month + 1))
        before = sum(cost[(last, m, d)] for m in range(1, today.month + 1))
        std = std_month[d] * today.month
        actual_std = sum(covered[(year, m, d)] for m in range(1, today.month + 1))
        saved = std - actual_std if std else None
        dept_lines.append((d, now, before, saved))
        for c, value in enumerate(
            [
                d,
                round(now, 2),
                round(before, 2),
                _change(now, before),
                round(std, 2) or None,
                round(actual_std, 2) if std else None,
                round(saved, 2) if saved is not None else None,
            ],
            1,
        ):
            below[(top + 2 + i, c)] = value
    top2 = top + 2 + len(departments) + 2
    below[(top2, 1)] = f"领用金额前 5 的物品（{year} 年至今）"
    for c, name in enumerate(["物品", "数量", "单位", "金额", "占比"], 1):
        below[(top2 + 1, c)] = name
    ranked = sorted(by_item.items(), key=lambda kv: -kv[1][1])[:5]
    for i, (key, (quantity, amount)) in enumerate(ranked):
        item = items.get(key)
        share = f"{amount / total_now:.0%}" if total_now else ""
        for c, value in enumerate(
            [item.label if item else key, quantity, item.unit if item else "", round(amount, 2), share], 1
        ):
            below[(top2 + 2 + i, c)] = value
    # one paragraph a manager reads
    words = [
        f"{year} 年 1–{today.month} 月办公用品领用 {total_now:,.2f} 元，"
        + (f"去年同期 {total_before:,.2f} 元" if total_before else "去年同期没有领用记录")
    ]
    if total_before:
        diff = total_now - total_before
        words[0] += (
            f"，{'增加' if diff > 0 else '减少'} {abs(diff):,.2f} 元（{_change(total_now, total_before)}）"
            if abs(diff) >= 0.005
            else "，与去年持平"
        )
    if dept_lines:
        d, now, _b, _s = max(dept_lines, key=lambda x: x[1])
        words.append(f"用得最多的是{d}（{now:,.2f} 元，占 {now / total_now:.0%}）" if total_now else "")
        saved_all = sum(s for *_r, s in dept_lines if s is not None)
        over = [d for d, *_r, s in dept_lines if s is not None and s < 0]
        if any(s is not None for *_r, s in dept_lines):
            words.append(
                f"按领用标准计，有标准的物品合计{'节约' if saved_all >= 0 else '超支'} {abs(saved_all):,.2f} 元"
                + (f"，超标准的部门：{'、'.join(over)}" if over else "，各部门都在标准以内")
            )
    if ranked:
        key, (_q, amount) = ranked[0]
        label = items[key].label if key in items else key
        words.append(f"金额最大的物品是 {label}（{amount:,.2f} 元）")
    paragraph = "；".join(w for w in words if w) + "。金额按移动平均单价计算。"
    plan = Plan(rows=len(steps))
    plan.outputs.append(
        Output(
            SUPPLIES_REPORT,
            f"办公用品统计（{year} 年 1–{today.month} 月）",
            paragraph,
            header,
            rows,
            widths=[10, 12, 12, 9, 12, 12, *([12] * len(departments))],
            formats={
                1: f.MONEY,
                2: f.MONEY,
                4: f.MONEY,
                5: f.MONEY,
                **{6 + i: f.MONEY for i in range(len(departments))},
            },
        )
    )
    plan.message = f"写出『{SUPPLIES_REPORT}』：{paragraph}"
    return SuppliesReport(plan, below, len(rows))


def _change(now: float, before: float) -> str | None:
    """比去年 as a clerk writes it: +12%, −5%; none without last year's figure."""
    if not before:
        return None
    return f"{(now - before) / before:+.0%}".replace("-", "−")
