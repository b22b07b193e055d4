"""Sales reports (regulation 二.3 / 三.3 / 四.3): the report engine, pure functions on DataFrames.

Everything a report shows is computed here, once: the ribbon's report tabs
(``macros/reports.py``), ``neiqin report`` and the worksheet functions
(``xlwings_udfs/reports.py``) only format what these functions return.

Definitions (the ones a manager would check by hand):

- 销售额 revenue: the line's 金额, else 数量 × 单价; a line with neither is left out and
  listed (金额无法确定). Returns (negative 数量/金额) count as negative.
- 毛利 profit: the given 毛利, else 金额 − 数量 × 成本单价; unknown stays unknown — a total
  with any unknown line is unknown (shown empty, never 0).
- 订单数 distinct 订单编号; 行数 lines; 客单价 revenue ÷ orders; 毛利率 profit ÷ revenue.
- New customer: a customer whose first line in the data falls in the period.
- Periods: day, ISO week (Monday start), calendar month; compared with the previous
  period and with the same period last year (same ISO week number for weeks).
- 环比 / 同比: the relative change against that period; an amount whose base is below the
  setting 环比最小基数 gets no percentage (¥1,216 → ¥739,682 is not "+60729.1%") but a word —
  大幅增长 / 增长 / 下降 / 持平 — and the two amounts.
- Money is rounded once, half-up to the fen (``neiqin.core.money``), from the total of the
  unrounded lines: a period's row and the 合计 of the same lines show the same amount.
- Left out (and listed): 已取消 lines, lines without a date, lines whose amount
  cannot be determined. Warnings elsewhere never exclude a line.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import create_model

from neiqin.base.text import clean, fold
from neiqin.core.issues import Issue, make_issue
from neiqin.core.money import TOLERANCE, close, fen
from neiqin.core.schema import LedgerRow, column
from validators.orders import OrderRow
from validators.orders.metrics import OnTime, on_time

from .codes import ReportCode

Period = Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")
PERIOD_LABELS = {"day": "日", "week": "周", "month": "月"}
REPORT_NAMES = {"day": "日报", "week": "周报", "month": "月报"}

# The fields a report reads and a mapping may name: every field of the order ledger (validators/orders),
# with its headers as labels, plus `profit` which a sales export may give directly.
REPORT_FIELDS = tuple(OrderRow.model_fields)
PROFIT = column("毛利", "利润", "毛利额", "毛利润", description="这一行的毛利（已知时）")
FIELD_LABELS = {name: OrderRow.column(name).header for name in REPORT_FIELDS} | {"profit": "毛利"}
REQUIRED_FIELDS = ("order_id", "order_date")  # of a NeiQin workbook's 订单台账 (a mapped export may lack 订单编号)
# how orders are counted: by 订单编号, else (a POS-style export) by customer and time, else each line is one
ORDERS_BY = {"order_id": "订单编号", "customer_time": "客户 + 下单时间", "line": "每行一单"}
# --by: field name -> the prepared frame's column and its Chinese label
BY_FIELDS = {
    "region": ("region", "区域"),
    "customer": ("customer", "客户"),
    "category": ("category", "产品类别"),
    "product": ("product", "产品"),
    "product_code": ("product", "产品"),
    "sales_rep": ("sales_rep", "销售员"),
}
BY_ALIASES = {"区域": "region", "客户": "customer", "产品类别": "category", "类别": "category", "产品": "product"}
BY_ALIASES |= {"销售员": "sales_rep", "业务员": "sales_rep"}
MEASURES = {
    "revenue": "销售额",
    "quantity": "销量",
    "profit": "毛利",
    "orders": "订单数",
    "lines": "行数",
    "customers": "客户数",
    "aov": "客单价",
    "margin": "毛利率",
}
MEASURE_ALIASES = {label: name for name, label in MEASURES.items()} | {"金额": "revenue", "数量": "quantity"}
# statuses that mean "this sale did not happen" (compared case-insensitively, spaces ignored)
EXCLUDED_STATUSES = ("已取消", "取消", "已作废", "作废", "已撤销", "撤单", "cancelled", "canceled", "void", "voided")
UNKNOWN = "（未填）"
REASON_CANCELLED = "已取消"
REASON_NO_DATE = "缺少日期"
REASON_NO_AMOUNT = "金额无法确定"


def _report_model() -> type[LedgerRow]:
    """The report's row model: the order ledger's columns (headers and synonyms) plus 毛利."""
    fields: dict[str, Any] = {}
    for name in REPORT_FIELDS:
        spec = OrderRow.column(name)
        info = OrderRow.model_fields[name]
        fields[name] = (
            info.annotation | None,
            column(spec.header, *spec.synonyms, description=spec.description, required=name in REQUIRED_FIELDS),
        )
        if name == "unit_cost":
            fields["profit"] = (float | None, PROFIT)
    return create_model("ReportRow", __base__=LedgerRow, **fields)


_MODEL: type[LedgerRow] | None = None


def report_model() -> type[LedgerRow]:
    global _MODEL
    if _MODEL is None:
        _MODEL = _report_model()
    return _MODEL


# --------------------------------------------------------------------------- preparing lines


@dataclass
class Sales:
    """Sales lines ready for reporting, and what they came from.

    ``all`` has one row per source line (included or not) with the columns
    sheet, row, order_id, date, customer, region, category, product, product_name,
    sales_rep, quantity, revenue, profit, status, delivery_date, ship_date, reason
    (None = counted). ``sources`` keeps the frames as read, for reconciliation.
    """

    all: pd.DataFrame
    sources: list[tuple[str, pd.DataFrame]]
    issues: list[Issue] = field(default_factory=list)
    description: str = ""
    currency: str = "¥"  # the money symbol of the source (a mapping's [source] currency)
    skipped: list[tuple[str, int]] = field(default_factory=list)  # (sheet, row) read as 合计/header rows
    skip_reasons: dict[tuple[str, int], str] = field(default_factory=dict)  # (sheet, row) -> why
    notes: list[str] = field(default_factory=list)  # how the source was read (values from a title row …)
    orders_by: str = "order_id"  # a key of ORDERS_BY

    @property
    def lines(self) -> pd.DataFrame:
        return self.all[self.all["reason"].isna()]

    @property
    def excluded(self) -> pd.DataFrame:
        return self.all[self.all["reason"].notna()]


def _dates(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return pd.to_datetime(frame[name], errors="coerce").astype("datetime64[us]")
    return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")


def _objects(frame: pd.DataFrame, name: str, n: int, fill: str | None = None) -> np.ndarray:
    """A text column as an object array (None for empty, or ``fill``)."""
    if name not in frame:
        return np.full(n, fill, dtype=object)
    values = frame[name].to_numpy(dtype=object)
    return _fill(values, fill) if fill is not None else values


def same_names(values: np.ndarray) -> np.ndarray:
    """Names as reports group them: spellings equal under ``fold`` (⼈/人, full-width, case, spaces) are one
    name, shown as its first spelling (cleaned). The customer check compares names the same way."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return values
    shown: dict[str, str] = {}
    mapped = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        if isinstance(value, str) and value != UNKNOWN:  # the placeholder stays itself: NFKC would make it (未填)
            mapped[i] = shown.setdefault(fold(value), clean(value))
        else:
            mapped[i] = value
    out = mapped[codes]
    if (codes < 0).any():
        out[codes < 0] = None
    return out


def _fill(values: np.ndarray, fill: str) -> np.ndarray:
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = fill
    return values


def _floats(frame: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in frame:
        return np.full(n, np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


_CANCELLED = frozenset(s.casefold() for s in EXCLUDED_STATUSES)


def cancelled(status: np.ndarray) -> np.ndarray:
    """Lines whose 状态 says the sale did not happen (已取消, 作废, Cancelled …); each distinct value looked at once."""
    column = pd.Series(status, dtype=object, copy=False)
    distinct = {v for v in column.dropna().unique() if isinstance(v, str)}
    hits = {v for v in distinct if v.replace(" ", "").casefold() in _CANCELLED}
    return column.isin(hits).to_numpy() if hits else np.zeros(len(column), dtype=bool)


def line_revenue(frame: pd.DataFrame) -> np.ndarray:
    """金额, else 数量 × 单价 (NaN when neither is known)."""
    n = len(frame)
    amount = _floats(frame, "amount", n)
    return np.where(np.isnan(amount), _floats(frame, "quantity", n) * _floats(frame, "unit_price", n), amount)


def prepare(
    sources: list[tuple[str, pd.DataFrame]],
    costs: dict[str, float] | None = None,
    categories: dict[str, str] | None = None,
    issues: list[Issue] | None = None,
    description: str = "",
    headers: dict[str, dict[str, tuple[str, int]]] | None = None,
) -> Sales:
    """Sales lines from ledger frames (fields as columns, Excel rows as index).

    ``costs``/``categories`` fill a line's missing 成本单价/产品类别 from the product
    catalogue by 产品编码. ``headers`` (sheet -> field -> (header, column)) places the
    Issues for lines left out on the clerk's cells.
    """
    # Long because every column is prepared in one vectorised pass over the lines (numpy arrays,
    # no per-row Python); each step depends on the ones before it.
    parts = []
    found = list(issues or [])
    empty = pd.DataFrame(index=pd.Index([], name="row", dtype="int64"))
    orders_by = "order_id"
    for sheet, frame in sources or [("", empty)]:
        n = len(frame)
        by = "order_id" if "order_id" in frame or not n else "customer_time" if "customer" in frame else "line"
        if by != "order_id":
            orders_by = by
        # numpy arrays throughout: a 541,909-line export is prepared in a fraction of a second
        product = _objects(frame, "product_code", n)
        quantity = _floats(frame, "quantity", n)
        revenue = line_revenue(frame)
        unit_cost = _floats(frame, "unit_cost", n)
        if costs:
            from_catalogue = pd.Series(product, dtype=object).map(costs).to_numpy(dtype=float, na_value=np.nan)
            unit_cost = np.where(np.isnan(unit_cost), from_catalogue, unit_cost)
        profit = _floats(frame, "profit", n)
        profit = np.where(np.isnan(profit), revenue - quantity * unit_cost, profit)
        category = _objects(frame, "category", n)
        if categories:
            from_catalogue = pd.Series(product, dtype=object).map(categories).to_numpy(dtype=object)
            missing = pd.isna(category)
            category = np.where(missing, from_catalogue, category)
        status = _objects(frame, "status", n)
        date = _dates(frame, "order_date").to_numpy()
        reason = np.full(n, None, dtype=object)
        reason[np.isnan(revenue)] = REASON_NO_AMOUNT
        reason[np.isnat(date)] = REASON_NO_DATE
        reason[cancelled(status)] = REASON_CANCELLED

        def obj(values: np.ndarray) -> pd.Series:
            # object, not pandas' inferred string dtype: no scan of every value, None stays None
            return pd.Series(values, dtype=object, copy=False)

        part = pd.DataFrame(
            {
                "sheet": obj(np.full(n, sheet, dtype=object)),
                "row": frame.index.to_numpy(),
                "order_id": obj(_objects(frame, "order_id", n)),
                "date": date,
                "customer": obj(_objects(frame, "customer", n, UNKNOWN)),
                "region": obj(_objects(frame, "region", n, UNKNOWN)),
                "category": obj(_fill(category, UNKNOWN)),
                "product": obj(_fill(product, UNKNOWN)),
                "product_name": obj(_objects(frame, "product_name", n)),
                "sales_rep": obj(_objects(frame, "sales_rep", n, UNKNOWN)),
                "quantity": quantity,
                "revenue": revenue,
                "profit": profit,
                "status": obj(status),
                "delivery_date": _dates(frame, "delivery_date").to_numpy(),
                "ship_date": _dates(frame, "ship_date").to_numpy(),
                "reason": obj(reason),
                "_okey": obj(_order_keys(frame, sheet, by, date)),
            },
            copy=False,
        )
        parts.append(part)
        where = (headers or {}).get(sheet, {})
        # a cell the reader could not read already has its issue (不是日期 …): no second one saying it is empty
        flagged = {(i.row, i.col) for i in found if i.sheet == sheet and i.severity == "error"}
        for code, why, fields in (
            (ReportCode.REP_NO_AMOUNT, REASON_NO_AMOUNT, ("amount", "quantity", "unit_price")),
            (ReportCode.REP_NO_DATE, REASON_NO_DATE, ("order_date",)),
        ):
            header, col = where.get(fields[0], (FIELD_LABELS[fields[0]], 0))
            cols = {where[f][1] for f in fields if f in where} or {0}  # 0: a value from a title row or file name
            for row in frame.index[reason == why]:
                if not any((int(row), c) in flagged for c in cols):
                    found.append(make_issue(code, sheet, int(row), header, col=col))
    all_lines = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    for name in ("customer", "region", "category", "sales_rep"):  # one name however it was typed
        all_lines[name] = pd.Series(same_names(all_lines[name].to_numpy(dtype=object)), dtype=object, copy=False)
    # integer keys for counting distinct orders and customers (-1: no customer)
    order_codes = pd.factorize(all_lines.pop("_okey").to_numpy(), use_na_sentinel=True)[0].astype(float)
    order_codes[order_codes < 0] = np.nan  # a line without 订单编号 is no order
    all_lines["_order"] = order_codes
    customer_codes = pd.factorize(all_lines["customer"].to_numpy())[0]
    customer_codes[(all_lines["customer"] == UNKNOWN).to_numpy()] = -1
    all_lines["_customer"] = customer_codes
    if orders_by != "order_id":
        description += f"（没有订单编号：订单数按{ORDERS_BY[orders_by]}计）"
    sales = Sales(all_lines, sources, found, description)
    sales.orders_by = orders_by
    return sales


def _order_keys(frame: pd.DataFrame, sheet: str, by: str, date: np.ndarray) -> np.ndarray:
    """What names an order: its 订单编号; without one, its customer and time (a POS receipt), else the line."""
    n = len(frame)
    if by == "order_id":
        return _objects(frame, "order_id", n)
    lines = np.array([f"{sheet}\x00{r}" for r in frame.index], dtype=object)
    if by == "line":
        return lines
    customer = _objects(frame, "customer", n)
    when = pd.Series(date).astype(str).to_numpy(dtype=object)
    keys = np.array([f"{fold(c)}\x00{t}" if isinstance(c, str) else None for c, t in zip(customer, when, strict=True)])
    missing = pd.isna(keys)
    keys[missing] = lines[missing]  # a line without a customer is an order of its own
    return keys


# --------------------------------------------------------------------------- periods


def period_starts(dates: pd.Series, period: Period) -> np.ndarray:
    """The first day of each date's period (datetime64[D])."""
    days = dates.to_numpy().astype("datetime64[D]")
    if period == "day":
        return days
    if period == "month":
        return days.astype("datetime64[M]").astype("datetime64[D]")
    weekday = (days.view("int64") + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return days - weekday.astype("timedelta64[D]")


def period_start(day: dt.date, period: Period) -> dt.date:
    if isinstance(day, dt.datetime):
        day = day.date()
    if period == "day":
        return day
    if period == "month":
        return day.replace(day=1)
    return day - dt.timedelta(days=day.weekday())


def period_end(start: dt.date, period: Period) -> dt.date:
    """The first day after the period."""
    if period == "day":
        return start + dt.timedelta(days=1)
    if period == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def shift(start: dt.date, period: Period, n: int = 1) -> dt.date:
    """The start of the period ``n`` periods earlier."""
    if period == "day":
        return start - dt.timedelta(days=n)
    if period == "week":
        return start - dt.timedelta(days=7 * n)
    months = start.year * 12 + start.month - 1 - n
    return dt.date(months // 12, months % 12 + 1, 1)


def last_year(start: dt.date, period: Period) -> dt.date:
    """The same period a year earlier (ISO week number for weeks; 2-29 → 2-28)."""
    if period == "week":
        year, week, _ = start.isocalendar()
        weeks = dt.date(year - 1, 12, 28).isocalendar()[1]
        return dt.date.fromisocalendar(year - 1, min(week, weeks), 1)
    try:
        return start.replace(year=start.year - 1)
    except ValueError:
        return start.replace(year=start.year - 1, day=28)


def period_label(start: dt.date, period: Period) -> str:
    """The JSON label: YYYY-MM for months, the (Monday) date for days and weeks."""
    return start.strftime("%Y-%m") if period == "month" else start.isoformat()


def period_title(start: dt.date, period: Period) -> str:
    """How a manager names the period: 2026-11, 2026-W48, 2026-11-26."""
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return period_label(start, period)


def period_words(start: dt.date, period: Period) -> str:
    """The period in a Chinese sentence: 2026年11月 / 2026年第48周（11-23 至 11-29）/ 2026年11月26日."""
    if period == "month":
        return f"{start.year}年{start.month}月"
    if period == "day":
        return f"{start.year}年{start.month}月{start.day}日"
    year, week, _ = start.isocalendar()
    end = start + dt.timedelta(days=6)
    return f"{year}年第{week}周（{start:%m-%d} 至 {end:%m-%d}）"


def parse_period(value: Any, period: Period | None = None) -> tuple[Period, dt.date]:
    """A period from what a clerk types: 2017-11, 2017-W45, 2017-11-05, an Excel date.

    With ``period`` given, any date inside the period picks it. Raises ValueError
    with a Chinese message.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        kind: Period = period or "day"
        return kind, period_start(value, kind)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # an Excel serial date
        return parse_period(day, period)
    text = str(value or "").strip()
    import re

    if m := re.fullmatch(r"(\d{4})\s*[-/年.]?\s*[Ww第]\s*(\d{1,2})\s*周?", text):
        try:
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise ValueError(f"『{text}』不是有效的周（{m[1]} 年没有第 {int(m[2])} 周）") from None
        if period not in (None, "week"):
            return parse_period(start, period)
        return "week", start
    if m := re.fullmatch(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?", text):
        if not 1 <= int(m[2]) <= 12:
            raise ValueError(f"『{text}』不是有效的月份")
        start = dt.date(int(m[1]), int(m[2]), 1)
        if period not in (None, "month"):
            raise ValueError(f"『{text}』是一个月份；{PERIOD_LABELS[period]}报请给出具体日期，如 {text}-01")
        return "month", start
    from neiqin.core.ledger import parse_date

    try:
        day = parse_date(text)
    except Exception:
        day = None
    if day is None:
        raise ValueError(f"『{text}』不是日期或期间；请写成 2026-11-26、2026-11 或 2026-W48")
    return parse_period(day.date(), period)


# --------------------------------------------------------------------------- measures


def _profit_sum(profit: pd.Series) -> float:
    """Unknown (NaN) when any line's profit is unknown — and when there are no lines to know it from."""
    return float("nan") if not len(profit) or profit.isna().any() else float(profit.sum())


def measures(lines: pd.DataFrame) -> dict[str, Any]:
    """The headline figures of some lines (profit None when any line's is unknown)."""
    revenue = float(lines["revenue"].sum())
    profit = _profit_sum(lines["profit"])
    orders = int(lines["_order"].nunique())
    known_customers = lines["_customer"][lines["_customer"] >= 0]
    return {
        "revenue": revenue,
        "quantity": float(lines["quantity"].sum()),
        "profit": None if math.isnan(profit) else profit,
        "orders": orders,
        "lines": len(lines),
        "customers": int(known_customers.nunique()),
        "aov": revenue / orders if orders else None,
        "margin": (profit / revenue) if revenue and not math.isnan(profit) else None,
    }


def in_period(lines: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    dates = lines["date"]
    return lines[(dates >= pd.Timestamp(start)) & (dates < pd.Timestamp(end))]


def customer_mix(lines_all: pd.DataFrame, start: dt.date, end: dt.date) -> dict[str, int]:
    """New and returning customers of the period (new = first line in the data inside it)."""
    known = lines_all[lines_all["_customer"] >= 0]
    first = known.groupby("_customer", sort=False)["date"].min()
    current = in_period(known, start, end)["_customer"].unique()
    firsts = first.loc[current]
    new = int((firsts >= pd.Timestamp(start)).sum())
    return {"new": new, "returning": len(current) - new}


def summarize(lines: pd.DataFrame, period: Period, by: str | None = None) -> pd.DataFrame:
    """One row per period (and ``by`` value): revenue, quantity, profit, orders, lines, customers."""
    needed = {"_start": period_starts(lines["date"], period), "_unknown": lines["profit"].isna().to_numpy()}
    for name in ("revenue", "quantity", "profit", "_order", "_customer", *([BY_FIELDS[by][0]] if by else [])):
        needed[name] = lines[name].to_numpy()
    frame = pd.DataFrame(needed, copy=False)  # only what is summed: no copy of the other columns
    keys = ["_start"] + ([BY_FIELDS[by][0]] if by else [])
    grouped = frame.groupby(keys, sort=True, dropna=False)
    table = grouped.agg(
        revenue=("revenue", "sum"),
        quantity=("quantity", "sum"),
        profit=("profit", "sum"),
        unknown=("_unknown", "any"),
        orders=("_order", "nunique"),
        lines=("revenue", "size"),
    )
    customers = frame[frame["_customer"] >= 0].groupby(keys, sort=True)["_customer"].nunique()
    table["customers"] = customers.reindex(table.index).fillna(0).astype(int)
    table.loc[table["unknown"], "profit"] = np.nan
    table = table.drop(columns="unknown").reset_index()
    table["period"] = [period_label(pd.Timestamp(s).date(), period) for s in table["_start"]]
    if by:
        table = table.rename(columns={BY_FIELDS[by][0]: by})
        table = table.sort_values(["_start", "revenue"], ascending=[True, False], kind="stable")
    cols = ["period", *([by] if by else []), "revenue", "quantity", "profit", "orders", "lines", "customers"]
    return table[cols].reset_index(drop=True)


def breakdown(cur: pd.DataFrame, prev: pd.DataFrame, column_name: str, top: int | None = None) -> pd.DataFrame:
    """Revenue by one field this period against the previous one, largest first."""

    def agg(lines: pd.DataFrame) -> pd.DataFrame:
        g = lines.assign(_unknown=lines["profit"].isna()).groupby(column_name, sort=False)
        t = g.agg(
            revenue=("revenue", "sum"),
            quantity=("quantity", "sum"),
            profit=("profit", "sum"),
            unknown=("_unknown", "any"),
            orders=("order_id", "nunique"),
        )
        t.loc[t["unknown"], "profit"] = np.nan
        return t.drop(columns="unknown")

    now, before = agg(cur), agg(prev)
    table = now.join(before[["revenue", "orders"]].add_prefix("prev_"), how="outer")
    table[["revenue", "quantity", "orders", "prev_revenue", "prev_orders"]] = table[
        ["revenue", "quantity", "orders", "prev_revenue", "prev_orders"]
    ].fillna(0)
    total = table["revenue"].sum()
    table["share"] = table["revenue"] / total if total else np.nan
    table["change"] = table["revenue"] - table["prev_revenue"]
    table["change_pct"] = np.where(
        table["prev_revenue"] > 0, table["change"] / table["prev_revenue"].where(table["prev_revenue"] > 0), np.nan
    )
    if column_name == "customer":
        customers = cur.groupby(column_name, sort=False)["customer"].nunique()
    else:
        customers = cur[cur["customer"] != UNKNOWN].groupby(column_name, sort=False)["customer"].nunique()
    table["customers"] = customers.reindex(table.index).fillna(0).astype(int)
    table = table.sort_values(["revenue", "prev_revenue"], ascending=False, kind="stable")
    table.index.name = column_name
    table = table.reset_index()
    return table.head(top) if top else table


def _filled(lines: pd.DataFrame, column_name: str) -> bool:
    """Some line has a value in this field (not only （未填）)."""
    return bool((lines[column_name] != UNKNOWN).any())


def _sold(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a breakdown with sales this period (¥0 and net returns are no 前十大)."""
    return table[table["revenue"] >= TOLERANCE]


def _names(lines: pd.DataFrame) -> dict[str, str]:
    named = lines[lines["product_name"].notna()]
    return dict(zip(named["product"], named["product_name"], strict=True))


# --------------------------------------------------------------------------- 波动说明


@dataclass
class PVM:
    """Price-volume-mix decomposition of the revenue change from period A to period B.

    For items sold in both periods (positive net quantity in each): price effect
    (p₁ − p₀)·q₁, volume effect (Q₁ − Q₀)·p̄₀ with p̄₀ the base average price, mix effect
    (q₁ − q₀)·(p₀ − p̄₀). Items only in B are 新增, only in A 流失, anything else (e.g.
    returns only) 其他. The components add up to the total change exactly.
    """

    by: str
    table: pd.DataFrame  # item, revenue_a, revenue_b, price, volume, mix, new, lost, other, change
    components: dict[str, float]
    change: float

    @property
    def residual(self) -> float:
        return self.change - sum(self.components.values())


PVM_LABELS = {"price": "价格", "volume": "销量", "mix": "结构", "new": "新增", "lost": "流失", "other": "其他"}


def pvm(a: pd.DataFrame, b: pd.DataFrame, by: str) -> PVM:
    """Decompose revenue(B) − revenue(A) by ``by`` ('category' or 'product')."""
    ga = a.groupby(by, sort=False).agg(revenue_a=("revenue", "sum"), q_a=("quantity", "sum"))
    gb = b.groupby(by, sort=False).agg(revenue_b=("revenue", "sum"), q_b=("quantity", "sum"))
    t = ga.join(gb, how="outer")
    in_a, in_b = t["revenue_a"].notna(), t["revenue_b"].notna()
    t = t.fillna(0.0)
    common = in_a & in_b & (t["q_a"] > 0) & (t["q_b"] > 0)
    p_a = (t["revenue_a"] / t["q_a"]).where(common, 0.0)
    p_b = (t["revenue_b"] / t["q_b"]).where(common, 0.0)
    q0, r0 = t.loc[common, "q_a"].sum(), t.loc[common, "revenue_a"].sum()
    avg = r0 / q0 if q0 else 0.0
    zero = pd.Series(0.0, index=t.index)
    t["price"] = ((p_b - p_a) * t["q_b"]).where(common, zero)
    t["volume"] = ((t["q_b"] - t["q_a"]) * avg).where(common, zero)
    t["mix"] = ((t["q_b"] - t["q_a"]) * (p_a - avg)).where(common, zero)
    t["new"] = t["revenue_b"].where(~in_a & in_b, zero)
    t["lost"] = (-t["revenue_a"]).where(in_a & ~in_b, zero)
    t["other"] = (t["revenue_b"] - t["revenue_a"]).where(in_a & in_b & ~common, zero)
    t["change"] = t["revenue_b"] - t["revenue_a"]
    t = t.reindex(t["change"].abs().sort_values(ascending=False, kind="stable").index)
    t.index.name = "item"
    table = t.reset_index()[
        ["item", "revenue_a", "revenue_b", "price", "volume", "mix", "new", "lost", "other", "change"]
    ]
    components = {k: float(table[k].sum()) for k in PVM_LABELS}
    return PVM(by, table, components, float(b["revenue"].sum() - a["revenue"].sum()))


def movers(a: pd.DataFrame, b: pd.DataFrame, by: str, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` items that moved the total up most, and down most (item, revenue_a, revenue_b, change)."""
    t = pd.concat(
        [
            a.groupby(by, sort=False)["revenue"].sum().rename("revenue_a"),
            b.groupby(by, sort=False)["revenue"].sum().rename("revenue_b"),
        ],
        axis=1,
    ).fillna(0.0)
    t["change"] = t["revenue_b"] - t["revenue_a"]
    t.index.name = "item"
    t = t.reset_index()
    up = t[t["change"] > TOLERANCE].sort_values("change", ascending=False, kind="stable").head(n)
    down = t[t["change"] < -TOLERANCE].sort_values("change", kind="stable").head(n)
    return up.reset_index(drop=True), down.reset_index(drop=True)


def yuan(value: float | None, symbol: str = "¥") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "未知"
    sign = "-" if value < -0.004 else ""
    return f"{sign}{symbol}{abs(value):,.2f}"


def pct(value: float | None, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "—"
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def ratio(now: float | None, before: float | None) -> float | None:
    """Relative change; None when there is no base to compare with."""
    if now is None or before is None or before == 0 or math.isnan(before):
        return None
    return (now - before) / abs(before)


def change_word(now: float | None, before: float | None, min_base: float) -> str | None:
    """The word that says a change when its base is too small for a percentage; None when a percentage is meaningful.

    A base (the previous period's amount) below ``min_base`` — the setting 环比最小基数 — turns
    ¥1,216 → ¥739,682 into 大幅增长 instead of +60729.1%: 大幅增长 when the amount reaches the
    minimum base, 增长 / 下降 / 持平 otherwise. No base at all (0, unknown) stays "no comparison".
    """
    if now is None or before is None or _nan(now) or _nan(before) or abs(before) < TOLERANCE:
        return None
    if before >= min_base:
        return None
    if abs(now - before) < TOLERANCE:
        return "持平"
    if now > before:
        return "大幅增长" if now >= min_base else "增长"
    return "下降"


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def shown_change(now: float | None, before: float | None, min_base: float) -> float | str | None:
    """What a 环比 / 同比 cell shows: the relative change, the word for a base too small, or None (no base)."""
    return change_word(now, before, min_base) or ratio(now, before)


def compare(now: float | None, before: float | None, min_base: float, symbol: str = "¥") -> str:
    """A change in a sentence: 上升 12.5%（+¥1,200.00）, 大幅增长（¥1,216.00 → ¥739,682.35）, 无可比数据."""
    word = change_word(now, before, min_base)
    if word is not None:
        return f"{word}（{yuan(before, symbol)} → {yuan(now, symbol)}）"
    change = ratio(now, before)
    if change is None:
        return "无可比数据"
    if abs(change) < 0.0005:
        return "持平"
    assert now is not None and before is not None
    delta = now - before
    direction = "上升" if change > 0 else "下降"
    return f"{direction} {abs(change) * 100:.1f}%（{'+' if delta >= 0 else '-'}{yuan(abs(delta), symbol)}）"


def explain(
    period: Period,
    cur: pd.DataFrame,
    prev: pd.DataFrame,
    year_ago: pd.DataFrame,
    pvm_category: PVM,
    customer_moves: tuple[pd.DataFrame, pd.DataFrame],
    product_moves: tuple[pd.DataFrame, pd.DataFrame],
    names: dict[str, str] | None = None,
    symbol: str = "¥",
    through: dt.date | None = None,
    min_base: float = 0.0,
) -> list[str]:
    """The 波动说明 paragraph: what changed, why, and what to do — one sentence per finding."""
    # Long because the written explanation is one paragraph built from many rules, each a few
    # lines; they read best in the order the manager reads the text.
    word = {"day": "日", "week": "周", "month": "月"}[period]
    names = names or {}
    now, before, ago = measures(cur), measures(prev), measures(year_ago)
    out: list[str] = []
    so_far = ""
    if through is not None:
        days = (through - period_start(through, period)).days + 1
        so_far = f"（截至 {through:%m-%d}，与上{word}和去年同期的前 {days} 天比较）"
    change = compare(now["revenue"], before["revenue"], min_base, symbol) if len(prev) else "无可比数据"
    yoy = compare(now["revenue"], ago["revenue"], min_base, symbol) if len(year_ago) else "无可比数据"
    out.append(
        f"本{word}{so_far}销售额 {yuan(now['revenue'], symbol)}，订单 {now['orders']} 张，环比{change}，同比{yoy}。"
    )
    if not len(prev):
        out.append(f"上{word}没有销售数据，无法分析波动原因。")
        return out
    parts = {k: v for k, v in pvm_category.components.items() if abs(v) >= 0.005}
    if parts:
        main = max(parts, key=lambda k: abs(parts[k]))
        detail = "、".join(f"{PVM_LABELS[k]}{'+' if v >= 0 else '-'}{yuan(abs(v), symbol)}" for k, v in parts.items())
        out.append(f"按产品类别分解，变化主要来自{PVM_LABELS[main]}因素（{detail}）。")

    def who(table: pd.DataFrame, product: bool = False) -> str:
        return "、".join(
            f"{names.get(i, i) if product else i}（{'+' if c >= 0 else '-'}{yuan(abs(c), symbol)}）"
            for i, c in zip(table["item"].head(3), table["change"].head(3), strict=True)
        )

    up, down = customer_moves
    if len(up):
        out.append(f"拉动增长最多的客户：{who(up)}。")
    if len(down):
        out.append(f"拖累最多的客户：{who(down)}。")
    _up, pdown = product_moves
    if len(pdown):
        out.append(f"下降最多的产品：{who(pdown, True)}。")
    # rule: a region down more than 20 % with fewer orders from its top customers
    regions = breakdown(cur, prev, "region")
    regions = regions[(regions["region"] != UNKNOWN) & (regions["prev_revenue"] > 0)]
    swing = (regions["revenue"] - regions["prev_revenue"]) / regions["prev_revenue"]
    regions = pd.concat(
        [
            regions[swing <= -0.20].assign(_s=swing).nsmallest(3, "_s"),
            regions[swing >= 0.20].assign(_s=swing).nlargest(2, "_s"),
        ]
    )  # the three biggest falls and the two biggest rises
    for region, rev, prev_rev in zip(regions["region"], regions["revenue"], regions["prev_revenue"], strict=True):
        r = (rev - prev_rev) / prev_rev
        tiny = change_word(rev, prev_rev, min_base)  # a base too small for a percentage: the two amounts
        moved = f"{tiny}（{yuan(prev_rev, symbol)} → {yuan(rev, symbol)}）" if tiny else ""
        if r <= -0.20:
            before_r = prev[prev["region"] == region]
            top = before_r.groupby("customer")["revenue"].sum().sort_values(ascending=False).head(3).index
            top = [c for c in top if c != UNKNOWN]
            orders_before = before_r[before_r["customer"].isin(top)]["order_id"].nunique()
            orders_now = cur[(cur["region"] == region) & cur["customer"].isin(top)]["order_id"].nunique()
            reps = [s for s in before_r["sales_rep"].unique() if s != UNKNOWN]
            sentence = f"{region}区域销售额{moved or f'下降 {abs(r) * 100:.0f}%'}"
            if top and orders_now < orders_before:
                sentence += f"，其主要客户 {'、'.join(top)} 的订单由 {orders_before} 张减少到 {orders_now} 张"
                sentence += (
                    f"；建议{('销售员 ' + '、'.join(reps[:3])) if reps else '负责销售'}尽快回访这些客户，了解原因。"
                )
            else:
                sentence += "；建议分析该区域的客户和产品变化。"
            out.append(sentence)
        elif r >= 0.20 and rev - prev_rev > 0.1 * max(before["revenue"], 1):
            out.append(f"{region}区域销售额{moved or f'增长 {r * 100:.0f}%'}，建议总结经验并确认交货能力。")
    if now["margin"] is not None and before["margin"] is not None and now["margin"] < before["margin"] - 0.02:
        out.append(f"毛利率由 {pct(before['margin'])} 降至 {pct(now['margin'])}；建议检查折扣、低价订单和成本变化。")
    if now["profit"] is None:
        if cur["profit"].isna().all():
            out.append("数据中没有毛利或成本单价，本报表不计算毛利。")
        else:
            out.append("部分行缺少成本，毛利无法完整计算；请在产品目录补充成本单价。")
    top_before = prev.groupby("customer")["revenue"].sum().sort_values(ascending=False).head(10).index
    buying = set(cur["customer"])
    silent = [c for c in top_before if c != UNKNOWN and c not in buying]
    if silent:
        out.append(f"上{word}前十大客户中 {'、'.join(silent[:5])} 本{word}没有下单；建议及时跟进。")
    return out


# --------------------------------------------------------------------------- 数据核对


@dataclass
class Check:
    """One reconciliation line: what was compared, both figures, and whether they agree."""

    name: str
    expected: float
    actual: float
    ok: bool
    note: str = ""


def reconcile(
    sales: Sales,
    start: dt.date,
    end: dt.date,
    total: dict[str, Any],
    parts: dict[str, float] | None = None,
    pvm_result: PVM | None = None,
) -> list[Check]:
    """Compare the report's figures with the source as read, independently recomputed.

    The source side is summed again from the frames as read (not from the prepared
    lines), so a line lost or doubled anywhere between reading and reporting shows.
    """
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    source_lines = 0
    source_revenue = 0.0
    source_quantity = 0.0
    for _sheet, frame in sales.sources:
        dates = _dates(frame, "order_date")
        inside = ((dates >= lo) & (dates < hi)).to_numpy()
        source_lines += int(inside.sum())
        counted = inside & ~cancelled(_objects(frame, "status", len(frame)))
        source_revenue += float(np.nansum(line_revenue(frame)[counted]))
        source_quantity += float(np.nansum(_floats(frame, "quantity", len(frame))[counted]))
    excluded = in_period(sales.excluded, start, end)
    left_out_quantity = float(np.nansum(excluded["quantity"][excluded["reason"] != REASON_CANCELLED].to_numpy()))
    checks = [
        Check(
            "行数",
            float(source_lines),
            float(total["lines"] + len(excluded)),
            source_lines == total["lines"] + len(excluded),
            f"数据源本期行数 = 计入 {total['lines']:,} 行 + 未计入 {len(excluded):,} 行",
        ),
        Check(
            "销售额",
            source_revenue,
            total["revenue"],
            close(source_revenue, total["revenue"]),
            "数据源本期金额（不含已取消）= 报表合计",
        ),
        Check(
            "销量",
            source_quantity,
            total["quantity"] + left_out_quantity,
            close(source_quantity, total["quantity"] + left_out_quantity),
            "数据源本期数量（不含已取消）= 报表合计 + 金额无法确定的行",
        ),
    ]
    for name, value in (parts or {}).items():
        checks.append(
            Check(name, total["revenue"], value, close(total["revenue"], value), "各分项销售额之和 = 报表合计")
        )
    if pvm_result is not None:
        summed = sum(pvm_result.components.values())
        checks.append(
            Check("波动分解", pvm_result.change, summed, close(pvm_result.change, summed), "各因素之和 = 销售额变化")
        )
    return checks


def excluded_summary(excluded: pd.DataFrame) -> pd.DataFrame:
    """Lines left out, by reason: count and the amount where it is known."""
    if not len(excluded):
        return pd.DataFrame({"reason": [], "lines": [], "revenue": []})
    g = excluded.groupby("reason", sort=False).agg(lines=("row", "size"), revenue=("revenue", "sum"))
    return g.reset_index()


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    """Everything one period's report tab shows."""

    period: Period
    start: dt.date
    end: dt.date
    current: dict[str, Any]
    previous: dict[str, Any]
    year_ago: dict[str, Any]
    customers: dict[str, int]
    breakdowns: dict[str, pd.DataFrame]
    top_customers: pd.DataFrame
    top_products: pd.DataFrame
    pvm_category: PVM
    pvm_product: PVM
    customer_moves: tuple[pd.DataFrame, pd.DataFrame]
    product_moves: tuple[pd.DataFrame, pd.DataFrame]
    explanation: list[str]
    trend: pd.DataFrame
    checks: list[Check]
    excluded: pd.DataFrame
    excluded_lines: pd.DataFrame
    distribution: pd.DataFrame  # customers by region
    names: dict[str, str]
    description: str = ""
    currency: str = "¥"
    cut: dt.date | None = None  # first day not covered, when the period is not over yet
    skipped: list[tuple[str, int]] = field(default_factory=list)
    min_base: float = 0.0  # 环比最小基数: below it a change is said in words, not as a percentage

    def change(self, now: float | None, before: float | None) -> float | str | None:
        """A 环比 / 同比 cell of an amount: the relative change, or the word when the base is too small."""
        return shown_change(now, before, self.min_base)

    @property
    def title(self) -> str:
        """The tab name: 日报 2026-11-26 / 周报 2026-W48 / 月报 2026-11."""
        return f"{REPORT_NAMES[self.period]} {period_title(self.start, self.period)}"

    @property
    def reconciled(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def partial(self) -> bool:
        """The period is not over: compared day for day with the start of the others."""
        return self.cut is not None and self.cut < self.end

    @property
    def through(self) -> dt.date:
        """The last day the report covers."""
        return (self.cut if self.partial else self.end) - dt.timedelta(days=1)

    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def latest_start(sales: Sales, period: Period, today: dt.date | None = None) -> dt.date | None:
    """The period to report by default: the one containing today when it has data, else the latest with data."""
    lines = sales.lines
    if not len(lines):
        return None
    if today is not None:
        start = period_start(today, period)
        if len(in_period(lines, start, period_end(start, period))):
            return start
    return period_start(pd.Timestamp(lines["date"].max()).date(), period)


def build_report(
    sales: Sales,
    period: Period,
    start: dt.date,
    trend_periods: int = 12,
    as_of: dt.date | None = None,
    min_base: float | None = None,
) -> Report:
    """The report of the period starting at ``start`` (use :func:`period_start`).

    ``as_of`` is the last day the report covers (today, for the ribbon). When the period
    is not over by then, it is compared day for day: the same number of days at the
    start of the previous period and of last year's — a half month against a whole
    one would look like a collapse. ``min_base``: the setting 环比最小基数 (its default when None).
    """
    # Long because a report is assembled from every measure, comparison and check in one place,
    # so that the tab, the JSON and the reconciliation cannot drift apart.
    start = period_start(start, period)
    end = period_end(start, period)
    cut = end
    if as_of is not None and start <= as_of:
        inside = in_period(sales.all, start, end)["date"]
        last = max(as_of, pd.Timestamp(inside.max()).date()) if len(inside) else as_of
        if last + dt.timedelta(days=1) < end:
            cut = last + dt.timedelta(days=1)
    days = (cut - start).days
    # one narrow copy of the lines the report can use, not a copy of every column per period
    wanted = ["order_id", "_order", "_customer", "date", "customer", "region", "category", "product"]
    wanted += ["product_name", "sales_rep", "quantity", "revenue", "profit"]
    lines = sales.all.loc[sales.all["reason"].isna().to_numpy(), wanted]
    cur = in_period(lines, start, cut)
    p_start = shift(start, period)
    prev = in_period(lines, p_start, min(period_end(p_start, period), p_start + dt.timedelta(days=days)))
    y_start = last_year(start, period)
    year_ago = in_period(lines, y_start, min(period_end(y_start, period), y_start + dt.timedelta(days=days)))
    if min_base is None:
        from validators.sales import ReportSettings

        min_base = float(ReportSettings.model_fields["change_min_base"].default)
    current = measures(cur)
    # a field nobody filled (a sales export without 销售员) is no breakdown: one row of （未填）
    breakdowns = {f: breakdown(cur, prev, f) for f in ("region", "category", "sales_rep") if _filled(lines, f)}
    full = breakdown(cur, prev, "customer")
    top_customers = _sold(full).head(10)  # a customer who bought nothing this period is no top customer
    top_products = _sold(breakdown(cur, prev, "product")).head(10)
    pvm_category = pvm(prev, cur, "category")
    pvm_product = pvm(prev, cur, "product")
    customer_moves = movers(prev, cur, "customer")
    product_moves = movers(prev, cur, "product")
    names = _names(pd.concat([cur, prev]))
    first = shift(start, period, trend_periods - 1)
    window = in_period(lines, first, end)
    trend = summarize(window, period)
    labels = [period_label(shift(start, period, k), period) for k in range(trend_periods - 1, -1, -1)]
    trend = trend.set_index("period").reindex(labels)
    trend[["revenue", "quantity", "orders", "lines", "customers"]] = trend[
        ["revenue", "quantity", "orders", "lines", "customers"]
    ].fillna(0)
    trend = trend.reset_index()
    trend["title"] = [period_title(shift(start, period, k), period) for k in range(trend_periods - 1, -1, -1)]
    titles = {"region": "按区域", "category": "按产品类别", "sales_rep": "按销售员"}
    parts = {titles[f]: float(b["revenue"].sum()) for f, b in breakdowns.items()}
    parts |= {"按客户": float(full["revenue"].sum()), "趋势表本期": float(trend["revenue"].iloc[-1])}
    checks = reconcile(sales, start, cut, current, parts, pvm_category)
    excluded_lines = in_period(sales.excluded, start, cut)
    no_date = sales.excluded[sales.excluded["date"].isna()]
    if len(no_date):
        excluded_lines = pd.concat([excluded_lines, no_date])
    distribution = (
        cur[cur["customer"] != UNKNOWN]
        .groupby("region", sort=False)
        .agg(customers=("customer", "nunique"), revenue=("revenue", "sum"), orders=("order_id", "nunique"))
        .sort_values("revenue", ascending=False)
        .reset_index()
    )
    return Report(
        period=period,
        start=start,
        end=end,
        current=current,
        previous=measures(prev),
        year_ago=measures(year_ago),
        customers=customer_mix(lines, start, end),
        breakdowns=breakdowns,
        top_customers=top_customers,
        top_products=top_products,
        pvm_category=pvm_category,
        pvm_product=pvm_product,
        customer_moves=customer_moves,
        product_moves=product_moves,
        explanation=explain(
            period,
            cur,
            prev,
            year_ago,
            pvm_category,
            customer_moves,
            product_moves,
            names,
            sales.currency,
            through=cut - dt.timedelta(days=1) if cut < end else None,
            min_base=min_base,
        ),
        cut=cut,
        min_base=min_base,
        skipped=sales.skipped,
        trend=trend,
        checks=checks,
        excluded=excluded_summary(excluded_lines),
        excluded_lines=excluded_lines,
        distribution=distribution,
        names=names,
        description=sales.description,
        currency=sales.currency,
    )


# --------------------------------------------------------------------------- JSON (neiqin report --json)


def _num(value: Any, digits: int = 2) -> Any:
    """A figure for JSON: amounts half-up to the fen (``money.fen``: the one rounding rule), ratios to ``digits``."""
    if value is None:
        return None
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return None
    rounded = fen(value) if digits == 2 else round(value, digits)
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def report_json(sales: Sales, period: Period, by: str | None = None, start: dt.date | None = None) -> dict[str, Any]:
    """The ``neiqin report --json`` document (see the README for the contract)."""
    lines = sales.lines
    excluded = sales.excluded
    checks: list[Check] = []
    if start is not None:
        start = period_start(start, period)
        end = period_end(start, period)
        lines = in_period(lines, start, end)
        excluded = pd.concat([in_period(excluded, start, end), excluded[excluded["date"].isna()]])
    rows = summarize(lines, period, by)
    total = measures(lines)
    if start is not None:
        checks = reconcile(sales, start, end, total, {"各行之和": float(rows["revenue"].sum())})
    elif len(lines):
        first = period_start(pd.Timestamp(sales.all["date"].min()).date(), period)
        last = period_end(period_start(pd.Timestamp(sales.all["date"].max()).date(), period), period)
        checks = reconcile(sales, first, last, total, {"各行之和": float(rows["revenue"].sum())})
    out_rows = []
    by_key = by
    for rec in rows.to_dict("records"):
        item: dict[str, Any] = {"period": rec["period"]}
        if by_key:
            value = rec[by_key]
            item[by_key] = None if value == UNKNOWN else value
        item.update({k: _num(rec[k]) for k in ("revenue", "quantity", "profit", "orders", "lines", "customers")})
        out_rows.append(item)
    totals = {k: _num(total[k]) for k in ("revenue", "quantity", "profit", "orders", "lines", "customers")}
    totals["aov"] = _num(total["aov"])
    totals["margin"] = _num(total["margin"], 4)
    return {
        "period": period,
        "by": by,
        "date": period_label(start, period) if start else None,
        "rows": out_rows,
        "totals": totals,
        "excluded": [
            {"sheet": s, "row": int(r), "order_id": o, "reason": why}
            for s, r, o, why in zip(
                excluded["sheet"], excluded["row"], excluded["order_id"], excluded["reason"], strict=True
            )
        ],
        "skipped": [
            {"sheet": sheet, "row": row, "reason": sales.skip_reasons.get((sheet, row), "")}
            for sheet, row in sales.skipped
        ],
        "orders_by": sales.orders_by,
        "notes": list(sales.notes),
        # nothing counted is a failed report, never "reconciled" with no checks
        "reconciled": bool(len(sales.lines)) and all(c.ok for c in checks),
        "checks": [
            {"name": c.name, "expected": _num(c.expected), "actual": _num(c.actual), "ok": c.ok} for c in checks
        ],
    }


# what a summary (report_json, NQ_SALES) reads; a report tab reads every field
SUMMARY_FIELDS = frozenset({"order_id", "order_date", "customer", "quantity", "unit_price", "amount", "unit_cost"})
SUMMARY_FIELDS |= {"profit", "status"}


def summary_fields(by: str | None) -> set[str]:
    """The fields ``report_json`` needs for a summary grouped by ``by``."""
    fields = set(SUMMARY_FIELDS)
    if by:
        fields.add("product_code" if by == "product" else BY_FIELDS[by][0])
    return fields


def resolve_by(value: str | None) -> str | None:
    """A --by value: an English field name or its Chinese label; ValueError otherwise."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    name = BY_ALIASES.get(text, text)
    if name not in BY_FIELDS:
        choices = "、".join(f"{k}（{v[1]}）" for k, v in BY_FIELDS.items() if k != "product_code")
        raise ValueError(f"不能按『{text}』分组；可选：{choices}")
    return "product" if name == "product_code" else name


def on_time_rate(sales: Sales, start: dt.date, end: dt.date, today: dt.date | None = None) -> OnTime:
    """按时交付率 of the lines due in [start, end] (the order ledger's one definition, ``metrics.on_time``)."""
    a = sales.all
    return on_time(
        a["delivery_date"], a["ship_date"], a["reason"] == REASON_CANCELLED, today or dt.date.today(), start, end
    )
