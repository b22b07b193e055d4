"""人员 — who works here: department, post, whether head of the department, mobile, e-mail.

Shared by every ledger that needs people: a borrower's department head approves a loan
(documents), notices go to attendees' phones and mailboxes (meetings), KPIs and reviews are per
person (assessment). ``head_of`` and ``people`` are what those ledgers call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neiqin.core.kit import Button, Group, LedgerSpec, register_group, template_path
from neiqin.core.layout import load_layout

from .codes import CODES, StaffCode
from .demo import CLERKS, demo_rows
from .rules import RULES, StaffRow, is_head
from .settings import StaffSettings

GROUP = register_group(Group("people", "人员与考核", order=80))

LEDGER = LedgerSpec(
    name="staff",
    title="人员",
    noun="人员",
    doc="每人一行：姓名、部门、职务、是否部门负责人、手机、邮箱。文件借阅按此找借阅人的部门负责人审批，"
    "会议通知、催办消息按此发送，考核按此列出内勤。姓名在公司内唯一（同名时加区分，如「张伟（华东）」）。",
    row=StaffRow,
    sheet="人员",
    sheet_synonyms=("人员名单", "员工名单", "通讯录", "员工信息", "花名册"),
    key=("name",),
    unique=("name",),
    rules=RULES,
    codes=CODES,
    settings=StaffSettings,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button("校验人员", "AcceptInvitation", "检查『人员』：必填项、姓名重复、手机和邮箱、每个部门的负责人。"),
)
LEDGERS = (LEDGER,)


@dataclass(frozen=True, slots=True)
class Person:
    """One person of 人员 as other ledgers use them."""

    name: str
    department: str | None
    title: str | None
    head: bool
    mobile: str | None
    email: str | None


def people(rows: Sequence[Mapping[str, Any]], head_values: Sequence[str] = ("是", "否")) -> dict[str, Person]:
    """Everyone of 人员 (rows as the ledger reader gives them, by field name), keyed by name."""
    found: dict[str, Person] = {}
    for row in rows:
        name = str(row.get("name") or "").strip()
        if name and name not in found:
            found[name] = Person(
                name,
                row.get("department"),
                row.get("title"),
                is_head(row.get("is_head"), head_values),
                row.get("mobile"),
                row.get("email"),
            )
    return found


def head_of(department: str | None, staff: Mapping[str, Person]) -> Person | None:
    """The first person marked head of ``department`` (None when the department has none)."""
    if not department:
        return None
    return next((p for p in staff.values() if p.head and p.department == department), None)


__all__ = ["CLERKS", "GROUP", "LEDGER", "LEDGERS", "Person", "StaffCode", "StaffRow", "demo_rows", "head_of", "people"]
