"""客户档案 workflows as pure planners: ledgers (and what the store kept) in, a Plan out.

『查找重复客户』 (:func:`plan_duplicates`) runs the blocking duplicate finder of
:mod:`neiqin.core.china.dupes` over the archive and lays its groups out in 『重复客户』 with the
evidence and a score per group; the clerk marks the record to keep in 「保留」. Nothing here
touches a workbook or the store, and every value quoted is masked (:func:`.privacy.redact`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from neiqin.base.errors import NeiQinError
from neiqin.core.china.dupes import Customer, DuplicateReport, find_duplicates
from neiqin.core.config import Settings
from neiqin.core.ledger import Ledger, display
from neiqin.core.plan import Output, Plan

from .privacy import redact

DUPES_SHEET = "重复客户"
DUPES_HEADER = ["组号", "得分", "客户编号", "客户名称", "负责销售", "所在地", "最后更新", "档案行", "依据", "保留"]
DUPES_WIDTHS: list[float] = [6, 6, 10, 30, 8, 14, 11, 7, 60, 6]
KEEP = "是"  # what the clerk writes in 保留 for the record that stays
_FINDER_FIELDS = ("name", "uscc", "mobile", "phone", "email", "address", "province", "city")


def column_values(ledger: Ledger, name: str) -> list[Any]:
    """A column as a list, None for empty cells (all None when the sheet lacks the column)."""
    if not ledger.has(name):
        return [None] * len(ledger.rows)
    return [None if v is None or v != v else v for v in ledger.frame[name].tolist()]


def need(ledger: Ledger, *fields: str) -> None:
    """Stop with one Chinese line when the archive lacks a column the action needs."""
    missing = [ledger.model.column(f).header for f in fields if not ledger.has(f)]
    if missing:
        raise NeiQinError(f"『{ledger.sheet}』缺少列：{'、'.join(missing)}；请在表头行加上这些列")


def finder_records(ledger: Ledger) -> list[Customer]:
    """The archive as the duplicate finder reads it; a record's id is its Excel row (客户编号 may repeat)."""
    columns = {name: column_values(ledger, name) for name in _FINDER_FIELDS}
    return [
        Customer(str(row), **{name: columns[name][pos] for name in _FINDER_FIELDS})
        for pos, row in enumerate(ledger.rows)
    ]


def _where(province: Any, city: Any, district: Any) -> str:
    return "".join(dict.fromkeys(str(v).strip() for v in (province, city, district) if v is not None))


def duplicate_rows(
    report: DuplicateReport, info: Mapping[str, list[Any]], marks: Mapping[str, str] | None = None
) -> list[list[Any]]:
    """『重复客户』's rows: one per record of each group (evidence against the others, masked), then the
    values too common to count. ``info``: Excel row (as text) -> [客户编号, 名称, 负责销售, 所在地, 最后更新];
    ``marks``: 客户编号 -> what the clerk had written in 保留 (kept when the group is found again)."""
    marks = marks or {}
    rows: list[list[Any]] = []
    for number, group in enumerate(report.groups, start=1):
        said: dict[str, list[str]] = defaultdict(list)
        for pair in group.pairs:
            said[pair.a].append(f"与 {info[pair.b][0]}：{pair.text}")
            said[pair.b].append(f"与 {info[pair.a][0]}：{pair.text}")
        for member in group.ids:
            customer_id, name, rep, where, updated = info[member]
            evidence = redact("；".join(said[member]))
            mark = marks.get(str(customer_id)) if customer_id is not None else None
            rows.append([number, group.strength, customer_id, name, rep, where, updated, int(member), evidence, mark])
    for common in report.too_common:
        rows.append(["—", None, None, None, None, None, None, None, redact(common.text), None])
    return rows


def plan_duplicates(ledger: Ledger, settings: Settings, today: dt.date, marks: Mapping[str, str] | None = None) -> Plan:
    """『重复客户』: groups of probable duplicates (same credit code, mobile, e-mail, name after
    normalising, near names …) with their evidence and score, strongest first; 「保留」 for the clerk."""
    need(ledger, "customer_id", "name")
    report = find_duplicates(
        finder_records(ledger), near_threshold=settings.near_threshold, max_shared=settings.shared_limit
    )
    ids, names, reps = (column_values(ledger, n) for n in ("customer_id", "name", "sales_rep"))
    provinces, cities, districts = (column_values(ledger, n) for n in ("province", "city", "district"))
    updated = column_values(ledger, "updated")
    in_groups = {member for g in report.groups for member in g.ids}
    info: dict[str, list[Any]] = {}
    for pos, row in enumerate(ledger.rows):
        if str(row) in in_groups:
            when = updated[pos]
            info[str(row)] = [
                ids[pos] if ids[pos] is not None else f"第{row}行",
                names[pos],
                reps[pos],
                _where(provinces[pos], cities[pos], districts[pos]) or None,
                display(when) if when is not None else None,
            ]
    rows = duplicate_rows(report, info, marks)
    members = len(in_groups)
    note = (
        f"{today:%Y-%m-%d} 查找：{len(ledger)} 家客户中有 {len(report.groups)} 组可能重复（涉及 {members} 家），"
        f"得分高的在前（信用代码相同 100、名称相同 90、手机相同 80 …）。每组在「保留」列给要保留的客户填「{KEEP}」，"
        "同组其余客户将并入它；不是重复的组「保留」留空。然后点『合并客户』。"
    )
    plan = Plan(rows=len(ledger))
    plan.outputs.append(
        Output(
            DUPES_SHEET,
            "重复客户",
            note,
            DUPES_HEADER,
            rows,
            widths=DUPES_WIDTHS,
            wrap=[9],
            empty="（没有找到可能重复的客户）",
            after=ledger.sheet,
        )
    )
    if report.groups:
        plan.message = (
            f"{len(ledger)} 家客户中找到 {len(report.groups)} 组可能重复（涉及 {members} 家），见『重复客户』；"
            f"请在「保留」列标出每组要保留的客户，再点『合并客户』。"
        )
    else:
        plan.message = f"{len(ledger)} 家客户中没有找到可能重复的客户。"
    if report.too_common:
        plan.details.append(
            f"{len(report.too_common)} 个号码或名称被多家客户共用（占位或公用号码），"
            "不作为重复依据，列在『重复客户』末尾。"
        )
    return plan
