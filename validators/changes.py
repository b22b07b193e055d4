"""订单变更记录: change requests on order lines, reviewed, then executed by 『执行变更』."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from neiqin.base.perf import gc_paused
from neiqin.core.checks import check_columns
from neiqin.core.config import Settings
from neiqin.core.issues import Issue, sort_issues
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerInfo, LedgerRow, column, register_ledger


@register_ledger
class ChangeRow(LedgerRow):
    """订单变更记录 one change request."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="changes",
        sheet="订单变更记录",
        sheet_synonyms=("订单变更", "变更记录", "变更单"),
        title="订单变更记录",
        key=("change_id",),
    )

    change_id: str = column("变更单号", "变更编号", description="变更申请的编号，如 BG2611001", required=True, width=12)
    order_id: str = column("订单编号", "订单号", description="要变更的订单", required=True, width=14)
    product_code: str | None = column(
        "产品编码", "物料编码", description="要变更的订单行；空 = 该订单的所有行（如整单改交期）", width=12
    )
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


def check(ledger: Ledger, settings: Settings | None = None, today: dt.date | None = None) -> list[Issue]:
    settings = settings or Settings()
    with gc_paused():
        return sort_issues(list(ledger.issues) + check_columns(ledger, settings))
