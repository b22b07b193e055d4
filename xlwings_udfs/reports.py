"""Sales-report worksheet functions (Windows Excel, xlwings UDFs).

Each function takes ``data``: a range whose first row holds the order ledger's headers
(订单编号, 接单日期, 客户名称, 金额 … — the same names and synonyms the ledger reader
accepts, e.g. ``订单台账!A3:W2000`` or a whole Excel table ``tbl_orders[#全部]``). They
are thin wrappers of :mod:`validators.sales.reports`, so a cell shows exactly what the report
tabs show. A problem comes back as a readable cell value starting with 「错误：」,
never a stack trace.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

import xlwings as xw

from neiqin.base.errors import NeiQinError
from validators.sales.reports import (
    MEASURES,
    PVM_LABELS,
    REASON_CANCELLED,
    UNKNOWN,
    Sales,
    in_period,
    measures,
    on_time_rate,
    parse_period,
    period_end,
    pvm,
    resolve_by,
    summarize,
)
from validators.sales.sources import read_values

Table = list[list[Any]]


def _error(message: str) -> str:
    return f"错误：{message}"


def _safe(table: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Turn any failure into a readable cell value (a 1×1 table for spilling functions)."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except (ValueError, NeiQinError) as exc:  # the clerk's input: the message says what to change
                text = _error(str(exc))
            except Exception:  # a bug: the traceback goes to the log, the cell says so
                logging.getLogger("neiqin.udfs").exception("%s failed", func.__name__)
                text = _error(f"NeiQin 内部错误（{func.__name__}），详细信息已写入 NeiQin 日志，请发给管理员")
            return [[text]] if table else text

        return inner

    return wrap


def _sales(data: Any) -> Sales:
    if not data or not isinstance(data, list) or not isinstance(data[0], list) or len(data) < 2:
        raise ValueError("data 应为带表头行的区域（至少一行表头和一行数据）")
    return read_values(data, "data")


def _day(value: Any, what: str) -> dt.date:
    if value is None or value == "":
        raise ValueError(f"缺少{what}")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    _kind, start = parse_period(value, "day")
    return start


def _as_text(value: Any) -> str:
    """A filter value as the reader stores text: 1001.0 → "1001", full-width → half-width."""
    import unicodedata

    from neiqin.core.ledger import parse_text

    text = parse_text(value) or ""
    return unicodedata.normalize("NFKC", text).strip()


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN: unknown
        return ""
    return value


@xw.func
@xw.arg("data", ndim=2, doc="订单数据区域，第一行为表头（订单编号、接单日期、客户名称、金额……）")
@xw.arg("period", doc="期间：month 月 / week 周 / day 日")
@xw.arg("by", doc="分组（可空）：region 区域、customer 客户、category 产品类别、product 产品、sales_rep 销售员")
@xw.arg("date", doc="只看这一期（可空）：期间内任一日期，或 2026-11、2026-W48")
@_safe(table=True)
def NQ_SALES(data: Any, period: str = "month", by: Any = None, date: Any = None) -> Table:
    """按期间（和分组）汇总销售额、销量、毛利、订单数、行数，结果向下溢出成表。

    与『月报』『周报』『日报』及 neiqin report 的数字完全一致；已取消、缺日期、金额无法确定的行不计入。
    """
    kind = _period(period)
    group = resolve_by(by if by not in (None, "") else None)
    sales = _sales(data)
    lines = sales.lines
    if date not in (None, ""):
        _k, start = parse_period(date, kind)
        lines = in_period(lines, start, period_end(start, kind))
    table = summarize(lines, kind, group)
    from validators.sales.reports import BY_FIELDS

    header = ["期间", *([BY_FIELDS[group][1]] if group else []), "销售额", "销量", "毛利", "订单数", "行数", "客户数"]
    out: Table = [header]
    for rec in table.to_dict("records"):
        row = [rec["period"]]
        if group:
            row.append("" if rec[group] == UNKNOWN else rec[group])
        row += [_plain(rec[k]) for k in ("revenue", "quantity", "profit", "orders", "lines", "customers")]
        out.append(row)
    if len(out) == 1:
        out.append(["（没有数据）"] + [""] * (len(header) - 1))
    note = _left_out(sales)
    if note:
        out.append([note] + [""] * (len(header) - 1))
    return out


def _left_out(sales: Sales) -> str:
    """A last row saying which lines of ``data`` were not counted, and why (empty when none)."""
    excluded = sales.excluded[sales.excluded["reason"] != REASON_CANCELLED]  # cancelled lines are not a problem
    if not len(excluded):
        return ""
    problems = {(i.row, i.column): i.message for i in sales.issues if i.severity == "error"}
    first = excluded.iloc[0]
    why = next((f"「{col}」{msg}" for (row, col), msg in problems.items() if row == first["row"]), first["reason"])
    return f"注：data 中有 {len(excluded)} 行未计入（如第 {int(first['row'])} 行：{why}）"


def _period(value: Any) -> Any:
    text = str(value or "month").strip().lower()
    aliases = {"月": "month", "月报": "month", "周": "week", "周报": "week", "日": "day", "日报": "day"}
    text = aliases.get(text, text)
    if text not in ("day", "week", "month"):
        raise ValueError(f"period 应为 month、week 或 day，而不是『{value}』")
    return text


@xw.func
@xw.arg("data", ndim=2, doc="订单数据区域，第一行为表头")
@xw.arg("measure", doc="指标：销售额 revenue、销量 quantity、毛利 profit、订单数 orders、行数 lines、客户数 customers")
@xw.arg("start", doc="开始日期（含）")
@xw.arg("end", doc="结束日期（含）")
@xw.arg("field", doc="筛选字段（可空）：region、customer、category、product、sales_rep")
@xw.arg("value", doc="筛选值（可空），如 华东")
@_safe(table=False)
def NQ_TOTAL(data: Any, measure: str, start: Any, end: Any, field: Any = None, value: Any = None) -> Any:
    """一段日期内（含首尾两天）的一个指标，可按一个字段筛选；毛利未知时返回空。"""
    from validators.sales.reports import BY_FIELDS, MEASURE_ALIASES

    key = MEASURE_ALIASES.get(str(measure).strip(), str(measure).strip().lower())
    if key not in MEASURES:
        raise ValueError(f"measure 应为 {'、'.join(MEASURES.values())} 之一")
    first, last = _day(start, "开始日期"), _day(end, "结束日期")
    if last < first:
        raise ValueError("结束日期早于开始日期")
    sales = _sales(data)
    lines = in_period(sales.lines, first, last + dt.timedelta(days=1))
    if field not in (None, ""):
        name = resolve_by(field)
        assert name is not None
        column = BY_FIELDS[name][0]
        wanted = _as_text(value)
        if wanted not in set(sales.all[column].unique()):
            raise ValueError(f"data 中没有{BY_FIELDS[name][1]}为『{wanted}』的行")
        lines = lines[lines[column] == wanted]
    result = measures(lines)[key]
    return "" if result is None else result


@xw.func
@xw.arg("data", ndim=2, doc="订单数据区域，第一行为表头")
@xw.arg("period_a", doc="基期，如 2026-10、2026-W47 或日期")
@xw.arg("period_b", doc="比较期，如 2026-11")
@xw.arg("by", doc="分解维度：category 产品类别（默认）或 product 产品")
@_safe(table=True)
def NQ_PVM(data: Any, period_a: Any, period_b: Any, by: Any = "category") -> Table:
    """两期之间销售额变化的价格-销量-结构分解（按产品类别或产品），末行为合计；各项之和等于变化。"""
    kind_a, start_a = parse_period(period_a)
    kind_b, start_b = parse_period(period_b, kind_a)
    if kind_a != kind_b:
        raise ValueError("两个期间的类型应相同（都为月、周或日）")
    name = resolve_by(by if by not in (None, "") else "category")
    if name not in ("category", "product"):
        raise ValueError("by 应为 category（产品类别）或 product（产品）")
    lines = _sales(data).lines
    a = in_period(lines, start_a, period_end(start_a, kind_a))
    b = in_period(lines, start_b, period_end(start_b, kind_b))
    result = pvm(a, b, name)
    labels = [PVM_LABELS[k] + "影响" for k in ("price", "volume", "mix")] + [
        PVM_LABELS[k] for k in ("new", "lost", "other")
    ]
    header = ["产品类别" if name == "category" else "产品", "基期销售额", "比较期销售额", *labels, "变化"]
    cols = ["revenue_a", "revenue_b", "price", "volume", "mix", "new", "lost", "other", "change"]
    out: Table = [header]
    for rec in result.table.to_dict("records"):
        out.append([rec["item"], *(_plain(rec[c]) for c in cols)])
    comp = result.components
    out.append(
        [
            "合计",
            float(result.table["revenue_a"].sum()),
            float(result.table["revenue_b"].sum()),
            *(comp[k] for k in ("price", "volume", "mix", "new", "lost", "other")),
            result.change,
        ]
    )
    return out


@xw.func
@xw.arg("data", ndim=2, doc="订单数据区域，第一行为表头（需要 交货日期 和 发货日期）")
@xw.arg("start", doc="交货日期从（含）")
@xw.arg("end", doc="交货日期到（含）")
@_safe(table=False)
def NQ_ONTIME(data: Any, start: Any, end: Any) -> Any:
    """按时交付率：交货日期在这段时间内的行中，发货日期不晚于交货日期的比例（不含已取消）。"""
    first, last = _day(start, "开始日期"), _day(end, "结束日期")
    if last < first:
        raise ValueError("结束日期早于开始日期")
    sales = _sales(data)
    rate = on_time_rate(sales, first, last).rate
    if rate is None:
        return "（这段时间没有到期的订单行）"
    return rate
