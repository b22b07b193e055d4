"""Office-supplies workflows, pure: stock ledger, stocktake and its close, purchase plan.

Each planner takes ledgers already read (and what the action read from the store) and returns a
:class:`neiqin.core.plan.Plan`; ``macros/supplies.py`` reads, plans and writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from neiqin.base.text import code_key
from neiqin.core import fields as f
from neiqin.core.config import Settings
from neiqin.core.ledger import Ledger
from neiqin.core.plan import Output, Plan

from .codes import SupplyCode
from .rules import late_rows
from .settings import SuppliesSettings
from .stock import Adjustment, Item, Move, catalogue, lines, moves, qty, replay, text, usage_rate, weekly_usage
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
        values = settings.of(SuppliesSettings).inspection_values
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
    weeks = settings.of(SuppliesSettings).usage_weeks
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


def plan_stocktake_close(sheet: Ledger, open_one: OpenStocktake, books: Books, settings: Settings) -> StocktakeClose:
    """盘点结束: variances against the book at the count day; posted only when every line is counted,
    every variance above the threshold has a reason and every variance an approver."""
    limit = settings.of(SuppliesSettings).stocktake_reason_value
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
    return StocktakeClose(plan, posting, "、".join(dict.fromkeys(approvers)), ready=True)
