"""``neiqin demo``: a believable sales company's workbook, and every action run on it.

华东精工机电销售有限公司 (fictional) sells motors, gear reducers, drives, sensors
and spare parts to some thirty industrial customers in six regions. Twelve months
of orders follow the trade's seasons (quiet around the Spring Festival, busy in
spring and autumn). A clerk's realistic mistakes are planted so that validation
has something to find. Same ``--seed`` and ``--date``, same data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

if TYPE_CHECKING:
    from neiqin.core.store import Store

COMPANY = "华东精工机电销售有限公司"
DEFAULT_END = dt.date(2026, 11, 26)
FILE_NAME = "neiqin-demo.xlsx"

REGIONS = {
    "华东": ["上海", "苏州", "杭州", "宁波", "南京", "无锡"],
    "华北": ["北京", "天津", "石家庄", "济南"],
    "华南": ["广州", "深圳", "佛山", "东莞"],
    "华中": ["武汉", "长沙", "郑州"],
    "西南": ["成都", "重庆", "昆明"],
    "东北": ["沈阳", "大连", "长春"],
}
REPS = {
    "华东": ["王磊", "陈静"],
    "华北": ["刘洋"],
    "华南": ["黄志强", "林晓"],
    "华中": ["周敏"],
    "西南": ["杨帆"],
    "东北": ["赵刚"],
}
TRADES = ["机械制造", "自动化设备", "包装机械", "纺织机械", "环保设备", "物流设备", "食品机械", "注塑机械"]
SUFFIX = ["有限公司", "股份有限公司", "机械有限公司", "自动化科技有限公司", "设备制造有限公司"]
NAME_PARTS = [
    "恒通",
    "远航",
    "宏达",
    "金泰",
    "瑞丰",
    "华茂",
    "鼎盛",
    "新锐",
    "联创",
    "永信",
    "德力",
    "博远",
    "东升",
    "中科",
    "天成",
    "众合",
    "嘉禾",
    "精诚",
]

# code, name, spec, category, unit, price, cost, supply, lead days
PRODUCTS = [
    ("MT-0750", "三相异步电机", "YE3-80M2-4 0.75kW", "电机", "台", 980.0, 705.0, "生产", 10),
    ("MT-2200", "三相异步电机", "YE3-100L1-4 2.2kW", "电机", "台", 1850.0, 1330.0, "生产", 10),
    ("MT-5500", "三相异步电机", "YE3-132S-4 5.5kW", "电机", "台", 3600.0, 2620.0, "生产", 14),
    ("MT-1100", "变频电机", "YVF2-90L-4 1.1kW", "电机", "台", 1560.0, 1120.0, "生产", 14),
    ("GR-0407", "蜗轮蜗杆减速机", "RV040 速比1:7.5", "减速机", "台", 420.0, 276.0, "生产", 7),
    ("GR-0630", "蜗轮蜗杆减速机", "RV063 速比1:30", "减速机", "台", 760.0, 505.0, "生产", 7),
    ("GR-1100", "斜齿轮减速机", "R77 速比1:25", "减速机", "台", 4200.0, 2980.0, "生产", 20),
    ("GR-2000", "行星减速机", "PLF120 速比1:10", "减速机", "台", 2650.0, 1850.0, "生产", 15),
    ("VF-0750", "通用变频器", "FR-E820-0.75K", "变频器", "台", 1280.0, 1010.0, "采购", 5),
    ("VF-2200", "通用变频器", "FR-E820-2.2K", "变频器", "台", 1980.0, 1570.0, "采购", 5),
    ("VF-7500", "矢量变频器", "FR-A820-7.5K", "变频器", "台", 6800.0, 5450.0, "采购", 10),
    ("SV-0400", "伺服驱动器套装", "MR-JE-40A 400W", "伺服", "套", 3350.0, 2700.0, "采购", 12),
    ("SV-1000", "伺服驱动器套装", "MR-JE-100A 1kW", "伺服", "套", 5200.0, 4180.0, "采购", 12),
    ("SN-PX18", "接近开关", "M18 PNP 常开", "传感器", "只", 65.0, 38.0, "采购", 3),
    ("SN-PE30", "光电开关", "漫反射 30cm", "传感器", "只", 88.0, 52.0, "采购", 3),
    ("SN-EN600", "旋转编码器", "600线 增量型", "传感器", "只", 320.0, 210.0, "采购", 5),
    ("SN-PR10", "压力变送器", "0-1.0MPa 4-20mA", "传感器", "只", 460.0, 318.0, "采购", 7),
    ("PT-BR6205", "深沟球轴承", "6205-2RS", "配件", "套", 18.5, 9.8, "采购", 2),
    ("PT-CP40", "梅花联轴器", "D40 L65", "配件", "只", 55.0, 31.0, "生产", 5),
    ("PT-SP50", "同步带轮", "HTD5M-40T", "配件", "只", 72.0, 41.0, "生产", 5),
    ("PT-OS80", "骨架油封", "TC 40x62x8", "配件", "只", 6.5, 3.1, "采购", 2),
    ("CB-PW25", "动力电缆", "RVV 4x2.5mm² 100m", "线缆", "卷", 860.0, 690.0, "采购", 3),
    ("CB-EN10", "编码器电缆", "屏蔽 10m", "线缆", "根", 145.0, 96.0, "采购", 3),
    ("CT-PLC20", "小型PLC", "FX5U-32MT/ES", "控制器", "台", 3980.0, 3260.0, "采购", 7),
    ("CT-HMI07", "触摸屏", "GS2107-WTBD 7寸", "控制器", "台", 1680.0, 1320.0, None, 10),  # new: supply not decided
]
SOLD = [p for p in PRODUCTS if p[7]]  # what is sold and routed; the new product gets one planted line
CHANNELS = [("电话", 30), ("邮件", 25), ("微信", 30), ("传真", 5), ("面谈", 8), ("其他", 2)]
# relative order volume by calendar month (Spring Festival dip, spring and autumn peaks)
SEASON = {1: 0.8, 2: 0.55, 3: 1.15, 4: 1.2, 5: 1.15, 6: 1.05, 7: 0.9, 8: 0.9, 9: 1.15, 10: 1.0, 11: 1.2, 12: 1.1}


@dataclass
class Customer:
    code: str
    name: str
    region: str
    city: str
    contact: str
    mobile: str
    rep: str
    trade: str
    size: float  # relative order size


def _customers(rng: random.Random) -> list[Customer]:
    surnames = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
    given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"]
    names: set[str] = set()
    customers = []
    n = 0
    while len(customers) < 30:
        region = rng.choices(list(REGIONS), weights=[34, 18, 18, 12, 10, 8])[0]
        city = rng.choice(REGIONS[region])
        name = f"{city}{rng.choice(NAME_PARTS)}{rng.choice(SUFFIX)}"
        if name in names:
            continue
        names.add(name)
        n += 1
        customers.append(
            Customer(
                code=f"C{n:04d}",
                name=name,
                region=region,
                city=city,
                contact=rng.choice(surnames) + rng.choice(given) + rng.choice(["", rng.choice(given)]),
                mobile=f"1{rng.choice([35, 36, 37, 38, 39, 58, 86, 88])}{rng.randint(0, 99999999):08d}",
                rep=rng.choice(REPS[region]),
                trade=rng.choice(TRADES),
                size=rng.lognormvariate(0, 0.8),
            )
        )
    return customers


def _status(
    order_date: dt.date, delivery: dt.date, end: dt.date, supply: str, rng: random.Random
) -> tuple[str, dt.date | None]:
    """A plausible status (and ship date) for a line, by its age on the demo's last day."""
    age = (end - order_date).days
    if rng.random() < 0.02:
        return "已取消", None
    if delivery + dt.timedelta(days=10) < end or age > 45:
        late = rng.random() < 0.12
        ship = (
            delivery + dt.timedelta(days=rng.randint(1, 6)) if late else delivery - dt.timedelta(days=rng.randint(0, 4))
        )
        ship = max(ship, order_date + dt.timedelta(days=1))
        if ship > end:
            return "已发货", end
        return ("已完成", ship) if age > 20 else ("已发货", ship)
    if rng.random() < 0.015:
        return "暂停", None  # the customer asked to hold the line
    if age <= 1:
        return "待确认", None
    if age <= 3:
        return rng.choice(["已确认", "已下达"]), None
    if delivery <= end and rng.random() < 0.92:
        return "已发货", max(order_date + dt.timedelta(days=1), delivery - dt.timedelta(days=rng.randint(0, 3)))
    return ("生产中" if supply == "生产" else "采购中"), None


def generate(seed: int = 2026, end: dt.date = DEFAULT_END, mistakes: bool = True) -> dict[str, Any]:
    """The demo company's data: customers, products and 12 months of order lines."""
    rng = random.Random(seed)
    customers = _customers(rng)
    start = (end.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    lines: list[dict[str, Any]] = []
    day = start
    seq: dict[str, int] = {}
    po_seq: dict[str, int] = {}
    while day <= end:
        if day.weekday() < 6:  # Saturday half staffed, Sunday off
            trend = 1 + 0.12 * (day - start).days / 365
            expected = 4.2 * SEASON[day.month] * trend * (0.5 if day.weekday() == 5 else 1)
            for _ in range(_poisson(rng, expected)):
                customer = rng.choices(customers, weights=[c.size for c in customers])[0]
                key = day.strftime("%y%m")
                seq[key] = seq.get(key, 0) + 1
                order_id = f"SO{key}{seq[key]:03d}"
                po_seq[customer.code] = po_seq.get(customer.code, 0) + 1
                po = f"PO-{customer.code[1:]}-{day:%y%m}{po_seq[customer.code]:03d}" if rng.random() < 0.7 else None
                channel = rng.choices([c for c, _ in CHANNELS], weights=[w for _, w in CHANNELS])[0]
                delivery = day + dt.timedelta(days=rng.choice([7, 10, 14, 15, 20, 21, 30]))
                for product in rng.sample(SOLD, k=min(len(SOLD), 1 + _poisson(rng, 0.9))):
                    code, pname, spec, category, unit, price, cost, supply, _lead = product
                    qty = max(1, round(rng.lognormvariate(1.2, 0.9) * customer.size * (20 if price < 100 else 1)))
                    unit_price = round(price * rng.choice([1, 1, 1, 0.98, 0.95, 0.97, 1.02]), 2)
                    status, ship = _status(day, delivery, end, supply, rng)
                    lines.append(
                        {
                            "order_id": order_id,
                            "order_date": dt.datetime.combine(day, dt.time()),
                            "channel": channel,
                            "customer": customer.name,
                            "customer_po": po,
                            "product_code": code,
                            "product_name": pname,
                            "spec": spec,
                            "category": category,
                            "unit": unit,
                            "quantity": qty,
                            "unit_price": unit_price,
                            "amount": round(qty * unit_price, 2),
                            "unit_cost": cost,
                            "delivery_date": dt.datetime.combine(delivery, dt.time()),
                            "sales_rep": customer.rep,
                            "region": customer.region,
                            "status": status,
                            "ship_date": dt.datetime.combine(ship, dt.time()) if ship else None,
                            "note": None,
                        }
                    )
        day += dt.timedelta(days=1)
    planted = _plant_mistakes(lines, rng, end) if mistakes else []
    return {
        "company": COMPANY,
        "seed": seed,
        "customers": customers,
        "products": PRODUCTS,
        "reps": REPS,
        "regions": REGIONS,
        "lines": lines,
        "mistakes": planted,
        "start": start,
        "end": end,
    }


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: fine for the small rates used here
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _plant_mistakes(lines: list[dict[str, Any]], rng: random.Random, end: dt.date) -> list[str]:
    """A clerk's typical slips, each in a different recent line; returns what was planted."""
    recent = [i for i, line in enumerate(lines) if (end - line["order_date"].date()).days < 90]
    picks = rng.sample(recent, 14)
    planted = []

    def at(n: int) -> dict[str, Any]:
        return lines[picks[n]]

    line = at(0)
    line["amount"] = round(line["amount"] + 90, 2)  # 金额 typed wrong
    planted.append("金额与数量×单价不符")
    line = at(1)
    line["delivery_date"] = line["delivery_date"].replace(year=line["delivery_date"].year - 1)
    planted.append("交货日期年份写成去年")
    line = at(2)
    line["customer"] = None
    line["status"], line["ship_date"] = "待确认", None  # a new order the clerk cannot confirm yet
    planted.append("漏填客户名称（这行留在『待确认』）")
    line = at(3)
    line["delivery_date"] = f"{line['order_date'].year}/11/31"  # typed as text, a day that does not exist
    planted.append("不存在的日期 11 月 31 日")
    line = at(4)
    line["quantity"] = str(line["quantity"]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    planted.append("全角数字（NeiQin 能读懂，不算错）")
    line = at(5)
    line["unit_price"] = f"¥{line['unit_price']:,.2f}"
    planted.append("带 ¥ 和千分位的文字单价（能读懂，不算错）")
    line = at(6)
    line["channel"] = "QQ"
    planted.append("接单方式不在可选范围")
    line = at(7)
    line["status"] = "完成"
    planted.append("状态写成『完成』")
    line = at(8)
    line["unit_price"] = round(line["unit_cost"] * 0.9, 2)
    line["amount"] = round(line["quantity"] * line["unit_price"], 2)
    line["note"] = "老客户特价"
    planted.append("单价低于成本（警告）")
    line = at(9)
    line["note"] = '=HYPERLINK("http://pay.example.com","付款链接")'
    planted.append("备注里像公式的文字")
    line = at(10)
    line["unit_cost"] = "#N/A"
    planted.append("成本单价是 #N/A（查找公式失败后粘贴成值）")
    line = at(12)
    line["customer"] = line["customer"].replace("有限公司", "公司").replace("股份公司", "股份有限公司")
    planted.append("客户名称少写了“有限”（与客户档案不一致）")
    line = at(13)
    line["spec"] = (line["spec"] or "") + "-改"
    planted.append("规格型号与产品目录不一致")
    dup = dict(at(11))
    lines.insert(picks[11] + 1, dup)
    planted.append("整行重复录入（警告）")
    original = lines[rng.choice(recent[:-20])]
    returned = min(original["order_date"] + dt.timedelta(days=12), dt.datetime.combine(end, dt.time()))
    ret = dict(original)
    ret.update(
        order_id="TH" + original["order_id"][2:],
        customer_po=None,
        order_date=returned,
        delivery_date=returned,
        channel="电话",
        ship_date=None,
        quantity=-2,
        amount=round(-2 * ret["unit_price"], 2) if isinstance(ret["unit_price"], float) else None,
        status="已完成",
        note=f"退货：包装破损（原订单 {original['order_id']}）",
    )
    lines.append(ret)
    planted.append("退货行（数量为负，警告）")
    first = lines[picks[0]]
    hmi = dict(first)
    hmi.update(
        order_id=first["order_id"][:-3] + "999",
        product_code="CT-HMI07",
        product_name="触摸屏",
        spec="GS2107-WTBD 7寸",
        category="控制器",
        unit="台",
        quantity=2,
        unit_price=1680.0,
        amount=3360.0,
        unit_cost=1320.0,
        status="已确认",
        ship_date=None,
        note=None,
        order_date=dt.datetime.combine(end - dt.timedelta(days=2), dt.time()),
        delivery_date=dt.datetime.combine(end + dt.timedelta(days=20), dt.time()),
    )
    lines.append(hmi)
    planted.append("新产品还没定供应方式（『下达订单』会提示，保持『已确认』）")
    return planted


def _workflow(data: dict[str, Any], rng: random.Random) -> None:
    """Give the order lines their history: entry times, tasks in the departments, progress,
    problems, a change request or two — so every order action has real work to do."""
    end: dt.date = data["end"]
    supply = {p[0]: p[7] for p in PRODUCTS}
    production, purchase = [], []
    for line in data["lines"]:
        status = line["status"]
        order_date = line["order_date"]
        if status not in ("待确认", None):
            line["entered_at"] = order_date + dt.timedelta(hours=rng.choice([9, 10, 11, 14, 15, 16, 26, 33]))
        if status not in ("已下达", "生产中", "采购中"):
            continue
        delivery = line["delivery_date"] if isinstance(line["delivery_date"], dt.datetime) else None
        started = status in ("生产中", "采购中") or rng.random() < 0.35  # some began but the clerk has not updated
        expected = delivery - dt.timedelta(days=rng.randint(0, 3)) if delivery and started else None
        task = {
            "order_id": line["order_id"],
            "product_code": line["product_code"],
            "product_name": line["product_name"],
            "spec": line["spec"],
            "quantity": line["quantity"],
            "delivery_date": line["delivery_date"],
            "issued_on": order_date + dt.timedelta(days=rng.randint(1, 2)),
            "progress": "进行中" if started else "未开始",
            "expected_date": expected,
        }
        if status in ("生产中", "采购中"):
            line["expected_date"] = expected
        (production if supply.get(line["product_code"]) == "生产" else purchase).append(task)
    # a late production line and a material shortage: what 逾期预警 and 进度通知 are for
    for tasks, kind, note in (
        (production, "延期", "设备检修，排产顺延一周"),
        (purchase, "缺料", "供应商缺货，等待到货"),
    ):
        for task in tasks:
            if task["progress"] == "进行中" and isinstance(task["delivery_date"], dt.datetime):
                task["expected_date"] = task["delivery_date"] + dt.timedelta(days=7)
                task["problem_type"], task["problem_note"] = kind, note
                break
    data["tasks"] = {"production_tasks": production, "purchase_tasks": purchase}
    lines = data["lines"]
    open_lines = [x for x in lines if x["status"] in ("已确认", "已下达", "生产中") and isinstance(x["quantity"], int)]
    shipped = [x for x in lines if x["status"] == "已发货" and isinstance(x["unit_price"], float)]
    changes = []
    stamp = end.strftime("%y%m")
    if open_lines:
        x = open_lines[0]
        changes.append(
            {
                "change_id": f"BG{stamp}01",
                "order_id": x["order_id"],
                "product_code": x["product_code"],
                "field": "数量",
                "new_value": str(x["quantity"] + 5),
                "reason": "客户追加 5 台",
                "requested_by": "客户",
                "reviewer": "周经理",
                "review": "同意",
            }
        )
    if len(open_lines) > 1:
        x = open_lines[-1]
        new = x["delivery_date"] + dt.timedelta(days=10) if isinstance(x["delivery_date"], dt.datetime) else None
        if new:
            changes.append(
                {
                    "change_id": f"BG{stamp}02",
                    "order_id": x["order_id"],
                    "product_code": None,
                    "field": "交货日期",
                    "new_value": new.strftime("%Y-%m-%d"),
                    "reason": "客户工地延期，整单推迟交货",
                    "requested_by": "客户",
                    "reviewer": "周经理",
                    "review": "同意",
                }
            )
    if shipped:
        x = shipped[0]
        changes.append(
            {
                "change_id": f"BG{stamp}03",
                "order_id": x["order_id"],
                "product_code": x["product_code"],
                "field": "单价",
                "new_value": f"{x['unit_price'] * 0.95:.2f}",
                "reason": "客户要求补让 5%",
                "requested_by": "销售",
                "reviewer": "周经理",
                "review": "同意",
            }
        )
    if len(open_lines) > 2:
        x = open_lines[1]
        changes.append(
            {
                "change_id": f"BG{stamp}04",
                "order_id": x["order_id"],
                "product_code": x["product_code"],
                "field": "规格型号",
                "new_value": (x["spec"] or "") + "（防爆型）",
                "reason": "客户现场需要防爆",
                "requested_by": "客户",
                "review": "待审核",
            }
        )
    data["changes"] = changes


def ledger_demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo lines a ledger package adds itself: ``demo_rows(data) -> {ledger: rows}`` in its package.

    ``data`` is the demo company (``generate``'s result after the workflow): its customers,
    products, order lines, sales reps and regions, the last day (``end``) and the seed, so that a
    ledger's demo lines belong to the same company. Found by the package scan, never listed here.
    """
    import validators

    found: dict[str, list[dict[str, Any]]] = {}
    for package in validators.PACKAGES:
        make = getattr(package, "demo_rows", None)
        if make is not None:
            found.update(make(data))
    return found


def ledger_demo_history(store: Store, data: dict[str, Any]) -> None:
    """What a ledger package puts in the demo's store before the actions run:
    ``demo_history(store, data)`` in its package (the clerks' earlier work in the action log …)."""
    import validators

    for package in validators.PACKAGES:
        make = getattr(package, "demo_history", None)
        if make is not None:
            make(store, data)


def write_workbook(data: dict[str, Any], path: Path) -> Path:
    """The demo workbook: NeiQin.xlsm's layout (tables, dropdowns, notes) with the company's data."""
    from neiqin.app import demo_expenses
    from neiqin.app.build import write_ledger_sheets
    from neiqin.app.plugins import load_macros

    macros = load_macros()
    end: dt.date = data["end"]
    products = [
        {
            "product_code": p[0],
            "product_name": p[1],
            "spec": p[2],
            "category": p[3],
            "unit": p[4],
            "list_price": p[5],
            "cost": p[6],
            "supply": p[7],
            "lead_days": p[8],
        }
        for p in data["products"]
    ]
    rows = {
        "orders": data["lines"],
        "products": products,
        "changes": data.get("changes", []),
        **data.get("tasks", {}),
        "expenses": demo_expenses.expense_forms(end),
        "claims": demo_expenses.claims(end),
    }
    rows.update(ledger_demo_rows(data))
    titles = {
        name: f"{COMPANY} {title}"
        for name, title in (("orders", "订单台账"), ("customers", "客户档案"), ("products", "产品目录"))
    }
    wb = Workbook()
    write_ledger_sheets(
        wb,
        macros.actions(),
        data=rows,
        titles=titles,
        subtitles={"orders": f"内勤：李娜　更新至 {end:%Y-%m-%d}"},
    )
    ws = wb["订单台账"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "#N/A":
                cell.data_type = "e"  # an Excel error value, as pasted from a failed VLOOKUP
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that only looks like a formula
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _earlier_claims(store: Store, end: dt.date) -> None:
    """The store remembers the invoices of a claim paid in October (a duplicate to find)."""
    from neiqin.app import demo_expenses

    when = dt.datetime.combine(end - dt.timedelta(days=35), dt.time(10))
    store.reserve_invoices(demo_expenses.EARLIER_ID, demo_expenses.earlier_invoices(end), when=when, user="李娜")
    store.set_claim_stage(demo_expenses.EARLIER_ID, "已支付", when + dt.timedelta(days=7))


def run_demo(out: Path, seed: int = 2026, end: dt.date | None = None) -> int:
    """Write the demo workbook into ``out``, run every registered action, print a summary."""
    from neiqin.app.plugins import load_macros
    from neiqin.core.config import load_settings
    from neiqin.core.store import pinned_store
    from neiqin.engine import headless_caller

    end = end or DEFAULT_END
    out = Path(out)
    data = generate(seed, end)
    _workflow(data, random.Random(seed + 1))
    path = write_workbook(data, out / FILE_NAME)
    db = out / "neiqin-demo.db"  # the demo keeps its history beside it, apart from real work
    for leftover in out.glob("neiqin-demo.db*"):
        leftover.unlink()
    macros = load_macros()
    print(
        f"NeiQin 演示：已生成 {path}\n"
        f"  {COMPANY}：客户 {len(data['customers'])} 家，产品 {len(data['products'])} 种，"
        f"订单 {len(data['lines']):,} 行（{data['start']:%Y-%m-%d} 至 {end:%Y-%m-%d}）"
    )
    print("  台账里故意留了这些内勤常见差错：" + "；".join(data["mistakes"]))
    worst = 0
    # its own store whatever $NEIQIN_DB or the 数据库 setting say: fake orders, invoices and seals
    # never reach the company's store, and a second demo does not meet the first one's claims
    with pinned_store(str(db)) as store, headless_caller(path) as book:
        settings, _ = load_settings(book)
        settings.db = str(db)
        _earlier_claims(store, end)
        ledger_demo_history(store, data)
        # every button once, in ribbon order; then 校验订单 again so the marks show the final state
        sequence = [act.id for act in macros.actions()] + ["validate_orders"]
        for action_id in sequence:
            summary = macros.run(
                action_id,
                book,
                today=end,
                settings=settings,
                now=dt.datetime.combine(end, dt.time(17, 30)),
                user="李娜",  # the demo's clerk (she signs the pre-review and the sealed copy)
            )
            print("· " + summary.text().replace("\n", "\n  "))
            worst = max(worst, {"ok": 0, "issues": 0, "failed": 2, "error": 3}[summary.outcome])
        book.save()
    print(f"用 Excel 或 LibreOffice 打开 {path} 查看标记；再次校验：neiqin validate {path}")
    return worst
