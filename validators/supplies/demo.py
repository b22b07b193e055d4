"""The demo company's office supplies: a catalogue, two years of receipts and issues, quotas, quotes.

A week-by-week simulation: every department takes what it uses (now and then a big week before
a trade fair), and 行政部 reorders an item when it falls under 最低库存, up to 最高库存 in whole
packs, delivered after the item's 采购周期. A few deliveries are short or partly rejected, as
they are in real life; one quota is overrun.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

# code, name, spec, unit, price, min, max, lead days, supplier, pack, weekly use per department
ITEMS: list[tuple[str, str, str, str, float, int, int, int, str, int, dict[str, float]]] = [
    ("BG-001", "A4 复印纸", "70g 500张/包", "包", 24.5, 20, 80, 5, "得力办公", 5,
     {"销售内勤部": 6, "销售部": 3, "财务部": 4, "行政部": 2}),
    ("BG-002", "签字笔", "0.5mm 黑 12支/盒", "盒", 18.0, 5, 30, 5, "晨光文具", 1,
     {"销售内勤部": 1, "销售部": 1.5, "财务部": 0.5, "行政部": 0.3}),
    ("BG-003", "文件夹", "A4 单夹", "个", 6.5, 20, 120, 7, "得力办公", 10,
     {"销售内勤部": 4, "销售部": 2, "财务部": 3}),
    ("BG-004", "档案盒", "A4 55mm", "个", 8.0, 20, 100, 7, "得力办公", 10, {"销售内勤部": 3, "财务部": 4}),
    ("BG-005", "订书钉", "24/6 1000枚/盒", "盒", 2.5, 10, 50, 5, "晨光文具", 10,
     {"销售内勤部": 1, "财务部": 1, "行政部": 0.5}),
    ("BG-006", "硒鼓", "HP 88A", "个", 320.0, 2, 8, 10, "京东企业购", 1, {"销售内勤部": 0.3, "财务部": 0.2}),
    ("BG-007", "便利贴", "76×76mm 100张", "本", 3.2, 20, 100, 5, "晨光文具", 10,
     {"销售内勤部": 3, "销售部": 2, "财务部": 1}),
    ("BG-008", "笔记本", "A5 80页", "本", 9.8, 10, 60, 7, "得力办公", 10, {"销售部": 2, "行政部": 0.5}),
    ("BG-009", "计算器", "得力 1589", "个", 45.0, 2, 10, 7, "得力办公", 1, {"财务部": 0.1, "销售部": 0.05}),
    ("BG-010", "白板笔", "可擦 黑/红/蓝 10支/盒", "盒", 22.0, 3, 15, 5, "晨光文具", 1, {"销售部": 0.3, "行政部": 0.2}),
]  # fmt: skip
QUOTAS = [
    ("销售内勤部", "BG-001", 36),
    ("销售部", "BG-001", 18),
    ("财务部", "BG-001", 24),
    ("销售部", "BG-002", 10),
    ("内勤", "BG-002", 3),
    ("销售内勤部", "BG-006", 2),
    ("财务部", "BG-006", 2),
    ("销售部", "BG-008", 12),
]
SUPPLIERS = ("得力办公", "晨光文具", "京东企业购")
APPROVAL_VALUE = 200.0  # the setting's default: issues above it are approved by the department's head
WEEKS = 100  # two years, nearly: this year is compared with the last
PURPOSES = ("日常办公", "打印订单和合同", "装订报销单据", "归档", "客户拜访", "会议", "展会物料")


def _people(data: dict[str, Any]) -> dict[str, tuple[list[str], str]]:
    """Department -> (who takes supplies, the head who approves)."""
    from validators.staff.demo import staff_rows

    found: dict[str, tuple[list[str], str]] = {}
    for row in staff_rows(data["reps"]):
        members, head = found.get(row["department"], ([], ""))
        if row["is_head"] == "是":
            head = row["name"]
        else:
            members = [*members, row["name"]]
        found[row["department"]] = (members, head)
    return found


def supply_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A year of office supplies up to ``data['end']`` (deterministic for the demo's seed)."""
    # Long because it is one simulation: weeks, departments, reorders, deliveries, a few mistakes.
    rng = random.Random(int(data.get("seed", 2026)) + 14)
    end: dt.date = data["end"]
    start = end - dt.timedelta(weeks=WEEKS)
    people = _people(data)
    stock = {item[0]: float(item[6]) for item in ITEMS}  # 期初入库 fills every item to 最高库存
    catalogue = [
        {"item_code": c, "name": n, "spec": s, "unit": u, "ref_price": p, "min_stock": lo, "max_stock": hi,
         "lead_days": lead, "supplier": sup, "pack": pack}
        for c, n, s, u, p, lo, hi, lead, sup, pack, _use in ITEMS
    ]  # fmt: skip
    receipts: list[dict[str, Any]] = [
        {"date": start, "po": f"CG{start:%y%m}000", "supplier": sup, "item_code": c, "spec": s, "due_qty": hi,
         "got_qty": hi, "price": p, "result": "合格", "inspector": "许亮", "note": "期初入库"}
        for c, _n, s, _u, p, _lo, hi, _lead, sup, _pack, _use in ITEMS
    ]  # fmt: skip
    issues: list[dict[str, Any]] = []
    due: list[tuple[dt.date, dict[str, Any]]] = []  # deliveries on their way
    po = 0
    for week in range(WEEKS):
        monday = start + dt.timedelta(weeks=week, days=1)
        for arrival, receipt in [d for d in due if d[0] <= monday]:
            due.remove((arrival, receipt))
            receipts.append(receipt)
            stock[receipt["item_code"]] += _accepted(receipt)
        spike = week in (20, 44, 72)  # trade fairs: the sales department takes a lot
        for code, _n, _s, _u, price, low, high, lead, supplier, pack, use in ITEMS:
            for department, rate in use.items():
                wanted = rate * (3 if spike and department == "销售部" else 1) * rng.uniform(0.6, 1.4)
                amount = math.floor(wanted + rng.random())
                if amount <= 0 or stock[code] < amount:
                    continue
                members, head = people.get(department, ([], ""))
                if not members:
                    continue
                receiver = rng.choice(members)
                day = monday + dt.timedelta(days=rng.randrange(5))
                if day > end:
                    continue
                approver = head if amount * price > APPROVAL_VALUE or rng.random() < 0.2 else None
                issues.append({"date": day, "department": department, "receiver": receiver, "item_code": code,
                               "quantity": amount, "purpose": rng.choice(PURPOSES), "approver": approver})  # fmt: skip
                stock[code] -= amount
            on_order = sum(r["due_qty"] for _d, r in due if r["item_code"] == code)
            if stock[code] + on_order < low and week < WEEKS - 3:  # this month's purchase is not made yet
                po += 1
                quantity = math.ceil((high - stock[code] - on_order) / pack) * pack
                arrival = monday + dt.timedelta(days=lead)
                got, result, accepted, note = quantity, "合格", None, None
                if po % 17 == 0:
                    got, note = quantity - pack, "供应商少送一箱，余数下周补"
                if po % 23 == 0:
                    result, accepted, note = "部分合格", max(quantity - pack, 0), "一箱受潮退回"
                receipt = {"date": arrival, "po": f"CG{arrival:%y%m}{po:03d}", "supplier": supplier,
                           "item_code": code, "spec": _n_spec(code), "due_qty": quantity, "got_qty": got,
                           "price": round(price * rng.uniform(0.95, 1.05), 2), "result": result,
                           "accepted": accepted, "inspector": "许亮", "note": note}  # fmt: skip
                due.append((arrival, receipt))
    receipts += [r for d, r in due if d <= end]
    # ordered, not delivered by the last day: 应收数量 only (在途 for the purchase plan)
    receipts += [{**r, "date": end, "got_qty": None, "result": None, "accepted": None, "inspector": None,
                  "note": f"在途，预计 {d:%m-%d} 到货"} for d, r in due if d > end]  # fmt: skip
    receipts.sort(key=lambda r: r["date"])
    issues.sort(key=lambda r: r["date"])
    quotes = []
    for code, _n, _s, _u, price, *_rest in ITEMS:
        for k, supplier in enumerate(SUPPLIERS):
            quoted = end - dt.timedelta(days=30 + 60 * k)
            until = quoted + dt.timedelta(days=90)  # the third supplier's quote has run out
            price_k = round(price * (0.94 + 0.05 * k), 2)
            quotes.append({"supplier": supplier, "item_code": code, "price": price_k, "lead_days": 3 + 4 * k,
                           "quoted_on": quoted, "valid_until": until})  # fmt: skip
    quotas = [{"scope": s, "item_code": c, "monthly_limit": n} for s, c, n in QUOTAS]
    return {
        "supplies": catalogue,
        "supply_receipts": receipts,
        "supply_issues": issues,
        "supply_quotas": quotas,
        "supplier_quotes": quotes,
    }


def _n_spec(code: str) -> str:
    return next(i[2] for i in ITEMS if i[0] == code)


def _accepted(receipt: dict[str, Any]) -> float:
    if receipt["result"] == "部分合格":
        return float(receipt["accepted"] or 0)
    return float(receipt["got_qty"]) if receipt["result"] == "合格" else 0.0


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows)."""
    return supply_rows(data)


def demo_history(store: Any, data: dict[str, Any]) -> None:
    """The demo hook (see neiqin.app.demo.ledger_demo_history): last month's stocktake, counted by 张敏 on the
    month's last day and closed without a difference (库存账实相符率 is computed from it)."""
    from .planners import stocktake_number
    from .store import close_stocktake, start_stocktake

    end: dt.date = data["end"]
    day = end.replace(day=1) - dt.timedelta(days=1)
    opened = dt.datetime.combine(day, dt.time(15, 0))
    found = start_stocktake(store, stocktake_number(day), day, opened, "张敏", [])
    close_stocktake(store, found, [], "", opened + dt.timedelta(hours=2), items_counted=len(ITEMS))
