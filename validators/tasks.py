"""生产任务单 / 采购任务单: order lines passed to production or purchasing, with their feedback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from neiqin.base.perf import gc_paused
from neiqin.core.checks import check_columns
from neiqin.core.config import Settings
from neiqin.core.issues import Issue, sort_issues
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerInfo, LedgerRow, column, register_ledger

DATE = "yyyy-mm-dd"


class TaskRow(LedgerRow):
    """One order line passed to a department; the department fills the feedback columns."""

    order_id: str = column("订单编号", "订单号", "单号", description="订单台账中的订单编号", required=True, width=14)
    product_code: str = column("产品编码", "物料编码", "货号", description="产品编码", required=True, width=12)
    product_name: str | None = column("产品名称", "品名", description="产品名称", width=16)
    spec: str | None = column("规格型号", "规格", "型号", description="规格型号", width=18)
    quantity: Decimal | None = column("数量", "订单数量", description="数量", width=8, number_format="#,##0.##")
    delivery_date: dt.date | None = column(
        "交货日期", "交期", description="客户要求的交货日期", width=12, number_format=DATE
    )
    issued_on: dt.date | None = column(
        "下达日期", "下单日期", description="『下达订单』按钮填写：内勤下达的日期", width=12, number_format=DATE
    )
    progress: str | None = column(
        "进度", "执行进度", description="由部门填写：未开始、进行中、已完成", choices="task_progress", width=8
    )
    expected_date: dt.date | None = column(
        "预计完成日期", "预计交期", description="由部门填写：预计完成的日期", width=12, number_format=DATE
    )
    problem_type: str | None = column(
        "问题类型", "异常类型", description="由部门填写：延期、缺料、质量、其他", choices="problem_types", width=9
    )
    problem_note: str | None = column(
        "问题说明", "异常说明", "备注", description="由部门填写：问题的具体情况", width=24
    )


@register_ledger
class ProductionTaskRow(TaskRow):
    """生产任务单 one line."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="production_tasks",
        sheet="生产任务单",
        sheet_synonyms=("生产任务", "生产计划"),
        title="生产任务单",
        key=("order_id",),
    )


@register_ledger
class PurchaseTaskRow(TaskRow):
    """采购任务单 one line."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="purchase_tasks",
        sheet="采购任务单",
        sheet_synonyms=("采购任务", "采购计划"),
        title="采购任务单",
        key=("order_id",),
    )


def check(ledger: Ledger, settings: Settings | None = None, today: dt.date | None = None) -> list[Issue]:
    """Required fields, dates, closed lists."""
    settings = settings or Settings()
    with gc_paused():
        return sort_issues(list(ledger.issues) + check_columns(ledger, settings))
