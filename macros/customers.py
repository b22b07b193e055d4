"""客户档案 actions (regulation 二.2 / 四.2): read → plan (validators.customers.planners) → write."""

from __future__ import annotations

from typing import Any

import xlwings as xw

import validators.customers.planners as plans
from neiqin.base.errors import NeiQinError
from neiqin.core.ledger import read_ledger
from neiqin.core.plan import Plan, apply_plan
from validators.customers import GROUP

from .registry import Context, Summary, action, get


def _summary(action_id: str, plan: Plan) -> Summary:
    act = get(action_id)
    return Summary(action_id, act.label, plan.outcome, plan.message, rows=plan.rows, issues=plan.issues,
                   details=plan.details)  # fmt: skip


def read_dupe_sheet(book: xw.Book) -> list[dict[str, Any]]:
    """The rows of 『重复客户』 as the clerk left them, by header (empty when the sheet is not there)."""
    if plans.DUPES_SHEET not in [s.name for s in book.sheets]:
        return []
    values = book.sheets[plans.DUPES_SHEET].used_range.options(ndim=2).value or []
    header_at = next((i for i, r in enumerate(values[:10]) if "客户编号" in r and "保留" in r), None)
    if header_at is None:
        raise NeiQinError(
            f"『{plans.DUPES_SHEET}』没有「客户编号」「保留」两列，不是『查找重复客户』生成的工作表；"
            "请改名或删除后重新查找"
        )
    header = [str(h) if h is not None else "" for h in values[header_at]]
    return [
        {**dict(zip(header, r, strict=False)), "_row": header_at + 1 + n}
        for n, r in enumerate(values[header_at + 1 :], start=1)
    ]


@action(
    "find_duplicate_customers",
    label="查找重复客户",
    group=GROUP,
    image="DataValidation",
    screentip="找出可能是同一家的客户",
    supertip="按统一社会信用代码、手机、邮箱、规范化后的名称（有限公司/有限责任公司、括号、全半角）和相近名称，"
    "找出『客户档案』中可能重复的客户，连同依据和得分列在『重复客户』；在「保留」列标出每组要保留的客户。",
)
def find_duplicate_customers(book: xw.Book, ctx: Context) -> Summary:
    ledger = read_ledger(book, "customers", ctx.settings)
    marks = {
        str(r["客户编号"]): str(r["保留"]).strip()
        for r in read_dupe_sheet(book)
        if r.get("客户编号") is not None and r.get("保留") not in (None, "")
    }
    plan = plans.plan_duplicates(ledger, ctx.settings, ctx.today, marks)
    apply_plan(book, plan, ctx.settings, ctx.store)
    return _summary("find_duplicate_customers", plan)
