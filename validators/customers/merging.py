"""合并客户 / 撤销合并 as pure planners.

A confirmed group of 『重复客户』 (exactly one record marked 「保留」=是) is merged into that record:
the survivor keeps, field by field, the non-empty value of the most recently updated record
(「最后更新」; the survivor wins ties), every line of 『订单台账』 and 『订单归档』 naming a merged
customer is re-pointed to the survivor (an archived line gets its new 校验值, and the store
keeps the re-pointed version), the merged records leave 客户档案 and are kept in the store with
everything needed to undo the merge (:func:`plan_unmerge`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from neiqin.base.text import fold
from neiqin.core.ledger import Ledger
from neiqin.core.plan import Append, Plan
from validators.archive import digest, line_values
from validators.orders.rules import line_keys

from .planners import DUPES_SHEET, KEEP

_FIXED = ("customer_id", "name")  # the survivor's own: orders name it, other sheets refer to it


def encode(value: Any) -> Any:
    """A cell value as JSON keeps it, its type restored by :func:`decode` (dates stay dates)."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, float) and value != value:
        return None
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
    return value


@dataclass
class Merge:
    """One merge as the store keeps it (``data`` is JSON-ready)."""

    merge_id: str
    survivor: str
    merged_ids: list[str]
    data: dict[str, Any]


@dataclass
class MergePlan:
    plan: Plan
    merges: list[Merge] = field(default_factory=list)
    delete_rows: list[int] = field(default_factory=list)  # rows of 客户档案 to delete after the writes
    archived_lines: list[dict[str, Any]] = field(default_factory=list)  # re-pointed 订单归档 lines, for the store
    archived_digests: list[str] = field(default_factory=list)


def _raw(ledger: Ledger, name: str, pos: int) -> Any:
    value = ledger.raw[name][pos] if ledger.has(name) else None
    return None if value == "" else value


def _updated(ledger: Ledger, pos: int) -> dt.date:
    if not ledger.has("updated"):
        return dt.date.min
    value = ledger.frame["updated"].iloc[pos]
    if value is None or value != value:
        return dt.date.min
    return value.date() if hasattr(value, "date") else value


def confirmed_groups(marks: list[dict[str, Any]]) -> tuple[list[tuple[Any, str, list[str]]], list[str]]:
    """(group number, survivor, others) of every group with exactly one 保留=是, and what was wrong with others."""
    members: dict[Any, list[tuple[str, bool]]] = defaultdict(list)
    for row in marks:
        number, cid = row.get("组号"), row.get("客户编号")
        if number in (None, "—") or cid is None:
            continue
        if isinstance(number, float) and number.is_integer():
            number = int(number)  # as Excel gives numbers back
        members[number].append((str(cid), str(row.get("保留") or "").strip() == KEEP))
    groups: list[tuple[Any, str, list[str]]] = []
    problems: list[str] = []
    for number, ids in members.items():
        keep = [cid for cid, kept in ids if kept]
        if len(keep) > 1:
            problems.append(f"第 {number} 组标了 {len(keep)} 家「保留」（{'、'.join(keep)}），只能保留一家，本组未合并")
        elif keep:
            groups.append((number, keep[0], [cid for cid, _ in ids if cid != keep[0]]))
    return groups, problems


def _repoint(ledger: Ledger | None, names: dict[str, str], kind: str) -> tuple[dict[tuple[int, int], Any], list[dict]]:
    """Cells re-pointing lines of ``ledger`` whose 客户名称 folds to a key of ``names``, and what they were."""
    cells: dict[tuple[int, int], Any] = {}
    lines: list[dict[str, Any]] = []
    if ledger is None or not ledger.has("customer") or not names:
        return cells, lines
    keys = line_keys(ledger.raw["order_id"], ledger.raw["product_code"]) if ledger.has("order_id") else []
    for pos, value in enumerate(ledger.raw["customer"]):
        if value is None or fold(value) not in names:
            continue
        new = names[fold(value)]
        row = ledger.rows[pos]
        cells[(row, ledger.col("customer"))] = new
        line = {"ledger": kind, "key": list(keys[pos]) if keys else [str(row)], "old": encode(value), "new": new}
        if kind == "archive" and ledger.has("digest"):
            values = line_values(ledger, pos)
            values["customer"] = new
            line["old_digest"], line["new_digest"] = ledger.raw["digest"][pos], digest(values)
            line["values"] = {k: encode(v) for k, v in values.items()}
            cells[(row, ledger.col("digest"))] = line["new_digest"]
        lines.append(line)
    return cells, lines


def plan_merge(
    customers: Ledger,
    marks: list[dict[str, Any]],
    orders: Ledger | None,
    archive: Ledger | None,
    now: dt.datetime,
) -> MergePlan:
    """Merge every confirmed group of 『重复客户』 (see the module docstring)."""
    # Long because one pass decides every group, its survivor's values and every re-pointed line, in order.
    groups, problems = confirmed_groups(marks)
    result = MergePlan(Plan(rows=len(customers)))
    plan = result.plan
    ids = [None if v is None else str(v) for v in customers.raw["customer_id"]]
    where: dict[str, list[int]] = defaultdict(list)
    for pos, cid in enumerate(ids):
        if cid is not None:
            where[cid].append(pos)
    fields = [c.field for c in customers.model.columns() if customers.has(c.field)]
    names: dict[str, str] = {}  # folded merged name -> survivor's name
    for number, survivor, others in groups:
        missing = [cid for cid in (survivor, *others) if len(where.get(cid, [])) != 1]
        if missing:
            problems.append(
                f"第 {number} 组的客户 {'、'.join(missing)} 在客户档案中找不到或编号重复（可能已合并过），"
                "本组未合并；请重新『查找重复客户』"
            )
            continue
        s_pos = where[survivor][0]
        o_pos = [where[cid][0] for cid in others]
        by_recency = sorted([s_pos, *o_pos], key=lambda p: (_updated(customers, p), p == s_pos), reverse=True)
        before: dict[str, Any] = {}
        for name in fields:
            if name in _FIXED:
                continue
            current = _raw(customers, name, s_pos)
            chosen = next((v for p in by_recency if (v := _raw(customers, name, p)) is not None), None)
            if chosen is not None and chosen != current:
                before[name] = encode(current)
                plan.write(customers.sheet, customers.rows[s_pos], customers.col(name), chosen)
        s_name = str(_raw(customers, "name", s_pos))
        for p in o_pos:
            other = _raw(customers, "name", p)
            if other is not None and fold(other) != fold(s_name):
                names[fold(other)] = s_name
        records = [{"_row": customers.rows[p], **{n: encode(_raw(customers, n, p)) for n in fields}} for p in o_pos]
        result.delete_rows += [customers.rows[p] for p in o_pos]
        result.merges.append(
            Merge(
                f"M{now:%Y%m%d%H%M%S}-{survivor}"[:40],
                survivor,
                others,
                {"survivor_before": before, "records": records, "lines": []},
            )
        )
    # lines are re-pointed once for all groups; each line is kept with the merge of its survivor
    by_survivor = {m.survivor: m for m in result.merges}
    survivor_of_name = {fold(str(_raw(customers, "name", where[m.survivor][0]))): m.survivor for m in result.merges}
    for ledger, kind in ((orders, "orders"), (archive, "archive")):
        cells, lines = _repoint(ledger, names, kind)
        if ledger is None or not cells:
            continue
        plan.cells.setdefault(ledger.sheet, {}).update(cells)
        for line in lines:
            by_survivor[survivor_of_name[fold(line["new"])]].data["lines"].append(line)
            if kind == "archive" and "values" in line:
                result.archived_lines.append({k: decode(v) for k, v in line.pop("values").items()})
                result.archived_digests.append(line["new_digest"])
    counted = {
        k: sum(1 for m in result.merges for x in m.data["lines"] if x["ledger"] == k) for k in ("orders", "archive")
    }
    merged = sum(len(m.merged_ids) for m in result.merges)
    if result.merges:
        plan.message = (
            f"合并了 {len(result.merges)} 组重复客户（{merged} 家并入保留的客户），"
            f"改指 订单台账 {counted['orders']} 行、订单归档 {counted['archive']} 行；被合并的档案已存入数据库，"
            "可用『撤销合并』恢复。"
        )
    elif problems:
        plan.message = "没有合并任何客户，原因见下。"
    else:
        plan.message = f"『{DUPES_SHEET}』中没有确认的组（每组在「保留」列给一家填「{KEEP}」）；未合并。"
    plan.details += problems
    plan.outcome = "issues" if problems else "ok"
    return result


def plan_unmerge(customers: Ledger, merge: dict[str, Any], orders: Ledger | None, archive: Ledger | None) -> Plan:
    """Put back what one merge changed: the survivor's values, the merged records, the re-pointed lines."""
    plan = Plan(rows=len(customers))
    data = merge["data"]
    ids = [None if v is None else str(v) for v in customers.raw["customer_id"]]
    if merge["survivor"] in ids:
        pos = ids.index(merge["survivor"])
        for name, value in data["survivor_before"].items():
            if customers.has(name):
                plan.write(customers.sheet, customers.rows[pos], customers.col(name), decode(value))
    else:
        plan.details.append(f"保留的客户 {merge['survivor']} 已不在客户档案中，其资料未改回")
    back = [
        {k: decode(v) for k, v in r.items() if k != "_row"} for r in sorted(data["records"], key=lambda r: r["_row"])
    ]
    plan.appends.append(Append("customers", [r for r in back if str(r.get("customer_id")) not in ids]))
    missing = 0
    for ledger, kind in ((orders, "orders"), (archive, "archive")):
        lines = [x for x in data["lines"] if x["ledger"] == kind]
        if not lines:
            continue
        if ledger is None or not ledger.has("customer"):
            missing += len(lines)
            continue
        keys = line_keys(ledger.raw["order_id"], ledger.raw["product_code"]) if ledger.has("order_id") else []
        at = {tuple(k): pos for pos, k in enumerate(keys)}
        for line in lines:
            pos = at.get(tuple(line["key"]))
            if pos is None or fold(ledger.raw["customer"][pos]) != fold(line["new"]):
                missing += 1
                continue
            row = ledger.rows[pos]
            plan.write(ledger.sheet, row, ledger.col("customer"), decode(line["old"]))
            if "old_digest" in line and ledger.has("digest") and ledger.raw["digest"][pos] == line["new_digest"]:
                plan.write(ledger.sheet, row, ledger.col("digest"), line["old_digest"])
    restored = len(data["lines"]) - missing
    plan.message = (
        f"已撤销 {merge['merged_at']:%Y-%m-%d %H:%M} 的合并：恢复客户 {'、'.join(merge['merged_ids'])}，"
        f"{restored} 行订单改回原客户。"
    )
    if missing:
        plan.details.append(f"{missing} 行订单已不在原处或客户已被改过（可能已归档或删除），未改回；请人工核对")
        plan.outcome = "issues"
    return plan
