"""人员: the row schema and its rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerRow, column

from .codes import StaffCode


class StaffRow(LedgerRow):
    """人员 one person."""

    name: str = column(
        "姓名", "人员", "员工姓名", description="在公司内唯一；其他台账的人名按此核对", required=True, width=10
    )
    department: str = column("部门", "所属部门", "部门名称", description="所属部门", required=True, width=12)
    title: str | None = column("职务", "岗位", "职位", description="职务或岗位，如 内勤、销售经理", width=12)
    is_head: str | None = column(
        "是否负责人",
        "部门负责人",
        "负责人",
        description="是 = 本部门负责人（审批本部门人员的借阅等）",
        choices="head_values",
        width=10,
    )
    mobile: str | None = column("手机", "手机号", "联系电话", description="接收会议通知、催办消息", width=14)
    email: str | None = column("邮箱", "电子邮箱", "Email", "E-mail", description="接收会议通知、催办邮件", width=24)


def is_head(value: Any, head_values: Sequence[str] = ("是", "否")) -> bool:
    """Whether a 是否负责人 cell says yes (the first of the configured values, or a plain yes)."""
    text = str(value or "").strip()
    return bool(text) and (text == head_values[0] or text.casefold() in {"是", "y", "yes", "true", "√", "✓"})


def check_contacts(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """手机 is a number that can be dialled, 邮箱 an address mail can go to."""
    from neiqin.core.china.contact import check_email, check_phone  # phonenumbers: only when checking

    found: list[Issue] = []
    for field_name, check, code in (
        ("mobile", check_phone, StaffCode.STF_BAD_MOBILE),
        ("email", check_email, StaffCode.STF_BAD_EMAIL),
    ):
        if not ledger.has(field_name):
            continue
        for row, value in zip(ledger.rows, ledger.frame[field_name], strict=True):
            if value is None:
                continue
            verdict = check(value)
            if not verdict.ok:
                found.append(ledger.issue(code, row, field_name, reason=verdict.reason))
    return found


def check_heads(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Every department has exactly one head (only when the sheet has the 是否负责人 column)."""
    if not (ledger.has("department") and ledger.has("is_head")):
        return []
    values = ctx.settings.head_values
    rows_of: dict[str, list[int]] = defaultdict(list)
    heads_of: dict[str, list[int]] = defaultdict(list)
    frame = ledger.frame
    for row, department, head in zip(ledger.rows, frame["department"], frame["is_head"], strict=True):
        if department is None:
            continue
        rows_of[str(department)].append(row)
        if is_head(head, values):
            heads_of[str(department)].append(row)
    found: list[Issue] = []
    for department, rows in rows_of.items():
        heads = heads_of.get(department, [])
        if not heads:
            found.append(ledger.issue(StaffCode.STF_NO_HEAD, rows[0], "is_head", department=department))
        elif len(heads) > 1:
            listed = "、".join(str(r) for r in heads)
            found.append(
                ledger.issue(
                    StaffCode.STF_TWO_HEADS, heads[1], "is_head", department=department, count=len(heads), rows=listed
                )
            )
    return found


RULES = (check_contacts, check_heads)
