"""The checks of the office-supplies ledgers: catalogue, receiving inspection, issues, quotas, quotes."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from neiqin.base.text import code_key
from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger

from .codes import SupplyCode
from .stock import Adjustment, catalogue, lines, moves, qty, replay, text


@dataclass
class SupplySnapshot:
    """What the checks of 领用登记 need from the store: posted adjustments, the open stocktake."""

    adjustments: list[Adjustment] = field(default_factory=list)
    open_stocktake: Any = None  # validators.supplies.store.OpenStocktake


def check_min_max(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """物品目录: 最低库存 is not above 最高库存."""
    found = []
    for row, v in lines(ledger):
        low, high = v.get("min_stock"), v.get("max_stock")
        if low is not None and high is not None and low > high:
            found.append(ledger.issue(SupplyCode.SUP_MIN_OVER_MAX, row, "max_stock", low=qty(low), high=qty(high)))
    return found


def check_known_items(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Every 物品编码 is an item of 物品目录 (when the workbook has 物品目录)."""
    if ctx.companion("supplies") is None or not ledger.has("item_code"):
        return []
    known = catalogue(ctx.companion("supplies"))
    return [
        ledger.issue(SupplyCode.SUP_UNKNOWN_ITEM, row, "item_code", item=v["item_code"])
        for row, v in lines(ledger)
        if text(v.get("item_code")) and code_key(v["item_code"]) not in known
    ]


def check_receipt_spec(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """入库登记: the received 规格 is the catalogue's (compared as codes are: case, spaces, dashes aside)."""
    if ctx.companion("supplies") is None or not ledger.has("spec"):
        return []
    known = catalogue(ctx.companion("supplies"))
    found = []
    for row, v in lines(ledger):
        item = known.get(code_key(v.get("item_code") or ""))
        spec = text(v.get("spec"))
        if item is not None and spec and item.spec and code_key(spec) != code_key(item.spec):
            found.append(
                ledger.issue(SupplyCode.SUP_SPEC_MISMATCH, row, "spec", spec=spec, item=item.code, catalogue=item.spec)
            )
    return found


def check_receipt_quantities(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """入库登记: 实收 ≠ 应收 is flagged; 部分合格 needs 合格数量, never more than 实收."""
    values = ctx.settings.inspection_values
    found = []
    for row, v in lines(ledger):
        due, got = v.get("due_qty"), v.get("got_qty")
        if due is not None and got is not None and abs(due - got) > 1e-9:
            found.append(
                ledger.issue(
                    SupplyCode.SUP_SHORT_RECEIPT, row, "got_qty", got=qty(got), due=qty(due), diff=qty(abs(due - got))
                )
            )
        result = text(v.get("result"))
        if got is not None and not result:
            found.append(
                ledger.issue(SupplyCode.SUP_RECEIPT_INCOMPLETE, row, "result", what="已填实收数量，验收结果为空")
            )
        if got is None and result:
            found.append(
                ledger.issue(SupplyCode.SUP_RECEIPT_INCOMPLETE, row, "got_qty", what="已填验收结果，实收数量为空")
            )
        part = v.get("accepted")
        if text(v.get("result")) == values[2] and part is None:
            found.append(
                ledger.issue(SupplyCode.SUP_NEED_ACCEPTED, row, "accepted" if ledger.has("accepted") else "result")
            )
        if part is not None and got is not None and part > got + 1e-9:
            found.append(
                ledger.issue(SupplyCode.SUP_ACCEPTED_TOO_MANY, row, "accepted", accepted=qty(part), got=qty(got))
            )
    return found


def _snapshot(ctx: CheckContext) -> SupplySnapshot:
    return ctx.snapshot if isinstance(ctx.snapshot, SupplySnapshot) else SupplySnapshot()


def check_stock(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """领用登记: stock replayed in date order never goes below zero — the error is at the issue that would do it."""
    if ctx.companion("supply_receipts") is None and ctx.companion("supplies") is None:
        return []
    settings = ctx.settings
    items = catalogue(ctx.companion("supplies"))
    all_moves = moves(ctx.companion("supply_receipts"), ledger, _snapshot(ctx).adjustments, settings.inspection_values)
    found = []
    for step in replay(all_moves, items).refused():
        m = step.move
        item = items.get(m.item)
        unit = item.unit if item else ""
        found.append(
            ledger.issue(
                SupplyCode.SUP_NEGATIVE_STOCK,
                m.row,
                "quantity",
                date=f"{m.date:%Y-%m-%d}",
                item=item.label if item else m.item,
                qty=f"{qty(-m.quantity)}{unit}",
                before=f"{qty(step.before)}{unit}",
                after=f"{qty(step.before + m.quantity)}{unit}",
            )
        )
    return found


def _staff(ctx: CheckContext) -> dict[str, Any]:
    staff = ctx.companion("staff")
    if staff is None:
        return {}
    from validators.staff import people

    return people([v for _row, v in lines(staff)])


def check_quota(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """领用登记: issues over the monthly limit of 领用标准 (a department's total, a post's or a person's own)."""
    quotas = ctx.companion("supply_quotas")
    if quotas is None:
        return []
    staff = _staff(ctx)
    posts = {text(p.title) for p in staff.values() if p.title}
    limits: dict[tuple[str, str], float] = {}  # (scope, item key) -> limit
    for _row, v in lines(quotas):
        if text(v.get("scope")) and text(v.get("item_code")) and v.get("monthly_limit") is not None:
            limits.setdefault((text(v["scope"]), code_key(v["item_code"])), float(v["monthly_limit"]))
    items = catalogue(ctx.companion("supplies"))
    used: dict[tuple[str, str, str], float] = defaultdict(float)  # (who, item, month) -> so far
    found = []
    ordered = sorted(lines(ledger), key=lambda rv: (rv[1].get("date") or ctx.today, rv[0]))
    for row, v in ordered:
        if v.get("date") is None or not v.get("quantity") or not text(v.get("item_code")):
            continue
        item, month, amount = code_key(v["item_code"]), f"{v['date']:%Y-%m}", float(v["quantity"])
        person, department = text(v.get("receiver")), text(v.get("department"))
        post = text(staff[person].title) if person in staff and staff[person].title else ""
        for who, scope in ((department, department), (person, post if post in posts else ""), (person, person)):
            limit = limits.get((scope, item)) if scope else None
            if limit is None:
                continue
            key = (who, item, month)
            before = used[key]
            used[key] = before + amount
            excess = min(amount, used[key] - limit)
            if excess > 1e-9:
                label = items[item].label if item in items else v["item_code"]
                unit = items[item].unit if item in items else ""
                whom = who if scope == who else f"{who}（{scope}）"
                found.append(
                    ledger.issue(
                        SupplyCode.SUP_OVER_QUOTA,
                        row,
                        "quantity",
                        who=whom,
                        month=f"{v['date']:%Y 年 %m 月}",
                        item=label,
                        used=f"{qty(used[key])}{unit}",
                        limit=f"{qty(limit)}{unit}",
                        excess=f"{qty(excess)}{unit}",
                    )
                )
    return found


def check_approval(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """领用登记: an issue worth more than 领用审批金额 has an approver, and nobody approves their own issue."""
    limit = ctx.settings.approval_value
    items = catalogue(ctx.companion("supplies"))
    found = []
    for row, v in lines(ledger):
        approver, receiver = text(v.get("approver")), text(v.get("receiver"))
        item = items.get(code_key(v.get("item_code") or ""))
        value = (item.ref_price if item else 0.0) * float(v.get("quantity") or 0)
        if not approver and value > limit:
            found.append(
                ledger.issue(
                    SupplyCode.SUP_NEED_APPROVAL,
                    row,
                    "approver" if ledger.has("approver") else "quantity",
                    value=f"{value:,.2f}",
                    limit=f"{limit:,.2f}",
                )
            )
        if approver and approver == receiver:
            found.append(ledger.issue(SupplyCode.SUP_SELF_APPROVED, row, "approver", name=approver))
    return found


def check_people(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """领用人, 审批人 and 验收人 are people of 人员 (when the workbook has 人员)."""
    staff = _staff(ctx)
    if not staff:
        return []
    found = []
    for field_name, role in (("receiver", "领用人"), ("approver", "审批人"), ("inspector", "验收人")):
        if not ledger.has(field_name):
            continue
        for row, v in lines(ledger):
            name = text(v.get(field_name))
            if name and name not in staff:
                found.append(ledger.issue(SupplyCode.SUP_UNKNOWN_PERSON, row, field_name, role=role, name=name))
    return found


def late_rows(ledger: Ledger | None, open_one: Any) -> list[int]:
    """Rows of 领用登记 dated on or before an open stocktake's count day that were not there when it started."""
    if open_one is None:
        return []
    from .store import issue_fingerprint

    counted = Counter(open_one.fingerprints)  # the lines the book quantities were taken from
    seen: Counter[str] = Counter()
    found = []
    for row, v in lines(ledger):
        if v.get("date") is None or v["date"] > open_one.count_date:
            continue
        mark = issue_fingerprint(v)
        seen[mark] += 1
        if seen[mark] > counted[mark]:
            found.append(row)
    return found


def check_open_stocktake(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """领用登记: while a stocktake is open, no new issue dated on or before its count day."""
    open_one = _snapshot(ctx).open_stocktake
    return [
        ledger.issue(SupplyCode.SUP_STOCKTAKE_OPEN, row, "date", stocktake=open_one.number,
                     date=f"{open_one.count_date:%Y-%m-%d}")
        for row in late_rows(ledger, open_one)
    ]  # fmt: skip


def check_quote_dates(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """供应商报价: 有效期至 is not before 报价日期."""
    found = []
    for row, v in lines(ledger):
        quoted, until = v.get("quoted_on"), v.get("valid_until")
        if quoted is not None and until is not None and until < quoted:
            found.append(
                ledger.issue(
                    SupplyCode.SUP_QUOTE_DATES,
                    row,
                    "valid_until",
                    until=f"{until:%Y-%m-%d}",
                    quoted=f"{quoted:%Y-%m-%d}",
                )
            )
    return found
