"""文件登记及时率 (regulation 五.1), computed from the registers' 登记时间 and the action log.

『收文登记』 and 『发文编号』 write the time they numbered a document into its 登记时间; the action
log says who ran the action at that time (as 订单处理及时率 attributes order lines to 『确认订单』).
A received document is registered on time when it was numbered within 「收文登记时限(天)」 of its
收到日期; a document sent out when it was numbered no later than its 发文日期 (a document is
numbered before it goes out). Lines without a 登记时间 (numbered by hand, or before the column
existed) belong to nobody and are not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from neiqin.core.kpi import Evidence, Kpi, KpiInputs, KpiResult, register_kpi, share
from neiqin.core.ledger import Ledger

from .rules import value

REGISTER_ACTION = "register_incoming"
NUMBER_ACTION = "number_outgoing"


def _stamp(v: Any) -> dt.datetime | None:
    """A 登记时间 cell as a datetime (None when empty or not a time)."""
    if v is None or v != v:
        return None
    if hasattr(v, "to_pydatetime"):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        return v
    return None


def _registered(ledger: Ledger | None, *fields: str) -> Iterator[tuple[int, dt.datetime, dict[str, Any]]]:
    """(Excel row, 登记时间, {field: value}) of every line of ``ledger`` that has a 登记时间."""
    if ledger is None or not ledger.has("registered_at"):
        return
    stamps = ledger.frame["registered_at"].tolist()
    columns = {name: ledger.frame[name].tolist() for name in fields if ledger.has(name)}
    for pos, row in enumerate(ledger.rows):
        when = _stamp(stamps[pos])
        if when is not None:
            yield row, when, {name: value(columns[name][pos]) if name in columns else None for name in fields}


def document_timeliness(inputs: KpiInputs) -> KpiResult:
    """文件登记及时率."""
    actions = inputs.source("actions")
    limit = inputs.settings.registration_days
    evidence: list[Evidence] = []
    kept = counted = 0
    incoming: Ledger | None = inputs.sources.get("incoming_docs")
    for row, when, cells in _registered(incoming, "number", "title", "received_on"):
        if not inputs.in_month(when) or actions.who_ran(REGISTER_ACTION, when) != inputs.clerk:
            continue
        received = cells["received_on"]
        if received is None:
            continue
        days = (when.date() - received).days
        ok = days <= limit
        counted += 1
        kept += ok
        evidence.append(
            Evidence(
                f"收文 {cells['number'] or '（无编号）'}《{cells['title']}》（『{incoming.sheet}』第 {row} 行）："  # type: ignore[union-attr]
                f"收到 {received:%Y-%m-%d}，登记 {when:%Y-%m-%d %H:%M}，{days} 天"
                f"{'，未超过' if ok else '，超过'} {limit} 天",
                ok,
            )
        )
    outgoing: Ledger | None = inputs.sources.get("outgoing_docs")
    for row, when, cells in _registered(outgoing, "number", "title", "issued_on"):
        if not inputs.in_month(when) or actions.who_ran(NUMBER_ACTION, when) != inputs.clerk:
            continue
        issued = cells["issued_on"]
        ok = issued is None or when.date() <= issued
        counted += 1
        kept += ok
        sent = f"发文日期 {issued:%Y-%m-%d}" if issued is not None else "尚未发出"
        evidence.append(
            Evidence(
                f"发文 {cells['number'] or '（无字号）'}《{cells['title']}》（『{outgoing.sheet}』第 {row} 行）："  # type: ignore[union-attr]
                f"编号 {when:%Y-%m-%d %H:%M}，{sent}{'' if ok else '，发出后才编号'}",
                ok,
            )
        )
    return share(kept, counted, evidence, "无数据：本月该内勤没有登记收文或编号发文")


KPIS = (
    Kpi(
        "document_timeliness",
        "文件登记及时率",
        "该内勤本月编号登记的收文和发文中按时登记的份数 ÷ 份数："
        "收文在收到日期后「收文登记时限(天)」内由『收文登记』编号，"
        "发文在发文日期当天或之前由『发文编号』编号。谁登记的按「登记时间」与操作日志对应；没有登记时间的行不计入。",
        "%",
        True,
        ("actions",),
        "『收文登记』或『发文登记』",
        document_timeliness,
        category="工作质量",
        training="内勤工作流程和标准",
        any_of=("incoming_docs", "outgoing_docs"),
    ),
)

for _kpi in KPIS:
    register_kpi(_kpi)
