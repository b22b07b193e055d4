"""报销登记 — one row per expense claim and the date it reached each stage (regulation 三.7 / 四.7)."""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.schema import LedgerRow, column
from validators.expenses import GROUP


class ClaimRow(LedgerRow):
    """报销登记 one claim and the date it reached each stage."""

    claim_id: str = column(
        "报销单号", "单号", "报销单编号", description="与费用报销单上的单号相同", required=True, width=13
    )
    claimant: str | None = column("报销人", "姓名", description="报销人", width=8)
    department: str | None = column("部门", "报销部门", description="报销人所在部门", width=10)
    amount: float | None = column(
        "金额", "报销金额", "合计", description="报销单合计(小写)", width=12, number_format=f.MONEY
    )
    status: str | None = column(
        "状态", "报销状态", description="报销单所处的环节（按钮会填写）", choices="claim_statuses", width=10
    )
    submitted: dt.datetime | None = column(
        "提交日期", "报销日期", description="报销人填单提交的日期", width=11, number_format=f.DATE
    )
    approved: dt.datetime | None = column(
        "部门审批日期", "审批日期", description="部门负责人审批的日期", width=11, number_format=f.DATE
    )
    prereviewed: dt.datetime | None = column(
        "初审日期",
        description="内勤初审（通过或退回）的日期，『费用初审』『退回』填写",
        width=11,
        number_format=f.DATE,
    )
    handed_over: dt.datetime | None = column(
        "交财务日期", description="『提交财务』填写", width=11, number_format=f.DATE
    )
    finance_reviewed: dt.datetime | None = column(
        "财务审核日期",
        "终审日期",
        description="财务终审（通过或退回）的日期，『财务结果』填写",
        width=11,
        number_format=f.DATE,
    )
    paid: dt.datetime | None = column(
        "支付日期", "付款日期", description="财务付款的日期，『财务结果』填写", width=11, number_format=f.DATE
    )
    finance_result: str | None = column(
        "财务结果",
        description="内勤按财务的反馈填写：财务已审核、财务退回、已支付；再点『财务结果』",
        choices="finance_results",
        width=10,
    )
    result_date: dt.datetime | None = column(
        "结果日期", description="财务审核、退回或付款的日期；空 = 今天", width=11, number_format=f.DATE
    )
    finance_note: str | None = column("财务意见", description="财务退回的原因或其他意见", width=20)
    return_reason: str | None = column("退回原因", description="『退回』或『财务结果』填写", width=30)
    feedback: str | None = column("反馈", "反馈消息", description="给报销人的最新进度消息（按钮填写）", width=40)


LEDGER = LedgerSpec(
    name="claims",
    title="报销登记",
    noun="报销单",
    doc="每张报销单一行：金额、状态、提交 / 部门审批 / 初审 / 交财务 / 财务审核 / 支付各环节日期、"
    "退回原因和给报销人的反馈。"
    "按钮填写各环节日期；财务有结果时内勤填「财务结果」「结果日期」，再点『财务结果』。",
    row=ClaimRow,
    sheet="报销登记",
    sheet_synonyms=("报销台账", "费用报销登记", "报销登记表"),
    key=("claim_id",),
    unique=("claim_id",),
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验报销登记", "AcceptInvitation", "检查『报销登记』：单号重复、状态和财务结果、日期。", size="normal"
    ),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "ClaimRow"]
