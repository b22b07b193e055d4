"""订单台账: the rules an order ledger is checked by (regulation 二.1 / 四.1).

Each rule is a function ``(ledger, ctx) -> issues``, vectorised over whole columns; the
declaration in ``validators/orders/__init__.py`` lists them in order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from neiqin.base.text import code_key, fold
from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger, display
from neiqin.core.money import money

from .codes import OrderCode
from .states import CLOSED, MACHINE, OrderStatus, path_text, transition_problem


def _positions(mask: pd.Series | np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def check_quantity(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """数量 must be positive; a negative quantity is a return (warning)."""
    if not ledger.has("quantity"):
        return []
    q = ledger.frame["quantity"]
    rows = ledger.rows
    issues = [ledger.issue(OrderCode.ORD_QTY_ZERO, rows[p], "quantity") for p in _positions(q == 0)]
    issues += [
        ledger.issue(OrderCode.ORD_QTY_NEGATIVE, rows[p], "quantity", value=display(q.iloc[p]))
        for p in _positions(q < 0)
    ]
    return issues


def check_amount(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """金额 = 数量 × 单价 within the configured tolerance, when all three are given."""
    if not all(ledger.has(f) for f in ("quantity", "unit_price", "amount")):
        return []
    f = ledger.frame
    expected = (f["quantity"] * f["unit_price"]).round(2)
    diff = (f["amount"] - expected).abs()
    bad = diff > ctx.settings.amount_tolerance + 1e-9
    rows = ledger.rows
    return [
        ledger.issue(
            OrderCode.ORD_AMOUNT_MISMATCH,
            rows[p],
            "amount",
            amount=money(f["amount"].iloc[p]),
            expected=money(expected.iloc[p]),
            diff=money(diff.iloc[p]),
        )
        for p in _positions(bad)
    ]


def check_dates(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """交货日期 and 发货日期 not before 接单日期; 接单日期 not after today."""
    if not ledger.has("order_date"):
        return []
    f = ledger.frame
    order = f["order_date"].dt.normalize()
    rows = ledger.rows
    issues: list[Issue] = []
    for field_name, code, label in (
        ("delivery_date", OrderCode.ORD_DELIVERY_BEFORE_ORDER, "delivery"),
        ("ship_date", OrderCode.ORD_SHIP_BEFORE_ORDER, "ship"),
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
    future = order > pd.Timestamp(ctx.today)
    for p in _positions(future):
        issues.append(
            ledger.issue(
                OrderCode.ORD_ORDER_DATE_FUTURE,
                rows[p],
                "order_date",
                value=display(order.iloc[p].to_pydatetime()),
                today=ctx.today.isoformat(),
            )
        )
    return issues


def check_duplicates(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
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
                issues.append(ledger.issue(OrderCode.ORD_DUPLICATE_LINE, rows[pos], "order_id", other=first_seen[key]))
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
                        OrderCode.ORD_DUPLICATE_KEY,
                        rows[p],
                        "product_code",
                        order_id=key[0],
                        product=key[1],
                        other=first_row[key],
                    )
                )
    return issues


def check_cost(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """单价 below 成本单价 on a sale (warning: needs a special-price approval)."""
    if not (ledger.has("unit_cost") and ledger.has("unit_price")):
        return []
    f = ledger.frame
    selling = (f["quantity"] > 0) if ledger.has("quantity") else True
    below = (f["unit_price"] < f["unit_cost"]) & (f["unit_price"] >= 0) & selling  # a negative price has its own issue
    rows = ledger.rows
    return [
        ledger.issue(
            OrderCode.ORD_BELOW_COST,
            rows[p],
            "unit_price",
            price=money(f["unit_price"].iloc[p]),
            cost=money(f["unit_cost"].iloc[p]),
        )
        for p in _positions(below)
    ]


def check_duplicate_po(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
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
                    OrderCode.ORD_DUPLICATE_PO,
                    ledger.rows[pos],
                    "customer_po",
                    po=po,
                    other_order=seen[0],
                    other=seen[1],
                )
            )
    return issues


def check_forecast(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """预计完成日期 (from the departments) later than the promised 交货日期, for open lines."""
    if not (ledger.has("expected_date") and ledger.has("delivery_date")):
        return []
    f = ledger.frame
    late = f["expected_date"].dt.normalize() > f["delivery_date"].dt.normalize()
    if ledger.has("status"):
        late &= ~f["status"].isin(MACHINE.labels_of(CLOSED, ctx.settings))
    issues = []
    for p in _positions(late):
        problem = f["problem"].iloc[p] if ledger.has("problem") else None
        issues.append(
            ledger.issue(
                OrderCode.ORD_LATE_FORECAST,
                ledger.rows[p],
                "expected_date",
                expected=display(f["expected_date"].iloc[p].to_pydatetime()),
                delivery=display(f["delivery_date"].iloc[p].to_pydatetime()),
                problem=f"（{problem}）" if problem else "",
            )
        )
    return issues


def _suggest(value: str, choices: list[str], cutoff: float = 80) -> str:
    from rapidfuzz import fuzz, process

    match = process.extractOne(str(value), choices, scorer=fuzz.WRatio, score_cutoff=cutoff)
    return f"（是否为『{match[0]}』？）" if match else ""


def check_customers(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Every 客户名称 is a customer of 『客户档案』; near misses get a suggestion (names compared folded)."""
    if "customers" not in ctx.companions:
        return []  # not read (a check of the lines alone)
    customers: Ledger | None = ctx.companion("customers")
    if customers is None:
        if not ledger.has("customer"):
            return []
        return [
            ledger.issue(OrderCode.ORD_NO_COMPANION, ledger.header_row, "customer", what="客户档案", target="客户名称")
        ]
    if not (ledger.has("customer") and customers.has("name")):
        return []
    known = [n for n in customers.frame["name"].dropna().unique()]
    known_keys = {fold(n) for n in known}
    issues = []
    f = ledger.frame
    unknown = {v for v in set(f["customer"].dropna()) if fold(v) not in known_keys}
    if not unknown:
        return []
    hints = {v: _suggest(v, known) for v in unknown}
    for pos, value in enumerate(f["customer"]):
        if value in unknown:
            issues.append(
                ledger.issue(
                    OrderCode.ORD_UNKNOWN_CUSTOMER, ledger.rows[pos], "customer", value=value, suggestion=hints[value]
                )
            )
    return issues


def check_products(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """产品编码 in 『产品目录』, 规格型号 as catalogued, 单价 near the 标准单价."""
    if "products" not in ctx.companions:
        return []  # not read (a check of the lines alone)
    products: Ledger | None = ctx.companion("products")
    if products is None:
        if not ledger.has("product_code"):
            return []
        return [
            ledger.issue(
                OrderCode.ORD_NO_COMPANION,
                ledger.header_row,
                "product_code",
                what="产品目录",
                target="产品编码、规格和单价",
            )
        ]
    if not (ledger.has("product_code") and products.has("product_code")):
        return []
    p = products.frame.dropna(subset=["product_code"]).drop_duplicates("product_code")
    catalogue = {code_key(code): row for code, row in zip(p["product_code"], p.itertuples(index=False), strict=True)}
    codes = list(p["product_code"])
    f = ledger.frame
    issues = []
    hints: dict[str, str] = {}
    limit = ctx.settings.price_tolerance_pct
    n = len(ledger)
    check_spec = ledger.has("spec") and products.has("spec")
    check_price = ledger.has("unit_price") and products.has("list_price")
    specs = f["spec"].tolist() if check_spec else [None] * n
    prices = f["unit_price"].tolist() if check_price else [None] * n
    for row, code, spec, price in zip(ledger.rows, f["product_code"], specs, prices, strict=True):
        if code is None:
            continue
        item = catalogue.get(code_key(code))
        if item is None:
            if code not in hints:
                hints[code] = _suggest(code, codes)
            issues.append(
                ledger.issue(OrderCode.ORD_UNKNOWN_PRODUCT, row, "product_code", value=code, suggestion=hints[code])
            )
            continue
        if check_spec:
            expected = getattr(item, "spec", None)
            if spec is not None and expected is not None and code_key(spec) != code_key(expected):
                issues.append(
                    ledger.issue(OrderCode.ORD_SPEC_MISMATCH, row, "spec", value=spec, product=code, expected=expected)
                )
        if check_price:
            list_price = getattr(item, "list_price", None)
            if price == price and list_price == list_price and list_price and list_price > 0:
                pct = (price - list_price) / list_price * 100
                if abs(pct) > limit + 1e-9:
                    issues.append(
                        ledger.issue(
                            OrderCode.ORD_PRICE_DEVIATION,
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
    pairs = list(zip(map(str, order_ids), map(str, codes), strict=True))
    if len(set(pairs)) == len(pairs):  # the usual ledger: no product twice in one order
        return pairs
    repeated = {key for key, n in Counter(pairs).items() if n > 1}  # counted in C; numbered one by one below
    seen: Counter[tuple[str, str]] = Counter()
    keys = pairs.copy()
    for pos in [pos for pos, key in enumerate(pairs) if key in repeated]:
        key = pairs[pos]
        seen[key] += 1
        if seen[key] > 1:
            keys[pos] = (key[0], f"{key[1]}#{seen[key]}")
    return keys


def check_transitions(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Status changes since NeiQin last recorded the line follow the status machine (the store's memory)."""
    statuses: dict[tuple[str, str], tuple[str, str | None]] = ctx.snapshot or {}
    if not (statuses and ledger.has("status") and ledger.has("order_id") and ledger.has("product_code")):
        return []
    f = ledger.frame
    issues = []
    order_ids = f["order_id"].tolist()
    keys = line_keys(order_ids, f["product_code"].tolist())
    # only the lines the store remembers can break a transition: a ledger of 100,000 lines where the
    # store knows a few thousand looks at those few thousand
    remembered = [pos for pos, key in enumerate(keys) if key in statuses and order_ids[pos] is not None]
    if not remembered:
        return []
    labels = f["status"].tolist()
    states = MACHINE.states_of([labels[pos] for pos in remembered], ctx.settings)
    recorded = {s: MACHINE.state(s) for s in {v for pair in statuses.values() for v in pair}}  # a dozen texts
    path = path_text(ctx.settings)
    for pos, new in zip(remembered, states, strict=True):
        known, label = statuses[keys[pos]], labels[pos]
        if new is None:
            continue
        old = recorded[known[0]]
        if old is None or old == new:
            continue
        why = transition_problem(old, new, recorded[known[1]], ctx.settings)
        if why:
            issues.append(
                ledger.issue(
                    OrderCode.ORD_STATUS_TRANSITION,
                    ledger.rows[pos],
                    "status",
                    old=MACHINE.label(old, ctx.settings),
                    new=label,
                    why=why,
                    path=path,
                )
            )
    return issues


RULES = (
    check_quantity,
    check_amount,
    check_dates,
    check_duplicates,
    check_cost,
    check_duplicate_po,
    check_forecast,
    check_customers,
    check_products,
    check_transitions,
)


def statuses_snapshot(store: Any, ledger: Ledger | None) -> dict[tuple[str, str], tuple[str, str | None]]:
    """What the status check needs from the store: each line's last recorded state (and the one before a pause)
    — of every line it remembers, whatever the ledger holds (so it is read before the ledger)."""
    return store.statuses() if store is not None else {}


def record_statuses(store: Any, ledger: Ledger, issues: list[Issue], ctx: CheckContext) -> None:
    """After a check, remember each line's state — except lines whose new status was just refused."""
    if not (ledger.has("status") and ledger.has("order_id") and ledger.has("product_code")):
        return
    refused = {i.row for i in issues if i.code == OrderCode.ORD_STATUS_TRANSITION}
    states = {}
    keys = line_keys(ledger.frame["order_id"], ledger.frame["product_code"])
    found = MACHINE.states_of(ledger.frame["status"], ctx.settings)
    for key, state, row in zip(keys, found, ledger.rows, strict=True):
        if state is not None and row not in refused and key[0] != "None":
            states[key] = OrderStatus(state).value
    store.record_statuses(states, workbook=ctx.workbook)
