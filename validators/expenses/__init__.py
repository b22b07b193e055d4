"""费用报销单 — expense claim forms (regulation 二.7 / 三.7 / 四.7).

A claim is a form on its own sheet (名称以『费用报销单』开头): labels with the value to their
right, a line table of invoices, totals and approvals. 报销人填单附票 → 部门负责人审批 →
内勤初审 → 财务终审 → 付款 → 反馈; the companions 报销标准, 城市级别 and 报销登记 are
ledgers of their own.
"""

from __future__ import annotations

from typing import Any

from neiqin.core.kit import Button, Group, LedgerSpec

GROUP = Group("expenses", "费用", order=30)

from .codes import CODES, ExpenseCode  # noqa: E402  (the companions import GROUP from here)
from .rules import (  # noqa: E402
    RULES,
    RULES_VERSION,
    Snapshot,
    claim_fingerprint,
    form_invoices,
    form_months,
    read_snapshot,
)
from .schema import FORM, FORM_PREFIX, ExpenseForm, invoice_key  # noqa: E402
from .settings import ExpenseSettings  # noqa: E402
from .states import CLOSED, COUNTED, FINANCE_RESULTS, MACHINE, PENDING, ClaimStage, stage, transition  # noqa: E402


def write_template(wb: Any, form: dict[str, Any] | None = None, **options: Any) -> Any:
    """The 费用报销单 template sheet (openpyxl is loaded only when a sheet is written)."""
    from .template import write_expense_form

    return write_expense_form(wb, form, **options)


LEDGER = LedgerSpec(
    name="expenses",
    title="费用报销单",
    noun="费用明细",
    doc="每张报销单一个工作表（名称以『费用报销单』开头），按标签找内容：标签右边一格就是值；明细表按表头找。"
    "NeiQin 核对必填项、部门审批、发票代码与号码、税率与税额、合计(小写)与(大写)、开票日期、报销标准（限额）、"
    "附件张数和重复发票（含其他报销单已报销的发票）。",
    form=FORM,
    sheet="费用报销单",
    sheet_prefix=FORM_PREFIX,
    key=("claim_id",),
    companions=("expense_limits", "city_tiers"),
    checks_companions=True,
    rules=RULES,
    codes=CODES,
    template=write_template,
    states=MACHINE,
    settings=ExpenseSettings,
    group=GROUP,
    button=Button(
        "校验报销单",
        "DataValidation",
        "检查费用报销单（当前报销单，或全部以『费用报销单』开头的工作表）：必填项、部门审批、发票代码与号码、"
        "税率与税额、合计(小写)与(大写)、开票日期、报销标准、附件张数、重复发票（含其他报销单已报销的发票）。"
        "问题标在单元格上并列入『校验结果』，状态不变。",
    ),
    snapshot=read_snapshot,
)
LEDGERS = (LEDGER,)

__all__ = [
    "CLOSED",
    "COUNTED",
    "FINANCE_RESULTS",
    "FORM",
    "FORM_PREFIX",
    "GROUP",
    "LEDGER",
    "LEDGERS",
    "MACHINE",
    "PENDING",
    "RULES_VERSION",
    "ClaimStage",
    "ExpenseCode",
    "ExpenseForm",
    "ExpenseSettings",
    "Snapshot",
    "claim_fingerprint",
    "form_invoices",
    "form_months",
    "invoice_key",
    "read_snapshot",
    "stage",
    "transition",
]
