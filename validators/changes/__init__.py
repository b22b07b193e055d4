"""订单变更记录 — change requests on order lines, reviewed, then executed by 『执行变更』 (制度三.1)."""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.schema import LedgerRow, column
from validators.orders import GROUP


class ChangeRow(LedgerRow):
    """订单变更记录 one change request."""

    change_id: str = column("变更单号", "变更编号", description="变更申请的编号，如 BG2611001", required=True, width=12)
    order_id: str = f.ORDER_ID(description="要变更的订单", required=True)
    product_code: str | None = f.PRODUCT_CODE(description="要变更的订单行；空 = 该订单的所有行（如整单改交期）")
    field: str = column(
        "变更字段", "变更项目", description="订单台账的列名，如 数量、交货日期、单价、规格型号", required=True, width=10
    )
    old_value: str | None = column("原值", "变更前", description="变更前的值；空时由『执行变更』按台账填写", width=14)
    new_value: str = column("新值", "变更后", description="变更后的值", required=True, width=14)
    reason: str | None = column("变更原因", "原因", description="客户或内部提出变更的原因", width=20)
    requested_by: str | None = column("提出方", "申请人", description="如 客户、销售、生产", width=8)
    reviewer: str | None = column("审核人", "审批人", description="审核变更的负责人", width=8)
    review: str | None = column(
        "审核结果",
        "审批结果",
        description="待审核、同意、驳回；只有“同意”的才会执行",
        choices="review_results",
        width=9,
    )
    notify: str | None = column(
        "应通知部门", "通知部门", description="『执行变更』按钮按变更内容填写：生产、采购、仓库、财务", width=14
    )
    executed_at: dt.datetime | None = column(
        "执行时间", description="『执行变更』按钮填写", width=16, number_format="yyyy-mm-dd hh:mm"
    )
    result: str | None = column("执行结果", description="『执行变更』按钮填写：已执行，或拒绝的原因", width=30)


LEDGER = LedgerSpec(
    name="changes",
    title="订单变更记录",
    noun="变更",
    doc="客户或内部提出的订单变更（数量、交货日期、单价、规格……），审核同意后由『执行变更』改到订单台账和任务单上，"
    "原值留档，已发货或已归档的变更被拒绝并写明原因。",
    row=ChangeRow,
    sheet="订单变更记录",
    sheet_synonyms=("订单变更", "变更记录", "变更单"),
    key=("change_id",),
    unique=("change_id",),
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验变更", "AcceptInvitation", "检查『订单变更记录』：必填项、变更单号重复、审核结果。", size="normal"
    ),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "ChangeRow"]
