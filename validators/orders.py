"""订单台账: the order ledger's row schema and its checks (regulation 二.1 / 四.1).

The field names below are a contract: reports and imports map other files onto them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from neiqin.base.perf import gc_paused
from neiqin.core.checks import check_columns
from neiqin.core.config import Settings
from neiqin.core.issues import Code, Issue, sort_issues
from neiqin.core.ledger import Ledger, display, money
from neiqin.core.schema import LedgerInfo, LedgerRow, column, register_ledger

DATE = "yyyy-mm-dd"
MONEY = "¥#,##0.00"


@register_ledger
class OrderRow(LedgerRow):
    """订单台账 one line of the order ledger."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="orders",
        sheet="订单台账",
        sheet_synonyms=("订单", "销售订单", "订单明细", "销售订单台账", "订单登记表", "订单登记"),
        title="订单台账",
        key=("order_id",),
    )

    order_id: str = column(
        "订单编号",
        "订单号",
        "单号",
        "销售订单号",
        "订单编码",
        description="本公司的销售订单号，如 SO2611001；一张订单有几种产品就写几行，订单编号相同",
        required=True,
        width=14,
    )
    order_date: dt.date = column(
        "接单日期",
        "下单日期",
        "订单日期",
        "接单时间",
        description="收到客户订单的日期，如 2026-11-03",
        required=True,
        width=12,
        number_format=DATE,
    )
    channel: str | None = column(
        "接单方式",
        "下单方式",
        "来源",
        "订单来源",
        description="客户下单的方式：电话、邮件、传真、微信、面谈或其他（见『设置』）",
        choices="order_channels",
        width=10,
    )
    customer: str = column(
        "客户名称",
        "客户",
        "客户全称",
        "购货单位",
        description="客户全称，与『客户档案』一致",
        required=True,
        width=24,
    )
    customer_po: str | None = column(
        "客户订单号",
        "客户PO",
        "PO号",
        "客户PO号",
        "采购订单号",
        description="客户自己的采购单号（PO），便于对账",
        width=14,
    )
    product_code: str = column(
        "产品编码",
        "物料编码",
        "产品代码",
        "货号",
        "存货编码",
        description="产品目录中的产品编码",
        required=True,
        width=12,
    )
    product_name: str | None = column(
        "产品名称",
        "品名",
        "物料名称",
        "存货名称",
        description="产品名称",
        width=18,
    )
    spec: str | None = column(
        "规格型号",
        "规格",
        "型号",
        description="规格型号，与客户订单一致",
        width=14,
    )
    category: str | None = column(
        "产品类别",
        "类别",
        "产品分类",
        description="产品类别，决定下达给生产还是采购",
        width=10,
    )
    unit: str | None = column("单位", "计量单位", description="计量单位，如 台、件、套", width=6)
    quantity: Decimal = column(
        "数量",
        "订单数量",
        "订购数量",
        description="订购数量；退货填负数",
        required=True,
        width=8,
        number_format="#,##0.##",
    )
    unit_price: Decimal = column(
        "单价",
        "含税单价",
        "销售单价",
        description="含税销售单价（元）",
        required=True,
        ge=0,
        width=11,
        number_format=MONEY,
    )
    amount: Decimal | None = column(
        "金额",
        "订单金额",
        "销售额",
        "含税金额",
        description="金额 = 数量 × 单价（元）；可不填，由 NeiQin 计算",
        width=13,
        number_format=MONEY,
    )
    unit_cost: Decimal | None = column(
        "成本单价",
        "成本价",
        "单位成本",
        description="单位成本（元），用于毛利；不发给客户",
        ge=0,
        width=11,
        number_format=MONEY,
    )
    delivery_date: dt.date = column(
        "交货日期",
        "交期",
        "要求交货日期",
        "承诺交期",
        "交货期",
        description="与客户约定的交货日期",
        required=True,
        width=12,
        number_format=DATE,
    )
    sales_rep: str | None = column(
        "销售员", "业务员", "销售人员", "负责销售", description="负责该订单的销售员", width=8
    )
    region: str | None = column("区域", "销售区域", "大区", "地区", description="销售区域，如 华东、华北", width=8)
    status: str | None = column(
        "状态",
        "订单状态",
        description="订单行的状态：待确认、已确认、已下达、生产中、采购中、已发货、已完成、已取消、暂停",
        choices="order_statuses",
        width=8,
    )
    ship_date: dt.date | None = column(
        "发货日期",
        "实际发货日期",
        description="实际发货的日期",
        width=12,
        number_format=DATE,
    )
    entered_at: dt.datetime | None = column(
        "录入时间",
        "确认时间",
        description="『确认订单』按钮填写：订单核对无误、录入系统的时间（考核订单处理及时率）",
        width=16,
        number_format="yyyy-mm-dd hh:mm",
    )
    expected_date: dt.date | None = column(
        "预计完成日期",
        "预计交期",
        description="『更新进度』按钮从生产/采购任务单带回的预计完成日期",
        width=12,
        number_format=DATE,
    )
    problem: str | None = column(
        "执行问题",
        "异常",
        description="『更新进度』按钮从任务单带回的问题，如“缺料：定子缺货”",
        width=20,
    )
    note: str | None = column("备注", "说明", description="其他说明", width=20)


def _positions(mask: pd.Series | np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def check_quantity(ledger: Ledger, settings: Settings, today: dt.date) -> list[Issue]:
    """数量 must be positive; a negative quantity is a return (warning)."""
    if not ledger.has("quantity"):
        return []
    q = ledger.frame["quantity"]
    rows = ledger.rows
    issues = [ledger.issue(Code.ORD_QTY_ZERO, rows[p], "quantity") for p in _positions(q == 0)]
    issues += [
        ledger.issue(Code.ORD_QTY_NEGATIVE, rows[p], "quantity", value=display(q.iloc[p])) for p in _positions(q < 0)
    ]
    return issues


def check_amount(ledger: Ledger, settings: Settings, today: dt.date) -> list[Issue]:
    """金额 = 数量 × 单价 within the configured tolerance, when all three are given."""
    if not all(ledger.has(f) for f in ("quantity", "unit_price", "amount")):
        return []
    f = ledger.frame
    expected = (f["quantity"] * f["unit_price"]).round(2)
    diff = (f["amount"] - expected).abs()
    bad = diff > settings.amount_tolerance + 1e-9
    rows = ledger.rows
    return [
        ledger.issue(
            Code.ORD_AMOUNT_MISMATCH,
            rows[p],
            "amount",
            amount=money(f["amount"].iloc[p]),
            expected=money(expected.iloc[p]),
            diff=money(diff.iloc[p]),
        )
        for p in _positions(bad)
    ]


def check_dates(ledger: Ledger, settings: Settings, today: dt.date) -> list[Issue]:
    """交货日期 and 发货日期 not before 接单日期; 接单日期 not after today."""
    if not ledger.has("order_date"):
        return []
    f = ledger.frame
    order = f["order_date"].dt.normalize()
    rows = ledger.rows
    issues: list[Issue] = []
    for field_name, code, label in (
        ("delivery_date", Code.ORD_DELIVERY_BEFORE_ORDER, "delivery"),
        ("ship_date", Code.ORD_SHIP_BEFORE_ORDER, "ship"),
    ):
        if not ledger.has(field_name):
            continue
        other = f[field_name].dt.normalize()
        for p in _positions(other < order):
            issues.append(
                ledger.issue(
                    code,
                    rows[p],
                    field_name,
                    **{label: display(other.iloc[p].to_pydatetime()), "order": display(order.iloc[p].to_pydatetime())},
                )
            )
    future = order > pd.Timestamp(today)
    for p in _positions(future):
        issues.append(
            ledger.issue(
                Code.ORD_ORDER_DATE_FUTURE,
                rows[p],
                "order_date",
                value=display(order.iloc[p].to_pydatetime()),
                today=today.isoformat(),
            )
        )
    return issues


def check_duplicates(ledger: Ledger, settings: Settings, today: dt.date) -> list[Issue]:
    """Exact duplicate lines, and the same 订单编号 + 产品编码 twice (warnings)."""
    rows = ledger.rows
    issues: list[Issue] = []
    keyed_by = [f for f in ("order_id", "product_code") if ledger.has(f)]
    # identical lines share their 订单编号 (+ 产品编码): only lines repeating those are compared whole
    everything = range(len(ledger.data))
    candidates = _positions(ledger.frame.duplicated(keyed_by, keep=False)) if keyed_by else everything
    keys = {pos: tuple(ledger.data[pos]) for pos in candidates}
    repeated = {key for key, n in Counter(keys.values()).items() if n > 1}  # usually empty
    exact: set[int] = set()
    if repeated:
        first_seen: dict[tuple, int] = {}
        for pos, key in keys.items():
            if key not in repeated:
                continue
            if key in first_seen:
                exact.add(pos)
                issues.append(ledger.issue(Code.ORD_DUPLICATE_LINE, rows[pos], "order_id", other=first_seen[key]))
            else:
                first_seen[key] = rows[pos]
    if ledger.has("order_id") and ledger.has("product_code"):
        f = ledger.frame
        keyed = f[["order_id", "product_code"]].notna().all(axis=1)
        dup = f.duplicated(["order_id", "product_code"], keep="first") & keyed
        if dup.any():
            first_row: dict[tuple[Any, Any], int] = {}
            involved = f.duplicated(["order_id", "product_code"], keep=False) & keyed
            for p in _positions(involved):
                key = (f["order_id"].iloc[p], f["product_code"].iloc[p])
                first_row.setdefault(key, rows[p])
            for p in _positions(dup):
                if p in exact:
                    continue
                key = (f["order_id"].iloc[p], f["product_code"].iloc[p])
                issues.append(
                    ledger.issue(
                        Code.ORD_DUPLICATE_KEY,
                        rows[p],
                        "product_code",
                        order_id=key[0],
                        product=key[1],
                        other=first_row[key],
                    )
                )
    return issues


def check_cost(ledger: Ledger, settings: Settings, today: dt.date) -> list[Issue]:
    """单价 below 成本单价 on a sale (warning: needs a special-price approval)."""
    if not (ledger.has("unit_cost") and ledger.has("unit_price")):
        return []
    f = ledger.frame
    selling = (f["quantity"] > 0) if ledger.has("quantity") else True
    below = (f["unit_price"] < f["unit_cost"]) & (f["unit_price"] >= 0) & selling  # a negative price has its own issue
    rows = ledger.rows
    return [
        ledger.issue(
            Code.ORD_BELOW_COST,
            rows[p],
            "unit_price",
            price=money(f["unit_price"].iloc[p]),
            cost=money(f["unit_cost"].iloc[p]),
        )
        for p in _positions(below)
    ]


def check_duplicate_po(ledger: Ledger, settings: Settings, today: dt.date) -> list[Issue]:
    """The same 客户订单号 of the same customer on two different orders (warning, as ERPNext does)."""
    if not all(ledger.has(f) for f in ("customer", "customer_po", "order_id")):
        return []
    f = ledger.frame
    first: dict[tuple[Any, Any], tuple[Any, int]] = {}
    issues = []
    known = f[["customer", "customer_po", "order_id"]].notna().all(axis=1)
    if not known.any():
        return []
    # only POs used by more than one order need a look, in sheet order
    orders = f.loc[known].groupby(["customer", "customer_po"], sort=False)["order_id"].transform("nunique")
    shared = _positions(known & (orders.reindex(f.index, fill_value=1) > 1))
    for pos in shared:
        customer, po, order_id = f["customer"].iloc[pos], f["customer_po"].iloc[pos], f["order_id"].iloc[pos]
        seen = first.setdefault((customer, po), (order_id, ledger.rows[pos]))
        if seen[0] != order_id:
            issues.append(
                ledger.issue(
                    Code.ORD_DUPLICATE_PO, ledger.rows[pos], "customer_po", po=po, other_order=seen[0], other=seen[1]
                )
            )
    return issues


def check_forecast(ledger: Ledger, settings: Settings, today: dt.date) -> list[Issue]:
    """预计完成日期 (from the departments) later than the promised 交货日期, for open lines."""
    if not (ledger.has("expected_date") and ledger.has("delivery_date")):
        return []
    f = ledger.frame
    late = f["expected_date"].dt.normalize() > f["delivery_date"].dt.normalize()
    if ledger.has("status"):
        late &= ~f["status"].isin(CLOSED_STATUSES)
    issues = []
    for p in _positions(late):
        problem = f["problem"].iloc[p] if ledger.has("problem") else None
        issues.append(
            ledger.issue(
                Code.ORD_LATE_FORECAST,
                ledger.rows[p],
                "expected_date",
                expected=display(f["expected_date"].iloc[p].to_pydatetime()),
                delivery=display(f["delivery_date"].iloc[p].to_pydatetime()),
                problem=f"（{problem}）" if problem else "",
            )
        )
    return issues


RULES = (check_quantity, check_amount, check_dates, check_duplicates, check_cost, check_duplicate_po, check_forecast)

# --------------------------------------------------------------------------- status machine

STATUS_RANK = {"待确认": 0, "已确认": 1, "已下达": 2, "生产中": 3, "采购中": 3, "已发货": 4, "已完成": 5}
CLOSED_STATUSES = ("已发货", "已完成", "已取消")
STATUS_PATH = ["待确认", "已确认", "已下达", "生产中/采购中", "已发货", "已完成"]


def transition_problem(old: str, new: str, before_pause: str | None = None) -> str | None:
    """Why going from ``old`` to ``new`` breaks the status machine, or None when it is fine.

    待确认 → 已确认 → 已下达 → 生产中 / 采购中 → 已发货 → 已完成, one step at a time
    (生产中 / 采购中 may be skipped: a short job ships before anyone reports progress);
    any open line may be cancelled or paused; a paused line resumes where it stopped.
    """
    if new == old:
        return None
    if new == "已取消":
        return "已完成的订单行不能再取消" if old == "已完成" else None
    if new == "暂停":
        return f"『{old}』的订单行不能暂停" if old in ("已完成", "已取消") else None
    if old == "已取消":
        return "已取消的订单行不能恢复，请新开一行"
    if old == "暂停":
        old = before_pause or "待确认"
        if new == old:
            return None
    if old not in STATUS_RANK or new not in STATUS_RANK:
        return None  # an unknown status is reported by the closed-list check
    step = STATUS_RANK[new] - STATUS_RANK[old]
    if step < 0:
        return "状态倒退"
    if step <= 1 or (old == "已下达" and new == "已发货"):
        return None
    skipped = STATUS_PATH[STATUS_RANK[old] + 1 : STATUS_RANK[new]]
    return "跳过了" + "、".join(f"『{s}』" for s in skipped)


# --------------------------------------------------------------------------- against the archives


@dataclass
class Companions:
    """What an order ledger is checked against. None for a sheet = the workbook has none."""

    customers: Ledger | None = None
    products: Ledger | None = None
    statuses: dict[tuple[str, str], tuple[str, str | None]] | None = None


def _key(text: Any) -> str:
    return re.sub(r"[\s\-_/.·]", "", unicodedata.normalize("NFKC", str(text))).upper()


def _suggest(value: str, choices: list[str], cutoff: float = 80) -> str:
    from rapidfuzz import fuzz, process

    match = process.extractOne(str(value), choices, scorer=fuzz.WRatio, score_cutoff=cutoff)
    return f"（是否为『{match[0]}』？）" if match else ""


def check_customers(ledger: Ledger, customers: Ledger) -> list[Issue]:
    """Every 客户名称 is a customer of the archive; near misses get a suggestion."""
    if not (ledger.has("customer") and customers.has("name")):
        return []
    known = [n for n in customers.frame["name"].dropna().unique()]
    known_keys = {_key(n) for n in known}
    issues = []
    f = ledger.frame
    unknown = {v for v in set(f["customer"].dropna()) if _key(v) not in known_keys}
    if not unknown:
        return []
    hints = {v: _suggest(v, known) for v in unknown}
    for pos, value in enumerate(f["customer"]):
        if value in unknown:
            issues.append(
                ledger.issue(
                    Code.ORD_UNKNOWN_CUSTOMER, ledger.rows[pos], "customer", value=value, suggestion=hints[value]
                )
            )
    return issues


def check_products(ledger: Ledger, products: Ledger, settings: Settings) -> list[Issue]:
    """产品编码 in the catalogue, 规格型号 as catalogued, 单价 near the 标准单价."""
    if not (ledger.has("product_code") and products.has("product_code")):
        return []
    p = products.frame.dropna(subset=["product_code"]).drop_duplicates("product_code")
    catalogue = {_key(code): row for code, row in zip(p["product_code"], p.itertuples(index=False), strict=True)}
    codes = list(p["product_code"])
    f = ledger.frame
    issues = []
    hints: dict[str, str] = {}
    limit = settings.price_tolerance_pct
    n = len(ledger)
    check_spec = ledger.has("spec") and products.has("spec")
    check_price = ledger.has("unit_price") and products.has("list_price")
    specs = f["spec"].tolist() if check_spec else [None] * n
    prices = f["unit_price"].tolist() if check_price else [None] * n
    for row, code, spec, price in zip(ledger.rows, f["product_code"], specs, prices, strict=True):
        if code is None:
            continue
        item = catalogue.get(_key(code))
        if item is None:
            if code not in hints:
                hints[code] = _suggest(code, codes)
            issues.append(
                ledger.issue(Code.ORD_UNKNOWN_PRODUCT, row, "product_code", value=code, suggestion=hints[code])
            )
            continue
        if check_spec:
            expected = getattr(item, "spec", None)
            if spec is not None and expected is not None and _key(spec) != _key(expected):
                issues.append(
                    ledger.issue(Code.ORD_SPEC_MISMATCH, row, "spec", value=spec, product=code, expected=expected)
                )
        if check_price:
            list_price = getattr(item, "list_price", None)
            if price == price and list_price == list_price and list_price and list_price > 0:
                pct = (price - list_price) / list_price * 100
                if abs(pct) > limit + 1e-9:
                    issues.append(
                        ledger.issue(
                            Code.ORD_PRICE_DEVIATION,
                            row,
                            "unit_price",
                            price=money(price),
                            list_price=money(list_price),
                            direction="高" if pct > 0 else "低",
                            pct=f"{abs(pct):.1f}",
                            limit=f"{limit:g}",
                        )
                    )
    return issues


def line_keys(order_ids: Iterable[Any], codes: Iterable[Any]) -> list[tuple[str, str]]:
    """Each order line's identity: (订单编号, 产品编码); the n-th line of the same pair is (订单编号, 产品编码#n).

    One order may hold the same product twice (a split delivery, 10 台 in December and 5 in
    January): keyed by the pair alone the two lines would share one production task and one
    remembered status. The first line keeps the plain pair, so keys recorded before stay valid.
    """
    seen: Counter[tuple[str, str]] = Counter()
    keys = []
    for order_id, code in zip(order_ids, codes, strict=True):
        key = (str(order_id), str(code))
        seen[key] += 1
        keys.append(key if seen[key] == 1 else (key[0], f"{key[1]}#{seen[key]}"))
    return keys


def check_transitions(ledger: Ledger, statuses: dict[tuple[str, str], tuple[str, str | None]]) -> list[Issue]:
    """Status changes since NeiQin last recorded the line must follow the status machine."""
    if not (statuses and ledger.has("status") and ledger.has("order_id") and ledger.has("product_code")):
        return []
    f = ledger.frame
    issues = []
    keys = line_keys(f["order_id"], f["product_code"])
    for pos, (order_id, key, new) in enumerate(zip(f["order_id"], keys, f["status"], strict=True)):
        known = statuses.get(key) if order_id is not None else None
        if known is None or new is None:
            continue
        why = transition_problem(known[0], new, known[1])
        if why:
            issues.append(
                ledger.issue(Code.ORD_STATUS_TRANSITION, ledger.rows[pos], "status", old=known[0], new=new, why=why)
            )
    return issues


def check(
    ledger: Ledger,
    settings: Settings | None = None,
    today: dt.date | None = None,
    companions: Companions | None = None,
) -> list[Issue]:
    """Every issue of an order ledger, in one pass, sorted as the clerk reads.

    With ``companions`` the lines are also checked against the customer archive, the
    product catalogue and the statuses NeiQin recorded; a missing archive sheet is
    itself reported (once, on the header of the column it would check).
    """
    settings = settings or Settings()
    today = today or dt.date.today()
    issues = list(ledger.issues)
    with gc_paused():
        issues += check_columns(ledger, settings)
        for rule in RULES:
            issues += rule(ledger, settings, today)
        if companions is not None:
            if companions.customers is not None:
                issues += check_customers(ledger, companions.customers)
            elif ledger.has("customer"):
                issues.append(
                    ledger.issue(
                        Code.ORD_NO_COMPANION, ledger.header_row, "customer", what="客户档案", target="客户名称"
                    )
                )
            if companions.products is not None:
                issues += check_products(ledger, companions.products, settings)
            elif ledger.has("product_code"):
                issues.append(
                    ledger.issue(
                        Code.ORD_NO_COMPANION,
                        ledger.header_row,
                        "product_code",
                        what="产品目录",
                        target="产品编码、规格和单价",
                    )
                )
            issues += check_transitions(ledger, companions.statuses or {})
    return sort_issues(issues)
